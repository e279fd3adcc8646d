/**
 * gemmlowp's `FixedPoint<int32_t, IntegerBits>` math, exact in JavaScript numbers.
 *
 * TFLite's quantized softmax, logistic and tanh evaluate exp, 1/(1+x) and (1-x)/(1+x) in
 * gemmlowp fixed point. A fixed-point value is carried here as its raw int32; the number of
 * integer bits is a parameter (gemmlowp makes it a template argument), so `raw / 2^(31 - bits)`
 * is the real value. Multiplication is SaturatingRoundingDoublingHighMul and the integer bits of
 * the product are the sum of the factors'. Additions wrap like the int32 additions of the C
 * code (they never overflow in the ranges these functions are used on).
 *
 * Every function returns the same raw int32 as gemmlowp's scalar implementation for every input.
 */

import { roundingDivideByPOT, saturatingRoundingDoublingHighMul } from './fixed-point.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The raw value of 1.0 (or the largest value below it when there are no integer bits). */
export function fixedPointOne(integerBits: number): number {
  return integerBits === 0 ? INT32_MAX : 2 ** (31 - integerBits);
}

/**
 * gemmlowp's SaturatingRoundingMultiplyByPOT: x·2^exponent, saturating when shifting left and
 * rounding half away from zero when shifting right.
 */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x * 2 ** exponent;
}

/** gemmlowp's Rescale: the same real value with `toIntegerBits` integer bits instead of `fromIntegerBits`. */
export function rescale(raw: number, fromIntegerBits: number, toIntegerBits: number): number {
  return saturatingRoundingMultiplyByPOT(raw, fromIntegerBits - toIntegerBits);
}

/** gemmlowp's RoundingHalfSum for int32: (a + b) / 2 rounded half away from zero. */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b; // exact: |sum| < 2^32
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(-2^k) in Q0.31 for k = -2 … 4: the barrel shifter of exp_on_negative_values.
const expBarrel: readonly (readonly [exponent: number, multiplier: number])[] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** exp(a) for a in [-1/4, 0), a and result in Q0.31: a 4th-order Taylor expansion around -1/8. */
export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const oneThird = 715827883;
  const x = (a + (1 << 28)) | 0; // a + 1/8
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const polynomial = roundingDivideByPOT(
    (saturatingRoundingDoublingHighMul((x4Over4 + x3) | 0, oneThird) + x2) | 0,
    1,
  );
  return (constantTerm + saturatingRoundingDoublingHighMul(constantTerm, (x + polynomial) | 0)) | 0;
}

/**
 * exp(a) for a ≤ 0 given with `integerBits` integer bits; the result is Q0.31. The input is split
 * into a remainder in [-1/4, 0) (evaluated by the Taylor expansion) and a sum of powers of two
 * (applied as products by exp(-2^k)).
 */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 2 ** (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = ((a & (oneQuarter - 1)) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of expBarrel) {
    if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) !== 0) {
      result = saturatingRoundingDoublingHighMul(result, multiplier);
    }
  }
  if (integerBits > 5 && a < -(2 ** (36 - integerBits))) result = 0; // exp(x < -32) is 0 in Q0.31
  return a === 0 ? INT32_MAX : result;
}

/** Three Newton-Raphson steps for 1/(2·halfDenominator) in Q2.29 (the shared core of the two divisions). */
function newtonRaphsonReciprocal(halfDenominator: number): number {
  const fortyEightOverSeventeen = 1515870810;
  const minusThirtyTwoOverSeventeen = -1010580540;
  const twoOne = 1 << 29; // 1.0 in Q2.29
  let x = (fortyEightOverSeventeen + saturatingRoundingDoublingHighMul(halfDenominator, minusThirtyTwoOverSeventeen)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX = (twoOne - halfDenominatorTimesX) | 0;
    x = (x + rescale(saturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 4, 2)) | 0;
  }
  return x;
}

/** 1/(1+a) for a in [0, 1), a and result in Q0.31. */
export function oneOverOnePlusXForXIn0To1(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const x = newtonRaphsonReciprocal(halfDenominator);
  // x/2 read as Q1.30, brought to Q0.31.
  return rescale(x, 1, 0);
}

/** (1-a)/(1+a) for a in [0, 1), a and result in Q0.31. */
export function oneMinusXOverOnePlusXForXIn0To1(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const x = newtonRaphsonReciprocal(halfDenominator);
  return rescale((x - (1 << 29)) | 0, 2, 0);
}

/** tanh(a) for `a` with `integerBits` integer bits; result in Q0.31. */
export function tanh(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const negative = a < 0;
  const nonPositive = negative ? a : -a | 0;
  // -tanh(n) for n ≤ 0 is (1 - exp(2n)) / (1 + exp(2n)); 2n is the same raw with one more integer bit.
  const t = oneMinusXOverOnePlusXForXIn0To1(expOnNegativeValues(nonPositive, integerBits + 1));
  return negative ? -t | 0 : t;
}

/** logistic(a) = 1/(1 + exp(-a)) for `a` with `integerBits` integer bits; result in Q0.31. */
export function logistic(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30;
  const positive = a > 0;
  const minusAbs = positive ? -a | 0 : a;
  const resultIfPositive = oneOverOnePlusXForXIn0To1(expOnNegativeValues(minusAbs, integerBits));
  return positive ? resultIfPositive : (INT32_MAX - resultIfPositive) | 0;
}

/**
 * TFLite's GetReciprocal: 1/x for a positive x with `integerBits` integer bits, returned as a
 * Q0.31 value `scale` and `bitsOverUnit` such that 1/x = scale · 2^-bitsOverUnit.
 */
export function reciprocal(x: number, integerBits: number): { scale: number; bitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const shiftedSumMinusOne = ((x << headroomPlusOne) - 0x80000000) | 0;
  return { scale: oneOverOnePlusXForXIn0To1(shiftedSumMinusOne), bitsOverUnit: integerBits - headroomPlusOne };
}

/**
 * TFLite's GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) for an int32 input > 1 as a multiplier
 * and shift, by five Newton-Raphson steps in FixedPoint<int32, 3> from 1, scaled by sqrt(2)/2;
 * inputs ≤ 1 give INT32_MAX and shift 0. The shift is right-positive times `reverseShift`
 * (-1 gives MultiplyByQuantizedMultiplier's left-positive convention).
 */
export function invSqrtQuantizedMultiplierExp(input: number, reverseShift: number): { multiplier: number; shift: number } {
  if (input <= 1) return { multiplier: INT32_MAX, shift: 0 };
  let shift = 11;
  while (input >= 2 ** 29) {
    input = Math.trunc(input / 4);
    shift++;
  }
  const leftShiftBitPairs = ((Math.clz32(input) - 1) >>> 1) - 1;
  shift -= leftShiftBitPairs;
  input = input << (2 * leftShiftBitPairs);
  const mul = saturatingRoundingDoublingHighMul;
  const halfInput = saturatingRoundingMultiplyByPOT(input >> 1, -1);
  const halfThree = 2 ** 28 + 2 ** 27;
  let x = fixedPointOne(3);
  for (let i = 0; i < 5; i++) {
    const x3 = rescale(mul(mul(x, x), x), 9, 3);
    x = rescale((mul(halfThree, x) - mul(halfInput, x3)) | 0, 6, 3);
  }
  let multiplier = mul(x, 1518500250);
  if (shift < 0) {
    multiplier = multiplier << -shift;
    shift = 0;
  }
  return { multiplier, shift: shift * reverseShift };
}

function saturatingAdd(a: number, b: number): number {
  return Math.max(INT32_MIN, Math.min(INT32_MAX, a + b));
}

/**
 * TFLite's log_x_for_x_greater_than_or_equal_to_1: log(x) for x ≥ 1 with `inputIntegerBits`, the
 * result with `outputIntegerBits` — the input normalized two ways (by its headroom, and after a
 * multiplication by sqrt(1/2)), the closer of the two kept, and the logarithm of the remaining
 * factor near 1 by a rational approximation around sqrt(sqrt(1/2)); sums in outputIntegerBits + 1.
 */
export function logXForXGreaterThanOrEqualTo1(raw: number, outputIntegerBits: number, inputIntegerBits: number): number {
  const mul = saturatingRoundingDoublingHighMul;
  const accumBits = outputIntegerBits + 1;
  const [log2, sqrtSqrtHalf, sqrtHalf, oneQuarter] = [1488522236, 1805811301, 1518500250, 536870912];
  const [alphaN, alphaD, alphaI, alphaF] = [117049297, 127690142, 1057819769, 638450708];
  const shiftedQuarter = rescale(oneQuarter, 0, accumBits);
  const zAHeadroomPlus1 = Math.clz32(raw >>> 0);
  const rATmp = saturatingRoundingMultiplyByPOT(raw, zAHeadroomPlus1 - 1);
  const rARaw = saturatingRoundingMultiplyByPOT(mul(rATmp, sqrtHalf), 1);
  const zAPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(inputIntegerBits - zAHeadroomPlus1, 31 - accumBits), shiftedQuarter);
  const zB = mul(raw, sqrtHalf);
  const zBHeadroom = Math.clz32(zB >>> 0) - 1;
  const rBRaw = saturatingRoundingMultiplyByPOT(raw, zBHeadroom);
  const zBPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(inputIntegerBits - zBHeadroom, 31 - accumBits), -shiftedQuarter);
  const r = Math.min(rARaw, rBRaw);
  const zPow2Adj = Math.max(zAPow2Adj, zBPow2Adj);
  const p = roundingHalfSum(r, sqrtSqrtHalf);
  let q = (r - sqrtSqrtHalf) | 0;
  q = (q + q) | 0;
  const commonSq = mul(q, q);
  const num = (mul(q, r) + mul(mul(q, commonSq), alphaN)) | 0;
  const denomMinusOne = (mul(p, (alphaI + q + mul(alphaD, commonSq)) | 0) + mul(alphaF, q)) | 0;
  const recipDenom = oneOverOnePlusXForXIn0To1(denomMinusOne);
  const numScaled = rescale(num, 0, accumBits);
  return rescale((mul(zPow2Adj, log2) + mul(numScaled, recipDenom)) | 0, accumBits, outputIntegerBits);
}
