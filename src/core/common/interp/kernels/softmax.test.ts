import { describe, expect, it } from 'vitest';
import './softmax.js';
import { inputRadius, quantizedSoftmaxParams, softmaxInputScaling } from '../../ops/softmax.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const int8 = (shape: number[], scale: number, zeroPoint: number): TensorSpec => ({ dtype: 'int8', shape, quantization: [scale, zeroPoint] });
const softmaxOutput = (shape: number[]): TensorSpec => int8(shape, 1 / 256, -128);

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('quantized softmax parameters', () => {
  it('scales beta · inputScale into Q5.26 and derives the input radius', () => {
    const scale = 0.14469251036643982;
    const { multiplier, leftShift } = softmaxInputScaling(1, scale, 5);
    // 0.1447 · 2^26 ≈ 9.71e6 = 0.5787 · 2^24
    expect(leftShift).toBe(24);
    expect(multiplier).toBe(Math.round(((scale * 2 ** 26) / 2 ** 24) * 2 ** 31));
    // floor(31 · 2^26 / 2^24) = 124
    expect(inputRadius(5, 24)).toBe(124);
    expect(quantizedSoftmaxParams(1, scale)).toEqual({ inputMultiplier: multiplier, inputLeftShift: 24, diffMin: -124 });
  });

  it('caps the real multiplier at 2^31 - 1 for huge beta · scale', () => {
    expect(softmaxInputScaling(1e6, 1, 5)).toEqual({ multiplier: 2147483647, leftShift: 31 });
  });
});

describe('SOFTMAX int8', () => {
  it('gives 1/n to n equal inputs (0.25 → 64 - 128 = -64)', () => {
    const spec = { type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [int8([1, 4], 0.1, 0)], output: softmaxOutput([1, 4]) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(5, 5, 5, 5)))).toEqual([-64, -64, -64, -64]);
  });

  it('saturates a dominant value at 127 and flushes values beyond the input radius to -128', () => {
    const spec = { type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [int8([1, 3], 0.5, 0)], output: softmaxOutput([1, 3]) };
    // radius: scale 0.5 → 2^25 = 2^25 · 2^0 ⇒ leftShift 26, radius floor(31 · 2^26 / 2^26) = 31.
    expect(quantizedSoftmaxParams(1, 0.5).diffMin).toBe(-31);
    // 127 - (-128) = 255 > 31: both small inputs are skipped; the maximum gets exp(0)/exp(0) = 1 → 256 → 127.
    expect(Array.from(runSingleOp(spec, Int8Array.of(-128, 127, -128)))).toEqual([-128, 127, -128]);
  });

  it('treats every row separately over the last dimension', () => {
    const spec = { type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [int8([2, 1, 2], 0.1, 0)], output: softmaxOutput([2, 1, 2]) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(0, 0, 100, 100)))).toEqual([0, 0, 0, 0]);
  });

  it('stays within one step of the real softmax on random rows, scales and betas', () => {
    const random = lcg(7);
    for (const [scale, beta] of [[0.0625, 1], [0.17185351252555847, 1], [0.5, 1], [0.03, 2.5], [0.2, 0.5]]) {
      const depth = 10;
      const rows = 50;
      const spec = { type: 'SOFTMAX', attrs: { beta }, inputs: [int8([rows, depth], scale, 3)], output: softmaxOutput([rows, depth]) };
      const input = Int8Array.from({ length: rows * depth }, () => Math.floor(random() * 256) - 128);
      const out = runSingleOp(spec, input);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(input.subarray(r * depth, (r + 1) * depth), (q) => beta * scale * (q - 3));
        const max = Math.max(...row);
        const exps = row.map((x) => Math.exp(x - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        exps.forEach((e, c) => {
          const ideal = Math.min(127, Math.round((e / sum) * 256) - 128);
          expect(Math.abs(out[r * depth + c] - ideal)).toBeLessThanOrEqual(1);
        });
      }
    }
  });

  it('writes int16 output with zero point -32768 and scale 1/65536', () => {
    const output: TensorSpec = { dtype: 'int16', shape: [1, 4], quantization: [1 / 65536, -32768] };
    const spec = { type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [int8([1, 4], 0.1, 0)], output };
    expect(Array.from(runSingleOp(spec, Int8Array.of(-7, -7, -7, -7)))).toEqual([-16384, -16384, -16384, -16384]);
  });

  it('refuses output quantization other than TFLite\'s fixed one', () => {
    expect(() => prepareSingleOp({ type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [int8([1, 4], 0.1, 0)], output: int8([1, 4], 1 / 255, -128) })).toThrow(
      /op 0 \(SOFTMAX\): int8 output tensor 1 \(t1\) must have scale 1\/256 and zero point -128/,
    );
    expect(() => prepareSingleOp({ type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [{ dtype: 'int16', shape: [4], quantization: [1, 0] }], output: { dtype: 'int16', shape: [4], quantization: [1, 0] } })).toThrow(
      /int16 output tensor 1 \(t1\) must have scale 1\/32768 and zero point 0, has scale 1 and zero point 0/,
    );
  });
});

describe('SOFTMAX float32', () => {
  it('computes exp((x - max)·beta) / Σ in float32', () => {
    const spec = { type: 'SOFTMAX', attrs: { beta: 1 }, inputs: [{ dtype: 'float32' as const, shape: [2, 2] }], output: { dtype: 'float32' as const, shape: [2, 2] } };
    const out = runSingleOp(spec, Float32Array.of(0, Math.log(3), 1000, 1000));
    expect(out[0]).toBeCloseTo(0.25, 6);
    expect(out[1]).toBeCloseTo(0.75, 6);
    expect(Array.from(out.subarray(2))).toEqual([0.5, 0.5]);
  });

  it('applies beta', () => {
    const spec = { type: 'SOFTMAX', attrs: { beta: 2 }, inputs: [{ dtype: 'float32' as const, shape: [2] }], output: { dtype: 'float32' as const, shape: [2] } };
    const out = runSingleOp(spec, Float32Array.of(0, Math.log(3) / 2));
    expect(out[0]).toBeCloseTo(0.25, 6);
  });
});
