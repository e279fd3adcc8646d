import { describe, expect, it } from 'vitest';
import './pad.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const paddings = (...values: number[]): TensorSpec => ({ dtype: 'int32', shape: [values.length / 2, 2], data: Int32Array.from(values) });

describe('PAD', () => {
  it('pads float32 with zeros on every side of a 2-D tensor', () => {
    const spec = { type: 'PAD', inputs: [{ dtype: 'float32' as const, shape: [2, 2] }, paddings(1, 0, 0, 2)], output: { dtype: 'float32' as const, shape: [3, 4] } };
    expect(Array.from(runSingleOp(spec, Float32Array.of(1, 2, 3, 4)))).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
  });

  it('pads int8 NHWC spatially with the output zero point (real 0)', () => {
    const spec = {
      type: 'PAD',
      inputs: [{ dtype: 'int8' as const, shape: [1, 1, 2, 2], quantization: [0.1, -7] as [number, number] }, paddings(0, 0, 1, 1, 0, 1, 0, 0)],
      output: { dtype: 'int8' as const, shape: [1, 3, 3, 2], quantization: [0.1, -7] as [number, number] },
    };
    const out = runSingleOp(spec, Int8Array.of(1, 2, 3, 4));
    expect(Array.from(out)).toEqual([-7, -7, -7, -7, -7, -7, 1, 2, 3, 4, -7, -7, -7, -7, -7, -7, -7, -7]);
  });

  it('takes int64 paddings and an explicit constant value (PADV2 form)', () => {
    const spec = {
      type: 'PAD',
      inputs: [
        { dtype: 'int16' as const, shape: [3], quantization: [1, 0] as [number, number] },
        { dtype: 'int64' as const, shape: [1, 2], data: BigInt64Array.of(2n, 1n) },
        { dtype: 'int16' as const, shape: [1], quantization: [1, 0] as [number, number] },
      ],
      output: { dtype: 'int16' as const, shape: [6], quantization: [1, 0] as [number, number] },
    };
    expect(Array.from(runSingleOp(spec, Int16Array.of(-32768, 0, 32767), Int16Array.of(9)))).toEqual([9, 9, -32768, 0, 32767, 9]);
  });

  it('pads a 5-D tensor and a tensor with nothing to pad', () => {
    const spec = { type: 'PAD', inputs: [{ dtype: 'int32' as const, shape: [1, 1, 1, 1, 2] }, paddings(0, 0, 0, 0, 0, 0, 1, 0, 0, 1)], output: { dtype: 'int32' as const, shape: [1, 1, 1, 2, 3] } };
    expect(Array.from(runSingleOp(spec, Int32Array.of(5, 6)))).toEqual([0, 0, 0, 5, 6, 0]);
    const none = { type: 'PAD', inputs: [{ dtype: 'float32' as const, shape: [2] }, paddings(0, 0)], output: { dtype: 'float32' as const, shape: [2] } };
    expect(Array.from(runSingleOp(none, Float32Array.of(1, 2)))).toEqual([1, 2]);
  });

  it('refuses non-constant or wrong-sized paddings and a wrong output shape', () => {
    expect(() => prepareSingleOp({ type: 'PAD', inputs: [{ dtype: 'float32', shape: [2] }, { dtype: 'int32', shape: [1, 2] }], output: { dtype: 'float32', shape: [4] } })).toThrow(
      /paddings tensor 1 \(t1\) must be a constant/,
    );
    expect(() => prepareSingleOp({ type: 'PAD', inputs: [{ dtype: 'float32', shape: [2, 2] }, paddings(1, 1)], output: { dtype: 'float32', shape: [4, 2] } })).toThrow(
      /paddings tensor 1 has shape \[1,2\], expected \[2,2\]/,
    );
    expect(() => prepareSingleOp({ type: 'PAD', inputs: [{ dtype: 'float32', shape: [2] }, paddings(1, 1)], output: { dtype: 'float32', shape: [5] } })).toThrow(
      /output tensor 2 has shape \[5\], paddings \[1, 1\] give \[4\]/,
    );
  });
});
