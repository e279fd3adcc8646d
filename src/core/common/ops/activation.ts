/**
 * Fused activations as clamps: TFLite's CalculateActivationRangeQuantized (in the output's
 * quantized domain, intersected with the output type's range) and CalculateActivationRange
 * for float ops. Every op with a fused activation folds it into its plan with these.
 */
import type { Activation, DType } from '../ir/types.js';
import { roundHalfAwayFromZero } from './fixed-point.js';
import type { OpContext } from './op.js';

export const dtypeRange: Partial<Record<DType, { min: number; max: number }>> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
  int16: { min: -32768, max: 32767 },
  int32: { min: -2147483648, max: 2147483647 },
};

/** A clamp `[min, max]`, in the output's stored domain (quantized) or in float32. */
export interface ActivationRange {
  min: number;
  max: number;
}

/**
 * TFLite's CalculateActivationRangeQuantized: the fused activation as a clamp in the output's
 * quantized domain, intersected with the output type's range.
 */
export function activationRangeQuantized(
  context: OpContext,
  activation: Activation,
  dtype: DType,
  scale: number,
  zeroPoint: number,
): ActivationRange {
  const range = dtypeRange[dtype];
  if (!range) context.fail(`no quantized range for dtype ${dtype}`);
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
    context.fail(`fused activation ${activation} is not supported on quantized ops`);
  }
  return { min, max };
}

/** The largest finite float32: TFLite's bound for "no activation" on float ops. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * TFLite's CalculateActivationRange for float ops. "No bound" is ±FLT_MAX, as in the C code
 * (numeric_limits<float>::max / lowest), so an infinite result clamps to the largest float.
 */
export function activationRangeFloat(context: OpContext, activation: Activation): ActivationRange {
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
      return context.fail(`fused activation ${activation} is not supported`);
  }
}
