import { describe, expect, it } from 'vitest';
import type { Activation, Pool2DAttrs } from '../../ir/types.js';
import './pooling.js';
import { prepareSingleOp, randomSource, runSingleOp, singleOpGraph } from '../testing/kernels.js';

const attrs = (filter: number, stride: number, padding: 'same' | 'valid', activation: Activation = 'none'): Pool2DAttrs => ({
  padding,
  strideH: stride,
  strideW: stride,
  filterH: filter,
  filterW: filter,
  activation,
});
const q = { scale: [0.1], zeroPoint: [-3] };

describe('AVERAGE_POOL_2D int8', () => {
  it('rounds half away from zero and divides by the cells inside the image', () => {
    // 3x3 input, 2x2 window, stride 2, same padding (after): windows of 4, 2, 2 and 1 cells.
    const got = runSingleOp(
      'AVERAGE_POOL_2D',
      attrs(2, 2, 'same'),
      [{ dtype: 'int8', shape: [1, 3, 3, 1], data: Int8Array.from([-3, -2, 7, -1, 0, 8, 5, 6, -9]), ...q }],
      { dtype: 'int8', shape: [1, 2, 2, 1], ...q },
    );
    // (−3−2−1+0)/4 = −1.5 → −2; (7+8)/2 = 7.5 → 8; (5+6)/2 = 5.5 → 6; −9/1.
    expect([...got]).toEqual([-2, 8, 6, -9]);
  });

  it('truncates after the half-count nudge like C integer division', () => {
    // 1x3 windows: sums −5, 4, −4 over 3 cells → (−5 − 1)/3 = −2, (4 + 1)/3 = 1, (−4 − 1)/3 = −1.
    const got = runSingleOp(
      'AVERAGE_POOL_2D',
      { ...attrs(1, 1, 'valid'), filterW: 3 },
      [{ dtype: 'int8', shape: [1, 1, 3, 3], data: Int8Array.from([-5, 4, -4, 0, 0, 0, 0, 0, 0]), ...q }],
      { dtype: 'int8', shape: [1, 1, 1, 3], ...q },
    );
    expect([...got]).toEqual([-2, 1, -1]);
  });

  it('applies the fused activation in the quantized domain', () => {
    const got = runSingleOp(
      'AVERAGE_POOL_2D',
      attrs(1, 1, 'valid', 'relu6'),
      [{ dtype: 'int8', shape: [1, 1, 4, 1], data: Int8Array.from([-100, -3, 50, 120]), ...q }],
      { dtype: 'int8', shape: [1, 1, 4, 1], ...q },
    );
    // relu6 with scale 0.1, zero point −3: [−3, 57].
    expect([...got]).toEqual([-3, -3, 50, 57]);
  });
});

describe('MAX_POOL_2D', () => {
  it('takes the largest int8 value of the clipped window', () => {
    const got = runSingleOp(
      'MAX_POOL_2D',
      attrs(2, 2, 'same'),
      [{ dtype: 'int8', shape: [1, 3, 3, 2], data: Int8Array.from([-128, 1, -7, 2, 9, 3, -3, 4, -2, 5, 6, 6, -50, 0, -60, 8, -128, -1]), ...q }],
      { dtype: 'int8', shape: [1, 2, 2, 2], ...q },
    );
    expect([...got]).toEqual([-2, 5, 9, 6, -50, 8, -128, -1]);
  });

  it('takes the largest int16 value and clamps with relu', () => {
    const got = runSingleOp(
      'MAX_POOL_2D',
      attrs(2, 2, 'valid', 'relu'),
      [{ dtype: 'int16', shape: [1, 2, 4, 1], data: Int16Array.from([-30000, -20000, 300, -5, -1000, -40, 7, 32767]), scale: [0.01], zeroPoint: [0] }],
      { dtype: 'int16', shape: [1, 1, 2, 1], scale: [0.01], zeroPoint: [0] },
    );
    expect([...got]).toEqual([0, 32767]);
  });

  it('takes the largest float value', () => {
    const got = runSingleOp(
      'MAX_POOL_2D',
      attrs(3, 2, 'same'),
      [{ dtype: 'float32', shape: [1, 3, 3, 1], data: Float32Array.from([-1, -2, -3, -4, -0.5, -6, -7, -8, -9]) }],
      { dtype: 'float32', shape: [1, 2, 2, 1] },
    );
    // Same padding, 3x3 window, stride 2: total padding 2, one row/column before.
    expect([...got]).toEqual([-0.5, -0.5, -0.5, -0.5]);
  });
});

describe('AVERAGE_POOL_2D float32 and int16', () => {
  it('sums in float32 and divides by the count', () => {
    const random = randomSource(51);
    const input = random.floats(new Float32Array(5 * 5 * 2), -10, 10);
    const got = runSingleOp('AVERAGE_POOL_2D', attrs(3, 2, 'same'), [{ dtype: 'float32', shape: [1, 5, 5, 2], data: input }], {
      dtype: 'float32',
      shape: [1, 3, 3, 2],
    });
    const f = Math.fround;
    const expected: number[] = [];
    for (let oy = 0; oy < 3; oy++) {
      for (let ox = 0; ox < 3; ox++) {
        for (let c = 0; c < 2; c++) {
          let total = 0;
          let count = 0;
          for (let y = oy * 2 - 1; y < oy * 2 + 2; y++) {
            for (let x = ox * 2 - 1; x < ox * 2 + 2; x++) {
              if (y < 0 || y >= 5 || x < 0 || x >= 5) continue;
              total = f(total + input[(y * 5 + x) * 2 + c]);
              count++;
            }
          }
          expected.push(f(total / count));
        }
      }
    }
    expect([...got]).toEqual(expected);
  });

  it('averages int16 values with the same rounding as int8', () => {
    const got = runSingleOp(
      'AVERAGE_POOL_2D',
      { ...attrs(1, 1, 'valid'), filterW: 2, strideW: 2 },
      [{ dtype: 'int16', shape: [1, 1, 4, 1], data: Int16Array.from([-30001, -30000, 32767, 32766]), scale: [0.01], zeroPoint: [0] }],
      { dtype: 'int16', shape: [1, 1, 2, 1], scale: [0.01], zeroPoint: [0] },
    );
    expect([...got]).toEqual([-30001, 32767]);
  });
});

describe('pool prepare errors', () => {
  it('names different input and output quantization', () => {
    const graph = singleOpGraph('AVERAGE_POOL_2D', attrs(2, 2, 'valid'), [{ dtype: 'int8', shape: [1, 4, 4, 1], ...q }], {
      dtype: 'int8',
      shape: [1, 2, 2, 1],
      scale: [0.2],
      zeroPoint: [-3],
    });
    expect(() => prepareSingleOp(graph)).toThrow(/op 0 \(AVERAGE_POOL_2D\): input quantization \(scale 0.1, zero point -3\) differs from the output's/);
  });
  it('names a wrong output shape', () => {
    const graph = singleOpGraph('MAX_POOL_2D', attrs(2, 2, 'valid'), [{ dtype: 'float32', shape: [1, 5, 5, 1] }], { dtype: 'float32', shape: [1, 3, 3, 1] });
    expect(() => prepareSingleOp(graph)).toThrow(/output tensor 1 has shape \[1,3,3,1\], expected \[1,2,2,1\]/);
  });
  it('names mismatched dtypes', () => {
    const graph = singleOpGraph('MAX_POOL_2D', attrs(2, 2, 'valid'), [{ dtype: 'int8', shape: [1, 4, 4, 1], ...q }], { dtype: 'float32', shape: [1, 2, 2, 1] });
    expect(() => prepareSingleOp(graph)).toThrow(/input int8 and output float32 are not supported/);
  });
});
