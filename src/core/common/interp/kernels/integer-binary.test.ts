import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter.js';
import { opGraph, runOpGraph as run } from './testing/op-graph.js';

describe('SQUARED_DIFFERENCE int16 and int32, DIV int32, MAXIMUM / MINIMUM int32 and int64', () => {
  it('MAXIMUM / MINIMUM compare int64 exactly (2^60 ± 1) and int32 at its ends, broadcasting', () => {
    const big = 2n ** 60n;
    const int64 = [{ shape: [2, 2], dtype: 'int64' as const }, { shape: [2], dtype: 'int64' as const, data: BigInt64Array.of(big, -big) }];
    const x = BigInt64Array.of(big + 1n, -big - 1n, big - 1n, -big + 1n);
    const values = (type: string) => new Interpreter(opGraph(type, int64, { shape: [2, 2], dtype: 'int64' })).run([x]).outputs[0] as BigInt64Array;
    expect(Array.from(values('MAXIMUM'))).toEqual([big + 1n, -big, big, -big + 1n]);
    expect(Array.from(values('MINIMUM'))).toEqual([big, -big - 1n, big - 1n, -big]);
    const int32 = opGraph('MINIMUM', [{ shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'int32', data: Int32Array.of(-2147483648, 2147483647) }], { shape: [2], dtype: 'int32' });
    expect(run(int32, Int32Array.of(0, 5))).toEqual([-2147483648, 5]);
  });

  it('int16: inputs halved to twice the larger scale, the square rescaled by a multiplier above one, clamped', () => {
    // Scales 0.5, 0.5 → 0.25: each input halves exactly (even values), the output multiplier is 4,
    // so the output is (x - y)² itself.
    const graph = opGraph(
      'SQUARED_DIFFERENCE',
      [{ shape: [3], dtype: 'int16', q: [0.5, 0] }, { shape: [3], dtype: 'int16', q: [0.5, 0], data: Int16Array.of(4, 4, -4) }],
      { shape: [3], dtype: 'int16', q: [0.25, 0] },
    );
    expect(run(graph, Int16Array.of(10, -20, 400))).toEqual([36, 576, 32767]);
  });

  it('int16 refuses zero points other than 0', () => {
    const graph = opGraph('SQUARED_DIFFERENCE', [{ shape: [2], dtype: 'int16', q: [0.5, 1] }, { shape: [2], dtype: 'int16', q: [0.5, 0] }], { shape: [2], dtype: 'int16', q: [0.25, 0] });
    expect(() => new Interpreter(graph)).toThrow(/op 0 \(SQUARED_DIFFERENCE\): int16 SQUARED_DIFFERENCE needs zero points of 0, got 1, 0 and 0/);
  });

  it('DIV int32 truncates toward zero, wraps INT32_MIN / -1, clamps to relu6 and refuses a zero divisor', () => {
    const divisor = { shape: [4], dtype: 'int32' as const, data: Int32Array.of(2, -2, -1, 3) };
    expect(run(opGraph('DIV', [{ shape: [4], dtype: 'int32' }, divisor], { shape: [4], dtype: 'int32' }, { activation: 'none' }), Int32Array.of(7, 7, -2147483648, -8))).toEqual([3, -3, -2147483648, -2]);
    expect(run(opGraph('DIV', [{ shape: [4], dtype: 'int32' }, divisor], { shape: [4], dtype: 'int32' }, { activation: 'relu6' }), Int32Array.of(70, 7, 5, -8))).toEqual([6, 0, 0, 0]);
    const zero = opGraph('DIV', [{ shape: [1], dtype: 'int32' }, { shape: [1], dtype: 'int32', data: Int32Array.of(0) }], { shape: [1], dtype: 'int32' }, { activation: 'none' });
    expect(() => run(zero, Int32Array.of(1))).toThrow(/op 0 \(DIV\): division by zero at output element 0/);
  });

  it('int32: (a - b)², wrapping as two\'s complement', () => {
    const graph = opGraph('SQUARED_DIFFERENCE', [{ shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'int32', data: Int32Array.of(5, 1) }], { shape: [2], dtype: 'int32' });
    // -2^31 - 1 wraps to 2^31 - 1, whose square is 1 modulo 2^32.
    expect(run(graph, Int32Array.of(3, -2147483648))).toEqual([4, 1]);
  });
});
