import { describe, expect, it } from 'vitest';
import './reshape.js';
import { prepareSingleOp, runSingleOp } from '../testing/single-op.js';

describe('RESHAPE', () => {
  it('copies int8 elements in order under the new shape, ignoring the shape tensor contents', () => {
    const spec = {
      type: 'RESHAPE',
      inputs: [
        { dtype: 'int8' as const, shape: [1, 1, 1, 4], quantization: [0.1, -128] as [number, number] },
        { dtype: 'int32' as const, shape: [2], data: Int32Array.of(-1, 4) },
      ],
      output: { dtype: 'int8' as const, shape: [1, 4], quantization: [0.1, -128] as [number, number] },
    };
    const input = Int8Array.of(-128, -1, 0, 127);
    const out = runSingleOp(spec, input);
    expect(Array.from(out)).toEqual([-128, -1, 0, 127]);
    expect(out).not.toBe(input);
  });

  it('works for any dtype, including int64 and float16 bits', () => {
    const int64 = { type: 'RESHAPE', inputs: [{ dtype: 'int64' as const, shape: [2, 1] }], output: { dtype: 'int64' as const, shape: [2] } };
    expect(Array.from(runSingleOp<BigInt64Array>(int64, BigInt64Array.of(-5n, 9007199254740993n)))).toEqual([-5n, 9007199254740993n]);
    const float16 = { type: 'RESHAPE', inputs: [{ dtype: 'float16' as const, shape: [3] }], output: { dtype: 'float16' as const, shape: [1, 3] } };
    expect(Array.from(runSingleOp(float16, Uint16Array.of(0x3c00, 0x8000, 0x7e00)))).toEqual([0x3c00, 0x8000, 0x7e00]);
  });

  it('refuses a different element count or dtype', () => {
    expect(() => prepareSingleOp({ type: 'RESHAPE', inputs: [{ dtype: 'float32', shape: [2, 3] }], output: { dtype: 'float32', shape: [5] } })).toThrow(
      /op 0 \(RESHAPE\): output shape \[5\] holds 5 elements, input shape \[2,3\] holds 6/,
    );
    expect(() => prepareSingleOp({ type: 'RESHAPE', inputs: [{ dtype: 'float32', shape: [2] }], output: { dtype: 'int8', shape: [2] } })).toThrow(
      /input tensor 0 \(t0\) is float32 but output tensor 1 \(t1\) is int8/,
    );
  });
});
