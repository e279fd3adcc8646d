import { describe, expect, it } from 'vitest';
import './mirror-pad-space-batch.js';
import './gather-nd.js';
import './sum.js';
import './cumsum.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const ints = (shape: number[], ...values: number[]): TensorSpec => ({ dtype: 'int32', shape, data: Int32Array.from(values) });

describe('MIRROR_PAD', () => {
  it('reflects about the edge element, or repeats it in SYMMETRIC mode', () => {
    const reflect = { type: 'MIRROR_PAD', attrs: { mode: 'reflect' }, inputs: [{ dtype: 'float32' as const, shape: [3] }, ints([1, 2], 2, 2)], output: { dtype: 'float32' as const, shape: [7] } };
    expect(Array.from(runSingleOp(reflect, Float32Array.of(1, 2, 3)))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    const symmetric = { type: 'MIRROR_PAD', attrs: { mode: 'symmetric' }, inputs: [{ dtype: 'float32' as const, shape: [3] }, ints([1, 2], 2, 1)], output: { dtype: 'float32' as const, shape: [6] } };
    expect(Array.from(runSingleOp(symmetric, Float32Array.of(1, 2, 3)))).toEqual([2, 1, 1, 2, 3, 3]);
  });

  it('pads both dimensions of a matrix', () => {
    const spec = { type: 'MIRROR_PAD', attrs: { mode: 'reflect' }, inputs: [{ dtype: 'int32' as const, shape: [2, 3] }, ints([2, 2], 1, 0, 0, 1)], output: { dtype: 'int32' as const, shape: [3, 4] } };
    expect(Array.from(runSingleOp(spec, Int32Array.of(1, 2, 3, 4, 5, 6)))).toEqual([4, 5, 6, 5, 1, 2, 3, 2, 4, 5, 6, 5]);
  });

  it('refuses a padding wider than the mode allows', () => {
    const spec = { type: 'MIRROR_PAD', attrs: { mode: 'reflect' }, inputs: [{ dtype: 'float32' as const, shape: [3] }, ints([1, 2], 3, 0)], output: { dtype: 'float32' as const, shape: [6] } };
    expect(() => prepareSingleOp(spec)).toThrow('paddings [3, 0] of dimension 0 (size 3) must lie in [0, 2] for REFLECT mode');
  });
});

describe('SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND', () => {
  it('pads with the zero point, moves blocks to the batch, and moves them back with the crops', () => {
    const q: [number, number] = [0.5, -3];
    const toBatch = {
      type: 'SPACE_TO_BATCH_ND',
      inputs: [{ dtype: 'int8' as const, shape: [1, 3, 2, 1], quantization: q }, ints([2], 2, 2), ints([2, 2], 1, 0, 0, 0)],
      output: { dtype: 'int8' as const, shape: [4, 2, 1, 1], quantization: q },
    };
    const batched = runSingleOp(toBatch, Int8Array.of(1, 2, 3, 4, 5, 6));
    // Padded image rows: [pad pad], [1 2], [3 4], [5 6]; block (0, 0) takes rows 0 and 2, column 0.
    expect(Array.from(batched)).toEqual([-3, 3, -3, 4, 1, 5, 2, 6]);
    const back = {
      type: 'BATCH_TO_SPACE_ND',
      inputs: [{ dtype: 'int8' as const, shape: [4, 2, 1, 1], quantization: q }, ints([2], 2, 2), ints([2, 2], 1, 0, 0, 0)],
      output: { dtype: 'int8' as const, shape: [1, 3, 2, 1], quantization: q },
    };
    expect(Array.from(runSingleOp(back, batched))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('GATHER_ND and EMBEDDING_LOOKUP', () => {
  it('gathers slices by index tuples and fails on an index outside its dimension', () => {
    const spec = (indices: number[]) => ({
      type: 'GATHER_ND',
      inputs: [{ dtype: 'float32' as const, shape: [2, 2, 2] }, ints([2, 2], ...indices)],
      output: { dtype: 'float32' as const, shape: [2, 2] },
    });
    expect(Array.from(runSingleOp(spec([1, 0, 0, 1]), Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7)))).toEqual([4, 5, 2, 3]);
    expect(() => runSingleOp(spec([1, 0, 2, 1]), Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7))).toThrow('op 0 (GATHER_ND): index 2 of tuple 1 is outside dimension 0 of size 2');
  });

  it('dequantizes the rows of an int8 table for a float32 output and refuses a zero point', () => {
    const table = (zeroPoint: number) => ({ dtype: 'int8' as const, shape: [3, 2], quantization: [0.5, zeroPoint] as [number, number], data: Int8Array.of(1, 2, 3, 4, -5, 6) });
    const spec = (zeroPoint: number) => ({ type: 'EMBEDDING_LOOKUP', inputs: [{ dtype: 'int32' as const, shape: [2] }, table(zeroPoint)], output: { dtype: 'float32' as const, shape: [2, 2] } });
    expect(Array.from(runSingleOp(spec(0), Int32Array.of(2, 0)))).toEqual([-2.5, 3, 0.5, 1]);
    expect(() => prepareSingleOp(spec(1))).toThrow('has zero point 1; a hybrid lookup needs 0');
    expect(() => runSingleOp(spec(0), Int32Array.of(3, 0))).toThrow('op 0 (EMBEDDING_LOOKUP): id 3 at position 0 is outside the 3 rows');
  });
});

describe('SUM and CUMSUM', () => {
  it('wraps an int8 sum past the output range as TFLite casts it', () => {
    const spec = { type: 'SUM', attrs: { keepDims: false }, inputs: [{ dtype: 'int8' as const, shape: [4], quantization: [1, 0] as [number, number] }, ints([1], 0)], output: { dtype: 'int8' as const, shape: [1], quantization: [1, 0] as [number, number] } };
    expect(Array.from(runSingleOp(spec, Int8Array.of(100, 100, 0, 0)))).toEqual([-56]);
  });

  it('sums exclusively in reverse', () => {
    const spec = { type: 'CUMSUM', attrs: { exclusive: true, reverse: true }, inputs: [{ dtype: 'float32' as const, shape: [4] }, ints([], 0)], output: { dtype: 'float32' as const, shape: [4] } };
    expect(Array.from(runSingleOp(spec, Float32Array.of(1, 2, 3, 4)))).toEqual([9, 7, 4, 0]);
  });
});
