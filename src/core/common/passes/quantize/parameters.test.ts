import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../ir/types.js';
import { HISTOGRAM_BINS, createObserver } from './observers.js';
import { activationQuantization, asymmetricInt8, fixedOutputQuantization, quantizeBias, quantizeConstant, quantizeWeights, symmetricInt16 } from './parameters.js';
import { cellStateQuantization, hiddenStateQuantization } from './quantize-lstm.js';

const constant = (shape: number[], values: number[]): Tensor => ({ id: 0, name: 'w', shape, dtype: 'float32', data: Float32Array.from(values) });

describe('quantization parameters (TFLite conventions)', () => {
  it('int8 activations: asymmetric over the range widened to 0, in float32', () => {
    // The converter's own test vector (tfl-prepare-quantize, LSTM input stats [-1.2, 1.5]).
    expect(asymmetricInt8({ min: -1.2, max: 1.5 })).toEqual({ scale: [Math.fround(2.7 / 255)], zeroPoint: [-15], axis: 0 });
    // A ReLU output: zero point -128, as every activation of the shipped kws_ref_model.
    expect(asymmetricInt8({ min: 0, max: 20.0756 }).zeroPoint).toEqual([-128]);
    // A range that excludes 0 is widened to include it.
    expect(asymmetricInt8({ min: 2, max: 5.1 })).toEqual(asymmetricInt8({ min: 0, max: 5.1 }));
    expect(asymmetricInt8({ min: -4, max: -1 }).zeroPoint).toEqual([127]);
    // A tensor that is always 0 still gets a usable scale.
    expect(asymmetricInt8({ min: 0, max: 0 })).toEqual({ scale: [Math.fround(1 / 255)], zeroPoint: [-128], axis: 0 });
    // Never -0 as a zero point.
    expect(Object.is(asymmetricInt8({ min: -0.99664, max: 0.99664 }).zeroPoint[0], -0)).toBe(false);
  });

  it('int16 activations: symmetric, zero point 0', () => {
    expect(symmetricInt16({ min: -3, max: 6 })).toEqual({ scale: [Math.fround(6 / 32767)], zeroPoint: [0], axis: 0 });
    expect(activationQuantization('int16', { min: -3, max: 6 })).toEqual(symmetricInt16({ min: -3, max: 6 }));
  });

  it('fixed output encodings of softmax, logistic and tanh', () => {
    expect(fixedOutputQuantization('SOFTMAX', 'int8')).toEqual({ scale: [1 / 256], zeroPoint: [-128], axis: 0 });
    expect(fixedOutputQuantization('LOGISTIC', 'int8')).toEqual({ scale: [1 / 256], zeroPoint: [-128], axis: 0 });
    expect(fixedOutputQuantization('TANH', 'int8')).toEqual({ scale: [1 / 128], zeroPoint: [0], axis: 0 });
    expect(fixedOutputQuantization('TANH', 'int16')).toEqual({ scale: [2 ** -15], zeroPoint: [0], axis: 0 });
    expect(fixedOutputQuantization('CONV_2D', 'int8')).toBeUndefined();
  });

  it('weights: symmetric int8 per output channel or per tensor, in [-127, 127]', () => {
    // [2 channels, 3]: channel 0 max |w| 1.27, channel 1 max |w| 0.254.
    const weights = constant([2, 3], [1.27, -0.6, 0.0049, 0.254, -0.254, 0.13]);
    const perChannel = quantizeWeights(weights, 0);
    expect(perChannel.quantization).toEqual({ scale: [Math.fround(0.01), Math.fround(0.002)], zeroPoint: [0, 0], axis: 0 });
    expect([...perChannel.data]).toEqual([127, -60, 0, 127, -127, 65]);
    const perTensor = quantizeWeights(weights, undefined);
    expect(perTensor.quantization.scale).toEqual([Math.fround(0.01)]);
    expect([...perTensor.data]).toEqual([127, -60, 0, 25, -25, 13]);
    // The converter's test vector: 2x5 LSTM input weights, max |w| 1.4124943 → 0.011122002.
    const lstm = constant([2, 5], [1.31760073, -0.78338623, 0.287265539, -0.383972764, -0.00321021513, 0.104248755, 1.07823908, 0.138089031, 0.76123321, -1.4124943]);
    expect(quantizeWeights(lstm, undefined).quantization.scale[0]).toBeCloseTo(0.011122002376346137, 9);
    // Depthwise filters [1, H, W, C] are quantized along the last axis; an all-zero channel gets scale 1.
    const depthwise = quantizeWeights(constant([1, 1, 2, 2], [0.5, 0, -0.25, 0]), 3);
    expect(depthwise.quantization.scale).toEqual([Math.fround(0.5 / 127), 1]);
    expect([...depthwise.data]).toEqual([127, 0, -64, 0]);
  });

  it('biases: the accumulator scale input·weight, int32 clamped or int64', () => {
    const bias = constant([2], [0.5, -3e9 * 0.001]);
    const int32 = quantizeBias(bias, 0.1, [0.01, 0.001], 'int32');
    expect(int32.quantization).toEqual({ scale: [Math.fround(0.001), Math.fround(0.0001)], zeroPoint: [0, 0], axis: 0 });
    expect([...int32.data]).toEqual([500, -2147483647]);
    expect(int32.clamped).toBe(1);
    const int64 = quantizeBias(bias, 0.1, [0.01, 0.001], 'int64');
    expect([...int64.data]).toEqual([500n, -BigInt(Math.round(3e6 / Math.fround(0.0001)))]);
    // One weight scale (per-tensor weights): every element uses it.
    expect([...quantizeBias(constant([3], [1, 2, 3]), 0.5, [0.5], 'int32').data]).toEqual([4, 8, 12]);
  });

  it('a constant operand is encoded like an activation of its own range', () => {
    const { data, quantization } = quantizeConstant(constant([3], [-1, 0, 3]), 'int8');
    expect(quantization).toEqual(asymmetricInt8({ min: -1, max: 3 }));
    expect([...data]).toEqual([-128, -64, 127]);
  });

  it('LSTM state: hidden symmetric-range int8, cell int16 with a power-of-two scale', () => {
    // The converter's test vectors: recurrent stats [-2, 1] → 4/255 with zero point -1; cell stats
    // [-2.73, 7.95] → 2^-12.
    expect(hiddenStateQuantization({ min: -2, max: 1 })).toEqual({ scale: [Math.fround(4 / 255)], zeroPoint: [-1], axis: 0 });
    expect(cellStateQuantization({ min: -2.73090601, max: 7.94872093 })).toEqual({ scale: [2 ** -12], zeroPoint: [0], axis: 0 });
    expect(cellStateQuantization({ min: -8.01, max: 1 }).scale).toEqual([2 ** -11]);
    expect(cellStateQuantization({ min: 0, max: 0 }).scale).toEqual([2 ** -15]);
  });
});

describe('range observers', () => {
  const run = (kind: 'min-max' | 'moving-average' | 'percentile', samples: number[][], settings: { percentile?: number; averagingConstant?: number } = {}) => {
    const observer = createObserver({ kind, percentile: settings.percentile ?? 99, averagingConstant: settings.averagingConstant ?? 0.5 });
    for (let pass = 0; pass < observer.passes; pass++) for (const sample of samples) observer.observe(Float32Array.from(sample), pass);
    return observer.range();
  };

  it('min-max: the extremes over every sample', () => {
    expect(run('min-max', [[1, 2], [-3, 0.5], [7]])).toEqual({ min: -3, max: 7 });
    expect(run('min-max', [])).toBeUndefined();
    expect(run('min-max', [[NaN, Infinity]])).toBeUndefined();
  });

  it('moving-average: each sample’s extremes averaged, the first taken as it is', () => {
    // min: -2 → -2 + 0.5·(0 − −2) = −1 → −1 + 0.5·(−4 − −1) = −2.5; max: 2 → 3 → 2.
    expect(run('moving-average', [[-2, 2], [0, 4], [-4, 1]])).toEqual({ min: -2.5, max: 2 });
  });

  it('percentile: clips the rare extremes from a histogram, in two passes', () => {
    // 10,000 values uniform on [0, 1) and one outlier at 100: min-max is stretched, the 99th
    // percentile stays near 0.99 and the 1st near 0.01.
    const values = Array.from({ length: 10_000 }, (_, i) => i / 10_000);
    const samples = [values.slice(0, 5000), [...values.slice(5000), 100]];
    expect(run('min-max', samples)).toEqual({ min: 0, max: 100 });
    const range = run('percentile', samples, { percentile: 99 })!;
    // One bin is 100 / 2048 wide: the estimate is within a bin of the true percentile.
    expect(range.max).toBeGreaterThan(0.99 - 100 / HISTOGRAM_BINS);
    expect(range.max).toBeLessThan(0.99 + 100 / HISTOGRAM_BINS);
    expect(range.min).toBeLessThan(0.01 + 100 / HISTOGRAM_BINS);
    expect(run('percentile', samples, { percentile: 100 })!.max).toBeCloseTo(100, 6);
    // A constant tensor keeps its one value.
    expect(run('percentile', [[3, 3], [3]])).toEqual({ min: 3, max: 3 });
  });
});
