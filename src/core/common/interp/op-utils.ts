import { InterpreterError } from '../errors.js';
import type { Activation, DType, Padding } from '../ir/types.js';
import { roundHalfAwayFromZero } from '../ops/fixed-point.js';

const dtypeRange: Partial<Record<DType, { min: number; max: number }>> = {
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
