import { describe, expect, it } from 'vitest';
import './transpose-conv.js';
import { prepareSingleOp, runSingleOp, type SingleOp, type TensorSpec } from '../testing/single-op.js';

/**
 * TRANSPOSE_CONV 16x8: input [1, 1, 2, 1] (scale 0.01) scattered through a 1x2 filter (scale 0.5)
 * at stride 2 into [1, 1, 4, 1] (scale 0.02): each output is one product, plus the bias, times
 * 0.25 — TFLite's 64-bit MultiplyByQuantizedMultiplier rounds 2^30 · 2^-1 to 2^14 · 2^-16, exact
 * on these multiples of 4.
 */
function transposeConv16(bias: TensorSpec | null, overrides: { input?: TensorSpec; activation?: string } = {}): SingleOp {
  const input: TensorSpec = overrides.input ?? { dtype: 'int16', shape: [1, 1, 2, 1], quantization: [0.01, 0] };
  return {
    type: 'TRANSPOSE_CONV',
    attrs: { padding: 'valid', strideH: 2, strideW: 2, activation: overrides.activation ?? 'none' },
    inputs: [
      { dtype: 'int32', shape: [4], data: Int32Array.of(1, 1, 4, 1) },
      { dtype: 'int8', shape: [1, 1, 2, 1], data: Int8Array.of(3, -5), quantization: [0.5, 0] },
      input,
      bias,
    ],
    output: { dtype: 'int16', shape: [1, 1, 4, 1], quantization: [0.02, 0] },
  };
}

const x = Int16Array.of(1000, -2000);

describe('TRANSPOSE_CONV 16x8', () => {
  it('scatters int16 × int8 products into int64 sums, adds the int64 bias and requantizes', () => {
    const output = runSingleOp<Int16Array>(transposeConv16({ dtype: 'int64', shape: [1], data: BigInt64Array.of(40000n) }), x);
    expect(Array.from(output)).toEqual([(3000 + 40000) / 4, (-5000 + 40000) / 4, (-6000 + 40000) / 4, (10000 + 40000) / 4]);
  });

  it('keeps a bias beyond int32 whole (no int32 wrap) and clamps to the int16 range', () => {
    const output = runSingleOp<Int16Array>(transposeConv16({ dtype: 'int64', shape: [1], data: BigInt64Array.of(-3000000000n) }), x);
    expect(Array.from(output)).toEqual([-32768, -32768, -32768, -32768]);
  });

  it('widens the int16 bias of older converters, as TFLite Micro does', () => {
    const output = runSingleOp<Int16Array>(transposeConv16({ dtype: 'int16', shape: [1], data: Int16Array.of(-1000) }, { activation: 'relu' }), x);
    expect(Array.from(output)).toEqual([(3000 - 1000) / 4, 0, 0, (10000 - 1000) / 4]);
  });

  it('runs without a bias', () => {
    expect(Array.from(runSingleOp<Int16Array>(transposeConv16(null), x))).toEqual([750, -1250, -1500, 2500]);
  });

  it('refuses an int32 bias (TFLite Micro would read it as int64) and an input zero point', () => {
    expect(() => prepareSingleOp(transposeConv16({ dtype: 'int32', shape: [1], data: Int32Array.of(7) }))).toThrow(/bias .* int32, expected int64 or int16/);
    expect(() => prepareSingleOp(transposeConv16(null, { input: { dtype: 'int16', shape: [1, 1, 2, 1], quantization: [0.01, 3] } }))).toThrow(/int16 input .* zero point 3, expected 0/);
  });
});
