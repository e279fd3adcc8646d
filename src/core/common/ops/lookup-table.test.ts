import { describe, expect, it } from 'vitest';
import { invSqrtQuantizedMultiplierExp, logXForXGreaterThanOrEqualTo1 } from './gemmlowp.js';
import { lookUp, quantizedTable, tableOf } from './lookup-table.js';

describe('int8 lookup tables', () => {
  it('holds one output byte per input byte and looks int8 values up by their byte', () => {
    const negate = tableOf((q) => Math.max(-128, -q - 1));
    const out = new Int8Array(3);
    lookUp(negate, Int8Array.of(-128, 0, 127), out, 3);
    expect(Array.from(out)).toEqual([127, -1, -128]);
  });

  it('requantizes the transformed real value, rounding halves away from zero and clamping', () => {
    // Identity from scale 0.5 to scale 1: q/2 rounds halves away from zero.
    const table = quantizedTable({ scale: 0.5, zeroPoint: 0 }, { scale: 1, zeroPoint: 0 }, (x) => x);
    const out = new Int8Array(4);
    lookUp(table, Int8Array.of(3, -3, 1, 2), out, 4);
    expect(Array.from(out)).toEqual([2, -2, 1, 1]);
    const doubled = quantizedTable({ scale: 1, zeroPoint: 0 }, { scale: 1, zeroPoint: 0 }, (x) => 2 * x);
    lookUp(doubled, Int8Array.of(100, -100, 5, 0), out, 4);
    expect(Array.from(out)).toEqual([127, -128, 10, 0]);
  });
});

describe('gemmlowp inverse square root and logarithm', () => {
  it('gives 1/sqrt(x) as a multiplier and shift within a few parts per million', () => {
    for (const x of [2, 3, 17, 1000, 65535, 1 << 28, 2147483647]) {
      const { multiplier, shift } = invSqrtQuantizedMultiplierExp(x, -1);
      const value = (multiplier / 2 ** 31) * 2 ** shift;
      expect(Math.abs(value * Math.sqrt(x) - 1)).toBeLessThan(1e-5);
    }
    expect(invSqrtQuantizedMultiplierExp(1, -1)).toEqual({ multiplier: 2147483647, shift: 0 });
  });

  it('gives log(x) for x ≥ 1 in fixed point', () => {
    for (const x of [1, 1.5, 2.718281828, 10, 1000, 4000]) {
      const raw = Math.round(x * 2 ** 19); // Q12.19
      const log = logXForXGreaterThanOrEqualTo1(raw, 5, 12) / 2 ** 26; // Q5.26
      expect(Math.abs(log - Math.log(x))).toBeLessThan(1e-6 * 64);
    }
  });
});
