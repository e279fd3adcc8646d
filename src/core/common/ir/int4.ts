/**
 * TFLite's INT4 tensors: signed 4-bit values packed two to a byte over the tensor's flattened
 * (row-major) elements, element 2k in the low nibble of byte k and element 2k + 1 in its high
 * nibble; an odd count leaves the last byte's high nibble unused. TFLite Micro unpacks them to
 * int8 (each value in [-8, 7]) before running its int8 kernels, so in the IR such a constant is an
 * int8 tensor of those values marked `packing: 'int4'`: every int8 path computes TFLite Micro's
 * sums unchanged, and the code generator stores the values packed again (half the flash).
 */

/** Bytes of `count` packed int4 values. */
export function int4Bytes(count: number): number {
  return Math.ceil(count / 2);
}

/** The int8 values of `count` packed int4 values (sign-extended nibbles, low nibble first). */
export function unpackInt4(bytes: Uint8Array, count: number): Int8Array {
  if (bytes.length < int4Bytes(count)) throw new RangeError(`${bytes.length} bytes hold fewer than ${count} int4 values`);
  const values = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const byte = bytes[i >> 1];
    const nibble = i & 1 ? byte >> 4 : byte & 0x0f;
    values[i] = nibble >= 8 ? nibble - 16 : nibble;
  }
  return values;
}

/** The index and value of the first value outside int4's range [-8, 7], or undefined. */
export function firstOutsideInt4(values: ArrayLike<number | bigint>): { index: number; value: number } | undefined {
  for (let i = 0; i < values.length; i++) {
    const value = Number(values[i]);
    if (!Number.isInteger(value) || value < -8 || value > 7) return { index: i, value };
  }
  return undefined;
}

/** `values` (each in [-8, 7]) packed as TFLite's INT4: low nibble first, an odd count's last high nibble 0. */
export function packInt4(values: ArrayLike<number | bigint>): Uint8Array {
  const outside = firstOutsideInt4(values);
  if (outside) throw new RangeError(`value ${outside.value} at index ${outside.index} is outside int4's range [-8, 7]`);
  const bytes = new Uint8Array(int4Bytes(values.length));
  for (let i = 0; i < values.length; i++) bytes[i >> 1] |= (Number(values[i]) & 0x0f) << (i & 1 ? 4 : 0);
  return bytes;
}

/** Whether a tensor is an int8 constant stored as packed int4 (`packing: 'int4'`). */
export function isPackedInt4(tensor: { dtype: string; packing?: string; data?: unknown }): boolean {
  return tensor.packing === 'int4' && tensor.dtype === 'int8' && tensor.data !== undefined;
}
