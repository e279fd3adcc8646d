import { describe, expect, it } from 'vitest';
import {
  expOnIntervalBetweenNegativeOneQuarterAnd0Excl,
  expOnNegativeValues,
  fixedPointOne,
  logistic,
  oneMinusXOverOnePlusXForXIn0To1,
  oneOverOnePlusXForXIn0To1,
  reciprocal,
  rescale,
  roundingHalfSum,
  saturatingRoundingMultiplyByPOT,
  tanh,
} from './gemmlowp.js';
import { gemmlowpGolden } from './gemmlowp.golden.js';

/** Every [input, output] pair of a golden table that the function gets wrong. */
function mismatches(pairs: readonly number[], f: (x: number) => number) {
  const wrong: { input: number; expected: number; got: number }[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const got = f(pairs[i]);
    if (got !== pairs[i + 1]) wrong.push({ input: pairs[i], expected: pairs[i + 1], got });
  }
  return wrong;
}

describe('gemmlowp fixed point against gemmlowp itself', () => {
  const cases: [keyof typeof gemmlowpGolden, (x: number) => number][] = [
    ['expOnIntervalBetweenNegativeOneQuarterAnd0Excl', expOnIntervalBetweenNegativeOneQuarterAnd0Excl],
    ['expOnNegativeValuesQ0', (x) => expOnNegativeValues(x, 0)],
    ['expOnNegativeValuesQ4', (x) => expOnNegativeValues(x, 4)],
    ['expOnNegativeValuesQ5', (x) => expOnNegativeValues(x, 5)],
    ['expOnNegativeValuesQ6', (x) => expOnNegativeValues(x, 6)],
    ['expOnNegativeValuesQ12', (x) => expOnNegativeValues(x, 12)],
    ['oneOverOnePlusXForXIn0To1', oneOverOnePlusXForXIn0To1],
    ['oneMinusXOverOnePlusXForXIn0To1', oneMinusXOverOnePlusXForXIn0To1],
    ['logisticQ4', (x) => logistic(x, 4)],
    ['tanhQ4', (x) => tanh(x, 4)],
    ['rescaleQ0ToQ12', (x) => rescale(x, 0, 12)],
    ['rescaleQ4ToQ2', (x) => rescale(x, 4, 2)],
    ['roundingHalfSumWithMax', (x) => roundingHalfSum(x, 2147483647)],
  ];
  for (const [name, f] of cases) {
    it(`${name} matches on ${gemmlowpGolden[name].length / 2} inputs`, () => {
      expect(gemmlowpGolden[name].length).toBeGreaterThan(150);
      expect(mismatches(gemmlowpGolden[name], f)).toEqual([]);
    });
  }
});

describe('gemmlowp fixed point, hand-checked values', () => {
  const q0 = (x: number) => x / 2 ** 31;

  it('represents one and saturates powers of two', () => {
    expect(fixedPointOne(0)).toBe(2147483647);
    expect(fixedPointOne(5)).toBe(2 ** 26);
    expect(saturatingRoundingMultiplyByPOT(1 << 29, 2)).toBe(2147483647);
    expect(saturatingRoundingMultiplyByPOT(-(1 << 29), 2)).toBe(-2147483648);
    expect(saturatingRoundingMultiplyByPOT(3, -1)).toBe(2);
    expect(saturatingRoundingMultiplyByPOT(-3, -1)).toBe(-2);
  });

  it('computes exp, 1/(1+x), logistic and tanh close to the real functions', () => {
    // exp(-1) with 5 integer bits: -1 is 2^26.
    expect(q0(expOnNegativeValues(-(2 ** 26), 5))).toBeCloseTo(Math.exp(-1), 6);
    expect(q0(expOnNegativeValues(-(2 ** 26) * 10, 5))).toBeCloseTo(Math.exp(-10), 6);
    expect(expOnNegativeValues(0, 5)).toBe(2147483647);
    expect(q0(oneOverOnePlusXForXIn0To1(1 << 30))).toBeCloseTo(1 / 1.5, 6);
    expect(q0(oneMinusXOverOnePlusXForXIn0To1(1 << 30))).toBeCloseTo(0.5 / 1.5, 6);
    expect(q0(logistic(2 ** 27, 4))).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(q0(logistic(-(2 ** 27), 4))).toBeCloseTo(1 / (1 + Math.exp(1)), 6);
    expect(logistic(0, 4)).toBe(1 << 30);
    expect(q0(tanh(2 ** 26, 4))).toBeCloseTo(Math.tanh(0.5), 6);
    expect(q0(tanh(-(2 ** 26), 4))).toBeCloseTo(-Math.tanh(0.5), 6);
    expect(tanh(0, 4)).toBe(0);
  });

  it('forms reciprocals with the number of bits above one', () => {
    // 2.5 with 12 integer bits: 1/2.5 = 0.8 · 2^-1.
    const { scale, bitsOverUnit } = reciprocal(2.5 * 2 ** 19, 12);
    expect(bitsOverUnit).toBe(1);
    expect(q0(scale)).toBeCloseTo(0.8, 6);
  });
});
