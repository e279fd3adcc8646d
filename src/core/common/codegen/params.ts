import type { Activation, DType } from '../ir/types.js';
import type { ActivationRange } from '../ops/activation.js';
import { quantizeMultiplier, type QuantizedMultiplier } from '../ops/fixed-point.js';
import { activationRangeFloat, activationRangeQuantized } from '../interp/op-utils.js';
import { TinyDeployError } from '../errors.js';
import { cFloat, cInt } from './c-source.js';
import { fail, type LowerContext } from './lowering.js';

/**
 * Parameters every lowerer folds at generation time, computed with the interpreter's own
 * helpers (fixed-point.ts, op-utils.ts) so the C code and the host interpreter cannot drift.
 */

/** TFLite's QuantizeMultiplier of a real rescale factor, refusing a negative or non-finite one. */
export function requant(context: LowerContext, real: number, what: string): QuantizedMultiplier {
  if (!Number.isFinite(real) || real < 0) fail(context, `${what} rescale factor is ${real}, expected a finite value ≥ 0`);
  return quantizeMultiplier(real);
}

/** A td_requant initializer `{multiplier, shift}`. */
export function requantC(value: QuantizedMultiplier): string {
  return `{${cInt(value.multiplier)}, ${cInt(value.shift)}}`;
}

/** The fused activation as a quantized clamp `{min, max}` (TFLite's CalculateActivationRangeQuantized). */
export function activationS8(context: LowerContext, activation: Activation, dtype: DType, scale: number, zeroPoint: number): string {
  try {
    const { min, max } = activationRangeQuantized(activation, dtype, scale, zeroPoint);
    return `{${cInt(min)}, ${cInt(max)}}`;
  } catch (error) {
    if (error instanceof TinyDeployError) fail(context, error.message);
    throw error;
  }
}

/** The largest finite float32 (C's FLT_MAX). */
const floatMax = 3.4028234663852886e38;

/** The fused activation as a float clamp `{min, max}`; an unbounded side is ±FLT_MAX. */
export function activationF32(context: LowerContext, activation: Activation): string {
  try {
    const { min, max } = activationRangeFloat(activation);
    const bound = (value: number) => (value >= floatMax ? 'FLT_MAX' : value <= -floatMax ? '-FLT_MAX' : cFloat(value));
    return `{${bound(min)}, ${bound(max)}}`;
  } catch (error) {
    if (error instanceof TinyDeployError) fail(context, error.message);
    throw error;
  }
}

/** A plan's quantized clamp as a C initializer `{min, max}`. */
export function clampC(range: ActivationRange): string {
  return `{${cInt(range.min)}, ${cInt(range.max)}}`;
}

/** A plan's float clamp as a C initializer; an unbounded side is ±FLT_MAX. */
export function clampF32C(range: ActivationRange): string {
  const bound = (value: number) => (value >= floatMax ? 'FLT_MAX' : value <= -floatMax ? '-FLT_MAX' : cFloat(value));
  return `{${bound(range.min)}, ${bound(range.max)}}`;
}
