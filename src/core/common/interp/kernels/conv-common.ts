/**
 * The host arithmetic CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share once their plan is
 * prepared (ops/quantization.ts): fast exact requantization, the 64-bit requantization of the
 * 16x8 kernels, and the on-the-fly input quantization of TFLite's hybrid (dynamic-range) kernels.
 */
import type { TensorData } from '../../ir/types.js';
import { roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import type { ChannelMultipliers } from '../../ops/quantization.js';

/**
 * TFLite's 64-bit MultiplyByQuantizedMultiplier (the 16x8 kernels with an int64 bias): the
 * multiplier is cut to 15 bits, one rounding shift, and the result truncated to int32 as the
 * C cast does. `x` must be an exact integer (|x| < 2^53).
 */
export function multiplyByQuantizedMultiplierInt64(x: number, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = BigInt(15 - shift);
  const result = (BigInt(x) * BigInt(reduced) + (1n << (totalShift - 1n))) >> totalShift;
  return Number(BigInt.asIntN(32, result));
}

/**
 * Quantizes `count` floats from `values[start]` symmetrically to [-127, 127] as TFLite's
 * SymmetricQuantizeFloats does (scale = max|x| / 127 in float32, round half away from zero),
 * writing the int8 values into `quantized[start…]`. Returns the scale (1 for an all-zero
 * input, as TFLite).
 */
export function quantizeSymmetric(values: Float32Array, start: number, count: number, quantized: Int16Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < start + count; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = Math.max(Math.abs(min), Math.abs(max));
  if (range === 0 || count === 0) {
    quantized.fill(0, start, start + count);
    return 1;
  }
  const scale = Math.fround(range / 127);
  const inverse = Math.fround(127 / range);
  for (let i = start; i < start + count; i++) {
    const q = roundHalfAwayFromZero(Math.fround(values[i] * inverse));
    quantized[i] = q > 127 ? 127 : q < -127 ? -127 : q;
  }
  return scale;
}

/**
 * Quantizes `count` floats asymmetrically to [-128, 127] as TFLite's AsymmetricQuantizeFloats
 * does (range widened to include 0, scale and nudged zero point in double, scale stored as
 * float32), writing `q - zeroPoint` into `centered[start…]` so that a dot product with the
 * weights needs no zero-point term. Returns the float32 scale and the zero point (1 and 0
 * when every value is 0).
 */
export function quantizeAsymmetricCentered(
  values: Float32Array,
  start: number,
  count: number,
  centered: Int16Array,
): { scale: number; zeroPoint: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < start + count; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const rangeMin = Math.min(0, min);
  const rangeMax = Math.max(0, max);
  if (rangeMin === rangeMax || count === 0) {
    centered.fill(0, start, start + count);
    return { scale: 1, zeroPoint: 0 };
  }
  const qMin = -128;
  const qMax = 127;
  const scaleDouble = (rangeMax - rangeMin) / (qMax - qMin);
  const zeroPointFromMin = qMin - rangeMin / scaleDouble;
  const zeroPointFromMax = qMax - rangeMax / scaleDouble;
  const errorFromMin = Math.abs(qMin) + Math.abs(rangeMin / scaleDouble);
  const errorFromMax = Math.abs(qMax) + Math.abs(rangeMax / scaleDouble);
  const zeroPointDouble = errorFromMin < errorFromMax ? zeroPointFromMin : zeroPointFromMax;
  const zeroPoint =
    zeroPointDouble <= qMin ? qMin : zeroPointDouble >= qMax ? qMax : roundHalfAwayFromZero(zeroPointDouble);
  const scale = Math.fround(scaleDouble);
  const inverse = Math.fround(1 / scale);
  for (let i = start; i < start + count; i++) {
    let q = roundHalfAwayFromZero(Math.fround(zeroPoint + Math.fround(values[i] * inverse)));
    q = q > qMax ? qMax : q < qMin ? qMin : q;
    centered[i] = q - zeroPoint;
  }
  return { scale, zeroPoint };
}

/**
 * Quantizes one batch row of a hybrid op's float input, symmetric or asymmetric, into
 * `centered` (stored value minus zero point). Returns the float32 input scale.
 */
export function quantizeHybridInput(
  values: Float32Array,
  start: number,
  count: number,
  centered: Int16Array,
  asymmetric: boolean,
): number {
  return asymmetric ? quantizeAsymmetricCentered(values, start, count, centered).scale : quantizeSymmetric(values, start, count, centered);
}

/**
 * Input values with the zero point taken off (`x - zeroPoint`, i.e. `x + input_offset` of
 * the C kernels), so the integer hot loops need one multiply-add per tap. A padded tap then
 * contributes exactly 0, as TFLite's "skip the tap" does.
 */
export function centerInput(input: Int8Array | Int16Array, zeroPoint: number, centered: Int16Array): void {
  for (let i = 0; i < input.length; i++) centered[i] = input[i] - zeroPoint;
}

/**
 * MultiplyByQuantizedMultiplier (double rounding) for a multiplier in [0, 2^31), exact like
 * fixed-point.ts's version but without its general 64-bit emulation: the multiplier comes
 * pre-split into 16-bit halves so every partial product is an exact double, and
 * SaturatingRoundingDoublingHighMul's truncating division by 2^31 is two exact floors. The
 * saturating INT32_MIN·INT32_MIN case cannot occur with a non-negative multiplier. It runs
 * once per output of every conv, so it is worth the few lines (about 4x faster).
 */
export function requantizeScalar(x: number, multiplierHigh: number, multiplierLow: number, leftFactor: number, rightShift: number): number {
  const a = Math.imul(x, leftFactor);
  const high = a * multiplierHigh;
  const highQuotient = Math.floor(high / 32768);
  // a·m + nudge = highQuotient·2^31 + rest, with rest exact (|rest| < 2^48).
  const rest = (high - highQuotient * 32768) * 65536 + a * multiplierLow + (a >= 0 ? 1073741824 : -1073741823);
  const restQuotient = Math.floor(rest / 2147483648);
  let product = highQuotient + restQuotient;
  // C's division truncates toward zero: a negative quotient that is not exact goes up by one.
  if (a < 0 && rest !== restQuotient * 2147483648) product += 1;
  if (rightShift === 0) return product;
  const mask = rightShift >= 31 ? 0x7fffffff : (1 << rightShift) - 1;
  const remainder = product & mask;
  const threshold = (mask >> 1) + (product < 0 ? 1 : 0);
  return (product >> rightShift) + (remainder > threshold ? 1 : 0);
}

/** Per-channel multipliers prepared for `requantizeScalar` and `requantizeFast`. */
export interface Requantizer {
  multipliers: Int32Array;
  shifts: Int32Array;
  /** multiplier · 2^-31 (exact). */
  scaled: Float64Array;
  multiplierHigh: Float64Array;
  multiplierLow: Float64Array;
  leftFactor: Int32Array;
  rightShift: Int32Array;
  /** 2^rightShift − 1, as RoundingDivideByPOT's mask. */
  rightMask: Int32Array;
}

/** Splits Q31 multipliers and shifts into the forms `requantizeScalar` and `requantizeFast` take. */
export function requantizer({ multipliers, shifts }: ChannelMultipliers): Requantizer {
  const channels = multipliers.length;
  const result: Requantizer = {
    multipliers,
    shifts,
    scaled: new Float64Array(channels),
    multiplierHigh: new Float64Array(channels),
    multiplierLow: new Float64Array(channels),
    leftFactor: new Int32Array(channels),
    rightShift: new Int32Array(channels),
    rightMask: new Int32Array(channels),
  };
  for (let c = 0; c < channels; c++) {
    if (multipliers[c] < 0) throw new RangeError(`multiplier ${multipliers[c]} is negative`);
    result.scaled[c] = multipliers[c] / 2147483648;
    result.multiplierHigh[c] = multipliers[c] >>> 16;
    result.multiplierLow[c] = multipliers[c] & 0xffff;
    result.leftFactor[c] = shifts[c] > 0 ? 1 << shifts[c] : 1;
    result.rightShift[c] = shifts[c] > 0 ? 0 : -shifts[c];
    result.rightMask[c] = shifts[c] > 0 ? 0 : -shifts[c] >= 31 ? 0x7fffffff : (1 << -shifts[c]) - 1;
  }
  return result;
}

/** SaturatingRoundingDoublingHighMul's nudge for a negative product, (1 − 2^30), over 2^31 (exact). */
const NEGATIVE_NUDGE = (1 - 1073741824) / 2147483648;

/**
 * `requantizeScalar` for channel `c`, computed in one double multiply when that is provably
 * exact: `(a·m + nudge) / 2^31` in doubles is within 2^-21 of the true quotient (|a·m| <
 * 2^62), so its truncation is the C result unless the quotient lies within 1e-5 of an
 * integer; those rare values take the exact path.
 */
export function requantizeFast(x: number, scaling: Requantizer, c: number): number {
  const a = Math.imul(x, scaling.leftFactor[c]);
  const quotient = a * scaling.scaled[c] + (a >= 0 ? 0.5 : NEGATIVE_NUDGE);
  let product = quotient | 0;
  const fraction = quotient - product;
  if ((fraction < 1e-5 && fraction > -1e-5) || fraction > 0.99999 || fraction < -0.99999) {
    product = requantizeScalar(x, scaling.multiplierHigh[c], scaling.multiplierLow[c], scaling.leftFactor[c], 0);
  }
  const mask = scaling.rightMask[c];
  const remainder = product & mask;
  const threshold = (mask >> 1) + (product < 0 ? 1 : 0);
  return (product >> scaling.rightShift[c]) + (remainder > threshold ? 1 : 0);
}

/**
 * The int8 epilogue of the integer kernels: `acc + bias` wrapped to int32 as the C
 * accumulator is, MultiplyByQuantizedMultiplier per channel, plus the output zero point,
 * clamped to the activation range. `sums` is [..., channels].
 */
export function requantize8(
  sums: Float64Array,
  bias: Int32Array | undefined,
  scaling: Requantizer,
  outputZeroPoint: number,
  channels: number,
  min: number,
  max: number,
  output: Int8Array,
): void {
  for (let i = 0, c = 0; i < output.length; i++) {
    const acc = bias ? (sums[i] + bias[c]) | 0 : sums[i] | 0;
    const value = requantizeFast(acc, scaling, c) + outputZeroPoint;
    output[i] = value < min ? min : value > max ? max : value;
    if (++c === channels) c = 0;
  }
}

/**
 * The 16x8 epilogue: with an int64 bias (or `wideAccumulator`) the 64-bit accumulator and
 * TFLite's 64-bit MultiplyByQuantizedMultiplier, otherwise the int32 accumulator (wrapped)
 * and the 32-bit one. No output zero point (int16 tensors have zero point 0).
 */
export function requantize16(
  sums: Float64Array,
  bias: TensorData | undefined,
  wideAccumulator: boolean,
  scaling: Requantizer,
  channels: number,
  min: number,
  max: number,
  output: Int16Array,
): void {
  const { multipliers, shifts } = scaling;
  for (let i = 0, c = 0; i < output.length; i++) {
    let value: number;
    if (wideAccumulator) {
      const acc = bias ? sums[i] + Number((bias as BigInt64Array)[c]) : sums[i];
      value = multiplyByQuantizedMultiplierInt64(acc, multipliers[c], shifts[c]);
    } else {
      const acc = bias ? (sums[i] + (bias as Int32Array)[c]) | 0 : sums[i] | 0;
      value = requantizeFast(acc, scaling, c);
    }
    output[i] = value < min ? min : value > max ? max : value;
    if (++c === channels) c = 0;
  }
}
