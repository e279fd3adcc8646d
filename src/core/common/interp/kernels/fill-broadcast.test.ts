import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter.js';
import { opGraph, runOpGraph as run } from './testing/op-graph.js';

describe('ADD_N, ZEROS_LIKE, FILL', () => {
  it('ADD_N sums every input in order, int32 wrapping', () => {
    const graph = opGraph('ADD_N', [{ shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'int32', data: Int32Array.of(2147483647, 1) }, { shape: [2], dtype: 'int32', data: Int32Array.of(1, 2) }], { shape: [2], dtype: 'int32' });
    expect(run(graph, Int32Array.of(0, 3))).toEqual([-2147483648, 6]);
  });

  it('int8 ADD_N: TFLite Micro add_n_test.cc case (scale 6/255, zero point 0) within its one-step tolerance', () => {
    const scale = Math.fround(6 / 255);
    const q = (values: number[]) => Int8Array.from(values, (v) => Math.round(v / scale));
    const int8 = { shape: [1, 2, 2, 1], dtype: 'int8' as const, q: [scale, 0] as [number, number] };
    const graph = opGraph('ADD_N', [int8, { ...int8, data: q([0.1, 0.2, 0.3, 0.5]) }, { ...int8, data: q([0.5, 0.1, 0.1, 0.2]) }], int8);
    const got = run(graph, q([-2.0, 0.2, 0.7, 0.8])).map((v) => v * scale);
    [-1.4, 0.5, 1.1, 1.5].forEach((expected, i) => expect(Math.abs(got[i] - expected)).toBeLessThanOrEqual(2 * scale));
  });

  it('int8 ADD_N adds the rescaled input offset once more, as TFLite Micro does, halves rounding away from zero, and clamps', () => {
    // Scales 0.05 → 0.1: output = round((3 + Σ(x + 3)) / 2) + 2, the leading 3 being TFLite Micro's extra -zeroPoint term.
    const input = { shape: [4], dtype: 'int8' as const, q: [0.05, -3] as [number, number] };
    const graph = opGraph('ADD_N', [input, { ...input, data: Int8Array.of(-3, -3, 5, 120) }], { shape: [4], dtype: 'int8', q: [0.1, 2] });
    expect(run(graph, Int8Array.of(-3, 7, 0, 120))).toEqual([4, 9, 9, 127]);
  });

  it('int8 ADD_N refuses inputs of different quantizations, naming them', () => {
    const graph = opGraph('ADD_N', [{ shape: [2], dtype: 'int8', q: [0.05, -3] }, { shape: [2], dtype: 'int8', q: [0.05, 0] }], { shape: [2], dtype: 'int8', q: [0.1, 0] });
    expect(() => new Interpreter(graph)).toThrow(/op 0 \(ADD_N\): input 1 tensor 1 \(t1\) has scale 0.05 and zero point 0, input 0 has 0.05 and -3/);
  });

  it('ZEROS_LIKE writes zeros of the input type, FILL the scalar value over the dims', () => {
    expect(run(opGraph('ZEROS_LIKE', [{ shape: [3], dtype: 'int64' }], { shape: [3], dtype: 'int64' }), BigInt64Array.of(1n, 2n, 3n))).toEqual([0, 0, 0]);
    const graph = opGraph('FILL', [{ shape: [2], dtype: 'int32', data: Int32Array.of(2, 2) }, { shape: [], dtype: 'float32' }], { shape: [2, 2], dtype: 'float32' });
    expect(run(graph, Float32Array.of(1.5))).toEqual([1.5, 1.5, 1.5, 1.5]);
  });

  it('FILL refuses dims that disagree with the output and a quantized value of another encoding', () => {
    const dims = { shape: [1], dtype: 'int32' as const, data: Int32Array.of(3) };
    expect(() => new Interpreter(opGraph('FILL', [dims, { shape: [], dtype: 'float32' }], { shape: [4], dtype: 'float32' }))).toThrow(/op 0 \(FILL\): output tensor 2 \(t2\) has shape \[4\], expected \[3\]/);
    expect(() => new Interpreter(opGraph('FILL', [dims, { shape: [], dtype: 'int8', q: [0.1, 0] }], { shape: [3], dtype: 'int8', q: [0.2, 0] }))).toThrow(/must share one quantization/);
  });
});

describe('BROADCAST_TO and BROADCAST_ARGS', () => {
  it('BROADCAST_TO repeats the input along the dimensions of size 1 and the new leading ones', () => {
    const graph = opGraph('BROADCAST_TO', [{ shape: [2, 1], dtype: 'int8' }, { shape: [3], dtype: 'int32', data: Int32Array.of(2, 2, 3) }], { shape: [2, 2, 3], dtype: 'int8' });
    expect(run(graph, Int8Array.of(1, -2))).toEqual([1, 1, 1, -2, -2, -2, 1, 1, 1, -2, -2, -2]);
    const bad = opGraph('BROADCAST_TO', [{ shape: [2, 3], dtype: 'int8' }, { shape: [2], dtype: 'int32', data: Int32Array.of(2, 2) }], { shape: [2, 2], dtype: 'int8' });
    expect(() => new Interpreter(bad)).toThrow(/input tensor 0 \(t0\) of shape \[2,3\] does not broadcast to \[2,2\]/);
  });

  it('BROADCAST_ARGS aligns the shapes on the last dimension and refuses ones that do not broadcast', () => {
    const graph = opGraph('BROADCAST_ARGS', [{ shape: [2], dtype: 'int32' }, { shape: [3], dtype: 'int32' }], { shape: [3], dtype: 'int32' });
    expect(run(graph, Int32Array.of(1, 4), Int32Array.of(2, 3, 1))).toEqual([2, 3, 4]);
    expect(() => run(graph, Int32Array.of(2, 4), Int32Array.of(2, 3, 1))).toThrow(/op 0 \(BROADCAST_ARGS\): shapes \[2,4\] and \[2,3,1\] do not broadcast/);
  });
});
