import { describe, expect, it } from 'vitest';
import { Interpreter } from '../interpreter.js';
import { opGraph, runOpGraph as run } from './testing/op-graph.js';

describe('BATCH_MATMUL int16', () => {
  it('sums in 64 bits and requantizes with the 15-bit multiplier, rounding halves up', () => {
    // Scales 0.5 · 0.25 / 1: multiplier 2^30, shift -2 → round(sum / 8), halves toward +∞.
    const graph = opGraph(
      'BATCH_MATMUL',
      [{ shape: [1, 3, 3], dtype: 'int16', q: [0.5, 0] }, { shape: [1, 3, 1], dtype: 'int16', q: [0.25, 0], data: Int16Array.of(32767, 32767, 32767) }],
      { shape: [1, 3, 1], dtype: 'int16', q: [1, 0] },
      { adjX: false, adjY: false },
    );
    // Row 0 sums to 3·32767² > 2^31 (a 32-bit sum would wrap negative): clamped to 32767.
    expect(run(graph, Int16Array.of(32767, 32767, 32767, -3, 5, 4, -4, 0, 0))).toEqual([32767, 24575, -16383]);
  });

  it('refuses int16 zero points other than 0, naming the tensors', () => {
    const graph = opGraph('BATCH_MATMUL', [{ shape: [2, 2], dtype: 'int16', q: [0.5, 3] }, { shape: [2, 2], dtype: 'int16', q: [0.5, 0] }], { shape: [2, 2], dtype: 'int16', q: [1, 0] });
    expect(() => new Interpreter(graph)).toThrow(/op 0 \(BATCH_MATMUL\): int16 x tensor 0 \(t0\), y tensor 1 \(t1\) and output tensor 2 \(t2\) have zero points 3, 0 and 0/);
  });
});
