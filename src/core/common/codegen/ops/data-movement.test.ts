import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../ir/types.js';
import { generateModel } from '../generate.js';

/** x [1,2,2,1] float32 → PAD (one on each side of H and W, pad value from `value`) → y [1,4,4,1]. */
function padGraph(value: Partial<Tensor>): Graph {
  return {
    name: 'pad',
    tensors: [
      { id: 0, name: 'x', shape: [1, 2, 2, 1], dtype: 'float32' },
      { id: 1, name: 'paddings', shape: [4, 2], dtype: 'int32', data: Int32Array.from([0, 0, 1, 1, 1, 1, 0, 0]) },
      { id: 2, name: 'value', shape: [], dtype: 'float32', ...value },
      { id: 3, name: 'y', shape: [1, 4, 4, 1], dtype: 'float32' },
    ],
    ops: [{ type: 'PAD', inputs: [0, 1, 2], outputs: [3], attrs: {} }],
    inputs: value.data ? [0] : [0, 2],
    outputs: [3],
  };
}

describe('PAD lowering', () => {
  it('pads with the value of a constant third input', () => {
    expect(generateModel(padGraph({ data: Float32Array.of(1.5) })).source).toContain(
      'static const td_pad_params_f32 td_op0_params = {{0, 1, 1, 0}, {0, 1, 1, 0}, 1.5f};',
    );
  });

  it('refuses a pad value computed at run time (the kernel takes it as a parameter)', () => {
    expect(() => generateModel(padGraph({}))).toThrow('op 0 (PAD): constant value tensor 2 (value) must be a constant');
  });
});
