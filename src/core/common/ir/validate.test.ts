import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import type { Graph } from './types.js';
import { graphProblems, validateGraph } from './validate.js';

/** x → RELU → y, with an intermediate tensor 2 on the op. */
function graph(intermediates: number[]): Graph {
  return {
    name: 'g',
    tensors: [
      { id: 0, name: 'x', dtype: 'float32', shape: [2] },
      { id: 1, name: 'y', dtype: 'float32', shape: [2] },
      { id: 2, name: 's', dtype: 'int16', shape: [0] },
    ],
    ops: [{ type: 'RELU', inputs: [0], outputs: [1], attrs: {}, intermediates }],
    inputs: [0],
    outputs: [1],
  } as Graph;
}

describe('validateGraph', () => {
  it('accepts intermediates that name tensors the op neither reads nor writes', () => {
    expect(graphProblems(graph([2]))).toEqual([]);
  });

  it('names an intermediate out of range, or one the op also reads or writes', () => {
    expect(graphProblems(graph([7]))).toEqual(['op 0 (RELU) intermediate 0 refers to tensor 7, graph has 3 tensors']);
    expect(graphProblems(graph([2, 1]))).toEqual(['op 0 (RELU) intermediate 1 is tensor 1, which the op also reads or writes']);
    expect(() => validateGraph(graph([7]))).toThrow(ValidationError);
  });
});
