import type { ActivationRange } from '../ops/activation.js';
import type { QuantizedMultiplier } from '../ops/fixed-point.js';
import { cFloat, cInt } from './c-source.js';

/** Parameters of an op's plan (ops/) printed as C initializers. */

/** A td_requant initializer `{multiplier, shift}`. */
export function requantC(value: QuantizedMultiplier): string {
  return `{${cInt(value.multiplier)}, ${cInt(value.shift)}}`;
}

/** The largest finite float32 (C's FLT_MAX). */
const floatMax = 3.4028234663852886e38;

/** A plan's quantized clamp as a C initializer `{min, max}`. */
export function clampC(range: ActivationRange): string {
  return `{${cInt(range.min)}, ${cInt(range.max)}}`;
}

/** A plan's float clamp as a C initializer; an unbounded side is ±FLT_MAX. */
export function clampF32C(range: ActivationRange): string {
  const bound = (value: number) => (value >= floatMax ? 'FLT_MAX' : value <= -floatMax ? '-FLT_MAX' : cFloat(value));
  return `{${bound(range.min)}, ${bound(range.max)}}`;
}
