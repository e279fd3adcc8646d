import { allocateData, bytesOf, elementCount } from '../../common/ir/tensor.js';
import type { Graph, TensorData } from '../../common/ir/types.js';

/**
 * Default inputs of a deploy when the user gives none: the same pseudo-random values for the same
 * seed on every machine (a 32-bit LCG), spanning each input's range — every int8 value for
 * quantized inputs, [-1, 1) for float ones — so every code path of the kernels (saturation,
 * negative values, rounding) is exercised, not just zeros.
 */
export function seededInputs(graph: Graph, seed: number): Uint8Array[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return graph.inputs.map((id) => {
    const tensor = graph.tensors[id];
    const count = elementCount(tensor.shape);
    const data: TensorData = allocateData(tensor.dtype, count);
    const [low, high] = valueRange(tensor.dtype);
    for (let i = 0; i < count; i++) {
      const value = low + next() * (high - low);
      if (data instanceof Float32Array) data[i] = value;
      else if (data instanceof BigInt64Array) data[i] = BigInt(Math.floor(value));
      else data[i] = Math.floor(value);
    }
    return bytesOf(data).slice();
  });
}

function valueRange(dtype: string): [number, number] {
  switch (dtype) {
    case 'int8':
      return [-128, 128];
    case 'uint8':
      return [0, 256];
    case 'int16':
      return [-32768, 32768];
    case 'int32':
    case 'int64':
      return [-1000, 1000];
    case 'bool':
      return [0, 2];
    default:
      return [-1, 1];
  }
}
