import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nucleoF446re, raspberryPiPico } from '../../common/boards/index.js';
import { CodegenError } from '../../common/errors.js';
import { parseIntelHex, parseUf2 } from '../../common/firmware-image/index.js';
import { elfLoadSegments } from './elf.js';
import { writeFirmwareImages } from './images.js';

/** A minimal 32-bit little-endian ARM ELF: header, PT_LOAD program headers, no sections. */
function craftElf(entry: number, segments: { physical: number; virtual?: number; bytes: Uint8Array; memorySize?: number }[]): Uint8Array {
  const headerBytes = 52 + 32 * segments.length;
  const total = headerBytes + segments.reduce((sum, segment) => sum + segment.bytes.length, 0);
  const file = new Uint8Array(total);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 40, true); // EM_ARM
  view.setUint32(20, 1, true);
  view.setUint32(24, entry, true);
  view.setUint32(28, 52, true); // e_phoff
  view.setUint16(40, 52, true); // e_ehsize
  view.setUint16(42, 32, true); // e_phentsize
  view.setUint16(44, segments.length, true);
  view.setUint16(46, 40, true); // e_shentsize
  let offset = headerBytes;
  segments.forEach((segment, i) => {
    const at = 52 + 32 * i;
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 4, offset, true);
    view.setUint32(at + 8, segment.virtual ?? segment.physical, true);
    view.setUint32(at + 12, segment.physical, true);
    view.setUint32(at + 16, segment.bytes.length, true);
    view.setUint32(at + 20, segment.memorySize ?? segment.bytes.length, true);
    file.set(segment.bytes, offset);
    offset += segment.bytes.length;
  });
  return file;
}

describe('firmware images from an ELF', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-images-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const text = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const data = Uint8Array.from([1, 2, 3, 4]);

  it('writes .bin from the load addresses (.data at its flash copy, .bss left out), .hex with the entry, .uf2 for an RP2 board', async () => {
    const elf = join(directory, 'model.elf');
    // .text at the flash origin; .data linked in RAM, loaded 4 bytes after .text's end; .bss: no file bytes.
    await writeFile(
      elf,
      craftElf(0x1000_0101, [
        { physical: 0x1000_0000, bytes: text },
        { physical: 0x1000_0130, virtual: 0x2000_0000, bytes: data },
        { physical: 0x1000_0134, virtual: 0x2000_0004, bytes: new Uint8Array(0), memorySize: 64 },
      ]),
    );
    const images = await writeFirmwareImages(elf, raspberryPiPico);
    expect(images).toEqual({ elf, bin: join(directory, 'model.bin'), hex: join(directory, 'model.hex'), uf2: join(directory, 'model.uf2'), binAddress: 0x1000_0000, binBytes: 0x134 });
    const bin = new Uint8Array(await readFile(images.bin));
    expect(bin.subarray(0, 300)).toEqual(text);
    expect([...bin.subarray(300, 304)]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect([...bin.subarray(304)]).toEqual([1, 2, 3, 4]);
    const hex = parseIntelHex(await readFile(images.hex, 'utf8'));
    expect(hex.entry).toBe(0x1000_0101);
    expect(hex.segments.map((segment) => [segment.address, segment.bytes.length])).toEqual([
      [0x1000_0000, 300],
      [0x1000_0130, 4],
    ]);
    const blocks = parseUf2(new Uint8Array(await readFile(images.uf2!)));
    expect(blocks.map((block) => [block.targetAddress, block.familyId])).toEqual([
      [0x1000_0000, 0xe48bff56],
      [0x1000_0100, 0xe48bff56],
    ]);
    expect(elfLoadSegments(new Uint8Array(await readFile(elf))).segments).toHaveLength(2);
  });

  it('writes no .uf2 for a board not flashed by UF2, and refuses a segment outside the board\'s flash', async () => {
    const elf = join(directory, 'stm.elf');
    await writeFile(elf, craftElf(0x0800_0001, [{ physical: 0x0800_0000, bytes: text }]));
    expect((await writeFirmwareImages(elf, nucleoF446re)).uf2).toBeUndefined();
    const wrong = join(directory, 'wrong.elf');
    await writeFile(wrong, craftElf(0x0800_0001, [{ physical: 0x2000_0000, bytes: text }]));
    await expect(writeFirmwareImages(wrong, nucleoF446re)).rejects.toThrow(CodegenError);
    await expect(writeFirmwareImages(wrong, nucleoF446re)).rejects.toThrow(
      `${wrong}: 1 loadable segment(s) outside nucleo-f446re's flash (0x8000000, 524288 bytes), first at 0x20000000: the linker script does not match the board`,
    );
  });
});
