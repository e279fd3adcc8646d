import { describe, expect, it } from 'vitest';
import { CodegenError } from '../../common/errors.js';
import { boot2Image, boot2ImageSource, rp2040Boot2Crc } from './boot2.js';

describe('RP2040 boot2 image', () => {
  it('computes the CRC the bootrom checks: CRC-32/MPEG-2 (check value of "123456789" is 0x0376E6E7)', () => {
    expect(rp2040Boot2Crc(new TextEncoder().encode('123456789'))).toBe(0x0376_e6e7);
    expect(rp2040Boot2Crc(new Uint8Array(0))).toBe(0xffff_ffff);
    // No final XOR and no reflection: one zero byte shifts the initial value through the polynomial.
    expect(rp2040Boot2Crc(Uint8Array.of(0))).toBe(0x4e08_bfb4);
  });

  it('pads the code to 252 bytes with zeros and appends the CRC of those 252, little-endian', () => {
    const code = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);
    const image = boot2Image(code);
    expect(image.length).toBe(256);
    expect([...image.subarray(0, 100)]).toEqual([...code]);
    expect(image.subarray(100, 252).every((byte) => byte === 0)).toBe(true);
    expect(new DataView(image.buffer).getUint32(252, true)).toBe(rp2040Boot2Crc(image.subarray(0, 252)));
  });

  it('refuses code longer than 252 bytes, naming the size', () => {
    expect(() => boot2Image(new Uint8Array(253), 'big.c')).toThrow(CodegenError);
    expect(() => boot2Image(new Uint8Array(253), 'big.c')).toThrow('big.c: the boot2 code takes 253 bytes, more than the 252 the RP2040 bootrom loads before its CRC');
  });

  it('writes it as a C array in the .boot2 section, with the CRC in its comment', () => {
    const image = boot2Image(Uint8Array.of(1, 2, 3));
    const source = boot2ImageSource(image, 'rp2040/boot2/td_rp2040_boot2.c');
    expect(source).toContain('__attribute__((section(".boot2"), used)) const uint8_t td_boot2_image[256] = {\n    0x01, 0x02, 0x03, 0x00,');
    expect(source.match(/0x[0-9a-f]{2},/g)).toHaveLength(256);
    const crc = new DataView(image.buffer).getUint32(252, true);
    expect(source).toContain(`0x${crc.toString(16).padStart(8, '0').toUpperCase()} in the last 4`);
  });
});
