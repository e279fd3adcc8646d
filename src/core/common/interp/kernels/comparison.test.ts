import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter.js';
import { opGraph, runOpGraph as run, type Operand } from './testing/op-graph.js';

describe('comparisons', () => {
  it('compare int8 after rescaling both sides: x1·0.1 = x2·0.2 where x1 = 2·x2, whatever the stored values', () => {
    const a = Int8Array.of(20, 21, -40, 0, 100);
    const b = Int8Array.of(10, 10, -20, 0, 49);
    const graph = (type: string) => opGraph(type, [{ shape: [5], dtype: 'int8', q: [0.1, 0] }, { shape: [5], dtype: 'int8', q: [0.2, 0], data: b }], { shape: [5], dtype: 'bool' });
    expect(run(graph('EQUAL'), a)).toEqual([1, 0, 1, 1, 0]);
    expect(run(graph('GREATER'), a)).toEqual([0, 1, 0, 0, 1]);
    expect(run(graph('LESS_EQUAL'), a)).toEqual([1, 0, 1, 1, 0]);
  });

  it('apply the zero points before comparing', () => {
    const graph = opGraph('LESS', [{ shape: [3], dtype: 'int8', q: [0.5, 10] }, { shape: [1], dtype: 'int8', q: [0.5, -10], data: Int8Array.of(-10) }], { shape: [3], dtype: 'bool' });
    expect(run(graph, Int8Array.of(9, 10, 11))).toEqual([1, 0, 0]);
  });

  it('broadcast and hold only NOT_EQUAL for a NaN', () => {
    const operands: Operand[] = [{ shape: [2, 2], dtype: 'float32' }, { shape: [2], dtype: 'float32', data: Float32Array.of(1, Number.NaN) }];
    const x = Float32Array.of(1, 2, 0, Number.NaN);
    const results = Object.fromEntries(
      ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'].map((type) => [type, run(opGraph(type, operands, { shape: [2, 2], dtype: 'bool' }), x)]),
    );
    expect(results).toEqual({
      EQUAL: [1, 0, 0, 0],
      NOT_EQUAL: [0, 1, 1, 1],
      LESS: [0, 0, 1, 0],
      LESS_EQUAL: [1, 0, 1, 0],
      GREATER: [0, 0, 0, 0],
      GREATER_EQUAL: [1, 0, 0, 0],
    });
  });

  it('compare int64 exactly, beyond the 2^53 a double holds, broadcasting', () => {
    const big = 2n ** 60n;
    const operands: Operand[] = [{ shape: [2, 3], dtype: 'int64' }, { shape: [3], dtype: 'int64', data: BigInt64Array.of(big, -big, 5000000000n) }];
    // Against big: big + 1 (a double rounds it to big), big, big - 1; against -big and 5e9 the same pattern.
    const x = BigInt64Array.of(big + 1n, -big, 5000000001n, big - 1n, -big - 1n, 4999999999n);
    const results = Object.fromEntries(
      ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'].map((type) => [type, run(opGraph(type, operands, { shape: [2, 3], dtype: 'bool' }), x)]),
    );
    expect(results).toEqual({
      EQUAL: [0, 1, 0, 0, 0, 0],
      NOT_EQUAL: [1, 0, 1, 1, 1, 1],
      LESS: [0, 0, 0, 1, 1, 1],
      LESS_EQUAL: [0, 1, 0, 1, 1, 1],
      GREATER: [1, 0, 1, 0, 0, 0],
      GREATER_EQUAL: [1, 1, 1, 0, 0, 0],
    });
  });

  it('refuse an int8 scale of 1 or more, a non-bool output and shapes that do not broadcast, naming them', () => {
    const int8 = (scale: number): Operand => ({ shape: [4], dtype: 'int8', q: [scale, 0] });
    expect(() => new Interpreter(opGraph('EQUAL', [int8(1.5), int8(0.1)], { shape: [4], dtype: 'bool' }))).toThrow(/op 0 \(EQUAL\): input 0 tensor 0 \(t0\) has scale 1.5/);
    expect(() => new Interpreter(opGraph('LESS', [int8(0.1), int8(0.1)], { shape: [4], dtype: 'int8' }))).toThrow(/output tensor 2 \(t2\) is int8, expected bool/);
    expect(() => new Interpreter(opGraph('GREATER', [int8(0.1), { shape: [3], dtype: 'int8', q: [0.1, 0] }], { shape: [4], dtype: 'bool' }))).toThrow(/shapes \[4\] .* and \[3\] .* do not broadcast/);
  });
});

describe('logical ops and SELECT', () => {
  it('LOGICAL_AND / OR broadcast, any non-zero byte is true, LOGICAL_NOT inverts', () => {
    const operands: Operand[] = [{ shape: [2, 2], dtype: 'bool' }, { shape: [2, 1], dtype: 'bool', data: Uint8Array.of(0, 7) }];
    const x = Uint8Array.of(0, 1, 0, 2);
    expect(run(opGraph('LOGICAL_AND', operands, { shape: [2, 2], dtype: 'bool' }), x)).toEqual([0, 0, 0, 1]);
    expect(run(opGraph('LOGICAL_OR', operands, { shape: [2, 2], dtype: 'bool' }), x)).toEqual([0, 1, 1, 1]);
    expect(run(opGraph('LOGICAL_NOT', [{ shape: [4], dtype: 'bool' }], { shape: [4], dtype: 'bool' }), x)).toEqual([1, 0, 1, 0]);
  });

  it('SELECT_V2 broadcasts condition, x and y; SELECT takes one condition per row', () => {
    const v2 = opGraph(
      'SELECT_V2',
      [{ shape: [1, 3], dtype: 'bool' }, { shape: [2, 3], dtype: 'int32' }, { shape: [2, 1], dtype: 'int32', data: Int32Array.of(-1, -2) }],
      { shape: [2, 3], dtype: 'int32' },
    );
    expect(run(v2, Uint8Array.of(1, 0, 1), Int32Array.of(1, 2, 3, 4, 5, 6))).toEqual([1, -1, 3, 4, -2, 6]);
    const v1 = opGraph('SELECT', [{ shape: [2], dtype: 'bool' }, { shape: [2, 2], dtype: 'float32' }, { shape: [2, 2], dtype: 'float32', data: Float32Array.of(9, 8, 7, 6) }], {
      shape: [2, 2],
      dtype: 'float32',
    });
    expect(run(v1, Uint8Array.of(0, 1), Float32Array.of(1, 2, 3, 4))).toEqual([9, 8, 3, 4]);
    const bad = opGraph('SELECT', [{ shape: [3], dtype: 'bool' }, { shape: [2, 2], dtype: 'float32' }, { shape: [2, 2], dtype: 'float32' }], { shape: [2, 2], dtype: 'float32' });
    expect(() => new Interpreter(bad)).toThrow(/op 0 \(SELECT\): condition \[3\], x \[2,2\] and y \[2,2\] do not give the output's \[2,2\]/);
  });
});
