import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc.js';

const ascii = (text: string) => Uint8Array.from(text, (character) => character.charCodeAt(0));

describe('crc32', () => {
  it('has the CRC-32/ISO-HDLC check value', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with zlib on random data of every length up to 600', () => {
    let seed = 1;
    for (let length = 0; length <= 600; length++) {
      const data = Uint8Array.from({ length }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
      expect(crc32(data)).toBe(zlibCrc32(data));
    }
  });
});
