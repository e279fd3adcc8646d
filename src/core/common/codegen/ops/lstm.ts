import { elementCount } from '../../ir/tensor.js';
import type { OpOf, Tensor } from '../../ir/types.js';
import { cFloat, cInt } from '../c-source.js';
import { lstmF32BufferSize, lstmS8BufferSize } from '../kernel-buffers.js';
import {
  expectConstant,
  expectDType,
  expectRank,
  expectShape,
  fail,
  input,
  optionalInput,
  output,
  quantization,
  registerLegacyLowerer,
  tensorName,
  type LowerContext,
  type OpEmitter,
  type OpLowering,
} from '../lowering.js';
import { requant, requantC } from '../params.js';

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM → td_lstm_s8 / td_lstm_f32: TFLite Micro's LSTM without CIFG,
 * peephole, projection or layer normalisation (each refused by name). int8: gate FCs rescale
 * to the Q3.12 gate input (scale 2^-12) with TFLite's GetQuantizedConvolutionMultipler, the
 * inter-gate products follow CreateInterGateMulParams, the cell scale must be a power of two.
 */

const inputIndex = 0;
const gateInputs = {
  input: { weights: 1, recurrent: 5, bias: 12 },
  forget: { weights: 2, recurrent: 6, bias: 13 },
  cell: { weights: 3, recurrent: 7, bias: 14 },
  output: { weights: 4, recurrent: 8, bias: 15 },
} as const;
const unsupportedInputs: [number, string][] = [
  [9, 'peephole (cell-to-input weights)'],
  [10, 'peephole (cell-to-forget weights)'],
  [11, 'peephole (cell-to-output weights)'],
  [16, 'projection weights'],
  [17, 'projection bias'],
  [20, 'layer normalisation (input)'],
  [21, 'layer normalisation (forget)'],
  [22, 'layer normalisation (cell)'],
  [23, 'layer normalisation (output)'],
];
const hiddenStateIndex = 18;
const cellStateIndex = 19;
/** Gate order of the kernel's parameter struct (TFLite's evaluation order). */
const gateOrder = ['forget', 'input', 'cell', 'output'] as const;

function lowerLstm(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'UNIDIRECTIONAL_SEQUENCE_LSTM'>;
  const x = input(context, inputIndex, 'input');
  const y = output(context);
  for (const [index, what] of unsupportedInputs) {
    if (optionalInput(context, index)) fail(context, `${what} (input ${index}) is not supported`);
  }
  if (!optionalInput(context, gateInputs.input.weights)) fail(context, 'CIFG (coupled input and forget gates, input 1 absent) is not supported');
  if (op.attrs.activation !== 'tanh') fail(context, `cell activation ${op.attrs.activation} is not supported, expected tanh`);
  expectRank(context, x, 'input', 3);
  const timeMajor = op.attrs.timeMajor;
  const [timeSteps, batchSize] = timeMajor ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
  const inputSize = x.shape[2];
  const hidden = input(context, hiddenStateIndex, 'hidden state');
  const cell = input(context, cellStateIndex, 'cell state');
  if (!hidden.variable || !cell.variable) fail(context, `hidden state ${tensorName(hidden)} and cell state ${tensorName(cell)} must be variable tensors`);
  const forgetWeights = input(context, gateInputs.forget.weights, 'input-to-forget weights');
  const stateSize = forgetWeights.shape[0];
  for (const [gate, indices] of Object.entries(gateInputs)) {
    const weights = input(context, indices.weights, `input-to-${gate} weights`);
    const recurrent = input(context, indices.recurrent, `recurrent-to-${gate} weights`);
    const bias = input(context, indices.bias, `${gate} gate bias`);
    expectConstant(context, weights, `input-to-${gate} weights`);
    expectConstant(context, recurrent, `recurrent-to-${gate} weights`);
    expectConstant(context, bias, `${gate} gate bias`);
    expectShape(context, weights, `input-to-${gate} weights`, [stateSize, inputSize]);
    expectShape(context, recurrent, `recurrent-to-${gate} weights`, [stateSize, stateSize]);
    expectShape(context, bias, `${gate} gate bias`, [stateSize]);
  }
  for (const [tensor, role] of [
    [hidden, 'hidden state'],
    [cell, 'cell state'],
  ] as const) {
    if (elementCount(tensor.shape) !== batchSize * stateSize) {
      fail(context, `${role} ${tensorName(tensor)} holds ${elementCount(tensor.shape)} values, expected batch ${batchSize} × state ${stateSize}`);
    }
  }
  expectShape(context, y, 'output', timeMajor ? [timeSteps, batchSize, stateSize] : [batchSize, timeSteps, stateSize]);
  const dims = `{${timeMajor ? 1 : 0}, ${batchSize}, ${timeSteps}, ${inputSize}, ${stateSize}}`;
  const tensorsOf = (gate: keyof typeof gateInputs) => ({
    weights: input(context, gateInputs[gate].weights, `input-to-${gate} weights`),
    recurrent: input(context, gateInputs[gate].recurrent, `recurrent-to-${gate} weights`),
    bias: input(context, gateInputs[gate].bias, `${gate} gate bias`),
  });
  const call = (kernel: string, e: OpEmitter, params: string) =>
    `${kernel}(${e.context()}, ${params}, ${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(cell, 'write')}, ${e.pointer(y, 'write')})`;

  if (y.dtype === 'float32') {
    for (const tensor of [x, hidden, cell]) expectDType(context, tensor, tensorName(tensor), 'float32');
    for (const gate of gateOrder) {
      const t = tensorsOf(gate);
      for (const tensor of [t.weights, t.recurrent, t.bias]) expectDType(context, tensor, `${gate} gate tensor`, 'float32');
    }
    const cellClip = op.attrs.cellClip > 0 ? op.attrs.cellClip : 0;
    return {
      kernels: ['td_lstm_f32'],
      scratchBytes: lstmF32BufferSize(batchSize, stateSize),
      emit: (e) => {
        const gates = gateOrder.map((gate) => {
          const t = tensorsOf(gate);
          return `{${e.pointer(t.weights, 'read')}, ${e.pointer(t.recurrent, 'read')}, ${e.pointer(t.bias, 'read')}}`;
        });
        const params = e.struct('params', 'td_lstm_params_f32', `{${dims}, ${gates.join(', ')}, TD_LSTM_TANH, ${cFloat(cellClip)}}`);
        return call('td_lstm_f32', e, params);
      },
    };
  }

  expectDType(context, x, 'input', 'int8');
  expectDType(context, hidden, 'hidden state', 'int8');
  expectDType(context, cell, 'cell state', 'int16');
  expectDType(context, y, 'output', 'int8');
  const qx = quantization(context, x, 'input');
  const qh = quantization(context, hidden, 'hidden state');
  const qc = quantization(context, cell, 'cell state');
  const qy = quantization(context, y, 'output');
  if (qy.scale !== qh.scale || qy.zeroPoint !== qh.zeroPoint) {
    fail(context, `output ${tensorName(y)} (scale ${qy.scale}, zero point ${qy.zeroPoint}) must share the hidden state's quantization (scale ${qh.scale}, zero point ${qh.zeroPoint})`);
  }
  const cellPower = Math.round(Math.log2(qc.scale));
  if (2 ** cellPower !== qc.scale) fail(context, `cell state ${tensorName(cell)} has scale ${qc.scale}, expected a power of two`);
  const gateScale = 2 ** -12;
  const activationScale = 2 ** -15;
  const fcRequant = (inputScale: number, weights: Tensor, role: string) => {
    expectDType(context, weights, role, 'int8');
    const qw = quantization(context, weights, role);
    if (qw.zeroPoint !== 0) fail(context, `${role} ${tensorName(weights)} has zero point ${qw.zeroPoint}, expected 0`);
    return requantC(requant(context, Math.fround(inputScale * qw.scale) / gateScale, role));
  };
  const gateParams = gateOrder.map((gate) => {
    const t = tensorsOf(gate);
    expectDType(context, t.bias, `${gate} gate bias`, 'int32');
    return {
      t,
      inputFc: fcRequant(qx.scale, t.weights, `input-to-${gate} weights`),
      recurrentFc: fcRequant(qh.scale, t.recurrent, `recurrent-to-${gate} weights`),
    };
  });
  const forgetCell = requantC(requant(context, (activationScale * qc.scale) / qc.scale, 'forget × cell'));
  const inputCell = requantC(requant(context, (activationScale * activationScale) / qc.scale, 'input × cell gate'));
  const outputHidden = requantC(requant(context, (activationScale * activationScale) / qh.scale, 'output × tanh(cell)'));
  const clipEnabled = op.attrs.cellClip > 0 ? 1 : 0;
  const quantizedClip = clipEnabled ? Math.trunc(Math.min(Math.max(op.attrs.cellClip / qc.scale, -32768), 32767)) : 0;
  return {
    kernels: ['td_lstm_s8'],
    scratchBytes: lstmS8BufferSize(batchSize, stateSize),
    emit: (e) => {
      const gates = gateParams.map(
        ({ t, inputFc, recurrentFc }) =>
          `{${e.pointer(t.weights, 'read')}, ${e.pointer(t.recurrent, 'read')}, ${e.pointer(t.bias, 'read')}, ${-qx.zeroPoint}, ${inputFc}, ${-qh.zeroPoint}, ${recurrentFc}}`,
      );
      const params = e.struct(
        'params',
        'td_lstm_params_s8',
        `{${dims}, ${gates.join(', ')}, TD_LSTM_TANH, ${forgetCell}, ${inputCell}, ${outputHidden}, ${cInt(qh.zeroPoint)}, ${clipEnabled}, ${quantizedClip}, ${cellPower}}`,
      );
      return call('td_lstm_s8', e, params);
    },
  };
}

registerLegacyLowerer('UNIDIRECTIONAL_SEQUENCE_LSTM', lowerLstm);
