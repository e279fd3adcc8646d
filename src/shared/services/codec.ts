/**
 * Proxy messages as JSON text, for transports that carry strings (the WebSocket of browser
 * mode). Service payloads are JSON values plus Uint8Array (model files): a Uint8Array travels
 * as `{"$bytes": "<base64>"}`. An object of the payload that happens to have the single key
 * `$bytes` or `$object` is wrapped as `{"$object": {...}}`, so decoding is unambiguous.
 *
 * Electron IPC and worker ports use structured clone instead and need none of this.
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const alphabetCodes = Uint8Array.from(alphabet, (character) => character.charCodeAt(0));
const alphabetIndex = new Int16Array(128).fill(-1);
for (let i = 0; i < alphabet.length; i++) alphabetIndex[alphabet.charCodeAt(i)] = i;

/** Base64 text is ASCII: its bytes decode to a string of one byte per character, without copies per chunk. */
const asciiDecoder = new TextDecoder();

/** Standard base64 (RFC 4648 §4, padded). Pure: the renderer has no Buffer. */
export function encodeBase64(data: Uint8Array): string {
  const codes = new Uint8Array(Math.ceil(data.length / 3) * 4);
  let written = 0;
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
    const triple = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    codes[written++] = alphabetCodes[triple >> 18];
    codes[written++] = alphabetCodes[(triple >> 12) & 63];
    codes[written++] = alphabetCodes[(triple >> 6) & 63];
    codes[written++] = alphabetCodes[triple & 63];
  }
  const rest = data.length - i;
  if (rest > 0) {
    const triple = (data[i] << 16) | (rest === 2 ? data[i + 1] << 8 : 0);
    codes[written++] = alphabetCodes[triple >> 18];
    codes[written++] = alphabetCodes[(triple >> 12) & 63];
    codes[written++] = rest === 2 ? alphabetCodes[(triple >> 6) & 63] : 61;
    codes[written++] = 61;
  }
  return asciiDecoder.decode(codes);
}

/** Inverse of `encodeBase64`; throws a TypeError on anything that is not padded standard base64. */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new TypeError(`base64 text of ${text.length} characters is not a multiple of 4`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const output = new Uint8Array((text.length / 4) * 3 - padding);
  let written = 0;
  for (let i = 0; i < text.length; i += 4) {
    let quad = 0;
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      const isPadding = code === 61 && i + 4 === text.length && j >= 4 - padding;
      const value = isPadding ? 0 : code < 128 ? alphabetIndex[code] : -1;
      if (value < 0) throw new TypeError(`invalid base64 character ${JSON.stringify(text[i + j])} at ${i + j}`);
      quad = (quad << 6) | value;
    }
    if (written < output.length) output[written++] = quad >> 16;
    if (written < output.length) output[written++] = (quad >> 8) & 255;
    if (written < output.length) output[written++] = quad & 255;
  }
  return output;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isTagLike(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return keys.length === 1 && (keys[0] === '$bytes' || keys[0] === '$object');
}

function toJsonValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return { $bytes: encodeBase64(value) };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new TypeError(`cannot send a ${value.constructor.name} over JSON: services carry Uint8Array only`);
  }
  if (!isPlainObject(value)) {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
    throw new TypeError(`cannot send a ${value.constructor?.name ?? 'non-plain object'} over JSON: services carry plain data`);
  }
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(record)) result[key] = toJsonValue(record[key]);
  return isTagLike(record) ? { $object: result } : result;
}

function fromJsonValue(value: unknown, base64: (text: string) => Uint8Array): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => fromJsonValue(item, base64));
  const record = value as Record<string, unknown>;
  if (isTagLike(record)) {
    if (typeof record.$bytes === 'string') return base64(record.$bytes);
    if (typeof record.$object === 'object' && record.$object !== null && !Array.isArray(record.$object)) return decodeFields(record.$object as Record<string, unknown>, base64);
    throw new TypeError(`malformed tag ${JSON.stringify(Object.keys(record)[0])} in a JSON message`);
  }
  return decodeFields(record, base64);
}

function decodeFields(record: Record<string, unknown>, base64: (text: string) => Uint8Array): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  // defineProperty keeps a "__proto__" key an own field instead of reaching the prototype.
  for (const key of Object.keys(record)) Object.defineProperty(result, key, { value: fromJsonValue(record[key], base64), enumerable: true, writable: true, configurable: true });
  return result;
}

/** A message as JSON text (Uint8Array as tagged base64). Throws a TypeError on values JSON cannot carry. */
export function encodeMessage(message: unknown): string {
  return JSON.stringify(toJsonValue(message));
}

/**
 * Inverse of `encodeMessage`; throws (SyntaxError, TypeError) on malformed text. `base64` decodes
 * the bytes (default `decodeBase64`; the Node server passes a native one that is as strict).
 */
export function decodeMessage(text: string, base64: (text: string) => Uint8Array = decodeBase64): unknown {
  return fromJsonValue(JSON.parse(text), base64);
}
