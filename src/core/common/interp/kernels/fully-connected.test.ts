import { describe, expect, it } from 'vitest';
import type { Activation, FullyConnectedAttrs } from '../../ir/types.js';
import './fully-connected.js';
import { prepareSingleOp, randomSource, referenceRequantize16Wide, referenceRequantize8, runSingleOp, singleOpGraph } from '../testing/kernels.js';

const attrs = (activation: Activation = 'none', asymmetricQuantizeInputs = false): FullyConnectedAttrs => ({
  activation,
  keepNumDims: false,
  asymmetricQuantizeInputs,
});

/** Σ (w − weightZeroPoint)·(x − inputZeroPoint) for every (batch, unit), as the reference loops. */
function referenceSums(input: Int8Array | Int16Array, inputZeroPoint: number, weights: Int8Array, weightZeroPoint: number, units: number): number[] {
  const depth = weights.length / units;
  const sums: number[] = [];
  for (let b = 0; b < input.length / depth; b++) {
    for (let u = 0; u < units; u++) {
      let acc = 0;
      for (let d = 0; d < depth; d++) acc += (weights[u * depth + d] - weightZeroPoint) * (input[b * depth + d] - inputZeroPoint);
      sums.push(acc);
    }
  }
  return sums;
}

describe('FULLY_CONNECTED int8', () => {
  it('computes by hand, with a weight zero point', () => {
    const got = runSingleOp(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'int8', shape: [1, 3], data: Int8Array.from([3, 4, 5]), scale: [0.5], zeroPoint: [2] },
        { dtype: 'int8', shape: [2, 3], data: Int8Array.from([1, 2, 3, -1, 0, 1]), scale: [0.5], zeroPoint: [1] },
        { dtype: 'int32', shape: [2], data: Int32Array.from([5, -5]) },
      ],
      { dtype: 'int8', shape: [1, 2], scale: [0.25], zeroPoint: [3] },
    );
    // Centered input 1,2,3; weights − 1: (0,1,2)·(1,2,3) = 8, (−2,−1,0)·(1,2,3) = −4; + bias + 3.
    expect([...got]).toEqual([16, -6]);
  });

  it('takes the per-tensor multiplier from the float32 product of the scales', () => {
    // GetQuantizedConvolutionMultipler rounds input_scale·filter_scale to float32 before the double
    // division. For these scales and acc = 1040·127·(−1) + 13 = −132067 that gives −77; the
    // double product (as the per-channel path computes it) would give −78.
    const [inputScale, filterScale, outputScale] = [0.01140000019222498, 0.006279999855905771, 0.12200000137090683];
    const acc = -132067;
    expect(referenceRequantize8(acc, 0, (inputScale * filterScale) / outputScale, 0)).toBe(-78);
    const input = Int8Array.from({ length: 1041 }, (_, i) => (i < 1040 ? 127 : 13));
    const weights = Int8Array.from({ length: 1041 }, (_, i) => (i < 1040 ? -1 : 1));
    const got = runSingleOp(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'int8', shape: [1, 1041], data: input, scale: [inputScale], zeroPoint: [0] },
        { dtype: 'int8', shape: [1, 1041], data: weights, scale: [filterScale] },
        { dtype: 'int32', shape: [1], data: Int32Array.from([0]) },
      ],
      { dtype: 'int8', shape: [1, 1], scale: [outputScale], zeroPoint: [0] },
    );
    expect([...got]).toEqual([-77]);
  });

  for (const perChannel of [false, true]) {
    it(`equals the reference loops (${perChannel ? 'per-channel' : 'per-tensor'} weights, 3 batches, relu)`, () => {
      const random = randomSource(perChannel ? 41 : 42);
      const [batches, depth, units] = [3, 50, 7];
      const inputScale = 0.04;
      const scales = perChannel ? Array.from({ length: units }, () => 0.003 + random.next() * 0.01) : [0.008];
      const outputScale = 0.2;
      const [inputZeroPoint, outputZeroPoint] = [random.int(-128, 127), random.int(-50, 50)];
      const input = random.ints(new Int8Array(batches * depth), -128, 127);
      const weights = random.ints(new Int8Array(units * depth), -127, 127);
      const bias = random.ints(new Int32Array(units), -5000, 5000);
      const expected = referenceSums(input, inputZeroPoint, weights, 0, units).map((acc, i) =>
        referenceRequantize8(
          acc,
          bias[i % units],
          perChannel ? (inputScale * scales[i % units]) / outputScale : Math.fround(inputScale * scales[0]) / outputScale,
          outputZeroPoint,
          outputZeroPoint,
          127,
        ),
      );
      const got = runSingleOp(
        'FULLY_CONNECTED',
        attrs('relu'),
        [
          { dtype: 'int8', shape: [batches, depth], data: input, scale: [inputScale], zeroPoint: [inputZeroPoint] },
          { dtype: 'int8', shape: [units, depth], data: weights, scale: scales, axis: 0 },
          { dtype: 'int32', shape: [units], data: bias },
        ],
        { dtype: 'int8', shape: [batches, units], scale: [outputScale], zeroPoint: [outputZeroPoint] },
      );
      expect([...got]).toEqual(expected);
      expect(new Set(expected).size).toBeGreaterThan(4);
    });
  }

  it('reads a rank-4 input as [batches, depth]', () => {
    const random = randomSource(43);
    const input = random.ints(new Int8Array(16), -128, 127);
    const weights = random.ints(new Int8Array(32), -127, 127);
    const spec = (shape: number[]) =>
      runSingleOp(
        'FULLY_CONNECTED',
        attrs(),
        [
          { dtype: 'int8', shape, data: input, scale: [0.1], zeroPoint: [0] },
          { dtype: 'int8', shape: [2, 16], data: weights, scale: [0.1] },
          undefined,
        ],
        { dtype: 'int8', shape: [1, 2], scale: [0.5], zeroPoint: [0] },
      );
    expect([...spec([1, 1, 1, 16])]).toEqual([...spec([1, 16])]);
  });
});

describe('FULLY_CONNECTED int16 (16x8)', () => {
  it('equals the reference loops with an int64 bias', () => {
    const random = randomSource(44);
    const [batches, depth, units] = [2, 40, 5];
    const input = random.ints(new Int16Array(batches * depth), -32768, 32767);
    const weights = random.ints(new Int8Array(units * depth), -127, 127);
    const bias = Array.from({ length: units }, () => random.int(-1000000, 1000000));
    const [inputScale, filterScale, outputScale] = [0.0002, 0.004, 0.002];
    const expected = referenceSums(input, 0, weights, 0, units).map((acc, i) =>
      referenceRequantize16Wide(acc, bias[i % units], Math.fround(inputScale * filterScale) / outputScale),
    );
    const got = runSingleOp(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'int16', shape: [batches, depth], data: input, scale: [inputScale], zeroPoint: [0] },
        { dtype: 'int8', shape: [units, depth], data: weights, scale: [filterScale] },
        { dtype: 'int64', shape: [units], data: BigInt64Array.from(bias, BigInt) },
      ],
      { dtype: 'int16', shape: [batches, units], scale: [outputScale], zeroPoint: [0] },
    );
    expect([...got]).toEqual(expected);
  });

  it('refuses an int16 input with a zero point', () => {
    const graph = singleOpGraph(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'int16', shape: [1, 4], scale: [0.1], zeroPoint: [3] },
        { dtype: 'int8', shape: [2, 4], data: new Int8Array(8), scale: [0.1] },
        undefined,
      ],
      { dtype: 'int16', shape: [1, 2], scale: [0.1], zeroPoint: [0] },
    );
    expect(() => prepareSingleOp(graph)).toThrow(/op 0 \(FULLY_CONNECTED\): int16 input tensor 0 \(t0\) has zero point 3, expected 0/);
  });
});

describe('FULLY_CONNECTED float32', () => {
  it('computes by hand and rounds like reference_ops::FullyConnected', () => {
    const random = randomSource(45);
    const input = random.floats(new Float32Array(2 * 33), -5, 5);
    const weights = random.floats(new Float32Array(3 * 33), -1, 1);
    const bias = Float32Array.from([0.5, -0.25, 100]);
    const got = runSingleOp(
      'FULLY_CONNECTED',
      attrs('relu6'),
      [
        { dtype: 'float32', shape: [2, 33], data: input },
        { dtype: 'float32', shape: [3, 33], data: weights },
        { dtype: 'float32', shape: [3], data: bias },
      ],
      { dtype: 'float32', shape: [2, 3] },
    );
    const f = Math.fround;
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let u = 0; u < 3; u++) {
        let total = 0;
        for (let d = 0; d < 33; d++) total = f(total + f(input[b * 33 + d] * weights[u * 33 + d]));
        expected.push(Math.min(6, Math.max(0, f(total + bias[u]))));
      }
    }
    expect([...got]).toEqual(expected);
    expect(got[2]).toBe(6);
  });
});

describe('FULLY_CONNECTED hybrid (float32 activations, int8 weights)', () => {
  it('quantizes each batch row symmetrically by hand', () => {
    // Row 0: max |x| = 2, q = round(63.5·x): 127, −64 (−63.5 rounds away), 32. Row 1: all zero.
    const got = runSingleOp(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'float32', shape: [2, 3], data: Float32Array.from([2, -1, 0.5, 0, 0, 0]) },
        { dtype: 'int8', shape: [2, 3], data: Int8Array.from([1, 1, 1, 2, 0, -3]), scale: [0.25] },
        { dtype: 'float32', shape: [2], data: Float32Array.from([1, -1]) },
      ],
      { dtype: 'float32', shape: [2, 2] },
    );
    const f = Math.fround;
    const scale = f(f(2 / 127) * 0.25);
    expect([...got]).toEqual([f(1 + f((127 - 64 + 32) * scale)), f(-1 + f((254 - 96) * scale)), 1, -1]);
  });

  it('quantizes asymmetrically when asked and stays close to the float result', () => {
    const random = randomSource(46);
    const [batches, depth, units] = [4, 64, 6];
    const input = random.floats(new Float32Array(batches * depth), 0, 6);
    const weights = random.ints(new Int8Array(units * depth), -127, 127);
    const scales = [0.004, 0.01, 0.002, 0.008, 0.003, 0.006];
    const bias = random.floats(new Float32Array(units), -1, 1);
    const run = (asymmetric: boolean) =>
      runSingleOp(
        'FULLY_CONNECTED',
        attrs('none', asymmetric),
        [
          { dtype: 'float32', shape: [batches, depth], data: input },
          { dtype: 'int8', shape: [units, depth], data: weights, scale: scales, axis: 0 },
          { dtype: 'float32', shape: [units], data: bias },
        ],
        { dtype: 'float32', shape: [batches, units] },
      );
    const errors = [false, true].map((asymmetric) => {
      const got = run(asymmetric);
      let worst = 0;
      for (let b = 0; b < batches; b++) {
        for (let u = 0; u < units; u++) {
          let exact = bias[u];
          for (let d = 0; d < depth; d++) exact += input[b * depth + d] * weights[u * depth + d] * scales[u];
          worst = Math.max(worst, Math.abs(Number(got[b * units + u]) - exact));
        }
      }
      return worst;
    });
    // Non-negative inputs use only half of the symmetric range: the asymmetric scheme is finer.
    expect(errors[1]).toBeLessThan(errors[0]);
    expect(errors[0]).toBeLessThan(0.6);
    expect(errors[1]).toBeGreaterThan(0);
  });
});

describe('FULLY_CONNECTED prepare errors', () => {
  it('names an input whose size does not match the weights', () => {
    const graph = singleOpGraph(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'int8', shape: [1, 10], scale: [0.1], zeroPoint: [0] },
        { dtype: 'int8', shape: [4, 12], data: new Int8Array(48), scale: [0.1] },
        undefined,
      ],
      { dtype: 'int8', shape: [1, 4], scale: [0.1], zeroPoint: [0] },
    );
    expect(() => prepareSingleOp(graph)).toThrow(/input tensor 0 \(t0\) has shape \[1,10\], expected 1 x 12 elements/);
  });
  it('names an output whose last dimension is not the number of weight rows', () => {
    const graph = singleOpGraph(
      'FULLY_CONNECTED',
      attrs(),
      [
        { dtype: 'float32', shape: [1, 12] },
        { dtype: 'float32', shape: [4, 12], data: new Float32Array(48) },
        undefined,
      ],
      { dtype: 'float32', shape: [1, 5] },
    );
    expect(() => prepareSingleOp(graph)).toThrow(/output tensor 2 \(t2\) has shape \[1,5\], expected last dimension 4/);
  });
});
