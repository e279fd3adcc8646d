import { describe, expect, it } from 'vitest';
import './quantize.js';
import { halfToFloat } from './quantize.js';
import { affineQuantize } from '../../ops/quantize.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const int8 = (shape: number[], scale: number, zeroPoint: number): TensorSpec => ({ dtype: 'int8', shape, quantization: [scale, zeroPoint] });
const float = (shape: number[]): TensorSpec => ({ dtype: 'float32', shape });

describe('QUANTIZE', () => {
  it('rounds x / scale half away from zero, adds the zero point and saturates (float32 → int8)', () => {
    const spec = { type: 'QUANTIZE', inputs: [float([8])], output: int8([8], 0.5, -3) };
    const out = runSingleOp(spec, Float32Array.of(0, 0.25, -0.25, 0.75, -0.75, 1000, -1000, NaN));
    // 0 → -3; 0.5 → 1 → -2; -0.5 → -1 → -4; 1.5 → 2 → -1; -1.5 → -2 → -5; saturate; NaN → 0 → -3
    expect(Array.from(out)).toEqual([-3, -2, -4, -1, -5, 127, -128, -3]);
  });

  it('divides in float32 (TFLite\'s AffineQuantize)', () => {
    // 0.3 / 0.1 is 2.9999999999999996 in double but exactly 3 in float32
    expect(affineQuantize(Math.fround(0.3), Math.fround(0.1), 0)).toBe(3);
    expect(affineQuantize(1e30, 1e-10, 5)).toBe((2147483647 + 5) | 0);
  });

  it('quantizes float32 to int16', () => {
    const spec = { type: 'QUANTIZE', inputs: [float([3])], output: { dtype: 'int16' as const, shape: [3], quantization: [1 / 32768, 0] as [number, number] } };
    expect(Array.from(runSingleOp(spec, Float32Array.of(0.5, -1, 1)))).toEqual([16384, -32768, 32767]);
  });

  it('requantizes int8 → int8 with MultiplyByQuantizedMultiplier', () => {
    // scale 0.5 → 0.25 doubles the centered value: 2(q - 1) + 4
    const spec = { type: 'QUANTIZE', inputs: [int8([4], 0.5, 1)], output: int8([4], 0.25, 4) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(1, 11, 100, -100)))).toEqual([4, 24, 127, -128]);
    // scale 0.25 → 0.5 halves: ties of the doubling high multiply round upward (3/2 → 2, -3/2 → -1)
    const halve = { type: 'QUANTIZE', inputs: [int8([4], 0.25, 0)], output: int8([4], 0.5, 0) };
    expect(Array.from(runSingleOp(halve, Int8Array.of(3, -3, 5, -128)))).toEqual([2, -1, 3, -64]);
  });

  it('requantizes int8 → uint8 and int16 → int8', () => {
    const toUint8 = { type: 'QUANTIZE', inputs: [int8([3], 0.1, -128)], output: { dtype: 'uint8' as const, shape: [3], quantization: [0.1, 0] as [number, number] } };
    expect(Array.from(runSingleOp(toUint8, Int8Array.of(-128, 0, 127)))).toEqual([0, 128, 255]);
    const fromInt16 = { type: 'QUANTIZE', inputs: [{ dtype: 'int16' as const, shape: [2], quantization: [1 / 256, 0] as [number, number] }], output: int8([2], 1 / 16, 0) };
    expect(Array.from(runSingleOp(fromInt16, Int16Array.of(160, -32768)))).toEqual([10, -128]);
  });

  it('refuses per-channel output quantization and float output', () => {
    expect(() =>
      prepareSingleOp({ type: 'QUANTIZE', inputs: [float([2])], output: { dtype: 'int8', shape: [2], quantization: { scale: [1, 2], zeroPoint: [0, 0], axis: 0 } } }),
    ).toThrow(/output tensor 1 \(t1\) has 2 scales, expected per-tensor quantization/);
    expect(() => prepareSingleOp({ type: 'QUANTIZE', inputs: [float([2])], output: { dtype: 'float32', shape: [2], quantization: [1, 0] } })).toThrow(
      /output tensor 1 \(t1\) is float32, expected int8 or uint8 or int16/,
    );
  });
});

describe('DEQUANTIZE', () => {
  it('computes scale · (q - zeroPoint) in float32 for int8, uint8 and int16', () => {
    const fromInt8 = { type: 'DEQUANTIZE', inputs: [int8([3], Math.fround(0.1), -128)], output: float([3]) };
    expect(Array.from(runSingleOp(fromInt8, Int8Array.of(-128, 0, 127)))).toEqual([0, Math.fround(Math.fround(0.1) * 128), Math.fround(Math.fround(0.1) * 255)]);
    const fromUint8 = { type: 'DEQUANTIZE', inputs: [{ dtype: 'uint8' as const, shape: [2], quantization: [0.5, 128] as [number, number] }], output: float([2]) };
    expect(Array.from(runSingleOp(fromUint8, Uint8Array.of(0, 255)))).toEqual([-64, 63.5]);
    const fromInt16 = { type: 'DEQUANTIZE', inputs: [{ dtype: 'int16' as const, shape: [2], quantization: [1 / 32768, 0] as [number, number] }], output: float([2]) };
    expect(Array.from(runSingleOp(fromInt16, Int16Array.of(-32768, 16384)))).toEqual([-1, 0.5]);
  });

  it('applies per-channel scales along their axis', () => {
    const spec = { type: 'DEQUANTIZE', inputs: [{ dtype: 'int8' as const, shape: [2, 3], quantization: { scale: [0.5, 2, 4], zeroPoint: [0, 1, 0], axis: 1 } }], output: float([2, 3]) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(2, 2, 2, -2, -2, -2)))).toEqual([1, 2, 8, -1, -6, -8]);
  });

  it('widens float16 bits exactly, including subnormals, infinities and NaN', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x8000)).toBe(-0);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    const spec = { type: 'DEQUANTIZE', inputs: [{ dtype: 'float16' as const, shape: [3] }], output: float([3]) };
    expect(Array.from(runSingleOp(spec, Uint16Array.of(0x3555, 0xfc00, 0x0400)))).toEqual([halfToFloat(0x3555), -Infinity, 2 ** -14]);
    expect(halfToFloat(0x3555)).toBe(1365 / 4096);
  });
});
