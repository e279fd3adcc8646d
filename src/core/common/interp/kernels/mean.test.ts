import { describe, expect, it } from 'vitest';
import './mean.js';
import { foldCountIntoMultiplier } from '../../ops/mean.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const axes = (...values: number[]): TensorSpec => ({ dtype: 'int32', shape: [values.length], data: Int32Array.from(values) });
const int8 = (shape: number[], scale: number, zeroPoint: number): TensorSpec => ({ dtype: 'int8', shape, quantization: [scale, zeroPoint] });

describe('foldCountIntoMultiplier', () => {
  it('folds 1/count into the multiplier with 64-bit division and clamps the extra shift', () => {
    // 2^30 · 2^2 / 5, shift 0 - 2
    expect(foldCountIntoMultiplier(1 << 30, 0, 5)).toEqual({ multiplier: Math.floor(2 ** 32 / 5), shift: -2 });
    // k = floor(log2 64) = 6
    expect(foldCountIntoMultiplier(1 << 30, 1, 64)).toEqual({ multiplier: 1 << 30, shift: -5 });
    // 31 + shift limits k: shift -29 allows k ≤ 2 although log2 64 = 6
    expect(foldCountIntoMultiplier(1 << 30, -29, 64)).toEqual({ multiplier: 1 << 26, shift: -31 });
  });
});

describe('MEAN', () => {
  it('averages float32 over height and width of NHWC (keepDims)', () => {
    const spec = { type: 'MEAN', attrs: { keepDims: true }, inputs: [{ dtype: 'float32' as const, shape: [1, 2, 2, 2] }, axes(1, 2)], output: { dtype: 'float32' as const, shape: [1, 1, 1, 2] } };
    expect(Array.from(runSingleOp(spec, Float32Array.of(1, 10, 2, 20, 3, 30, 4, 40)))).toEqual([2.5, 25]);
  });

  it('averages over a negative axis and over several axes without keepDims', () => {
    const last = { type: 'MEAN', attrs: { keepDims: false }, inputs: [{ dtype: 'float32' as const, shape: [2, 3] }, axes(-1)], output: { dtype: 'float32' as const, shape: [2] } };
    expect(Array.from(runSingleOp(last, Float32Array.of(1, 2, 3, 4, 5, 7)))).toEqual([2, Math.fround(16 / 3)]);
    const outer = { type: 'MEAN', attrs: { keepDims: false }, inputs: [{ dtype: 'float32' as const, shape: [2, 2, 2] }, axes(0, 2, 0)], output: { dtype: 'float32' as const, shape: [2] } };
    expect(Array.from(runSingleOp(outer, Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8)))).toEqual([3.5, 5.5]);
  });

  it('divides the raw int8 sum with truncation toward zero when input and output share parameters', () => {
    const spec = { type: 'MEAN', attrs: { keepDims: true }, inputs: [int8([1, 2, 2, 3], 0.1, 5), axes(1, 2)], output: int8([1, 1, 1, 3], 0.1, 5) };
    // channel sums: 1+2+3+4 = 10 → 2 (2.5 truncated); -1-2-3-4 = -10 → -2; -128·3 + 127 = -257 → -64
    const out = runSingleOp(spec, Int8Array.of(1, -1, -128, 2, -2, -128, 3, -3, -128, 4, -4, 127));
    expect(Array.from(out)).toEqual([2, -2, -64]);
  });

  it('requantizes int8 means with different parameters through the folded multiplier', () => {
    // Input scale 0.5, zero point 1; output scale 0.25, zero point -3: q_out = 2·(mean - 1) - 3.
    const spec = { type: 'MEAN', attrs: { keepDims: false }, inputs: [int8([2, 4], 0.5, 1), axes(1)], output: int8([2], 0.25, -3) };
    // row 0: mean 2.5 → 2·1.5 - 3 = 0; row 1: mean 101 → 200 - 3 = 197 → 127
    expect(Array.from(runSingleOp(spec, Int8Array.of(1, 2, 3, 4, 100, 100, 102, 102)))).toEqual([0, 127]);
    // A mean of 1.25 above the zero point is 2.5 output steps: ties round up (2.5 → 3) in the doubling high multiply.
    const tie = { type: 'MEAN', attrs: { keepDims: false }, inputs: [int8([4], 0.5, 1), axes(0)], output: int8([1], 0.25, 0) };
    expect(Array.from(runSingleOp(tie, Int8Array.of(2, 2, 2, 3)))).toEqual([3]);
  });

  it('refuses a non-constant axis, an axis out of range and an output of the wrong size', () => {
    expect(() => prepareSingleOp({ type: 'MEAN', attrs: { keepDims: false }, inputs: [{ dtype: 'float32', shape: [2] }, { dtype: 'int32', shape: [1] }], output: { dtype: 'float32', shape: [1] } })).toThrow(
      /axis tensor 1 \(t1\) must be a constant/,
    );
    expect(() => prepareSingleOp({ type: 'MEAN', attrs: { keepDims: false }, inputs: [{ dtype: 'float32', shape: [2] }, axes(1)], output: { dtype: 'float32', shape: [1] } })).toThrow(
      /axis 1 is out of range for input shape \[2\]/,
    );
    expect(() => prepareSingleOp({ type: 'MEAN', attrs: { keepDims: false }, inputs: [{ dtype: 'float32', shape: [2, 3] }, axes(0)], output: { dtype: 'float32', shape: [2] } })).toThrow(
      /output tensor 2 has shape \[2\], reducing \[2,3\] over axes \[0\]/,
    );
  });
});
