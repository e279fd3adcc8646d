import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeMessage, encodeBase64, encodeMessage } from './codec.js';

describe('base64', () => {
  it('agrees with Node for every length up to 3 × 4096 + 5 and round-trips', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 6, 7, 100, 3 * 4096 - 1, 3 * 4096, 3 * 4096 + 1, 3 * 4096 + 5]) {
      const data = new Uint8Array(length).map((_, i) => (i * 151 + length) & 255);
      const text = encodeBase64(data);
      expect(text).toBe(Buffer.from(data).toString('base64'));
      expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(data)), `length ${length}`).toBe(true);
    }
  });

  it('refuses text that is not padded standard base64', () => {
    expect(() => decodeBase64('abc')).toThrow('not a multiple of 4');
    expect(() => decodeBase64('ab-_')).toThrow('invalid base64 character "-" at 2');
    expect(() => decodeBase64('a=bc')).toThrow('invalid base64 character "=" at 1');
    expect(() => decodeBase64('ab==abcd')).toThrow('invalid base64 character "=" at 2');
  });
});

describe('JSON messages', () => {
  it('carries Uint8Array inside any structure and keeps tag-like objects as they are', () => {
    const message = {
      kind: 'call',
      request: { bytes: new Uint8Array([0, 1, 254, 255]), nested: [{ more: new Uint8Array(0) }], tagLike: { $bytes: 'AAAA' }, wrapped: { $object: { a: 1 } } },
    };
    const text = encodeMessage(message);
    expect(text).toContain('{"$bytes":"AAH+/w=="}');
    expect(decodeMessage(text)).toEqual(message);
    const decoded = decodeMessage(text) as { request: { bytes: unknown; tagLike: unknown } };
    expect(decoded.request.bytes).toBeInstanceOf(Uint8Array);
    expect(decoded.request.tagLike).toEqual({ $bytes: 'AAAA' });
  });

  it('keeps a "__proto__" key an own field, never the prototype', () => {
    const decoded = decodeMessage('{"request":{"__proto__":{"polluted":true}}}') as { request: Record<string, unknown> };
    expect(Object.getPrototypeOf(decoded.request)).toBe(Object.prototype);
    expect(Object.keys(decoded.request)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => encodeMessage({ data: new Float32Array(2) })).toThrow('cannot send a Float32Array over JSON');
    expect(() => encodeMessage({ data: new Map() })).toThrow('cannot send a Map over JSON');
    expect(() => decodeMessage('{"$bytes": 3}')).toThrow('malformed tag "$bytes"');
    expect(() => decodeMessage('{"a": ')).toThrow(SyntaxError);
  });
});
