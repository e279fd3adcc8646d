import { describe, expect, it } from 'vitest';
import { CodegenError } from '../errors.js';
import { encodeIntelHex, intelHexRecord, parseIntelHex } from './intel-hex.js';

describe('Intel HEX writer (Intel HEX specification rev. A, I32HEX)', () => {
  it('computes records and checksums as the specification does', () => {
    // The specification's data record example.
    expect(intelHexRecord(0, 0x0100, [0x21, 0x46, 0x01, 0x36, 0x01, 0x21, 0x47, 0x01, 0x36, 0x00, 0x7e, 0xfe, 0x09, 0xd2, 0x19, 0x01])).toBe(':10010000214601360121470136007EFE09D2190140');
    expect(intelHexRecord(1, 0, [])).toBe(':00000001FF');
    // 02+00+00+04+08+00 = 0x0E, checksum 0x100 − 0x0E = 0xF2.
    expect(intelHexRecord(4, 0, [0x08, 0x00])).toBe(':020000040800F2');
  });

  it('writes extended linear addresses, 16-byte records split at 64 KiB, the entry point and EOF', () => {
    const bytes = Uint8Array.from({ length: 24 }, (_, i) => i);
    const text = encodeIntelHex([{ address: 0x0800_fff0, bytes }], { entry: 0x0800_01ad });
    expect(text.split('\n')).toEqual([
      ':020000040800F2',
      // 10+FF+F0+00 + (0+1+…+15 = 0x78) = 0x277, checksum 0x100 − 0x77 = 0x89.
      ':10FFF000000102030405060708090A0B0C0D0E0F89',
      ':020000040801F1',
      // 08 + (16+…+23 = 0x9C) = 0xA4, checksum 0x5C.
      ':0800000010111213141516175C',
      // 04+00+00+05+08+00+01+AD = 0xBF, checksum 0x41.
      ':04000005080001AD41',
      ':00000001FF',
      '',
    ]);
  });

  it('leaves out the extended address below 64 KiB and round-trips through the reader', () => {
    const first = Uint8Array.from({ length: 37 }, (_, i) => (i * 7) & 0xff);
    const second = Uint8Array.from({ length: 5 }, (_, i) => 0xf0 + i);
    const text = encodeIntelHex([{ address: 0x1000_0000, bytes: second }, { address: 0x100, bytes: first }]);
    expect(text.startsWith(':10010000')).toBe(true);
    const parsed = parseIntelHex(text);
    expect(parsed.segments).toEqual([
      { address: 0x100, bytes: first },
      { address: 0x1000_0000, bytes: second },
    ]);
    expect(parsed.entry).toBeUndefined();
  });

  it('refuses a damaged file, naming the line', () => {
    expect(() => parseIntelHex(':020000040800F2\n:10FFF000000102030405060708090A0B0C0D0E0F09\n:00000001FF\n')).toThrow('Intel HEX line 2: checksum mismatch');
    expect(() => parseIntelHex(':020000040800F2\n')).toThrow(CodegenError);
  });
});
