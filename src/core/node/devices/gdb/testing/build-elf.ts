/** Test support: minimal ELF files with chosen program headers (no sections), for the flasher and the image writers. */

export interface ProgramHeader {
  type: number;
  offset: number;
  virtualAddress: number;
  physicalAddress: number;
  fileSize: number;
  memorySize: number;
  flags: number;
}

/** A 32-bit little-endian ELF with the given program headers (after the 52-byte header) and file contents. */
export function buildElf(headers: ProgramHeader[], contents: Uint8Array, fields: { machine?: number; type?: number; elfClass?: number } = {}): Uint8Array {
  const size = Math.max(52 + 32 * headers.length, contents.length);
  const bytes = new Uint8Array(size);
  bytes.set(contents);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, fields.elfClass ?? 1, 1, 1]);
  const view = new DataView(bytes.buffer);
  view.setUint16(16, fields.type ?? 2, true);
  view.setUint16(18, fields.machine ?? 40, true);
  view.setUint32(24, 0x1c9, true); // entry
  view.setUint32(28, 52, true); // e_phoff
  view.setUint16(42, 32, true); // e_phentsize
  view.setUint16(44, headers.length, true);
  headers.forEach((header, index) => {
    const base = 52 + 32 * index;
    view.setUint32(base, header.type, true);
    view.setUint32(base + 4, header.offset, true);
    view.setUint32(base + 8, header.virtualAddress, true);
    view.setUint32(base + 12, header.physicalAddress, true);
    view.setUint32(base + 16, header.fileSize, true);
    view.setUint32(base + 20, header.memorySize, true);
    view.setUint32(base + 24, header.flags, true);
  });
  return bytes;
}
