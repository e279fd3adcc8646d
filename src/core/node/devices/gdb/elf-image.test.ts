import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../common/errors.js';
import { imageBytes, parseElfImage } from './elf-image.js';
import { buildElf } from './testing/build-elf.js';

function contents(): Uint8Array {
  const bytes = new Uint8Array(0x300);
  for (let i = 0x100; i < 0x200; i++) bytes[i] = i & 0xff; // code
  for (let i = 0x200; i < 0x210; i++) bytes[i] = 0xd0 + (i & 0xf); // initialised data
  return bytes;
}

describe('parseElfImage', () => {
  it('returns loadable segments with contents at their physical (load) addresses', () => {
    const elf = buildElf(
      [
        { type: 1, offset: 0x100, virtualAddress: 0, physicalAddress: 0, fileSize: 0x100, memorySize: 0x100, flags: 5 },
        // .data: runs at 0x20000000, stored in flash after the code.
        { type: 1, offset: 0x200, virtualAddress: 0x2000_0000, physicalAddress: 0x100, fileSize: 0x10, memorySize: 0x10, flags: 6 },
        // .bss: nothing to flash.
        { type: 1, offset: 0, virtualAddress: 0x2000_0010, physicalAddress: 0x110, fileSize: 0, memorySize: 0x1000, flags: 6 },
        // PT_NOTE: not loadable.
        { type: 4, offset: 0x100, virtualAddress: 0, physicalAddress: 0, fileSize: 4, memorySize: 4, flags: 4 },
      ],
      contents(),
    );
    const image = parseElfImage(elf, 'test.elf');
    expect(image.entry).toBe(0x1c9);
    expect(image.segments.map(({ physicalAddress, virtualAddress, memorySize }) => ({ physicalAddress, virtualAddress, memorySize }))).toEqual([
      { physicalAddress: 0, virtualAddress: 0, memorySize: 0x100 },
      { physicalAddress: 0x100, virtualAddress: 0x2000_0000, memorySize: 0x10 },
    ]);
    expect(image.segments[0].data[5]).toBe(0x05);
    expect([...image.segments[1].data.subarray(0, 3)]).toEqual([0xd0, 0xd1, 0xd2]);
    expect(imageBytes(image)).toBe(0x110);
  });

  it('sorts segments by address and copies their bytes out of the file', () => {
    const bytes = contents();
    const elf = buildElf(
      [
        { type: 1, offset: 0x200, virtualAddress: 0x1000, physicalAddress: 0x1000, fileSize: 0x10, memorySize: 0x10, flags: 6 },
        { type: 1, offset: 0x100, virtualAddress: 0, physicalAddress: 0, fileSize: 0x100, memorySize: 0x100, flags: 5 },
      ],
      bytes,
    );
    const image = parseElfImage(elf);
    expect(image.segments.map((segment) => segment.physicalAddress)).toEqual([0, 0x1000]);
    elf[0x100] = 0xee;
    expect(image.segments[0].data[0]).toBe(0);
  });

  it('refuses what it cannot flash, naming the file and the field', () => {
    const segment = { type: 1, offset: 0x100, virtualAddress: 0, physicalAddress: 0, fileSize: 0x100, memorySize: 0x100, flags: 5 };
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('#!/bin/sh\necho not an elf\n'.repeat(4)), /cannot flash fw\.elf: not an ELF file/],
      [buildElf([segment], contents(), { elfClass: 2 }), /ELF class 2, expected 1 \(32-bit\)/],
      [buildElf([segment], contents(), { machine: 62 }), /ELF machine 62, expected 40 \(ARM\)/],
      [buildElf([segment], contents(), { type: 1 }), /ELF type 1, expected 2 \(executable\)/],
      [buildElf([{ ...segment, fileSize: 0x1000 }], contents()), /segment 0 \(file offset 256, 4096 bytes\) runs past the end of the file \(768 bytes\)/],
      [buildElf([{ ...segment, fileSize: 0, memorySize: 0x10 }], contents()), /no loadable segment with contents/],
      [buildElf([segment, { ...segment, physicalAddress: 0x80 }], contents()), /segments overlap at 0x80/],
      [buildElf([segment], contents()).subarray(0, 60), /program headers at offset 52 \(1 × 32 bytes\) run past the end of the file \(60 bytes\)/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseElfImage(bytes, 'fw.elf')).toThrow(DeviceError);
      expect(() => parseElfImage(bytes, 'fw.elf')).toThrow(message);
    }
  });
});
