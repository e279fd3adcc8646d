import { DeviceError } from '../../../common/errors.js';
import { type ElfImage, imageBytes } from './elf-image.js';
import type { GdbClient, MemoryMapRegion } from './gdb-client.js';

/**
 * Flashing over a GDB server: write each loadable segment, read it back to check (optional),
 * then reset through the server's monitor so the core reloads SP and PC from the new vector
 * table. The target is left halted; the caller resumes it (GdbClient.detach) once it is ready to
 * listen (e.g. after opening the serial port).
 *
 * How bytes are written depends on where they go, by the server's memory map
 * (`qXfer:memory-map:read`): into a `flash` region, the erase blocks they touch are erased with
 * `vFlashErase` (whole blocks, as the map's block size says), written with `vFlashWrite` and
 * committed with `vFlashDone` — what OpenOCD, pyOCD, J-Link and st-util need for real flash;
 * anywhere else (RAM, or a server with no memory map such as QEMU 7.2's gdbstub, whose code
 * memory takes plain writes) with `M` packets.
 */
export interface FlashOptions {
  /** Read every segment back and compare (default true). */
  verify?: boolean;
  /** Monitor command that resets the target into the new image; `null` skips the reset (default `system_reset`, QEMU's). */
  resetCommand?: string | null;
  /** Called with bytes written so far and the total. */
  onProgress?: (written: number, total: number) => void;
  /** The target's memory map; default: asked of the server (none when it offers none). */
  memoryMap?: readonly MemoryMapRegion[];
}

export interface FlashReport {
  /** Bytes written. */
  bytes: number;
  segments: number;
  /** Wall time of writing (and verifying), ms. */
  milliseconds: number;
}

export async function flashImage(client: GdbClient, image: ElfImage, options: FlashOptions = {}): Promise<FlashReport> {
  const started = performance.now();
  const total = imageBytes(image);
  let done = 0;
  const flashRegions = (options.memoryMap ?? (await client.readMemoryMap()) ?? []).filter((region) => region.type === 'flash');
  const flashPieces: { address: number; data: Uint8Array; region: MemoryMapRegion }[] = [];
  for (const segment of image.segments) {
    for (const piece of splitByRegions(segment.physicalAddress, segment.data, flashRegions)) {
      if (piece.region) {
        flashPieces.push({ address: piece.address, data: piece.data, region: piece.region });
        continue;
      }
      await client.writeMemory(piece.address, piece.data, (written) => options.onProgress?.(done + written, total));
      done += piece.data.length;
    }
  }
  if (flashPieces.length > 0) {
    for (const block of eraseBlocks(flashPieces)) await client.flashErase(block.start, block.length);
    for (const piece of flashPieces) {
      await client.flashWrite(piece.address, piece.data, (written) => options.onProgress?.(done + written, total));
      done += piece.data.length;
    }
    await client.flashDone();
  }
  if (options.verify ?? true) {
    for (const segment of image.segments) {
      const readBack = await client.readMemory(segment.physicalAddress, segment.data.length);
      const mismatch = firstDifference(segment.data, readBack);
      if (mismatch >= 0) {
        const address = segment.physicalAddress + mismatch;
        throw new DeviceError(
          `flash verification failed at 0x${address.toString(16)}: wrote 0x${segment.data[mismatch].toString(16).padStart(2, '0')}, ` +
            `read back 0x${readBack[mismatch].toString(16).padStart(2, '0')} (is this address writable memory on the board?)`,
          { address },
        );
      }
    }
  }
  const resetCommand = options.resetCommand === undefined ? 'system_reset' : options.resetCommand;
  if (resetCommand !== null) await client.monitor(resetCommand);
  return { bytes: total, segments: image.segments.length, milliseconds: performance.now() - started };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** `data` at `address` cut where flash regions begin and end; each piece says its flash region, if any. */
function splitByRegions(address: number, data: Uint8Array, regions: readonly MemoryMapRegion[]): { address: number; data: Uint8Array; region?: MemoryMapRegion }[] {
  const pieces: { address: number; data: Uint8Array; region?: MemoryMapRegion }[] = [];
  let offset = 0;
  while (offset < data.length) {
    const at = address + offset;
    const region = regions.find((candidate) => candidate.start <= at && at < candidate.start + candidate.length);
    // Up to the end of this region, or to the start of the next flash region.
    const next = regions.filter((candidate) => candidate.start > at).reduce((nearest, candidate) => Math.min(nearest, candidate.start), Infinity);
    const end = Math.min(data.length, (region ? region.start + region.length : next) - address);
    pieces.push({ address: at, data: data.subarray(offset, end), ...(region ? { region } : {}) });
    offset = end;
  }
  return pieces;
}

/**
 * The erase blocks the pieces touch, merged into contiguous ranges (each within one region). A
 * flash region without a block size is erased as the pieces' own range.
 */
function eraseBlocks(pieces: readonly { address: number; data: Uint8Array; region: MemoryMapRegion }[]): { start: number; length: number }[] {
  const blocks: { start: number; end: number }[] = [];
  for (const { address, data, region } of pieces) {
    const size = region.blockSize && region.blockSize > 0 ? region.blockSize : 0;
    const start = size ? region.start + Math.floor((address - region.start) / size) * size : address;
    const end = size ? region.start + Math.ceil((address + data.length - region.start) / size) * size : address + data.length;
    blocks.push({ start, end: Math.min(end, region.start + region.length) });
  }
  blocks.sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const block of blocks) {
    const last = merged[merged.length - 1];
    if (last && block.start <= last.end) last.end = Math.max(last.end, block.end);
    else merged.push({ ...block });
  }
  return merged.map(({ start, end }) => ({ start, length: end - start }));
}
