import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter.js';
import { opGraph, runOpGraph as run } from './testing/op-graph.js';

describe('ARG_MAX / ARG_MIN', () => {
  const graph = (type: string, axis: number, output: 'int32' | 'int64' = 'int32') =>
    opGraph(type, [{ shape: [2, 3], dtype: 'float32' }, { shape: [1], dtype: 'int32', data: Int32Array.of(axis) }], { shape: axis === 0 || axis === -2 ? [3] : [2], dtype: output });
  const x = Float32Array.of(1, 5, 5, Number.NaN, -2, -2);

  it('take the first index of the extreme along the axis; a NaN, never beaten by a strict comparison, holds', () => {
    expect(run(graph('ARG_MAX', 1), x)).toEqual([1, 0]);
    expect(run(graph('ARG_MIN', -1), x)).toEqual([0, 0]);
    expect(run(graph('ARG_MAX', 0), x)).toEqual([0, 0, 0]);
  });

  it('write int64 indices', () => {
    expect(run(graph('ARG_MIN', 0, 'int64'), x)).toEqual([0, 1, 1]);
  });

  it('refuse an axis outside the input, naming it', () => {
    expect(() => new Interpreter(graph('ARG_MAX', 2))).toThrow(/op 0 \(ARG_MAX\): axis 2 is outside the 2 dimensions of input tensor 0 \(t0\)/);
  });
});

describe('FLOOR_DIV / FLOOR_MOD', () => {
  const graph = (type: string, dtype: 'int32' | 'float32', divisor: Int32Array | Float32Array) =>
    opGraph(type, [{ shape: [4], dtype }, { shape: [1], dtype, data: divisor }], { shape: [4], dtype });

  it('round the quotient down and give the remainder the divisor sign', () => {
    expect(run(graph('FLOOR_DIV', 'int32', Int32Array.of(-3)), Int32Array.of(7, -7, 6, 0))).toEqual([-3, 2, -2, 0]);
    expect(run(graph('FLOOR_MOD', 'int32', Int32Array.of(-3)), Int32Array.of(7, -7, 6, 0))).toEqual([-2, -1, 0, 0]);
    expect(run(graph('FLOOR_MOD', 'float32', Float32Array.of(2.5)), Float32Array.of(-1, 6, -5, 3.5))).toEqual([1.5, 1, -0, 1]);
    expect(run(graph('FLOOR_DIV', 'float32', Float32Array.of(0.5)), Float32Array.of(-0.75, 1.25, 2, 0))).toEqual([-2, 2, 4, 0]);
  });

  it('refuse a zero divisor, as TFLite does', () => {
    expect(() => run(graph('FLOOR_MOD', 'int32', Int32Array.of(0)), Int32Array.of(1, 2, 3, 4))).toThrow(/op 0 \(FLOOR_MOD\): division by zero/);
  });
});
