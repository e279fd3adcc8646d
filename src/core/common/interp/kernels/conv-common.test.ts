import { describe, expect, it } from 'vitest';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../ops/fixed-point.js';
import { randomSource } from '../testing/kernels.js';
import { multiplyByQuantizedMultiplierInt64, quantizeAsymmetricCentered, quantizeSymmetric, requantizeFast, requantizeScalar, requantizer } from './conv-common.js';
import { tapRange } from '../../ops/window.js';

describe('tapRange', () => {
  it('keeps the taps whose input index is inside the image', () => {
    for (const [origin, size, taps, dilation] of [
      [-2, 5, 5, 1],
      [-3, 7, 3, 2],
      [4, 6, 4, 1],
      [5, 6, 3, 3],
      [-1, 4, 2, 3],
      [-7, 4, 3, 2],
    ]) {
      const inside = Array.from({ length: taps }, (_, t) => t).filter((t) => origin + t * dilation >= 0 && origin + t * dilation < size);
      const { start, end } = tapRange(origin, size, taps, dilation);
      const range = Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
      expect(range, `origin ${origin} size ${size} taps ${taps} dilation ${dilation}`).toEqual(inside);
    }
  });
});

describe('quantizeSymmetric (TFLite SymmetricQuantizeFloats)', () => {
  it('scales by max|x|/127 and rounds half away from zero', () => {
    const out = new Int16Array(6);
    const scale = quantizeSymmetric(Float32Array.from([99, 0.5, -1, 0.25, 1, 99]), 1, 4, out);
    expect(scale).toBe(Math.fround(1 / 127));
    // 63.5 → 64, −127, 31.75 → 32, 127; the values outside the row are untouched.
    expect([...out]).toEqual([0, 64, -127, 32, 127, 0]);
  });
  it('gives scale 1 and zeros for an all-zero row', () => {
    const out = Int16Array.from([5, 5, 5]);
    expect(quantizeSymmetric(new Float32Array(3), 0, 3, out)).toBe(1);
    expect([...out]).toEqual([0, 0, 0]);
  });
});

describe('quantizeAsymmetricCentered (TFLite AsymmetricQuantizeFloats)', () => {
  it('widens the range to include zero and nudges the zero point', () => {
    // Range [−1, 3]: scale 4/255; zero point from min −128 + 63.75 = −64.25 (error 128 + 63.75),
    // from max 127 − 191.25 (error 127 + 191.25): the min side wins, round(−64.25) = −64.
    const out = new Int16Array(4);
    const { scale, zeroPoint } = quantizeAsymmetricCentered(Float32Array.from([-1, 0, 1.5, 3]), 0, 4, out);
    expect(scale).toBe(Math.fround(4 / 255));
    expect(zeroPoint).toBe(-64);
    const inverse = Math.fround(1 / scale);
    const expected = [-1, 0, 1.5, 3].map((x) => {
      const q = Math.round(Math.fround(-64 + Math.fround(x * inverse)));
      return Math.min(127, Math.max(-128, q)) + 64;
    });
    expect([...out]).toEqual(expected);
    expect(out[1]).toBe(0);
  });
  it('pins the zero point to −128 for non-negative inputs', () => {
    const out = new Int16Array(3);
    const { zeroPoint } = quantizeAsymmetricCentered(Float32Array.from([0, 1, 2.55]), 0, 3, out);
    expect(zeroPoint).toBe(-128);
    expect([...out]).toEqual([0, 100, 255]);
  });
  it('gives scale 1 and zeros for an all-zero row', () => {
    const out = Int16Array.from([7, 7]);
    expect(quantizeAsymmetricCentered(new Float32Array(2), 0, 2, out)).toEqual({ scale: 1, zeroPoint: 0 });
    expect([...out]).toEqual([0, 0]);
  });
});

describe('multiplyByQuantizedMultiplierInt64', () => {
  it('rounds the multiplier to 15 bits and shifts once', () => {
    // 0.7 → multiplier 1503238554, shift 0 → 15-bit 22938: (8192·22938 + 2^14) >> 15 = 5735.
    expect(multiplyByQuantizedMultiplierInt64(8192, 1503238554, 0)).toBe(5735);
    // Negative values shift arithmetically (floor): (−3·16384 + 2^14) >> 15 = −1.
    expect(multiplyByQuantizedMultiplierInt64(-3, 1 << 30, 0)).toBe(-1);
    // A 40-bit accumulator: 2^40 · 2^-20 (multiplier 0.5, shift −19).
    expect(multiplyByQuantizedMultiplierInt64(2 ** 40, 1 << 30, -19)).toBe(2 ** 20);
  });
});

describe('requantizeScalar and requantizeFast', () => {
  it('equal MultiplyByQuantizedMultiplier for any int32 and multiplier', () => {
    const random = randomSource(61);
    const edges = [0, 1, -1, 2147483647, -2147483648, 1073741824, -1073741824, 65535, -65536];
    let checked = 0;
    for (let i = 0; i < 200000; i++) {
      const multiplier = i % 13 === 0 ? 2147483647 : i % 17 === 0 ? 0 : i % 19 === 0 ? 1073741824 : random.int(1073741824, 2147483647);
      const shift = random.int(-31, 30);
      const x = i % 5 === 0 ? edges[i % edges.length] : i % 2 ? random.int(-100000, 100000) : random.int(-2147483648, 2147483647);
      const { multiplierHigh, multiplierLow, leftFactor, rightShift } = requantizer({ multipliers: Int32Array.of(multiplier), shifts: Int32Array.of(shift) });
      const scaling = requantizer({ multipliers: Int32Array.of(multiplier), shifts: Int32Array.of(shift) });
      const split = requantizeScalar(x, multiplierHigh[0], multiplierLow[0], leftFactor[0], rightShift[0]);
      const fast = requantizeFast(x, scaling, 0);
      const exact = multiplyByQuantizedMultiplier(x, multiplier, shift);
      if (split !== exact || fast !== exact) expect({ x, multiplier, shift, split, fast }).toEqual({ x, multiplier, shift, split: exact, fast: exact });
      checked++;
    }
    expect(checked).toBe(200000);
  });
  it('rounds a typical conv multiplier by hand', () => {
    // 0.0009765625 = 2^-10: multiplier 2^30, shift −9; 1536 · 2^-10 = 1.5 rounds away from zero.
    const { multiplier, shift } = quantizeMultiplier(2 ** -10);
    const scaling = requantizer({ multipliers: Int32Array.of(multiplier), shifts: Int32Array.of(shift) });
    expect(requantizeScalar(1536, scaling.multiplierHigh[0], scaling.multiplierLow[0], scaling.leftFactor[0], scaling.rightShift[0])).toBe(2);
    expect(requantizeScalar(-1536, scaling.multiplierHigh[0], scaling.multiplierLow[0], scaling.leftFactor[0], scaling.rightShift[0])).toBe(-2);
  });
});
