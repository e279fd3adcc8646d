import { InterpreterError } from '../errors.js';
import type { Activation, DType, Graph, Op, Padding, Quantization, Tensor } from '../ir/types.js';
import { formatShape } from '../ir/tensor.js';
import { roundHalfAwayFromZero } from '../ops/fixed-point.js';

/** "op 3 (CONV_2D)": how errors name an op. */
export function opLabel(op: Op, opIndex: number): string {
  return `op ${opIndex} (${op.type})`;
}

export function failOp(op: Op, opIndex: number, message: string): never {
  throw new InterpreterError(`${opLabel(op, opIndex)}: ${message}`, { opIndex, op: op.type });
}

/** The tensor behind input `i` of an op; fails naming the op when it is absent. */
export function inputTensor(graph: Graph, op: Op, opIndex: number, i: number): Tensor {
  const id = op.inputs[i];
  if (id === undefined || id < 0) failOp(op, opIndex, `input ${i} is missing`);
  return graph.tensors[id];
}

export function outputTensor(graph: Graph, op: Op, i: number): Tensor {
  return graph.tensors[op.outputs[i]];
}

export function expectDType(op: Op, opIndex: number, tensor: Tensor, role: string, ...allowed: DType[]): void {
  if (!allowed.includes(tensor.dtype)) {
    failOp(op, opIndex, `${role} tensor ${tensor.id} (${tensor.name}) is ${tensor.dtype}, expected ${allowed.join(' or ')}`);
  }
}

export function expectRank(op: Op, opIndex: number, tensor: Tensor, role: string, rank: number): void {
  if (tensor.shape.length !== rank) {
    failOp(op, opIndex, `${role} tensor ${tensor.id} has shape ${formatShape(tensor.shape)}, expected rank ${rank}`);
  }
}

/** Per-tensor scale and zero point; fails when the tensor is not quantized. */
export function tensorQuantization(op: Op, opIndex: number, tensor: Tensor, role: string): { scale: number; zeroPoint: number } {
  const q = tensor.quantization;
  if (!q || q.scale.length === 0) failOp(op, opIndex, `${role} tensor ${tensor.id} (${tensor.name}) has no quantization parameters`);
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

export function perChannelScales(q: Quantization | undefined, channels: number): number[] {
  if (!q || q.scale.length === 0) return new Array(channels).fill(1);
  return q.scale.length === 1 ? new Array(channels).fill(q.scale[0]) : q.scale;
}

export const dtypeRange: Partial<Record<DType, { min: number; max: number }>> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
  int16: { min: -32768, max: 32767 },
  int32: { min: -2147483648, max: 2147483647 },
};

/**
 * TFLite's CalculateActivationRangeQuantized: the fused activation as a clamp in the output's
 * quantized domain, intersected with the output type's range.
 */
export function activationRangeQuantized(
  activation: Activation,
  dtype: DType,
  scale: number,
  zeroPoint: number,
): { min: number; max: number } {
  const range = dtypeRange[dtype];
  if (!range) throw new InterpreterError(`no quantized range for dtype ${dtype}`);
  const quantize = (value: number) => zeroPoint + roundHalfAwayFromZero(Math.fround(value / scale));
  let { min, max } = range;
  if (activation === 'relu') {
    min = Math.max(min, quantize(0));
  } else if (activation === 'relu6') {
    min = Math.max(min, quantize(0));
    max = Math.min(max, quantize(6));
  } else if (activation === 'relu_n1_to_1') {
    min = Math.max(min, quantize(-1));
    max = Math.min(max, quantize(1));
  } else if (activation !== 'none') {
    throw new InterpreterError(`fused activation ${activation} is not supported on quantized ops`);
  }
  return { min, max };
}

/** The largest finite float32: TFLite's bound for "no activation" on float ops. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * TFLite's CalculateActivationRange for float ops. "No bound" is ±FLT_MAX, as in the C code
 * (numeric_limits<float>::max / lowest), so an infinite result clamps to the largest float.
 */
export function activationRangeFloat(activation: Activation): { min: number; max: number } {
  switch (activation) {
    case 'relu':
      return { min: 0, max: FLOAT32_MAX };
    case 'relu6':
      return { min: 0, max: 6 };
    case 'relu_n1_to_1':
      return { min: -1, max: 1 };
    case 'none':
      return { min: -FLOAT32_MAX, max: FLOAT32_MAX };
    default:
      throw new InterpreterError(`fused activation ${activation} is not supported`);
  }
}

/** Output size of a windowed op (TFLite's ComputeOutSize). */
export function computeOutSize(padding: Padding, imageSize: number, filterSize: number, stride: number, dilation = 1): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  return padding === 'same'
    ? Math.floor((imageSize + stride - 1) / stride)
    : Math.floor((imageSize - effectiveFilter + stride) / stride);
}

/** Leading padding of a windowed op (TFLite's ComputePaddingWithOffset, offset dropped as the kernels do). */
export function computePadding(stride: number, dilation: number, inSize: number, filterSize: number, outSize: number): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  const total = (outSize - 1) * stride + effectiveFilter - inSize;
  return Math.max(0, Math.floor(total / 2));
}
