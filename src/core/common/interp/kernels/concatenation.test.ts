import { describe, expect, it } from 'vitest';
import './concatenation.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const int8 = (shape: number[], scale: number, zeroPoint: number): TensorSpec => ({ dtype: 'int8', shape, quantization: [scale, zeroPoint] });
const float = (shape: number[]): TensorSpec => ({ dtype: 'float32', shape });

describe('CONCATENATION', () => {
  it('joins float32 tensors along the last axis (given as -1)', () => {
    const spec = { type: 'CONCATENATION', attrs: { axis: -1, activation: 'none' }, inputs: [float([2, 2]), float([2, 1])], output: float([2, 3]) };
    expect(Array.from(runSingleOp(spec, Float32Array.of(1, 2, 3, 4), Float32Array.of(9, 8)))).toEqual([1, 2, 9, 3, 4, 8]);
  });

  it('joins along the first and a middle axis', () => {
    const first = { type: 'CONCATENATION', attrs: { axis: 0, activation: 'none' }, inputs: [float([1, 2]), float([2, 2])], output: float([3, 2]) };
    expect(Array.from(runSingleOp(first, Float32Array.of(1, 2), Float32Array.of(3, 4, 5, 6)))).toEqual([1, 2, 3, 4, 5, 6]);
    const middle = { type: 'CONCATENATION', attrs: { axis: 1, activation: 'none' }, inputs: [float([2, 1, 2]), float([2, 2, 2])], output: float([2, 3, 2]) };
    expect(Array.from(runSingleOp(middle, Float32Array.of(0, 1, 2, 3), Float32Array.of(10, 11, 12, 13, 14, 15, 16, 17)))).toEqual([0, 1, 10, 11, 12, 13, 2, 3, 14, 15, 16, 17]);
  });

  it('copies int8 inputs quantized like the output byte for byte', () => {
    const spec = { type: 'CONCATENATION', attrs: { axis: 1, activation: 'none' }, inputs: [int8([1, 2], 0.5, 3), int8([1, 2], 0.5, 3), int8([1, 1], 0.5, 3)], output: int8([1, 5], 0.5, 3) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(-128, 127), Int8Array.of(0, 1), Int8Array.of(-1)))).toEqual([-128, 127, 0, 1, -1]);
  });

  it('requantizes an int8 input with other parameters in float32, rounding half away from zero and saturating', () => {
    // Input 1: scale 0.25, zero point 2 → real (q - 2)/4; output scale 0.5, zero point -1.
    const spec = { type: 'CONCATENATION', attrs: { axis: 0, activation: 'none' }, inputs: [int8([1], 0.5, -1), int8([6], 0.25, 2)], output: int8([7], 0.5, -1) };
    // (q - 2)/2: 3 → 0.5 → 1, 1 → -0.5 → -1, 8 → 3, -128 → -65, 127 → 62.5 → 63; then - 1.
    expect(Array.from(runSingleOp(spec, Int8Array.of(7), Int8Array.of(3, 1, 8, -128, 127, 2)))).toEqual([7, 0, -2, 2, -66, 62, -1]);
    const wide = { type: 'CONCATENATION', attrs: { axis: 0, activation: 'none' }, inputs: [int8([2], 4, 0)], output: int8([2], 0.5, 0) };
    expect(Array.from(runSingleOp(wide, Int8Array.of(100, -100)))).toEqual([127, -128]);
  });

  it('concatenates int32, int16 and int64 by copy', () => {
    const spec = { type: 'CONCATENATION', attrs: { axis: 0, activation: 'none' }, inputs: [{ dtype: 'int64' as const, shape: [1] }, { dtype: 'int64' as const, shape: [2] }], output: { dtype: 'int64' as const, shape: [3] } };
    expect(Array.from(runSingleOp<BigInt64Array>(spec, BigInt64Array.of(1n), BigInt64Array.of(-2n, 3n)))).toEqual([1n, -2n, 3n]);
  });

  it('refuses fused activations, mismatched shapes and an out-of-range axis', () => {
    expect(() => prepareSingleOp({ type: 'CONCATENATION', attrs: { axis: 0, activation: 'relu' }, inputs: [float([1])], output: float([1]) })).toThrow(
      /fused activation relu is not supported on CONCATENATION/,
    );
    expect(() => prepareSingleOp({ type: 'CONCATENATION', attrs: { axis: 1, activation: 'none' }, inputs: [float([2, 1]), float([3, 1])], output: float([2, 2]) })).toThrow(
      /input 1 tensor 1 \(t1\) has shape \[3,1\], which does not concatenate into \[2,2\] along axis 1/,
    );
    expect(() => prepareSingleOp({ type: 'CONCATENATION', attrs: { axis: 2, activation: 'none' }, inputs: [float([2, 1])], output: float([2, 1]) })).toThrow(
      /axis 2 is out of range for output shape \[2,1\]/,
    );
    expect(() => prepareSingleOp({ type: 'CONCATENATION', attrs: { axis: 0, activation: 'none' }, inputs: [float([2]), float([2])], output: float([5]) })).toThrow(
      /inputs add up to 4 along axis 0, output shape \[5\] has 5/,
    );
  });
});
