/**
 * gemmlowp / TFLite fixed-point arithmetic, exact in JavaScript numbers.
 *
 * TFLite Micro's reference kernels (commit 90b983c, TFLITE_SINGLE_ROUNDING off) requantize
 * with double rounding: SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT. The
 * 64-bit product is formed exactly from 16-bit halves, so every function here returns the
 * same int32 as the C code for every input (checked against BigInt in the tests).
 */

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_POW_16 = 65536;
const TWO_POW_31 = 2147483648;
const TWO_POW_32 = 4294967296;

/** (a·b·2 + 2^31 rounding) / 2^32, i.e. the high 32 bits of the doubled product, rounded; saturates INT32_MIN². */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // Exact 64-bit product as hi·2^32 + lo, lo in [0, 2^32).
  const aLow = a & 0xffff;
  const aHigh = a >> 16;
  const bLow = b & 0xffff;
  const bHigh = b >> 16;
  const lowLow = aLow * bLow;
  const middle = aHigh * bLow + aLow * bHigh;
  const highHigh = aHigh * bHigh;
  const middleLow = ((middle % TWO_POW_16) + TWO_POW_16) % TWO_POW_16;
  const middleHigh = (middle - middleLow) / TWO_POW_16;
  let lo = middleLow * TWO_POW_16 + lowLow;
  let hi = highHigh + middleHigh;
  if (lo >= TWO_POW_32) {
    lo -= TWO_POW_32;
    hi += 1;
  }
  const negative = hi < 0;
  // nudge = ab >= 0 ? 2^30 : 1 - 2^30; result = trunc((ab + nudge) / 2^31).
  const t = lo + (negative ? 1 - 1073741824 : 1073741824);
  const q = t / TWO_POW_31;
  // A negative product stays negative after its negative nudge, so truncation is ceil there.
  return hi * 2 + (negative ? Math.ceil(q) : Math.floor(q));
}

/** Division by 2^exponent rounding half away from zero (gemmlowp RoundingDivideByPOT), 0 ≤ exponent ≤ 31. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite's MultiplyByQuantizedMultiplier: x · multiplier · 2^shift with double rounding. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(Math.imul(x, 1 << leftShift), multiplier), rightShift);
}

/** MultiplyByQuantizedMultiplierSmallerThanOneExp: shift ≤ 0 (used by softmax and LSTM). */
export function multiplyByQuantizedMultiplierSmallerThanOne(x: number, multiplier: number, shift: number): number {
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

/** MultiplyByQuantizedMultiplierGreaterThanOne: shift ≥ 0. */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, shift: number): number {
  return saturatingRoundingDoublingHighMul(Math.imul(x, 1 << shift), multiplier);
}

/** C's std::round: halves away from zero (JavaScript's Math.round rounds halves up). */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** C's frexp: x = fraction · 2^exponent with |fraction| in [0.5, 1). */
export function frexp(x: number): { fraction: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { fraction: x, exponent: 0 };
  let exponent = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let fraction = x * Math.pow(2, -exponent);
  while (Math.abs(fraction) < 0.5) {
    fraction *= 2;
    exponent -= 1;
  }
  while (Math.abs(fraction) >= 1) {
    fraction /= 2;
    exponent += 1;
  }
  return { fraction, exponent };
}

export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/** TFLite's QuantizeMultiplier: a real multiplier as a Q31 int32 and a power-of-two shift. */
export function quantizeMultiplier(realMultiplier: number): QuantizedMultiplier {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const { fraction, exponent } = frexp(realMultiplier);
  let shift = exponent;
  let qFixed = roundHalfAwayFromZero(fraction * TWO_POW_31);
  if (qFixed === TWO_POW_31) {
    qFixed /= 2;
    shift += 1;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  return { multiplier: qFixed, shift };
}

/** QuantizeMultiplierSmallerThanOneExp (asserts the multiplier is below one). */
export function quantizeMultiplierSmallerThanOne(realMultiplier: number): QuantizedMultiplier {
  if (!(realMultiplier < 1 && realMultiplier > 0)) throw new RangeError(`multiplier ${realMultiplier} is not in (0, 1)`);
  return quantizeMultiplier(realMultiplier);
}

export function saturate(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

export function saturatingAddInt16(a: number, b: number): number {
  return saturate(a + b, -32768, 32767);
}
