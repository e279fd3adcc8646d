/**
 * TD_GRU's custom options in a `.tflite` file: a FlexBuffer map of four bools, keys sorted
 * (`linear_before_reset`, `return_sequences`, `reverse`, `time_major`), written with byte width 1.
 * The reader takes any byte width and any subset of the keys (absent ones keep their defaults)
 * and refuses what is not a map of bools, naming the problem.
 *
 * FlexBuffer layout written here: the keys as NUL-terminated strings; the keys vector (size, then
 * one offset per key, each relative to its own position); the map (keys-vector offset, keys byte
 * width, size, one value per key, one packed type per value); the root (offset to the map, the
 * map's packed type, the root byte width). Packed type = (type << 2) | log2(byte width).
 */
import { defaultGruAttrs, type GruAttrs } from './gru-layout.js';

const FBT_MAP = 9;
const FBT_BOOL = 26;

const keys: readonly [string, keyof GruAttrs][] = [
  ['linear_before_reset', 'linearBeforeReset'],
  ['return_sequences', 'returnSequences'],
  ['reverse', 'reverse'],
  ['time_major', 'timeMajor'],
];

export function encodeGruOptions(attrs: GruAttrs): Uint8Array {
  const bytes: number[] = [];
  const keyPositions = keys.map(([key]) => {
    const position = bytes.length;
    for (const char of key) bytes.push(char.charCodeAt(0));
    bytes.push(0);
    return position;
  });
  bytes.push(keys.length);
  const keysVector = bytes.length;
  keyPositions.forEach((position) => bytes.push(bytes.length - position));
  // Map prefix: offset to the keys vector (from its own field), keys byte width, size.
  bytes.push(bytes.length - keysVector, 1, keys.length);
  const map = bytes.length;
  for (const [, field] of keys) bytes.push(attrs[field] ? 1 : 0);
  for (let i = 0; i < keys.length; i++) bytes.push(FBT_BOOL << 2);
  bytes.push(bytes.length - map, FBT_MAP << 2, 1);
  return Uint8Array.from(bytes);
}

export function decodeGruOptions(bytes: Uint8Array | null | undefined, fail: (message: string) => never): GruAttrs {
  const attrs: GruAttrs = { ...defaultGruAttrs };
  if (!bytes || bytes.length === 0) return attrs;
  const at = (position: number, width: number): number => {
    if (position < 0 || position + width > bytes.length) fail(`TD_GRU custom options: read at byte ${position} outside the ${bytes.length} bytes`);
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + bytes[position + i];
    return value;
  };
  if (bytes.length < 3) fail(`TD_GRU custom options: ${bytes.length} bytes, too short for a FlexBuffer`);
  const rootWidth = bytes[bytes.length - 1];
  const rootType = bytes[bytes.length - 2];
  if (![1, 2, 4, 8].includes(rootWidth)) fail(`TD_GRU custom options: root byte width ${rootWidth}, expected 1, 2, 4 or 8`);
  if (rootType >> 2 !== FBT_MAP) fail(`TD_GRU custom options: the root has FlexBuffer type ${rootType >> 2}, expected a map (${FBT_MAP})`);
  const rootField = bytes.length - 2 - rootWidth;
  const map = rootField - at(rootField, rootWidth);
  const width = 1 << (rootType & 3);
  const size = at(map - width, width);
  const keysWidth = at(map - 2 * width, width);
  const keysVector = map - 3 * width - at(map - 3 * width, width);
  for (let i = 0; i < size; i++) {
    const keyField = keysVector + i * keysWidth;
    let position = keyField - at(keyField, keysWidth);
    let key = '';
    while (at(position, 1) !== 0) key += String.fromCharCode(bytes[position++]);
    const type = at(map + size * width + i, 1);
    const field = keys.find(([name]) => name === key)?.[1];
    if (!field) fail(`TD_GRU custom options: unknown key "${key}" (expected ${keys.map(([name]) => name).join(', ')})`);
    if (type >> 2 !== FBT_BOOL && type >> 2 !== 1 && type >> 2 !== 2) fail(`TD_GRU custom options: ${key} has FlexBuffer type ${type >> 2}, expected a bool`);
    attrs[field] = at(map + i * width, 1 << (type & 3)) !== 0;
  }
  return attrs;
}
