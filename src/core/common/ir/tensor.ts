import type { DType, Tensor, TensorData } from './types.js';

const bytesPerElement: Record<DType, number> = {
  float32: 4,
  float16: 2,
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  bool: 1,
  string: 1,
};

export function dtypeBytes(dtype: DType): number {
  return bytesPerElement[dtype];
}

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

export function tensorBytes(tensor: Pick<Tensor, 'shape' | 'dtype'>): number {
  return elementCount(tensor.shape) * dtypeBytes(tensor.dtype);
}

/** A zero-filled typed array of the tensor's dtype and element count. */
export function allocateData(dtype: DType, count: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(count);
    case 'int8':
      return new Int8Array(count);
    case 'uint8':
    case 'bool':
    case 'string':
      return new Uint8Array(count);
    case 'int16':
      return new Int16Array(count);
    case 'float16':
      return new Uint16Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'uint32':
      return new Uint32Array(count);
    case 'int64':
      return new BigInt64Array(count);
  }
}

/**
 * View little-endian bytes as a typed array of `dtype`, copying so the result is aligned and
 * owns its memory. Throws RangeError when the byte count is not a whole number of elements.
 */
export function dataFromBytes(dtype: DType, bytes: Uint8Array): TensorData {
  const size = dtypeBytes(dtype);
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const data = allocateData(dtype, bytes.byteLength / size);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  return data;
}

/** The raw little-endian bytes of a typed array (no copy). */
export function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Whether two shapes lay values out the same way: equal once dimensions of size 1 are dropped. */
export function sameLayout(a: readonly number[], b: readonly number[]): boolean {
  const squeeze = (shape: readonly number[]) => shape.filter((dim) => dim !== 1);
  const [left, right] = [squeeze(a), squeeze(b)];
  return left.length === right.length && left.every((dim, i) => dim === right[i]);
}
