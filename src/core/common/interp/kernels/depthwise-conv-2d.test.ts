import { describe, expect, it } from 'vitest';
import type { Activation, DepthwiseConv2DAttrs } from '../../ir/types.js';
import './depthwise-conv-2d.js';
import {
  type ReferenceWindow,
  axisGeometry,
  prepareSingleOp,
  randomSource,
  referenceDepthwiseSums,
  referenceFloatConv,
  referenceRequantize16Wide,
  referenceRequantize8,
  runSingleOp,
  singleOpGraph,
} from '../testing/kernels.js';

const attrs = (window: Partial<ReferenceWindow>, depthMultiplier = 1, activation: Activation = 'none'): DepthwiseConv2DAttrs => ({
  padding: 'valid',
  strideH: 1,
  strideW: 1,
  dilationH: 1,
  dilationW: 1,
  depthMultiplier,
  activation,
  ...window,
});

describe('DEPTHWISE_CONV_2D int8', () => {
  it('computes a depth multiplier of 2 by hand', () => {
    // Two input channels, centered values (zero point 1): channel 0 = 0,1,2,3; channel 1 = 4,5,6,7.
    // Output channel 2c+m reads input channel c; 2x2 valid window, multiplier exactly 1.
    const got = runSingleOp(
      'DEPTHWISE_CONV_2D',
      attrs({}, 2),
      [
        { dtype: 'int8', shape: [1, 2, 2, 2], data: Int8Array.from([1, 5, 2, 6, 3, 7, 4, 8]), scale: [0.5], zeroPoint: [1] },
        // filter [1, 2, 2, 4]: tap-major, then output channel.
        { dtype: 'int8', shape: [1, 2, 2, 4], data: Int8Array.from([1, 0, 1, -1, 1, 0, 1, -1, 1, 0, 1, -1, 1, 1, 1, -1]), scale: [0.5, 0.5, 0.5, 0.5], axis: 3 },
        { dtype: 'int32', shape: [4], data: Int32Array.from([0, 100, 0, 0]) },
      ],
      { dtype: 'int8', shape: [1, 1, 1, 4], scale: [0.25], zeroPoint: [0] },
    );
    // ch0·(1,1,1,1) = 6; ch0·(0,0,0,1)+100 = 103; ch1·(1,1,1,1) = 22; ch1·(−1,…) = −22.
    expect([...got]).toEqual([6, 103, 22, -22]);
  });

  const cases: { name: string; input: number[]; multiplier: number; filter: [number, number]; window: Partial<ReferenceWindow>; activation: Activation }[] = [
    { name: '3x3 same', input: [1, 8, 7, 6], multiplier: 1, filter: [3, 3], window: { padding: 'same' }, activation: 'relu' },
    { name: '3x3 same stride 2', input: [2, 9, 10, 5], multiplier: 1, filter: [3, 3], window: { padding: 'same', strideH: 2, strideW: 2 }, activation: 'none' },
    { name: 'multiplier 3, 5x5 valid', input: [1, 9, 8, 2], multiplier: 3, filter: [5, 5], window: {}, activation: 'relu6' },
    { name: 'dilated 2x3, same', input: [1, 10, 9, 4], multiplier: 2, filter: [3, 2], window: { padding: 'same', dilationH: 2, dilationW: 3 }, activation: 'none' },
    { name: '1x1 stride 2', input: [1, 5, 5, 8], multiplier: 1, filter: [1, 1], window: { strideH: 2, strideW: 2 }, activation: 'none' },
  ];
  for (const c of cases) {
    it(`equals the reference loops: ${c.name}`, () => {
      const random = randomSource(c.input.reduce((a, b) => a * 17 + b, c.multiplier));
      const window = { ...attrs({}), ...c.window };
      const channels = c.input[3] * c.multiplier;
      const filterShape = [1, c.filter[0], c.filter[1], channels];
      const inputScale = 0.03;
      const filterScales = Array.from({ length: channels }, () => 0.004 + random.next() * 0.02);
      const outputScale = 0.06;
      const [inputZeroPoint, outputZeroPoint] = [random.int(-128, 30), random.int(-128, 0)];
      const inputData = random.ints(new Int8Array(c.input.reduce((a, b) => a * b)), -128, 127);
      const filterData = random.ints(new Int8Array(filterShape.reduce((a, b) => a * b)), -127, 127);
      const biasData = random.ints(new Int32Array(channels), -2000, 2000);
      const { sums, outputShape } = referenceDepthwiseSums(inputData, c.input, inputZeroPoint, filterData, filterShape, window);
      const min = c.activation === 'none' ? -128 : Math.max(-128, outputZeroPoint);
      const max = c.activation === 'relu6' ? Math.min(127, outputZeroPoint + Math.round(6 / outputScale)) : 127;
      const expected = sums.map((acc, i) =>
        referenceRequantize8(acc, biasData[i % channels], (inputScale * filterScales[i % channels]) / outputScale, outputZeroPoint, min, max),
      );
      const got = runSingleOp(
        'DEPTHWISE_CONV_2D',
        { ...window, depthMultiplier: c.multiplier, activation: c.activation },
        [
          { dtype: 'int8', shape: c.input, data: inputData, scale: [inputScale], zeroPoint: [inputZeroPoint] },
          { dtype: 'int8', shape: filterShape, data: filterData, scale: filterScales, axis: 3 },
          { dtype: 'int32', shape: [channels], data: biasData },
        ],
        { dtype: 'int8', shape: outputShape, scale: [outputScale], zeroPoint: [outputZeroPoint] },
      );
      expect([...got]).toEqual(expected);
      expect(new Set(expected).size).toBeGreaterThan(4);
    });
  }
});

describe('DEPTHWISE_CONV_2D int16 (16x8)', () => {
  it('equals the reference loops with the 64-bit accumulator', () => {
    const random = randomSource(21);
    const shape = [1, 7, 6, 3];
    const filterShape = [1, 3, 3, 6];
    const window = attrs({ padding: 'same' }, 2);
    const inputData = random.ints(new Int16Array(126), -32768, 32767);
    const filterData = random.ints(new Int8Array(54), -127, 127);
    const biasValues = Array.from({ length: 6 }, () => random.int(-100000, 100000));
    const filterScales = [0.001, 0.003, 0.0005, 0.002, 0.004, 0.0007];
    const [inputScale, outputScale] = [0.0003, 0.0009];
    const { sums, outputShape } = referenceDepthwiseSums(inputData, shape, 0, filterData, filterShape, window);
    const expected = sums.map((acc, i) => referenceRequantize16Wide(acc, biasValues[i % 6], (inputScale * filterScales[i % 6]) / outputScale));
    const got = runSingleOp(
      'DEPTHWISE_CONV_2D',
      window,
      [
        { dtype: 'int16', shape, data: inputData, scale: [inputScale], zeroPoint: [0] },
        { dtype: 'int8', shape: filterShape, data: filterData, scale: filterScales, axis: 3 },
        { dtype: 'int64', shape: [6], data: BigInt64Array.from(biasValues, BigInt) },
      ],
      { dtype: 'int16', shape: outputShape, scale: [outputScale], zeroPoint: [0] },
    );
    expect([...got]).toEqual(expected);
  });
});

describe('DEPTHWISE_CONV_2D float32', () => {
  for (const [window, multiplier] of [
    [attrs({ padding: 'same' }), 1],
    [attrs({ padding: 'same', strideH: 2, strideW: 2, dilationW: 2 }), 2],
    [attrs({}), 3],
  ] as const) {
    it(`rounds like reference_ops::DepthwiseConv (${window.padding}, stride ${window.strideH}, multiplier ${multiplier})`, () => {
      const random = randomSource(multiplier * 7 + window.strideH);
      const inputShape = [2, 8, 7, 3];
      const channels = 3 * multiplier;
      const filterShape = [1, 3, 3, channels];
      const inputData = random.floats(new Float32Array(336), -4, 4);
      const filterData = random.floats(new Float32Array(9 * channels), -1, 1);
      const biasData = random.floats(new Float32Array(channels), -1, 1);
      const expected = referenceFloatConv(inputData, inputShape, filterData, filterShape, biasData, window, true);
      const ys = axisGeometry(window.padding, 8, 3, window.strideH, window.dilationH);
      const xs = axisGeometry(window.padding, 7, 3, window.strideW, window.dilationW);
      const got = runSingleOp(
        'DEPTHWISE_CONV_2D',
        { ...window, depthMultiplier: multiplier },
        [
          { dtype: 'float32', shape: inputShape, data: inputData },
          { dtype: 'float32', shape: filterShape, data: filterData },
          { dtype: 'float32', shape: [channels], data: biasData },
        ],
        { dtype: 'float32', shape: [2, ys.out, xs.out, channels] },
      );
      expect([...got]).toEqual([...expected]);
    });
  }
});

describe('DEPTHWISE_CONV_2D hybrid (float32 activations, int8 weights)', () => {
  it('quantizes the input asymmetrically and rescales by hand', () => {
    // Values in [0, 2.55]: range [0, 2.55], scale 0.01, zero point −128: q = −128 + 100·x.
    const values = Float32Array.from([0, 2.55, 1, 0.5]);
    const got = runSingleOp(
      'DEPTHWISE_CONV_2D',
      attrs({}),
      [
        { dtype: 'float32', shape: [1, 2, 2, 1], data: values },
        { dtype: 'int8', shape: [1, 2, 2, 1], data: Int8Array.from([1, 2, 3, 4]), scale: [0.5], axis: 3 },
        { dtype: 'float32', shape: [1], data: Float32Array.from([0.25]) },
      ],
      { dtype: 'float32', shape: [1, 1, 1, 1] },
    );
    const f = Math.fround;
    const scale = f((2.5499999523162842 - 0) / 255);
    const inverse = f(1 / scale);
    const q = [...values].map((x) => Math.round(f(-128 + f(x * inverse))));
    const acc = (q[0] + 128) * 1 + (q[1] + 128) * 2 + (q[2] + 128) * 3 + (q[3] + 128) * 4;
    expect(q).toEqual([-128, 127, -28, -78]);
    expect([...got]).toEqual([f(f(f(acc * scale) * 0.5) + 0.25)]);
  });

  it('stays close to the float depthwise convolution with dequantized weights', () => {
    const random = randomSource(31);
    const inputShape = [1, 9, 9, 4];
    const filterShape = [1, 3, 3, 4];
    const window = attrs({ padding: 'same' });
    const inputData = random.floats(new Float32Array(324), -1, 3);
    const filterData = random.ints(new Int8Array(36), -127, 127);
    const scales = [0.01, 0.02, 0.005, 0.03];
    const biasData = random.floats(new Float32Array(4), -0.5, 0.5);
    const dequantized = Float32Array.from(filterData, (w, i) => w * scales[i % 4]);
    const exact = referenceFloatConv(inputData, inputShape, dequantized, filterShape, biasData, window, true);
    const got = runSingleOp(
      'DEPTHWISE_CONV_2D',
      window,
      [
        { dtype: 'float32', shape: inputShape, data: inputData },
        { dtype: 'int8', shape: filterShape, data: filterData, scale: scales, axis: 3 },
        { dtype: 'float32', shape: [4], data: biasData },
      ],
      { dtype: 'float32', shape: [1, 9, 9, 4] },
    );
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(Number(got[i]) - exact[i]));
    expect(worst).toBeGreaterThan(0);
    // Half a step of 4/255 per tap, 9 taps, |w| ≤ 3.81.
    expect(worst).toBeLessThan(0.27);
  });
});

describe('DEPTHWISE_CONV_2D prepare errors', () => {
  const graph = (filterShape: number[], outputShape: number[], axis = 3) =>
    singleOpGraph(
      'DEPTHWISE_CONV_2D',
      attrs({}, 1),
      [
        { dtype: 'int8', shape: [1, 4, 4, 2], scale: [0.1], zeroPoint: [0] },
        { dtype: 'int8', shape: filterShape, data: new Int8Array(filterShape.reduce((a, b) => a * b)), scale: [0.1, 0.1, 0.1, 0.1].slice(0, filterShape[3]), axis },
        undefined,
      ],
      { dtype: 'int8', shape: outputShape, scale: [0.1], zeroPoint: [0] },
    );
  it('names a filter whose first dimension is not 1', () => {
    expect(() => prepareSingleOp(graph([2, 3, 3, 2], [1, 2, 2, 2]))).toThrow(/filter tensor 1 \(t1\) has shape \[2,3,3,2\], expected \[1, FH, FW, Cout\]/);
  });
  it('names output channels that are no multiple of the input channels', () => {
    expect(() => prepareSingleOp(graph([1, 3, 3, 3], [1, 2, 2, 3]))).toThrow(/3 output channels is not a multiple of the 2 input channels/);
  });
  it('names per-channel scales along the wrong axis', () => {
    expect(() => prepareSingleOp(graph([1, 3, 3, 4], [1, 2, 2, 4], 0))).toThrow(/quantized along axis 0, expected axis 3/);
  });
});
