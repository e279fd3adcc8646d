import { describe, expect, it } from 'vitest';
import './activations.js';
import { logisticFloat } from './activations.js';
import { checkedLog2, int16ActivationScaling, sigmoidParams } from '../../ops/logistic-tanh.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const int8 = (shape: number[], scale: number, zeroPoint: number): TensorSpec => ({ dtype: 'int8', shape, quantization: [scale, zeroPoint] });
const float = (shape: number[]): TensorSpec => ({ dtype: 'float32', shape });
const allInt8 = () => Int8Array.from({ length: 256 }, (_, i) => i - 128);

describe('int8 logistic / tanh parameters', () => {
  it('turns the input scale into a Q4.27 multiplier and an input radius', () => {
    // 1/16 · 2^27 = 2^23 = 0.5 · 2^24; radius floor(15 · 2^27 / 2^24) = 120 (7.5 in real units).
    expect(sigmoidParams(1 / 16, 3)).toEqual({ inputZeroPoint: 3, inputMultiplier: 2 ** 30, inputLeftShift: 24, inputRangeRadius: 120 });
    const { inputMultiplier, inputLeftShift } = sigmoidParams(0.1, 0);
    expect(inputLeftShift).toBe(24);
    expect(inputMultiplier).toBe(Math.round(((0.1 * 2 ** 27) / 2 ** 24) * 2 ** 31));
  });
});

describe('LOGISTIC', () => {
  const spec = (scale: number, zeroPoint: number) => ({ type: 'LOGISTIC', inputs: [int8([256], scale, zeroPoint)], output: int8([256], 1 / 256, -128) });

  it('maps 0 to 0.5 (q = 0) and saturates beyond the input radius', () => {
    const out = runSingleOp(spec(1 / 16, 0), allInt8());
    expect(out[128]).toBe(0); // input 0
    expect(out[0]).toBe(-128); // -8 is beyond the radius of 7.5
    expect(out[255]).toBe(127); // 127/16 ≈ 7.9 ≥ 7.5
  });

  it('stays within one step of the real logistic for every int8 input', () => {
    for (const [scale, zeroPoint] of [[1 / 16, 0], [0.1, -20], [0.02, 7]]) {
      const out = runSingleOp(spec(scale, zeroPoint), allInt8());
      for (let i = 0; i < 256; i++) {
        const real = 1 / (1 + Math.exp(-scale * (i - 128 - zeroPoint)));
        expect(Math.abs(out[i] - Math.min(127, Math.round(real * 256) - 128))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('computes float32 logistic with TFLite\'s cutoffs', () => {
    const out = runSingleOp({ type: 'LOGISTIC', inputs: [float([5])], output: float([5]) }, Float32Array.of(0, 1, 20, -10, -100));
    expect(Array.from(out)).toEqual([0.5, Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-1)))), 1, Math.fround(Math.exp(-10)), Math.fround(Math.exp(-100))]);
    expect(logisticFloat(16.7)).toBe(1);
  });

  it('refuses an int8 output zero point other than -128 and int16 input', () => {
    expect(() => prepareSingleOp({ type: 'LOGISTIC', inputs: [int8([2], 0.1, 0)], output: int8([2], 1 / 256, 0) })).toThrow(
      /op 0 \(LOGISTIC\): int8 output tensor 1 \(t1\) must have zero point -128, has 0/,
    );
    expect(() => prepareSingleOp({ type: 'LOGISTIC', inputs: [{ dtype: 'int16', shape: [2], quantization: [1 / 4096, 0] }], output: { dtype: 'int16', shape: [2], quantization: [1 / 16384, 0] } })).toThrow(
      /int16 output tensor 1 \(t1\) must have scale 2\^-15, has 0.00006103515625/,
    );
  });
});

describe('int16 LOGISTIC / TANH', () => {
  const int16 = (scale: number): TensorSpec => ({ dtype: 'int16', shape: [9], quantization: [scale, 0] });
  const inputs = Int16Array.of(-32768, -8192, -4096, -1, 0, 1, 4096, 8192, 32767);

  it('derives the table scaling as TFLite Micro\'s Prepare does', () => {
    expect(checkedLog2(1 / 4096)).toEqual({ log2: -12, powerOfTwo: true });
    expect(checkedLog2(0.001).powerOfTwo).toBe(false);
    expect(int16ActivationScaling(1 / 4096, [0])).toEqual({ multiplier: 0, leftShift: 0 });
    expect(int16ActivationScaling(1 / 2048, [0, 1])).toEqual({ multiplier: 0, leftShift: 1 });
    // 0.001 · 4096 · 3 = 12.288, doubled 11 times to 25165.8 > 16383.5
    expect(int16ActivationScaling(0.001, [0])).toEqual({ multiplier: 25165, leftShift: 11 });
    // a power of two TFLite does not take as is (2^-11 for LOGISTIC) goes through the general path: 6 · 2^12
    expect(int16ActivationScaling(1 / 2048, [0])).toEqual({ multiplier: 24576, leftShift: 12 });
  });

  it('computes Q0.15 logistic of Q3.12 inputs within 2 steps of the real function', () => {
    const out = runSingleOp({ type: 'LOGISTIC', inputs: [int16(1 / 4096)], output: int16(1 / 32768) }, inputs);
    expect(out[4]).toBe(16384);
    inputs.forEach((q, i) => expect(Math.abs(out[i] - Math.min(32767, Math.round(32768 / (1 + Math.exp(-q / 4096)))))).toBeLessThanOrEqual(2));
  });

  it('computes Q0.15 tanh of Q3.12 and rescaled inputs within 2 steps of the real function', () => {
    for (const scale of [1 / 4096, 1 / 2048, 0.001]) {
      const out = runSingleOp({ type: 'TANH', inputs: [int16(scale)], output: int16(1 / 32768) }, inputs);
      expect(out[4]).toBe(0);
      inputs.forEach((q, i) => expect(Math.abs(out[i] - Math.max(-32768, Math.min(32767, Math.round(32768 * Math.tanh(q * scale)))))).toBeLessThanOrEqual(2));
    }
  });

  it('refuses nonzero zero points', () => {
    expect(() => prepareSingleOp({ type: 'TANH', inputs: [{ dtype: 'int16', shape: [9], quantization: [1 / 4096, 1] }], output: int16(1 / 32768) })).toThrow(
      /int16 TANH needs zero points of 0, got 1 and 0/,
    );
  });
});

describe('TANH', () => {
  const spec = (scale: number, zeroPoint: number) => ({ type: 'TANH', inputs: [int8([256], scale, zeroPoint)], output: int8([256], 1 / 128, 0) });

  it('is odd around the input zero point and saturates at -128 and 127', () => {
    const out = runSingleOp(spec(1 / 32, 0), allInt8());
    expect(out[128]).toBe(0);
    // tanh(x)·128 rounds to ±128 near 4.0: the positive side clamps to 127, the negative keeps -128.
    for (let x = 1; x < 128; x++) expect(-out[128 - x]).toBe(out[128 + x] === 127 && out[128 - x] === -128 ? 128 : out[128 + x]);
    expect(out[1]).toBe(-128);
    expect(out[255]).toBe(127);
    expect(runSingleOp(spec(0.5, 0), allInt8())[0]).toBe(-128);
    expect(runSingleOp(spec(0.5, 0), allInt8())[255]).toBe(127);
  });

  it('stays within one step of the real tanh for every int8 input', () => {
    for (const [scale, zeroPoint] of [[1 / 32, 0], [0.05, 10], [0.3, -3]]) {
      const out = runSingleOp(spec(scale, zeroPoint), allInt8());
      for (let i = 0; i < 256; i++) {
        const ideal = Math.max(-128, Math.min(127, Math.round(Math.tanh(scale * (i - 128 - zeroPoint)) * 128)));
        expect(Math.abs(out[i] - ideal)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('computes float32 tanh', () => {
    const out = runSingleOp({ type: 'TANH', inputs: [float([3])], output: float([3]) }, Float32Array.of(0, 0.5, -30));
    expect(Array.from(out)).toEqual([0, Math.fround(Math.tanh(Math.fround(0.5))), -1]);
  });
});

describe('RELU', () => {
  it('requantizes int8 and clamps below at the output zero point', () => {
    // real = 0.5 (q + 10); q_out = 2 (q + 10) - 128
    const spec = { type: 'RELU', inputs: [int8([6], 0.5, -10)], output: int8([6], 0.25, -128) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(-50, -10, 0, 53, 127, -128)))).toEqual([-128, -128, -108, -2, 127, -128]);
  });

  it('handles int16 with zero points of 0', () => {
    const q: [number, number] = [1 / 1024, 0];
    const spec = { type: 'RELU', inputs: [{ dtype: 'int16' as const, shape: [3], quantization: q }], output: { dtype: 'int16' as const, shape: [3], quantization: q } };
    expect(Array.from(runSingleOp(spec, Int16Array.of(-32768, 5, 32767)))).toEqual([0, 5, 32767]);
  });

  it('clamps float32 below at zero, keeping NaN', () => {
    const out = runSingleOp({ type: 'RELU', inputs: [float([4])], output: float([4]) }, Float32Array.of(-1, 0, 2.5, NaN));
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, 2.5]);
    expect(out[3]).toBeNaN();
  });
});

describe('RELU6', () => {
  it('clamps int8 between the zero point and quantized 6 without requantizing', () => {
    // scale 0.1, zero point -20: 6.0 is q = 60 - 20 = 40
    const spec = { type: 'RELU6', inputs: [int8([5], Math.fround(0.1), -20)], output: int8([5], Math.fround(0.1), -20) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(-128, -20, 0, 41, 127)))).toEqual([-20, -20, 0, 40, 40]);
  });

  it('caps quantized 6 at the type maximum when 6.0 is not representable', () => {
    const spec = { type: 'RELU6', inputs: [int8([2], 0.01, 0)], output: int8([2], 0.01, 0) };
    expect(Array.from(runSingleOp(spec, Int8Array.of(127, -1)))).toEqual([127, 0]);
  });

  it('clamps float32 to [0, 6]', () => {
    const out = runSingleOp({ type: 'RELU6', inputs: [float([4])], output: float([4]) }, Float32Array.of(-3, 3, 6, 7));
    expect(Array.from(out)).toEqual([0, 3, 6, 6]);
  });
});
