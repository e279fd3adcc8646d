/**
 * The graph rewrite of post-training quantization: a float32 graph, the ranges calibration
 * measured and a precision per op become the quantized graph.
 *
 *     before (float32)                               after (all int8, io int8)
 *     %0 f32 ─ CONV_2D(%0, W f32, b f32) ─ %3 f32     %0 i8 q(s0,z0) ─ CONV_2D(%0, W i8 per-channel, b i32) ─ %3 i8 q(s3,z3)
 *        ─ AVERAGE_POOL_2D ─ %4 f32                      ─ AVERAGE_POOL_2D ─ %4 i8 q(s3,z3)   (same parameters)
 *        ─ FULLY_CONNECTED ─ %6 f32 ─ SOFTMAX ─ %7       ─ FULLY_CONNECTED ─ %6 i8 ─ SOFTMAX ─ %7 i8 q(1/256, −128)
 *
 * Each op runs at its precision: `int8` (TFLite's full-integer scheme), `int16` (16x8: int16
 * activations, int8 weights, int64 biases) or `float32` (left as it is). Where a tensor's
 * producer and a reader run at different precisions, a conversion op goes between them, right
 * before the reader: QUANTIZE (float → int, or int8 ↔ int16 requantization) or DEQUANTIZE
 * (int → float). The graph's float inputs and outputs become `io` (int8 as the shipped int8
 * MLPerf Tiny models have, or float32, e.g. to compare one quantized layer inside a float model).
 * See `parameters.ts` for the arithmetic, `quantize-lstm.ts` for the LSTM.
 *
 * Output encodings per op type: calibrated (conv, depthwise, fully connected, add, sub, mul,
 * mean, relu); fixed by TFLite (softmax, logistic, tanh); the data input's own for the ops whose
 * integer kernels do not rescale (the op library's `preservesQuantization`: reshape, transpose,
 * slices, gather, split, unpack, reverse, resize, pad, pooling; and relu6): a calibrated scale
 * there would relabel the copied bytes with a wrong scale. Ops whose inputs are all data
 * (concatenation, pack, minimum, maximum) share one encoding, the output's calibrated one, their
 * inputs requantized to it when they differ (TFLite Micro needs them equal).
 *
 * Tensor ids are kept: a quantized activation or weight takes the place of its float original,
 * and conversions, a constant needed in two encodings and LSTM intermediates are appended, so
 * nothing is orphaned. The input graph is never modified.
 *
 * Not handled, deliberately: ops without an integer kernel in TinyDeploy (they stay float32
 * with conversions around them, reported by `precisionRefusal`), PAD
 * with an explicit pad value, per-channel fully connected weights (TFLite's converter and the
 * shipped models use per-tensor ones).
 */

import { PassError } from '../../errors.js';
import type { Graph, Op, Quantization } from '../../ir/types.js';
import { isOp } from '../../ir/types.js';
import type { CalibrationTable } from './calibrate.js';
import {
  type QuantizedDType,
  activationQuantization,
  asymmetricInt8,
  fixedOutputQuantization,
  quantizeBias,
  quantizeConstant,
  quantizeValues,
  quantizeWeights,
} from './parameters.js';
import { lstmRefusal, quantizeLstm } from './quantize-lstm.js';
import { gruRefusal, quantizeGru } from './quantize-gru.js';
import { gruOpType } from '../../ops/gru-layout.js';
import { definedOpTypes, findOp, type WeightInput } from '../../ops/index.js';
import { QuantizedGraphBuilder, isFloatActivation, isFloatConstant, type Precision } from './graph-builder.js';

export type { Precision } from './graph-builder.js';


export interface QuantizationPlan {
  /** Precision of each op, by op index (ops that compute nothing in float32 ignore theirs). */
  precisions: readonly Precision[];
  /** Type the graph's float32 inputs and outputs become. */
  io: 'int8' | 'float32';
  /** Convolution weights with one scale per output channel (TFLite's default) or one per tensor. */
  perChannel: boolean;
}

/** Op types the quantizer can give `precision`: the op library's `precisions` of each op. */
function opTypesAt(precision: QuantizedDType): ReadonlySet<string> {
  return new Set(definedOpTypes().filter((type) => findOp(type)!.precisions.includes(precision)));
}

/** Op types with an int8 kernel in the interpreter and the C generator. */
export const int8OpTypes = opTypesAt('int8');

/** Op types with an int16 (16x8) kernel in the interpreter. */
export const int16OpTypes = opTypesAt('int16');

/** The one weight input of conv, depthwise and FC (the LSTM's many are its own quantizer's). */
function singleWeight(type: string): WeightInput | undefined {
  const weights = findOp(type)?.weights;
  return weights?.length === 1 ? weights[0] : undefined;
}

/** Fused activations an integer kernel applies as a clamp. */
const integerActivations: ReadonlySet<string> = new Set(['none', 'relu', 'relu6', 'relu_n1_to_1']);

/** Whether the op computes something in float32 (writes a float32 tensor): only such ops are quantized. */
export function computesInFloat(graph: Graph, op: Op): boolean {
  return op.outputs.some((id) => graph.tensors[id].dtype === 'float32');
}

/**
 * Why op `index` cannot run at `precision`, or undefined when it can: an op type without an
 * integer kernel, a fused activation an integer kernel cannot clamp, weights that are not float32
 * constants, an LSTM variant the int8 LSTM does not cover.
 */
export function precisionRefusal(graph: Graph, index: number, precision: QuantizedDType): string | undefined {
  const op = graph.ops[index];
  const types = precision === 'int8' ? int8OpTypes : int16OpTypes;
  if (!types.has(op.type)) return `no ${precision} kernel for ${op.type}`;
  const tensor = (position: number) => ((op.inputs[position] ?? -1) >= 0 ? graph.tensors[op.inputs[position]] : undefined);
  if (isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) return lstmRefusal(graph, op, index);
  if (op.type === gruOpType) return gruRefusal(graph, op, index);
  const activation = (op.attrs as { activation?: string }).activation;
  if (activation !== undefined && !integerActivations.has(activation)) return `fused activation ${activation} has no integer form`;
  const weighted = singleWeight(op.type);
  if (weighted) {
    const weights = tensor(weighted.input);
    if (!weights || !isFloatConstant(weights)) {
      return `weights tensor ${op.inputs[weighted.input]}${weights ? ` (${weights.name}) is ${weights.data ? `a ${weights.dtype}` : 'not a'} constant` : ' is missing'}, expected float32 constant weights`;
    }
    const bias = weighted.bias === undefined ? undefined : tensor(weighted.bias);
    if (bias && !isFloatConstant(bias)) return `bias tensor ${bias.id} (${bias.name}) is not a float32 constant`;
  }
  if ((op.type === 'PAD' || op.type === 'PADV2') && tensor(2)) return `${op.type} with an explicit pad value is not quantized`;
  const preserved = findOp(op.type)?.preservesQuantization?.input;
  const slot = typeof preserved === 'number' ? preserved : 0;
  const input = tensor(slot);
  if (!input || input.dtype !== 'float32') return `input tensor ${op.inputs[slot]} is ${input?.dtype ?? 'missing'}, expected float32`;
  return undefined;
}

/**
 * The quantized graph and notes on what was done (conversions added, biases clamped). Throws
 * PassError when an activation the plan quantizes has no calibrated range, or an op cannot run
 * at the precision the plan gives it (callers check `precisionRefusal` first).
 */
export function quantizeGraph(graph: Graph, table: CalibrationTable, plan: QuantizationPlan): { graph: Graph; notes: string[] } {
  const builder = new QuantizedGraphBuilder(graph, table);
  for (const id of graph.inputs) {
    if (plan.io === 'int8' && isFloatActivation(graph.tensors[id])) builder.encode(id, 'int8', asymmetricInt8(builder.range(id)));
  }
  graph.ops.forEach((op, index) => {
    const precision = plan.precisions[index] ?? 'float32';
    if (precision === 'float32' || !computesInFloat(graph, op)) {
      builder.keep(op);
      return;
    }
    const refusal = precisionRefusal(graph, index, precision);
    if (refusal) throw new PassError(`op ${index} (${op.type}) cannot run at ${precision}: ${refusal}`, { op: index, precision });
    if (isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) quantizeLstm(builder, op, index, precision);
    else if (op.type === gruOpType) quantizeGru(builder, op, precision);
    else quantizeOp(builder, op, precision, plan);
  });
  const outputs = graph.outputs.map((id) => (isFloatActivation(graph.tensors[id]) ? builder.representation(id, plan.io) : id));
  if (builder.conversions > 0) builder.notes.push(`added ${builder.conversions} conversion op${builder.conversions === 1 ? '' : 's'} between precisions`);
  return { graph: { ...graph, tensors: builder.tensors, ops: builder.ops, outputs }, notes: builder.notes };
}


/** The quantized form of one non-LSTM op at int8 or int16 (see the file comment for the encodings). */
function quantizeOp(builder: QuantizedGraphBuilder, op: Op, dtype: QuantizedDType, plan: QuantizationPlan): void {
  const source = builder.source.tensors;
  const output = op.outputs[0];
  const encodeOutput = (quantization: Quantization) => builder.encode(output, dtype, quantization);
  const input = (position: number, quantization?: Quantization): number => {
    const id = op.inputs[position];
    if (id === undefined || id < 0) return -1;
    const tensor = source[id];
    if (isFloatActivation(tensor)) return builder.representation(id, dtype, quantization);
    if (isFloatConstant(tensor)) {
      return quantization
        ? builder.constant(id, `${dtype} ${quantization.scale[0]} ${quantization.zeroPoint[0]}`, () => ({
            dtype,
            data: quantizeValues(tensor.data as Float32Array, quantization, dtype),
            quantization,
          }))
        : builder.constant(id, `${dtype} constant`, () => ({ dtype, ...quantizeConstant(tensor, dtype) }));
    }
    return id;
  };
  const push = (inputs: number[]) => builder.ops.push({ ...op, inputs } as Op);

  const weighted = singleWeight(op.type);
  if (weighted) {
    const x = input(0);
    const inputScale = builder.tensors[x].quantization!.scale[0];
    const filter = source[op.inputs[weighted.input]];
    // Fully connected weights stay per-tensor, as TFLite's converter and the shipped models have them.
    const axis = !plan.perChannel || op.type === 'FULLY_CONNECTED' ? undefined : weighted.axis;
    const weights = builder.constant(filter.id, `int8 weights axis ${axis ?? 'tensor'}`, () => ({ dtype: 'int8', ...quantizeWeights(filter, axis) }));
    const inputs = [...op.inputs];
    inputs[0] = x;
    inputs[weighted.input] = weights;
    const biasSlot = weighted.bias ?? -1;
    const biasId = op.inputs[biasSlot] ?? -1;
    if (biasId >= 0) {
      const biasType = dtype === 'int8' ? 'int32' : 'int64';
      const weightScales = builder.tensors[weights].quantization!.scale;
      inputs[biasSlot] = builder.constant(biasId, `${biasType} bias ${inputScale} ${weights}`, () => {
        const bias = quantizeBias(source[biasId], inputScale, weightScales, biasType);
        if (bias.clamped > 0) {
          builder.notes.push(`bias tensor ${biasId} (${source[biasId].name}): ${bias.clamped} value(s) clamped to the int32 range`);
        }
        return { dtype: biasType, data: bias.data, quantization: bias.quantization };
      });
    }
    push(inputs);
    encodeOutput(activationQuantization(dtype, builder.range(output)));
    return;
  }
  const preserved = findOp(op.type)?.preservesQuantization;
  if (preserved?.input === 'all') {
    const quantization = activationQuantization(dtype, builder.range(output));
    push(op.inputs.map((_, position) => input(position, quantization)));
    for (const id of op.outputs) builder.encode(id, dtype, quantization);
    return;
  }
  if (preserved) {
    // Every output (SPLIT and UNPACK have several) takes the data input's scale and zero point.
    const inputs = [...op.inputs];
    const x = input(preserved.input);
    inputs[preserved.input] = x;
    push(inputs);
    for (const id of op.outputs) builder.encode(id, dtype, builder.tensors[x].quantization!);
    return;
  }
  switch (op.type) {
    case 'RELU6': {
      const x = input(0);
      push([x, ...op.inputs.slice(1)]);
      encodeOutput(builder.tensors[x].quantization!);
      return;
    }
    case 'SOFTMAX':
    case 'LOGISTIC':
    case 'TANH': {
      push([input(0), ...op.inputs.slice(1)]);
      encodeOutput(fixedOutputQuantization(op.type, dtype)!);
      return;
    }
    case 'ADD':
    case 'SUB':
    case 'MUL':
      push(op.inputs.map((_, position) => input(position)));
      encodeOutput(activationQuantization(dtype, builder.range(output)));
      return;
    default:
      // RELU, MEAN: a quantized input, other inputs (MEAN's axes) unchanged, a calibrated output.
      push([input(0), ...op.inputs.slice(1)]);
      encodeOutput(activationQuantization(dtype, builder.range(output)));
  }
}
