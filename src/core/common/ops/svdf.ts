/**
 * SVDF (singular value decomposition filter, the streaming keyword models' layer), as TFLite
 * Micro prepares and runs it (svdf_common.cc):
 *
 *     inputs: 0 x [B, I], 1 weights_feature [F, I], 2 weights_time [F, M], 3 bias [U] (optional),
 *             4 state [B, F·M] (variable); output [B, U], U = F / rank.
 *
 * Each run shifts the state left by one element, writes the feature matmul x·Wfᵀ into each
 * filter's newest memory slot, dots each filter's memory with its time weights, sums `rank`
 * filters per unit, adds the bias.
 *
 * - int8 (int16 or int8 state and time weights, int32 bias): the feature dot of (x - zpIn)
 *   rescaled by QuantizeMultiplier(sIn·sWf / sState), clamped to the state type, plus the state
 *   zero point; the time dot of (state - zpState) in int32; the sum rescaled by
 *   QuantizeMultiplier(sState·sWt / sOut), plus the output zero point, clamped to int8 (the
 *   integer kernel applies no fused activation). The scale products are float32, as in the C code.
 * - float32: the same steps in float32, then the fused activation.
 */
import type { Activation } from '../ir/types.js';
import { formatShape } from '../ir/tensor.js';
import { activationRangeFloat, dtypeRange, type ActivationRange } from './activation.js';
import type { QuantizedMultiplier } from './fixed-point.js';
import { expectDType, expectRank, inputTensor, optionalInputTensor, outputTensor, tensorName } from './op.js';
import { activationQuantization, rescale } from './quantization.js';
import { defineOp } from './registry.js';

export interface SvdfAttrs {
  rank: number;
  activation: Activation;
}

export interface SvdfPlan {
  batch: number;
  inputSize: number;
  filters: number;
  units: number;
  rank: number;
  memory: number;
  hasBias: boolean;
  arithmetic:
    | { flavour: 'float32'; activation: ActivationRange }
    | {
        flavour: 'int8';
        /** dtype of the state and of the time weights. */
        stateType: 'int8' | 'int16';
        inputZeroPoint: number;
        stateZeroPoint: number;
        outputZeroPoint: number;
        /** sIn·sWf / sState. */
        feature: QuantizedMultiplier;
        /** sState·sWt / sOut. */
        output: QuantizedMultiplier;
        stateRange: ActivationRange;
      };
}

export const svdf = defineOp<SvdfPlan>({
  types: ['SVDF'],
  minInputs: 5,
  precisions: ['int8', 'float32'],
  macs(graph, op) {
    const weightsFeature = graph.tensors[op.inputs[1]];
    const weightsTime = graph.tensors[op.inputs[2]];
    const batch = graph.tensors[op.inputs[0]].shape[0] ?? 1;
    return batch * (weightsFeature.shape[0] * weightsFeature.shape[1] + weightsTime.shape[0] * weightsTime.shape[1]);
  },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const weightsFeature = inputTensor(context, 1, 'weights_feature');
    const weightsTime = inputTensor(context, 2, 'weights_time');
    const bias = optionalInputTensor(context, 3);
    const state = inputTensor(context, 4, 'state');
    const output = outputTensor(context);
    expectRank(context, input, 'input', 2);
    expectRank(context, weightsFeature, 'weights_feature', 2);
    expectRank(context, weightsTime, 'weights_time', 2);
    const attrs = context.op.attrs as Partial<SvdfAttrs>;
    const rank = attrs.rank ?? 1;
    const [batch, inputSize] = input.shape;
    const [filters, featureInputs] = weightsFeature.shape;
    const memory = weightsTime.shape[1];
    if (!Number.isInteger(rank) || rank < 1 || filters % rank !== 0) context.fail(`rank ${rank} does not divide the ${filters} filters of weights_feature ${tensorName(weightsFeature)}`);
    const units = filters / rank;
    if (featureInputs !== inputSize) context.fail(`weights_feature ${tensorName(weightsFeature)} has shape ${formatShape(weightsFeature.shape)}, input has ${inputSize} features`);
    if (weightsTime.shape[0] !== filters) context.fail(`weights_time ${tensorName(weightsTime)} has shape ${formatShape(weightsTime.shape)}, expected ${filters} filters`);
    if (!state.variable) context.fail(`state ${tensorName(state)} must be a variable tensor`);
    if (state.shape.reduce((a, b) => a * b, 1) !== batch * filters * memory) {
      context.fail(`state ${tensorName(state)} has shape ${formatShape(state.shape)}, expected ${formatShape([batch, filters * memory])}`);
    }
    if (output.shape.reduce((a, b) => a * b, 1) !== batch * units) {
      context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape([batch, units])}`);
    }
    if (bias && bias.shape.reduce((a, b) => a * b, 1) !== units) context.fail(`bias ${tensorName(bias)} has shape ${formatShape(bias.shape)}, expected ${formatShape([units])}`);
    const geometry = { batch, inputSize, filters, units, rank, memory, hasBias: bias !== undefined };
    expectDType(context, input, 'input', 'float32', 'int8');
    if (input.dtype === 'float32') {
      for (const [role, tensor] of [['weights_feature', weightsFeature], ['weights_time', weightsTime], ['state', state], ['output', output]] as const) expectDType(context, tensor, role, 'float32');
      if (bias) expectDType(context, bias, 'bias', 'float32');
      return { ...geometry, arithmetic: { flavour: 'float32', activation: activationRangeFloat(context, attrs.activation ?? 'none') } };
    }
    expectDType(context, weightsFeature, 'weights_feature', 'int8');
    expectDType(context, weightsTime, 'weights_time', 'int16', 'int8');
    expectDType(context, state, 'state', weightsTime.dtype);
    expectDType(context, output, 'output', 'int8');
    if (bias) expectDType(context, bias, 'bias', 'int32');
    const qIn = activationQuantization(context, input, 'input');
    const qWf = activationQuantization(context, weightsFeature, 'weights_feature');
    const qWt = activationQuantization(context, weightsTime, 'weights_time');
    const qState = activationQuantization(context, state, 'state');
    const qOut = activationQuantization(context, output, 'output');
    const f = Math.fround;
    const stateType = weightsTime.dtype as 'int8' | 'int16';
    return {
      ...geometry,
      arithmetic: {
        flavour: 'int8',
        stateType,
        inputZeroPoint: qIn.zeroPoint,
        stateZeroPoint: qState.zeroPoint,
        outputZeroPoint: qOut.zeroPoint,
        feature: rescale(context, f(f(f(qIn.scale) * f(qWf.scale)) / f(qState.scale)), 'feature'),
        output: rescale(context, f(f(f(qState.scale) * f(qWt.scale)) / f(qOut.scale)), 'output'),
        stateRange: dtypeRange[stateType]!,
      },
    };
  },
});
