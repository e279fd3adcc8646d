import { CodegenError } from '../errors.js';
import { normalizeSegments, type ImageSegment } from './segments.js';

/**
 * UF2, Microsoft's format for flashing over a USB mass-storage drive (github.com/microsoft/uf2,
 * README "File format"). The file is a sequence of 512-byte blocks, each independent:
 *
 *   offset  0  magicStart0 0x0A324655 ("UF2\n")      offset 20  blockNo (0-based)
 *   offset  4  magicStart1 0x9E5D5157                offset 24  numBlocks (in the file)
 *   offset  8  flags (0x00002000: familyID present)   offset 28  familyID (or fileSize)
 *   offset 12  targetAddr                            offset 32  data[476] (payloadSize used)
 *   offset 16  payloadSize                           offset 508 magicEnd 0x0AB16F30
 *
 * all little-endian. This writer always uses 256-byte payloads at 256-aligned addresses (what the
 * RP2040/RP2350 boot ROMs require and what uf2conv.py writes): bytes of a page the image does not
 * cover are 0, the rest of the 476-byte data field is 0.
 */

export const uf2MagicStart0 = 0x0a324655;
export const uf2MagicStart1 = 0x9e5d5157;
export const uf2MagicEnd = 0x0ab16f30;
export const uf2FlagFamilyIdPresent = 0x0000_2000;
export const uf2FlagNotMainFlash = 0x0000_0001;
export const uf2BlockBytes = 512;
export const uf2PayloadBytes = 256;

export interface Uf2Block {
  flags: number;
  targetAddress: number;
  payloadSize: number;
  blockNumber: number;
  blockCount: number;
  /** The family id when flag 0x2000 is set, else the file size field. */
  familyId: number;
  data: Uint8Array;
}

const overlap = (first: number, second: number) =>
  new CodegenError(`UF2: image segments overlap (segment at 0x${second.toString(16)} starts inside the one at 0x${first.toString(16)})`, { first, second });

/** Encodes `segments` as UF2 blocks for the chip family `familyId` (uf2families.json). */
export function encodeUf2(segments: readonly ImageSegment[], familyId: number): Uint8Array {
  const pages = new Map<number, Uint8Array>();
  for (const segment of normalizeSegments(segments, overlap)) {
    for (let offset = 0; offset < segment.bytes.length; ) {
      const address = segment.address + offset;
      const pageAddress = address - (address % uf2PayloadBytes);
      let page = pages.get(pageAddress);
      if (!page) pages.set(pageAddress, (page = new Uint8Array(uf2PayloadBytes)));
      const count = Math.min(uf2PayloadBytes - (address - pageAddress), segment.bytes.length - offset);
      page.set(segment.bytes.subarray(offset, offset + count), address - pageAddress);
      offset += count;
    }
  }
  const addresses = [...pages.keys()].sort((a, b) => a - b);
  const file = new Uint8Array(addresses.length * uf2BlockBytes);
  const view = new DataView(file.buffer);
  addresses.forEach((address, index) => {
    const at = index * uf2BlockBytes;
    view.setUint32(at, uf2MagicStart0, true);
    view.setUint32(at + 4, uf2MagicStart1, true);
    view.setUint32(at + 8, uf2FlagFamilyIdPresent, true);
    view.setUint32(at + 12, address, true);
    view.setUint32(at + 16, uf2PayloadBytes, true);
    view.setUint32(at + 20, index, true);
    view.setUint32(at + 24, addresses.length, true);
    view.setUint32(at + 28, familyId >>> 0, true);
    file.set(pages.get(address)!, at + 32);
    view.setUint32(at + 508, uf2MagicEnd, true);
  });
  return file;
}

/** Reads UF2 blocks, checking the magic numbers, sizes and numbering; CodegenError naming the block. */
export function parseUf2(file: Uint8Array): Uf2Block[] {
  if (file.length % uf2BlockBytes !== 0) throw new CodegenError(`UF2: ${file.length} bytes is not a whole number of 512-byte blocks`, { bytes: file.length });
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const blocks: Uf2Block[] = [];
  for (let at = 0; at < file.length; at += uf2BlockBytes) {
    const index = at / uf2BlockBytes;
    const magic = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 508, true)];
    if (magic[0] !== uf2MagicStart0 || magic[1] !== uf2MagicStart1 || magic[2] !== uf2MagicEnd) {
      throw new CodegenError(`UF2: block ${index} has wrong magic numbers ${magic.map((value) => `0x${value.toString(16)}`).join(', ')}`, { block: index });
    }
    const payloadSize = view.getUint32(at + 16, true);
    if (payloadSize > 476) throw new CodegenError(`UF2: block ${index} has payload size ${payloadSize}, at most 476`, { block: index, payloadSize });
    const block: Uf2Block = {
      flags: view.getUint32(at + 8, true),
      targetAddress: view.getUint32(at + 12, true),
      payloadSize,
      blockNumber: view.getUint32(at + 20, true),
      blockCount: view.getUint32(at + 24, true),
      familyId: view.getUint32(at + 28, true),
      data: file.slice(at + 32, at + 32 + payloadSize),
    };
    if (block.blockNumber !== index || block.blockCount !== file.length / uf2BlockBytes) {
      throw new CodegenError(`UF2: block ${index} is numbered ${block.blockNumber} of ${block.blockCount}, expected ${index} of ${file.length / uf2BlockBytes}`, { block: index });
    }
    blocks.push(block);
  }
  return blocks;
}
