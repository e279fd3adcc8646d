import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Board } from '../../common/boards/index.js';
import { CodegenError } from '../../common/errors.js';
import { encodeIntelHex, encodeUf2, flatBinary, type ImageSegment } from '../../common/firmware-image/index.js';
import { elfLoadSegments } from './elf.js';

/**
 * The files a programmer takes, written beside the ELF: `.bin` (flat image of the flash region,
 * as `objcopy -O binary`, gaps 0xff), `.hex` (Intel HEX with the entry point) and, for boards
 * flashed by copying a UF2 to their boot drive (RP2040, RP2350), `.uf2` with the board's family id.
 * Only the segments in the board's flash go in: .data's load copy is there, .bss is not loaded.
 */

export interface FirmwareImages {
  elf: string;
  bin: string;
  hex: string;
  uf2?: string;
  /** Where the .bin starts (the flash origin when the vector table is at its start). */
  binAddress: number;
  binBytes: number;
}

/** The UF2 family id a board is flashed with, when one of its flash methods copies a UF2. */
export function boardUf2FamilyId(board: Board): number | undefined {
  for (const method of board.flashMethods ?? [board.flash]) {
    if (method.kind === 'mass-storage' && method.format === 'uf2' && method.uf2FamilyId !== undefined) return method.uf2FamilyId;
  }
  return undefined;
}

export async function writeFirmwareImages(elf: string, board: Board): Promise<FirmwareImages> {
  const { entry, segments } = elfLoadSegments(new Uint8Array(await readFile(elf)), elf);
  const { origin, size } = board.memory.flash;
  const inFlash: ImageSegment[] = segments.filter((segment) => segment.address >= origin && segment.address + segment.bytes.length <= origin + size);
  const outside = segments.filter((segment) => !inFlash.includes(segment));
  if (outside.length > 0) {
    throw new CodegenError(
      `${elf}: ${outside.length} loadable segment(s) outside ${board.id}'s flash (0x${origin.toString(16)}, ${size} bytes), first at 0x${outside[0].address.toString(16)}: the linker script does not match the board`,
      { board: board.id, address: outside[0].address },
    );
  }
  const overlap = (first: number, second: number) => new CodegenError(`${elf}: segments at 0x${first.toString(16)} and 0x${second.toString(16)} overlap`, { first, second });
  const flat = flatBinary(inFlash, overlap, {
    maxBytes: size,
    tooLarge: (bytes) => new CodegenError(`${elf}: the flash image spans ${bytes} bytes, more than ${board.id}'s ${size} bytes of flash`, { bytes }),
  });
  const base = join(dirname(elf), elf.replace(/^.*[\\/]/, '').replace(/\.elf$/, ''));
  const images: FirmwareImages = { elf, bin: `${base}.bin`, hex: `${base}.hex`, binAddress: flat.address, binBytes: flat.bytes.length };
  await writeFile(images.bin, flat.bytes);
  await writeFile(images.hex, encodeIntelHex(inFlash, { entry }));
  const family = boardUf2FamilyId(board);
  if (family !== undefined) {
    images.uf2 = `${base}.uf2`;
    await writeFile(images.uf2, encodeUf2(inFlash, family));
  }
  return images;
}
