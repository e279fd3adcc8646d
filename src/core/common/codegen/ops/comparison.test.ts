import { describe, expect, it } from 'vitest';
import type { DType, Graph } from '../../ir/types.js';
import { generateModel } from '../generate.js';

/** x (runtime) OP constant → y. */
function binaryGraph(type: string, dtype: DType, shape: number[], output: DType, q?: [number, number]): Graph {
  const quantization = q && { scale: [q[0]], zeroPoint: [q[1]], axis: 0 };
  return {
    name: type,
    tensors: [
      { id: 0, name: 'x', shape, dtype, ...(quantization ? { quantization } : {}) },
      { id: 1, name: 'c', shape: [1], dtype, data: dtype === 'float32' ? Float32Array.of(2) : Int8Array.of(3), ...(quantization ? { quantization } : {}) },
      { id: 2, name: 'y', shape, dtype: output },
    ],
    ops: [{ type, inputs: [0, 1], outputs: [2], attrs: {} }],
    inputs: [0],
    outputs: [2],
  };
}

describe('comparison and logic lowering', () => {
  it('passes int8 comparisons their rescaling (left shift 8, each scale as a multiplier below one) and a bool output', () => {
    const source = generateModel(binaryGraph('GREATER', 'int8', [2, 3], 'bool', [0.5, -4])).source;
    expect(source).toContain('static const td_compare_params td_op0_params = {8, {4, {1073741824, 0}}, {4, {1073741824, 0}}};');
    expect(source).toMatch(/td_compare_s8\(TD_COMPARE_GREATER, &td_op0_params, .*\(\(uint8_t \*\)&td_arena\[\d+\]\)\)/);
  });

  it('compares float32 without parameters', () => {
    expect(generateModel(binaryGraph('NOT_EQUAL', 'float32', [4], 'bool')).source).toMatch(/td_compare_f32\(TD_COMPARE_NOT_EQUAL, &td_dims_\w+, /);
  });

  it('refuses a comparison broadcast over 5 dimensions, naming the tensor', () => {
    expect(() => generateModel(binaryGraph('LESS', 'float32', [2, 1, 2, 1, 2], 'bool'))).toThrow(
      'op 0 (LESS): tensor 0 (x) has 5 dimensions, the C kernels broadcast at most 4',
    );
  });
});
