import { DeviceError } from '../../../common/errors.js';

/**
 * What a flasher needs from an ELF executable: its loadable segments (program headers of type
 * PT_LOAD) with their file bytes, placed at their *physical* (load) addresses. Initialised
 * data is linked to run from RAM but stored in flash after the code; its program header says
 * so with p_paddr = the flash address and p_vaddr = the RAM address, and the startup code copies
 * it at reset. Segments with no file bytes (.bss, the stack) are not flashed.
 *
 * Only 32-bit little-endian ARM executables are accepted: that is what every board runs.
 */
export interface LoadSegment {
  /** Where the bytes go (p_paddr). */
  physicalAddress: number;
  /** Where the program sees them at run time (p_vaddr); differs for .data. */
  virtualAddress: number;
  /** The segment's p_filesz bytes. */
  data: Uint8Array;
  /** p_memsz: file bytes plus the zero-filled tail. */
  memorySize: number;
  /** PF_X / PF_W / PF_R bits. */
  flags: number;
}

export interface ElfImage {
  entry: number;
  segments: LoadSegment[];
}

const PT_LOAD = 1;
const EM_ARM = 40;
const ET_EXEC = 2;

/**
 * Parses the ELF header and program headers. `name` (a path) is used in messages: an
 * unreadable image is a DeviceError "cannot flash <name>: …" naming the field and value.
 */
export function parseElfImage(bytes: Uint8Array, name = 'firmware image'): ElfImage {
  const fail = (message: string, data: Record<string, unknown> = {}): never => {
    throw new DeviceError(`cannot flash ${name}: ${message}`, { name, ...data });
  };
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail('not an ELF file');
  }
  if (bytes[4] !== 1) fail(`ELF class ${bytes[4]}, expected 1 (32-bit)`, { class: bytes[4] });
  if (bytes[5] !== 1) fail(`ELF data encoding ${bytes[5]}, expected 1 (little-endian)`, { encoding: bytes[5] });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (type !== ET_EXEC) fail(`ELF type ${type}, expected ${ET_EXEC} (executable)`, { type });
  if (machine !== EM_ARM) fail(`ELF machine ${machine}, expected ${EM_ARM} (ARM)`, { machine });
  const entry = view.getUint32(24, true);
  const headerOffset = view.getUint32(28, true);
  const headerSize = view.getUint16(42, true);
  const headerCount = view.getUint16(44, true);
  if (headerCount === 0) fail('no program headers');
  if (headerSize < 32) fail(`program header size ${headerSize}, expected at least 32`, { headerSize });
  if (headerOffset + headerCount * headerSize > bytes.length) {
    fail(`program headers at offset ${headerOffset} (${headerCount} × ${headerSize} bytes) run past the end of the file (${bytes.length} bytes)`);
  }

  const segments: LoadSegment[] = [];
  for (let index = 0; index < headerCount; index++) {
    const base = headerOffset + index * headerSize;
    if (view.getUint32(base, true) !== PT_LOAD) continue;
    const offset = view.getUint32(base + 4, true);
    const virtualAddress = view.getUint32(base + 8, true);
    const physicalAddress = view.getUint32(base + 12, true);
    const fileSize = view.getUint32(base + 16, true);
    const memorySize = view.getUint32(base + 20, true);
    const flags = view.getUint32(base + 24, true);
    if (fileSize === 0) continue;
    if (offset + fileSize > bytes.length) {
      fail(`segment ${index} (file offset ${offset}, ${fileSize} bytes) runs past the end of the file (${bytes.length} bytes)`, { segment: index });
    }
    if (physicalAddress + fileSize > 0x1_0000_0000) {
      fail(`segment ${index} at 0x${physicalAddress.toString(16)} (${fileSize} bytes) runs past the 4 GiB address space`, { segment: index });
    }
    segments.push({ physicalAddress, virtualAddress, data: bytes.slice(offset, offset + fileSize), memorySize, flags });
  }
  if (segments.length === 0) fail('no loadable segment with contents');
  segments.sort((a, b) => a.physicalAddress - b.physicalAddress);
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1];
    if (previous.physicalAddress + previous.data.length > segments[i].physicalAddress) {
      fail(`segments overlap at 0x${segments[i].physicalAddress.toString(16)}`, { address: segments[i].physicalAddress });
    }
  }
  return { entry, segments };
}

/** Total bytes a flasher writes for `image`. */
export function imageBytes(image: ElfImage): number {
  return image.segments.reduce((sum, segment) => sum + segment.data.length, 0);
}
