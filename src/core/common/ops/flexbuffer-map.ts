/**
 * A FlexBuffer map of scalars (ints, floats, bools), the form of a TFLite custom op's options
 * (TFLite_Detection_PostProcess's max_detections, nms_iou_threshold, use_regular_nms, …).
 *
 * Reading takes any byte width, inline and indirect scalars; anything else (strings, vectors,
 * nested maps) is refused naming the key. Writing uses byte width 4 throughout (float32 values,
 * int32 ints, bools as 0/1) with the keys sorted, as FlexBuffers' lookup by key requires.
 * Layout: see ops/gru-custom-options.ts (packed type = (type << 2) | log2(byte width)).
 */
const FBT_INT = 1;
const FBT_UINT = 2;
const FBT_FLOAT = 3;
const FBT_MAP = 9;
const FBT_INDIRECT_INT = 6;
const FBT_INDIRECT_UINT = 7;
const FBT_INDIRECT_FLOAT = 8;
const FBT_BOOL = 26;

export type FlexScalar = number | boolean;

export function decodeFlexMap(bytes: Uint8Array, what: string, fail: (message: string) => never): Map<string, FlexScalar> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const check = (position: number, width: number) => {
    if (position < 0 || position + width > bytes.length) fail(`${what}: read at byte ${position} outside the ${bytes.length} bytes`);
  };
  const unsigned = (position: number, width: number): number => {
    check(position, width);
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + bytes[position + i];
    return value;
  };
  const signed = (position: number, width: number): number => {
    const value = unsigned(position, width);
    return value >= 2 ** (8 * width - 1) ? value - 2 ** (8 * width) : value;
  };
  const float = (position: number, width: number): number => {
    check(position, width);
    if (width === 4) return view.getFloat32(position, true);
    if (width === 8) return view.getFloat64(position, true);
    return fail(`${what}: a float of ${width} bytes`);
  };
  if (bytes.length < 3) fail(`${what}: ${bytes.length} bytes, too short for a FlexBuffer`);
  const rootWidth = bytes[bytes.length - 1];
  const rootType = bytes[bytes.length - 2];
  if (![1, 2, 4, 8].includes(rootWidth)) fail(`${what}: root byte width ${rootWidth}, expected 1, 2, 4 or 8`);
  if (rootType >> 2 !== FBT_MAP) fail(`${what}: the root has FlexBuffer type ${rootType >> 2}, expected a map (${FBT_MAP})`);
  const rootField = bytes.length - 2 - rootWidth;
  const map = rootField - unsigned(rootField, rootWidth);
  const width = 1 << (rootType & 3);
  const size = unsigned(map - width, width);
  if (size * (width + 1) > bytes.length) fail(`${what}: a map of ${size} entries cannot fit in ${bytes.length} bytes`);
  const keysWidth = unsigned(map - 2 * width, width);
  const keysVector = map - 3 * width - unsigned(map - 3 * width, width);
  const result = new Map<string, FlexScalar>();
  for (let i = 0; i < size; i++) {
    const keyField = keysVector + i * keysWidth;
    let position = keyField - unsigned(keyField, keysWidth);
    let key = '';
    while (unsigned(position, 1) !== 0) key += String.fromCharCode(bytes[position++]);
    const packed = unsigned(map + size * width + i, 1);
    const type = packed >> 2;
    const field = map + i * width;
    const indirect = () => field - unsigned(field, width);
    const ownWidth = 1 << (packed & 3);
    switch (type) {
      case FBT_INT:
        result.set(key, signed(field, width));
        break;
      case FBT_UINT:
        result.set(key, unsigned(field, width));
        break;
      case FBT_FLOAT:
        result.set(key, float(field, width));
        break;
      case FBT_BOOL:
        result.set(key, unsigned(field, width) !== 0);
        break;
      case FBT_INDIRECT_INT:
        result.set(key, signed(indirect(), ownWidth));
        break;
      case FBT_INDIRECT_UINT:
        result.set(key, unsigned(indirect(), ownWidth));
        break;
      case FBT_INDIRECT_FLOAT:
        result.set(key, float(indirect(), ownWidth));
        break;
      default:
        fail(`${what}: ${key} has FlexBuffer type ${type}, expected an int, a float or a bool`);
    }
  }
  return result;
}

/** `values` as a FlexBuffer map (ints: integers given as `{ int: n }`; other numbers are floats). */
export function encodeFlexMap(values: Record<string, number | boolean | { int: number }>): Uint8Array {
  const entries = Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes: number[] = [];
  const align = () => {
    while (bytes.length % 4 !== 0) bytes.push(0);
  };
  const push32 = (value: number) => {
    const word = new DataView(new ArrayBuffer(4));
    word.setUint32(0, value >>> 0, true);
    for (let i = 0; i < 4; i++) bytes.push(word.getUint8(i));
  };
  const keyPositions = entries.map(([key]) => {
    const position = bytes.length;
    for (const char of key) bytes.push(char.charCodeAt(0));
    bytes.push(0);
    return position;
  });
  align();
  push32(entries.length);
  const keysVector = bytes.length;
  keyPositions.forEach((position) => push32(bytes.length - position));
  push32(bytes.length - keysVector); // offset to the keys vector, from this field
  push32(4);
  push32(entries.length);
  const map = bytes.length;
  const types: number[] = [];
  for (const [, value] of entries) {
    if (typeof value === 'boolean') {
      push32(value ? 1 : 0);
      types.push((FBT_BOOL << 2) | 2);
    } else if (typeof value === 'object') {
      push32(value.int);
      types.push((FBT_INT << 2) | 2);
    } else {
      const word = new DataView(new ArrayBuffer(4));
      word.setFloat32(0, value, true);
      push32(word.getUint32(0, true));
      types.push((FBT_FLOAT << 2) | 2);
    }
  }
  bytes.push(...types);
  align();
  push32(bytes.length - map);
  bytes.push((FBT_MAP << 2) | 2, 4);
  return Uint8Array.from(bytes);
}
