import { describe, expect, it } from 'vitest';
import { InterpreterError } from '../../errors.js';
import './elementwise.js';
import { clampFloat } from './elementwise.js';
import { broadcastShapes } from '../../ops/elementwise.js';
import { FLOAT32_MAX } from '../../ops/activation.js';
import { runSingleOp, prepareSingleOp, type TensorSpec } from '../testing/single-op.js';

const int8 = (shape: number[], scale: number, zeroPoint: number): TensorSpec => ({ dtype: 'int8', shape, quantization: [scale, zeroPoint] });
const float = (shape: number[]): TensorSpec => ({ dtype: 'float32', shape });

/** All 256 × 256 int8 pairs as two flat inputs of shape [65536]. */
function allPairs(): [Int8Array, Int8Array] {
  const a = new Int8Array(65536);
  const b = new Int8Array(65536);
  for (let i = 0; i < 65536; i++) {
    a[i] = (i >> 8) - 128;
    b[i] = (i & 255) - 128;
  }
  return [a, b];
}

describe('broadcastShapes', () => {
  it('aligns shapes on the last dimension and zeroes broadcast strides', () => {
    expect(broadcastShapes([2, 3], [3])).toEqual({ shape: [2, 3], strides1: [3, 1], strides2: [0, 1] });
    expect(broadcastShapes([2, 1], [1, 3])).toEqual({ shape: [2, 3], strides1: [1, 0], strides2: [0, 1] });
    expect(broadcastShapes([1, 4, 4, 8], [1, 1, 1, 8])?.shape).toEqual([1, 4, 4, 8]);
    expect(broadcastShapes([2, 3], [2])).toBeUndefined();
  });

  it('clamps floats like std::min/std::max, letting NaN through', () => {
    expect(clampFloat(Infinity, -FLOAT32_MAX, FLOAT32_MAX)).toBe(FLOAT32_MAX);
    expect(clampFloat(-1, 0, 6)).toBe(0);
    expect(clampFloat(7, 0, 6)).toBe(6);
    expect(clampFloat(NaN, 0, 6)).toBeNaN();
  });
});

describe('ADD', () => {
  it('adds int8 exactly when all scales are equal, saturating at -128 and 127', () => {
    const spec = { type: 'ADD', attrs: { activation: 'none' }, inputs: [int8([6], 0.5, 0), int8([6], 0.5, 0)], output: int8([6], 0.5, 0) };
    const out = runSingleOp(spec, Int8Array.of(1, 2, -3, 100, -100, 127), Int8Array.of(4, -5, -3, 100, -100, 0));
    expect(Array.from(out)).toEqual([5, -3, -6, 127, -128, 127]);
  });

  it('requantizes int8 with different scales and zero points to within one step of the real sum', () => {
    const spec = {
      type: 'ADD',
      attrs: { activation: 'none' },
      inputs: [int8([65536], 0.039393551647663116, -128), int8([65536], 0.10419496148824692, 4)],
      output: int8([65536], 0.050945673137903214, -128),
    };
    const [a, b] = allPairs();
    const out = runSingleOp(spec, a, b);
    let exact = 0;
    for (let i = 0; i < 65536; i++) {
      const real = 0.039393551647663116 * (a[i] + 128) + 0.10419496148824692 * (b[i] - 4);
      const ideal = Math.min(127, Math.max(-128, Math.round(real / 0.050945673137903214) - 128));
      expect(Math.abs(out[i] - ideal)).toBeLessThanOrEqual(1);
      if (out[i] === ideal) exact++;
    }
    expect(exact).toBeGreaterThan(65536 * 0.99);
  });

  it('applies a fused relu in the quantized domain', () => {
    const spec = { type: 'ADD', attrs: { activation: 'relu' }, inputs: [int8([3], 0.5, -10), int8([3], 0.5, -10)], output: int8([3], 0.5, -10) };
    // Real values: (-20 + 0) = -10 → clamped to real 0 (q = -10); (0 + 5) = 5 → q = 0; saturation stays.
    const out = runSingleOp(spec, Int8Array.of(-50, -10, 127), Int8Array.of(-10, 0, 127));
    expect(Array.from(out)).toEqual([-10, 0, 127]);
  });

  it('broadcasts a per-channel int8 vector over a 4-D tensor', () => {
    const spec = { type: 'ADD', attrs: { activation: 'none' }, inputs: [int8([1, 2, 2, 3], 0.5, 0), int8([3], 0.5, 0)], output: int8([1, 2, 2, 3], 0.5, 0) };
    const out = runSingleOp(spec, Int8Array.from({ length: 12 }, (_, i) => i), Int8Array.of(10, 20, 30));
    expect(Array.from(out)).toEqual([10, 21, 32, 13, 24, 35, 16, 27, 38, 19, 30, 41]);
  });

  it('broadcasts both inputs ([2,1] + [1,3]) in float32 and clamps infinities to the largest float', () => {
    const spec = { type: 'ADD', attrs: { activation: 'none' }, inputs: [float([2, 1]), float([1, 3])], output: float([2, 3]) };
    const out = runSingleOp(spec, Float32Array.of(1, 10), Float32Array.of(0.5, 0.25, 3e38));
    expect(Array.from(out)).toEqual([1.5, 1.25, 3e38 + 1, 10.5, 10.25, Math.fround(3e38 + 10)].map(Math.fround));
    const inf = runSingleOp(spec, Float32Array.of(3e38, 1), Float32Array.of(3e38, 0, 0));
    expect(inf[0]).toBe(Math.fround(FLOAT32_MAX));
  });

  it('rounds float32 sums to float32 and applies relu6', () => {
    const spec = { type: 'ADD', attrs: { activation: 'relu6' }, inputs: [float([3]), float([3])], output: float([3]) };
    const out = runSingleOp(spec, Float32Array.of(0.1, -3, 5), Float32Array.of(0.2, 1, 5));
    expect(Array.from(out)).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2)), 0, 6]);
  });

  it('adds int16 with the 15-bit left shift', () => {
    const q: [number, number] = [1 / 4096, 0];
    const spec = { type: 'ADD', attrs: { activation: 'none' }, inputs: [{ dtype: 'int16' as const, shape: [4], quantization: q }, { dtype: 'int16' as const, shape: [4], quantization: q }], output: { dtype: 'int16' as const, shape: [4], quantization: q } };
    const out = runSingleOp(spec, Int16Array.of(1000, -32768, 30000, -7), Int16Array.of(234, -1, 30000, 3));
    expect(Array.from(out)).toEqual([1234, -32768, 32767, -4]);
  });

  it('adds int32 with wrap-around', () => {
    const spec = { type: 'ADD', attrs: { activation: 'none' }, inputs: [{ dtype: 'int32' as const, shape: [2] }, { dtype: 'int32' as const, shape: [2] }], output: { dtype: 'int32' as const, shape: [2] } };
    expect(Array.from(runSingleOp(spec, Int32Array.of(5, 2147483647), Int32Array.of(-7, 1)))).toEqual([-2, -2147483648]);
  });

  it('refuses mismatched types, incompatible shapes and a wrong output shape', () => {
    expect(() => prepareSingleOp({ type: 'ADD', attrs: { activation: 'none' }, inputs: [float([2]), int8([2], 1, 0)], output: float([2]) })).toThrow(
      /op 0 \(ADD\): input 1 tensor 1 \(t1\) is int8, expected float32/,
    );
    expect(() => prepareSingleOp({ type: 'ADD', attrs: { activation: 'none' }, inputs: [float([2, 3]), float([2])], output: float([2, 3]) })).toThrow(
      /shapes \[2,3\] \(tensor 0 \(t0\)\) and \[2\] \(tensor 1 \(t1\)\) do not broadcast/,
    );
    expect(() => prepareSingleOp({ type: 'ADD', attrs: { activation: 'none' }, inputs: [float([2, 3]), float([3])], output: float([3, 2]) })).toThrow(InterpreterError);
  });
});

describe('SUB', () => {
  it('subtracts int8 exactly with equal scales and saturates', () => {
    const spec = { type: 'SUB', attrs: { activation: 'none' }, inputs: [int8([4], 0.25, 3), int8([4], 0.25, 3)], output: int8([4], 0.25, 3) };
    // (a - 3) - (b - 3) + 3 = a - b + 3
    const out = runSingleOp(spec, Int8Array.of(10, -100, 127, 0), Int8Array.of(4, 100, -128, 0));
    expect(Array.from(out)).toEqual([9, -128, 127, 3]);
  });

  it('requantizes int8 with different scales to within one step of the real difference', () => {
    const spec = { type: 'SUB', attrs: { activation: 'none' }, inputs: [int8([65536], 0.07, -5), int8([65536], 0.02, 12)], output: int8([65536], 0.11, 1) };
    const [a, b] = allPairs();
    const out = runSingleOp(spec, a, b);
    for (let i = 0; i < 65536; i += 7) {
      const ideal = Math.min(127, Math.max(-128, Math.round((0.07 * (a[i] + 5) - 0.02 * (b[i] - 12)) / 0.11) + 1));
      expect(Math.abs(out[i] - ideal)).toBeLessThanOrEqual(1);
    }
  });

  it('subtracts a broadcast float32 scalar', () => {
    const spec = { type: 'SUB', attrs: { activation: 'relu' }, inputs: [float([2, 2]), float([1])], output: float([2, 2]) };
    expect(Array.from(runSingleOp(spec, Float32Array.of(1, 2, 3, 4), Float32Array.of(2.5)))).toEqual([0, 0, 0.5, 1.5]);
  });
});

describe('MUL', () => {
  it('multiplies int8 exactly when scaleOut = scale1 · scale2, saturating', () => {
    const spec = { type: 'MUL', attrs: { activation: 'none' }, inputs: [int8([5], 0.5, 0), int8([5], 0.25, 0)], output: int8([5], 0.125, 0) };
    const out = runSingleOp(spec, Int8Array.of(3, -5, 20, -20, -128), Int8Array.of(4, 7, 20, 20, -1));
    expect(Array.from(out)).toEqual([12, -35, 127, -128, 127]);
  });

  it('subtracts zero points before multiplying and adds the output zero point after', () => {
    const spec = { type: 'MUL', attrs: { activation: 'none' }, inputs: [int8([3], 0.5, 1), int8([3], 0.25, -2)], output: int8([3], 0.125, 5) };
    // (a - 1)(b + 2) + 5
    const out = runSingleOp(spec, Int8Array.of(3, 1, -4), Int8Array.of(2, 50, 3));
    expect(Array.from(out)).toEqual([13, 5, -20]);
  });

  it('rounds ties of a halving requantization upward, as the doubling high multiply does', () => {
    // MultiplyByQuantizedMultiplier(x, 2^30, 0) is SaturatingRoundingDoublingHighMul(x, 2^30):
    // its nudge sends 0.5 to 1 and 1.5 to 2, but -0.5 to 0 and -1.5 to -1.
    const spec = { type: 'MUL', attrs: { activation: 'none' }, inputs: [int8([4], 1, 0), int8([4], 1, 0)], output: int8([4], 2, 0) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(1, 3, -1, -3), Int8Array.of(1, 1, 1, 1)))).toEqual([1, 2, 0, -1]);
  });

  it('broadcasts in float32 and int16', () => {
    const f = { type: 'MUL', attrs: { activation: 'none' }, inputs: [float([2, 2]), float([2])], output: float([2, 2]) };
    expect(Array.from(runSingleOp(f, Float32Array.of(1, 2, 3, 4), Float32Array.of(0.5, -2)))).toEqual([0.5, -4, 1.5, -8]);
    const q: [number, number] = [1 / 256, 0];
    const i16 = { type: 'MUL', attrs: { activation: 'none' }, inputs: [{ dtype: 'int16' as const, shape: [2], quantization: q }, { dtype: 'int16' as const, shape: [1], quantization: q }], output: { dtype: 'int16' as const, shape: [2], quantization: q } };
    // (a/256)(b/256)·256 = ab/256
    expect(Array.from(runSingleOp(i16, Int16Array.of(512, -32768), Int16Array.of(768)))).toEqual([1536, -32768]);
  });

  it('refuses int16 with nonzero zero points', () => {
    const q: [number, number] = [1 / 256, 3];
    expect(() =>
      prepareSingleOp({ type: 'MUL', attrs: { activation: 'none' }, inputs: [{ dtype: 'int16', shape: [2], quantization: q }, { dtype: 'int16', shape: [2], quantization: q }], output: { dtype: 'int16', shape: [2], quantization: q } }),
    ).toThrow(/int16 MUL needs zero points of 0, got 3, 3 and 3/);
  });
});
