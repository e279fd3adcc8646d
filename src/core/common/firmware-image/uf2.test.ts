import { describe, expect, it } from 'vitest';
import { CodegenError } from '../errors.js';
import { encodeUf2, parseUf2 } from './uf2.js';

const rp2040 = 0xe48bff56;
const hexBytes = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');

describe('UF2 writer (github.com/microsoft/uf2 README, "File format")', () => {
  it('writes one 512-byte block per 256-byte page, with the header the spec lays out', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const file = encodeUf2([{ address: 0x1000_0000, bytes }], rp2040);
    expect(file.length).toBe(2 * 512);
    // Block 0: "UF2\n", magic 2, flags 0x2000, target 0x10000000, 256 bytes, block 0 of 2, family RP2040.
    expect(hexBytes(file.subarray(0, 32))).toBe('55 46 32 0a 57 51 5d 9e 00 20 00 00 00 00 00 10 00 01 00 00 00 00 00 00 02 00 00 00 56 ff 8b e4');
    expect(hexBytes(file.subarray(508, 512))).toBe('30 6f b1 0a');
    expect(file.subarray(32, 288)).toEqual(bytes.subarray(0, 256));
    expect(file.subarray(288, 508).every((byte) => byte === 0)).toBe(true);
    // Block 1: target 0x10000100, block 1 of 2; 44 image bytes, then zeros to the page's end.
    expect(hexBytes(file.subarray(512 + 12, 512 + 28))).toBe('00 01 00 10 00 01 00 00 01 00 00 00 02 00 00 00');
    expect(file.subarray(512 + 32, 512 + 32 + 44)).toEqual(bytes.subarray(256));
    expect(file.subarray(512 + 32 + 44, 1024 - 4).every((byte) => byte === 0)).toBe(true);
  });

  it('aligns pages to 256 bytes, skips gaps and round-trips through the reader', () => {
    const first = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    const second = Uint8Array.from({ length: 4 }, () => 0x55);
    const file = encodeUf2([{ address: 0x2000_0400, bytes: second }, { address: 0x2000_00f8, bytes: first }], 0xe48bff59);
    const blocks = parseUf2(file);
    expect(blocks.map((block) => [block.targetAddress.toString(16), block.blockNumber, block.blockCount, block.flags, block.familyId.toString(16), block.payloadSize])).toEqual([
      ['20000000', 0, 3, 0x2000, 'e48bff59', 256],
      ['20000100', 1, 3, 0x2000, 'e48bff59', 256],
      ['20000400', 2, 3, 0x2000, 'e48bff59', 256],
    ]);
    expect(blocks[0].data.subarray(0xf8)).toEqual(first.subarray(0, 8));
    expect(blocks[1].data.subarray(0, 8)).toEqual(first.subarray(8));
    expect(blocks[2].data.subarray(0, 4)).toEqual(second);
  });

  it('refuses overlapping segments and damaged files, naming the block', () => {
    expect(() => encodeUf2([{ address: 0, bytes: new Uint8Array(8) }, { address: 4, bytes: new Uint8Array(8) }], rp2040)).toThrow(CodegenError);
    const file = encodeUf2([{ address: 0, bytes: new Uint8Array(600) }], rp2040);
    expect(() => parseUf2(file.subarray(0, 700))).toThrow('UF2: 700 bytes is not a whole number of 512-byte blocks');
    const damaged = file.slice();
    damaged[512 + 508] = 0;
    expect(() => parseUf2(damaged)).toThrow(/UF2: block 1 has wrong magic numbers/);
    const renumbered = file.slice();
    renumbered[1024 + 20] = 7;
    expect(() => parseUf2(renumbered)).toThrow('UF2: block 2 is numbered 7 of 3, expected 2 of 3');
  });
});
