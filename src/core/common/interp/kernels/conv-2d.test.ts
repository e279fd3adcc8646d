import { describe, expect, it } from 'vitest';
import { InterpreterError } from '../../errors.js';
import type { Activation, Conv2DAttrs } from '../../ir/types.js';
import { quantizeMultiplier } from '../../ops/fixed-point.js';
import './conv-2d.js';
import {
  type ReferenceWindow,
  axisGeometry,
  prepareSingleOp,
  randomSource,
  referenceConvSums,
  referenceFloatConv,
  referenceRequantize16Wide,
  referenceRequantize8,
  runSingleOp,
  singleOpGraph,
} from '../testing/kernels.js';

const attrs = (window: Partial<ReferenceWindow>, activation: Activation = 'none'): Conv2DAttrs => ({
  padding: 'valid',
  strideH: 1,
  strideW: 1,
  dilationH: 1,
  dilationW: 1,
  activation,
  ...window,
});

describe('CONV_2D int8', () => {
  // Stored input 1..9 with zero point 1 is centered 0..8; scales make the multiplier exactly 1.
  const input = { dtype: 'int8' as const, shape: [1, 3, 3, 1], data: Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), scale: [0.5], zeroPoint: [1] };
  const filter = { dtype: 'int8' as const, shape: [1, 2, 2, 1], data: Int8Array.from([1, 2, 3, 4]), scale: [0.5] };
  const bias = { dtype: 'int32' as const, shape: [1], data: Int32Array.from([10]) };

  it('computes a valid 2x2 window by hand', () => {
    const output = { dtype: 'int8' as const, shape: [1, 2, 2, 1], scale: [0.25], zeroPoint: [-2] };
    // 0·1+1·2+3·3+4·4 = 27, 37, 57, 67; +10 bias, −2 zero point.
    expect([...runSingleOp('CONV_2D', attrs({}), [input, filter, bias], output)]).toEqual([35, 45, 65, 75]);
  });

  it('skips taps in the padding (same, stride 2) and clamps to relu6', () => {
    const output = { dtype: 'int8' as const, shape: [1, 2, 2, 1], scale: [0.25], zeroPoint: [-2] };
    const none = runSingleOp('CONV_2D', attrs({ padding: 'same', strideH: 2, strideW: 2 }), [input, filter, bias], output);
    // Windows at (0,0), (0,2), (2,0), (2,2); padding only after: 27, 2+15, 6+14, 8.
    expect([...none]).toEqual([35, 25, 28, 16]);
    const relu6 = runSingleOp('CONV_2D', attrs({ padding: 'same', strideH: 2, strideW: 2 }, 'relu6'), [input, filter, bias], output);
    // relu6 in the output's quantization: [−2 + 0/0.25, −2 + 6/0.25] = [−2, 22].
    expect([...relu6]).toEqual([22, 22, 22, 16]);
  });

  const cases: { name: string; input: number[]; filter: number[]; window: Partial<ReferenceWindow>; perChannel: boolean; activation: Activation }[] = [
    { name: '3x3 same, per-channel', input: [1, 7, 6, 5], filter: [8, 3, 3, 5], window: { padding: 'same' }, perChannel: true, activation: 'relu' },
    { name: '3x3 valid stride 2, per-tensor', input: [2, 9, 8, 3], filter: [6, 3, 3, 3], window: { strideH: 2, strideW: 2 }, perChannel: false, activation: 'none' },
    { name: '1x1 pointwise, odd width, 13 channels', input: [1, 5, 5, 16], filter: [13, 1, 1, 16], window: {}, perChannel: true, activation: 'relu6' },
    { name: '5x3 dilated same stride 2x1', input: [1, 11, 9, 4], filter: [5, 5, 3, 4], window: { padding: 'same', dilationH: 2, dilationW: 3, strideH: 2 }, perChannel: true, activation: 'none' },
    { name: 'grouped (2 groups)', input: [1, 6, 6, 8], filter: [6, 3, 3, 4], window: { padding: 'same' }, perChannel: true, activation: 'none' },
    { name: 'even filter same stride 3', input: [1, 10, 7, 3], filter: [4, 4, 2, 3], window: { padding: 'same', strideH: 3, strideW: 3 }, perChannel: false, activation: 'relu' },
  ];
  for (const c of cases) {
    it(`equals the reference loops: ${c.name}`, () => {
      const random = randomSource(c.input.reduce((a, b) => a * 31 + b, 7));
      const window = { ...attrs({}), ...c.window };
      const outChannels = c.filter[0];
      const inputScale = 0.05;
      const filterScales = c.perChannel ? Array.from({ length: outChannels }, () => 0.002 + random.next() * 0.01) : [0.006];
      const outputScale = 0.09;
      const [inputZeroPoint, outputZeroPoint] = [random.int(-20, 20), random.int(-128, 0)];
      const inputData = random.ints(new Int8Array(c.input.reduce((a, b) => a * b)), -128, 127);
      const filterData = random.ints(new Int8Array(c.filter.reduce((a, b) => a * b)), -127, 127);
      const biasData = random.ints(new Int32Array(outChannels), -3000, 3000);
      const { sums, outputShape } = referenceConvSums(inputData, c.input, inputZeroPoint, filterData, c.filter, window);
      const min = c.activation === 'none' ? -128 : Math.max(-128, outputZeroPoint);
      const max = c.activation === 'relu6' ? Math.min(127, outputZeroPoint + Math.round(6 / outputScale)) : 127;
      const expected = sums.map((acc, i) => {
        const oc = i % outChannels;
        const scale = filterScales[c.perChannel ? oc : 0];
        return referenceRequantize8(acc, biasData[oc], (inputScale * scale) / outputScale, outputZeroPoint, min, max);
      });
      const got = runSingleOp(
        'CONV_2D',
        { ...window, activation: c.activation },
        [
          { dtype: 'int8', shape: c.input, data: inputData, scale: [inputScale], zeroPoint: [inputZeroPoint] },
          { dtype: 'int8', shape: c.filter, data: filterData, scale: filterScales, axis: 0 },
          { dtype: 'int32', shape: [outChannels], data: biasData },
        ],
        { dtype: 'int8', shape: outputShape, scale: [outputScale], zeroPoint: [outputZeroPoint] },
      );
      expect([...got]).toEqual(expected);
      // Not every output saturates: the test would not notice a wrong multiplier otherwise.
      expect(new Set(expected).size).toBeGreaterThan(4);
    });
  }

  it('runs without a bias', () => {
    const output = { dtype: 'int8' as const, shape: [1, 2, 2, 1], scale: [0.25], zeroPoint: [-2] };
    expect([...runSingleOp('CONV_2D', attrs({}), [input, filter, undefined], output)]).toEqual([25, 35, 55, 65]);
  });
});

describe('CONV_2D int16 (16x8)', () => {
  for (const biasType of ['int64', 'int32'] as const) {
    it(`equals the reference loops with an ${biasType} bias`, () => {
      const random = randomSource(biasType === 'int64' ? 5 : 6);
      const shape = [1, 6, 5, 3];
      const filterShape = [4, 3, 3, 3];
      const window = attrs({ padding: 'same' });
      const inputData = random.ints(new Int16Array(90), -32768, 32767);
      const filterData = random.ints(new Int8Array(108), -127, 127);
      const biasValues = Array.from({ length: 4 }, () => random.int(-200000, 200000));
      const filterScales = [0.001, 0.003, 0.0005, 0.002];
      const [inputScale, outputScale] = [0.0004, 0.0011];
      const { sums, outputShape } = referenceConvSums(inputData, shape, 0, filterData, filterShape, window);
      const expected = sums.map((acc, i) => {
        const real = (inputScale * filterScales[i % 4]) / outputScale;
        if (biasType === 'int64') return referenceRequantize16Wide(acc, biasValues[i % 4], real);
        const { multiplier, shift } = quantizeMultiplier(real);
        return Math.min(32767, Math.max(-32768, mbqm32(acc + biasValues[i % 4], multiplier, shift)));
      });
      const got = runSingleOp(
        'CONV_2D',
        window,
        [
          { dtype: 'int16', shape, data: inputData, scale: [inputScale], zeroPoint: [0] },
          { dtype: 'int8', shape: filterShape, data: filterData, scale: filterScales, axis: 0 },
          biasType === 'int64'
            ? { dtype: 'int64', shape: [4], data: BigInt64Array.from(biasValues, BigInt) }
            : { dtype: 'int32', shape: [4], data: Int32Array.from(biasValues) },
        ],
        { dtype: 'int16', shape: outputShape, scale: [outputScale], zeroPoint: [0] },
      );
      expect([...got]).toEqual(expected);
    });
  }

  it('uses the 15-bit multiplier of the 64-bit requantization only with an int64 bias', () => {
    // 8192 · 0.7 = 5734.4. The 64-bit path rounds the multiplier to 15 bits (22938/2^15 · 2^-0):
    // (8192·22938 + 2^14) >> 15 = 5735; the 32-bit path gives 5734.
    const run = (bias: { dtype: 'int64' | 'int32'; data: BigInt64Array | Int32Array }) =>
      runSingleOp(
        'CONV_2D',
        attrs({}),
        [
          { dtype: 'int16', shape: [1, 1, 1, 1], data: Int16Array.from([8192]), scale: [1], zeroPoint: [0] },
          { dtype: 'int8', shape: [1, 1, 1, 1], data: Int8Array.from([1]), scale: [0.7] },
          { shape: [1], ...bias },
        ],
        { dtype: 'int16', shape: [1, 1, 1, 1], scale: [1], zeroPoint: [0] },
      );
    expect([...run({ dtype: 'int64', data: BigInt64Array.from([0n]) })]).toEqual([5735]);
    expect([...run({ dtype: 'int32', data: Int32Array.from([0]) })]).toEqual([5734]);
  });
});

/** 32-bit MultiplyByQuantizedMultiplier through BigInt (double rounding), for the 16x8 int32 path. */
function mbqm32(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const a = BigInt((x * 2 ** left) | 0);
  const ab = a * BigInt(multiplier);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  let high = (ab + nudge) / (1n << 31n);
  if (a === -2147483648n && BigInt(multiplier) === -2147483648n) high = 2147483647n;
  if (right === 0) return Number(high);
  const mask = (1n << BigInt(right)) - 1n;
  const remainder = high & mask;
  const threshold = (mask >> 1n) + (high < 0n ? 1n : 0n);
  return Number((high >> BigInt(right)) + (remainder > threshold ? 1n : 0n));
}

describe('CONV_2D float32', () => {
  it('computes a window by hand with bias and relu', () => {
    const got = runSingleOp(
      'CONV_2D',
      attrs({}, 'relu'),
      [
        { dtype: 'float32', shape: [1, 2, 2, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
        { dtype: 'float32', shape: [2, 2, 2, 2], data: Float32Array.from([1, 0, 0, 0, 0, 0, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1]) },
        { dtype: 'float32', shape: [2], data: Float32Array.from([0.5, 30]) },
      ],
      { dtype: 'float32', shape: [1, 1, 1, 2] },
    );
    // 1 + 8 + 0.5; 30 − 36 clamped by relu.
    expect([...got]).toEqual([9.5, 0]);
  });

  for (const window of [attrs({ padding: 'same' }), attrs({ strideH: 2, strideW: 2, dilationH: 2 }), attrs({ padding: 'same', strideW: 2 })]) {
    it(`rounds like reference_ops::Conv (${window.padding}, stride ${window.strideH}x${window.strideW}, dilation ${window.dilationH})`, () => {
      const random = randomSource(window.strideW * 10 + window.dilationH);
      const inputShape = [2, 9, 8, 5];
      const filterShape = [7, 3, 3, 5];
      const inputData = random.floats(new Float32Array(720), -3, 3);
      const filterData = random.floats(new Float32Array(315), -1, 1);
      const biasData = random.floats(new Float32Array(7), -1, 1);
      const expected = referenceFloatConv(inputData, inputShape, filterData, filterShape, biasData, window, false);
      const ys = axisGeometry(window.padding, 9, 3, window.strideH, window.dilationH);
      const xs = axisGeometry(window.padding, 8, 3, window.strideW, window.dilationW);
      const got = runSingleOp(
        'CONV_2D',
        window,
        [
          { dtype: 'float32', shape: inputShape, data: inputData },
          { dtype: 'float32', shape: filterShape, data: filterData },
          { dtype: 'float32', shape: [7], data: biasData },
        ],
        { dtype: 'float32', shape: [2, ys.out, xs.out, 7] },
      );
      expect([...got]).toEqual([...expected]);
    });
  }
});

describe('CONV_2D hybrid (float32 activations, int8 weights)', () => {
  it('quantizes the input symmetrically and rescales each output by hand', () => {
    // max |x| = 1: input scale 1/127, q = round(127·x) half away from zero: 64, −127, 32, 127.
    const values = Float32Array.from([0.5, -1, 0.25, 1]);
    const filterScale = 0.01;
    const got = runSingleOp(
      'CONV_2D',
      attrs({}),
      [
        { dtype: 'float32', shape: [1, 2, 2, 1], data: values },
        { dtype: 'int8', shape: [2, 2, 2, 1], data: Int8Array.from([1, 2, 3, 4, -5, 0, 0, 5]), scale: [filterScale] },
        { dtype: 'float32', shape: [2], data: Float32Array.from([0.125, -1]) },
      ],
      { dtype: 'float32', shape: [1, 1, 1, 2] },
    );
    const f = Math.fround;
    const scale = f(f(1 / 127) * filterScale);
    const acc = [64 - 2 * 127 + 3 * 32 + 4 * 127, -5 * 64 + 5 * 127];
    expect([...got]).toEqual([f(f(acc[0] * scale) + 0.125), f(f(acc[1] * scale) - 1)]);
  });

  for (const perChannel of [false, true]) {
    it(`stays close to the float convolution with dequantized weights (${perChannel ? 'per-channel, asymmetric input' : 'per-tensor, symmetric input'})`, () => {
      const random = randomSource(perChannel ? 11 : 12);
      const inputShape = [2, 7, 6, 4];
      const filterShape = [5, 3, 3, 4];
      const window = attrs({ padding: 'same', strideH: 2 });
      const inputData = random.floats(new Float32Array(336), perChannel ? 0 : -2, 2);
      const filterData = random.ints(new Int8Array(180), -127, 127);
      const scales = perChannel ? [0.01, 0.02, 0.005, 0.03, 0.015] : [0.02];
      const biasData = random.floats(new Float32Array(5), -0.5, 0.5);
      const dequantized = Float32Array.from(filterData, (w, i) => w * scales[perChannel ? Math.floor(i / 36) : 0]);
      const exact = referenceFloatConv(inputData, inputShape, dequantized, filterShape, biasData, window, false);
      const got = runSingleOp(
        'CONV_2D',
        window,
        [
          { dtype: 'float32', shape: inputShape, data: inputData },
          { dtype: 'int8', shape: filterShape, data: filterData, scale: scales, axis: 0 },
          { dtype: 'float32', shape: [5], data: biasData },
        ],
        { dtype: 'float32', shape: [2, 4, 6, 5] },
      );
      // Input quantization error: at most half a step (2/127 or 2/255) per tap, 36 taps, |w| ≤ 127·scale.
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(Number(got[i]) - exact[i]));
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThan(0.3);
    });
  }
});

describe('CONV_2D prepare errors', () => {
  const base = () => ({
    input: { dtype: 'int8' as const, shape: [1, 4, 4, 2], scale: [0.1], zeroPoint: [0] },
    filter: { dtype: 'int8' as const, shape: [3, 3, 3, 2], data: new Int8Array(54), scale: [0.1, 0.1, 0.1], axis: 0 },
    bias: { dtype: 'int32' as const, shape: [3], data: new Int32Array(3) },
    output: { dtype: 'int8' as const, shape: [1, 2, 2, 3], scale: [0.1], zeroPoint: [0] },
  });
  const prepare = (spec: ReturnType<typeof base>) =>
    prepareSingleOp(singleOpGraph('CONV_2D', attrs({}), [spec.input, spec.filter, spec.bias], spec.output));

  it('accepts the base case', () => {
    expect(() => prepare(base())).not.toThrow();
  });
  it('names a wrong output shape', () => {
    const spec = base();
    spec.output.shape = [1, 4, 4, 3];
    expect(() => prepare(spec)).toThrow(/op 0 \(CONV_2D\): output tensor 3 has shape \[1,4,4,3\], expected \[1,2,2,3\]/);
  });
  it('names a float bias on an int8 op', () => {
    const spec = base();
    (spec.bias as { dtype: string }).dtype = 'float32';
    expect(() => prepare(spec)).toThrow(InterpreterError);
    expect(() => prepare(spec)).toThrow(/bias tensor 2 \(t2\) is float32, expected int32/);
  });
  it('names per-channel scales along the wrong axis', () => {
    const spec = base();
    spec.filter.axis = 3;
    expect(() => prepare(spec)).toThrow(/weights tensor 1 \(t1\) are quantized along axis 3, expected axis 0/);
  });
  it('names asymmetric weights', () => {
    const spec = base();
    (spec.filter as { zeroPoint?: number[] }).zeroPoint = [0, 3, 0];
    expect(() => prepare(spec)).toThrow(/weights tensor 1 \(t1\) have zero point 3, expected 0 \(symmetric int8 weights\)/);
  });
  it('names an unsupported dtype combination', () => {
    const spec = base();
    (spec.output as { dtype: string }).dtype = 'float32';
    expect(() => prepare(spec)).toThrow(/input int8, weights int8, output float32 is not supported/);
  });
  it('names an input depth that is no multiple of the filter depth', () => {
    const spec = base();
    spec.input.shape = [1, 4, 4, 3];
    expect(() => prepare(spec)).toThrow(/input tensor 0 has 3 channels, not a multiple of the filter depth 2/);
  });
});
