import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors.js';
import { cobsDecode, cobsEncode, cobsMaxEncodedLength } from './cobs.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const range = (from: number, to: number) => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

describe('COBS', () => {
  // The vectors of PROTOCOL.md §1 and of Cheshire & Baker's paper.
  const vectors: [string, Uint8Array, Uint8Array][] = [
    ['empty', bytes(), bytes(0x01)],
    ['one zero', bytes(0x00), bytes(0x01, 0x01)],
    ['two zeros', bytes(0x00, 0x00), bytes(0x01, 0x01, 0x01)],
    ['zero inside', bytes(0x00, 0x11, 0x00), bytes(0x01, 0x02, 0x11, 0x01)],
    ['11 22 00 33', bytes(0x11, 0x22, 0x00, 0x33), bytes(0x03, 0x11, 0x22, 0x02, 0x33)],
    ['no zero', bytes(0x11, 0x22, 0x33, 0x44), bytes(0x05, 0x11, 0x22, 0x33, 0x44)],
    ['trailing zeros', bytes(0x11, 0x00, 0x00, 0x00), bytes(0x02, 0x11, 0x01, 0x01, 0x01)],
    ['253 non-zero bytes', range(1, 253), concat(bytes(0xfe), range(1, 253))],
    ['254 non-zero bytes: one full block, no trailing code', range(1, 254), concat(bytes(0xff), range(1, 254))],
    ['255 non-zero bytes', range(1, 255), concat(bytes(0xff), range(1, 254), bytes(0x02, 0xff))],
    ['a zero then 254 non-zero bytes', range(0, 254), concat(bytes(0x01, 0xff), range(1, 254))],
    ['254 non-zero bytes then a zero', concat(range(1, 254), bytes(0)), concat(bytes(0xff), range(1, 254), bytes(0x01, 0x01))],
    ['508 non-zero bytes: two full blocks', concat(range(1, 254), range(1, 254)), concat(bytes(0xff), range(1, 254), bytes(0xff), range(1, 254))],
  ];

  for (const [name, decoded, encoded] of vectors) {
    it(`encodes and decodes: ${name}`, () => {
      expect([...cobsEncode(decoded)]).toEqual([...encoded]);
      expect([...cobsDecode(encoded)]).toEqual([...decoded]);
    });
  }

  it('round-trips random data, with and without zeros, of lengths around the 254-byte block size', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (const zeroRate of [0, 0.01, 0.3, 1]) {
      for (const length of [0, 1, 2, 253, 254, 255, 256, 507, 508, 509, 1032]) {
        const data = Uint8Array.from({ length }, () => (random() < zeroRate ? 0 : 1 + Math.floor(random() * 255)));
        const encoded = cobsEncode(data);
        expect(encoded.includes(0)).toBe(false);
        expect(encoded.length).toBeLessThanOrEqual(cobsMaxEncodedLength(length));
        expect([...cobsDecode(encoded)]).toEqual([...data]);
      }
    }
  });

  it('refuses a code that runs past the end of the frame', () => {
    expect(() => cobsDecode(bytes(0x05, 0x11, 0x22))).toThrow(ProtocolError);
    expect(() => cobsDecode(bytes(0x05, 0x11, 0x22))).toThrow('COBS: code 5 at byte 0 runs past the frame end (3 bytes)');
  });

  it('refuses a 0x00 inside a frame', () => {
    expect(() => cobsDecode(bytes(0x03, 0x11, 0x00))).toThrow('COBS: 0x00 inside a frame at byte 2');
    expect(() => cobsDecode(bytes(0x00))).toThrow('COBS: 0x00 inside a frame at byte 0');
  });
});
