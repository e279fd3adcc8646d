import { readFile } from 'node:fs/promises';
import { CodegenError } from '../../common/errors.js';

/**
 * A minimal ELF reader (32- and 64-bit, little-endian): section headers and the symbol table,
 * which is all TinyDeploy needs to report flash and RAM of a firmware image without depending
 * on binutils' `size` output format.
 */

export interface ElfSection {
  name: string;
  /** SHT_* value: 1 PROGBITS, 2 SYMTAB, 3 STRTAB, 8 NOBITS, … */
  type: number;
  /** SHF_* bits: 0x1 WRITE, 0x2 ALLOC, 0x4 EXECINSTR. */
  flags: number;
  address: number;
  size: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** Index of the section the symbol is defined in (0 when undefined). */
  sectionIndex: number;
  /** STT_*: 0 NOTYPE, 1 OBJECT, 2 FUNC, … */
  type: number;
}

export interface ElfFile {
  class: 32 | 64;
  machine: number;
  sections: ElfSection[];
  symbols: ElfSymbol[];
}

export const SHT_NOBITS = 8;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
const SHT_SYMTAB = 2;

/**
 * Memory an image occupies, by the kind of section: `text` executable code, `rodata` read-only
 * data (constants, weights), `data` initialised writable data (stored in flash and copied to
 * RAM), `bss` zero-initialised RAM. Flash = text + rodata + data; RAM = data + bss.
 */
export interface ElfSizes {
  text: number;
  rodata: number;
  data: number;
  bss: number;
}

/** Reads and parses an ELF file; a file that is not ELF is a CodegenError naming the path. */
export async function readElf(path: string): Promise<ElfFile> {
  return parseElf(new Uint8Array(await readFile(path)), path);
}

export function parseElf(bytes: Uint8Array, name = 'ELF image'): ElfFile {
  const fail = (message: string): never => {
    throw new CodegenError(`${name}: ${message}`, { name });
  };
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail('not an ELF file');
  }
  const elfClass = bytes[4] === 1 ? 32 : bytes[4] === 2 ? 64 : fail(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) fail('big-endian ELF is not supported');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const is64 = elfClass === 64;
  const word = (offset: number): number => (is64 ? Number(view.getBigUint64(offset, true)) : view.getUint32(offset, true));
  const machine = view.getUint16(18, true);
  const sectionHeaderOffset = is64 ? word(0x28) : view.getUint32(0x20, true);
  const sectionHeaderSize = view.getUint16(is64 ? 0x3a : 0x2e, true);
  const sectionCount = view.getUint16(is64 ? 0x3c : 0x30, true);
  const namesIndex = view.getUint16(is64 ? 0x3e : 0x32, true);
  if (sectionHeaderOffset + sectionCount * sectionHeaderSize > bytes.length) {
    fail(`section headers at ${sectionHeaderOffset} run past the end of the file (${bytes.length} bytes)`);
  }

  interface RawSection extends ElfSection {
    nameOffset: number;
    offset: number;
    link: number;
    entrySize: number;
  }
  const raw: RawSection[] = [];
  for (let i = 0; i < sectionCount; i++) {
    const base = sectionHeaderOffset + i * sectionHeaderSize;
    raw.push(
      is64
        ? {
            name: '',
            nameOffset: view.getUint32(base, true),
            type: view.getUint32(base + 4, true),
            flags: word(base + 8),
            address: word(base + 16),
            offset: word(base + 24),
            size: word(base + 32),
            link: view.getUint32(base + 40, true),
            entrySize: word(base + 56),
          }
        : {
            name: '',
            nameOffset: view.getUint32(base, true),
            type: view.getUint32(base + 4, true),
            flags: view.getUint32(base + 8, true),
            address: view.getUint32(base + 12, true),
            offset: view.getUint32(base + 16, true),
            size: view.getUint32(base + 20, true),
            link: view.getUint32(base + 24, true),
            entrySize: view.getUint32(base + 36, true),
          },
    );
  }
  const stringAt = (table: RawSection | undefined, offset: number): string => {
    if (!table) return '';
    let end = table.offset + offset;
    while (end < bytes.length && bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(table.offset + offset, end));
  };
  const names = raw[namesIndex];
  for (const section of raw) section.name = stringAt(names, section.nameOffset);

  const symbols: ElfSymbol[] = [];
  const symbolTable = raw.find((section) => section.type === SHT_SYMTAB);
  if (symbolTable) {
    const strings = raw[symbolTable.link];
    const entrySize = symbolTable.entrySize || (is64 ? 24 : 16);
    for (let base = symbolTable.offset; base + entrySize <= symbolTable.offset + symbolTable.size; base += entrySize) {
      const nameOffset = view.getUint32(base, true);
      const symbol = is64
        ? {
            info: bytes[base + 4],
            sectionIndex: view.getUint16(base + 6, true),
            value: word(base + 8),
            size: word(base + 16),
          }
        : {
            value: view.getUint32(base + 4, true),
            size: view.getUint32(base + 8, true),
            info: bytes[base + 12],
            sectionIndex: view.getUint16(base + 14, true),
          };
      symbols.push({
        name: stringAt(strings, nameOffset),
        value: symbol.value,
        size: symbol.size,
        sectionIndex: symbol.sectionIndex,
        type: symbol.info & 0xf,
      });
    }
  }
  return {
    class: elfClass,
    machine,
    sections: raw.map(({ name, type, flags, address, size }) => ({ name, type, flags, address, size })),
    symbols,
  };
}

/**
 * Sums the allocated sections by kind (see ElfSizes); debug and other non-allocated sections
 * are ignored. With the board's RAM region, a writable section linked outside RAM (a firmware's
 * .init_array kept in flash) counts as rodata, since it is never copied to RAM.
 */
export function elfSizes(elf: ElfFile, ram?: { origin: number; size: number }): ElfSizes {
  const sizes: ElfSizes = { text: 0, rodata: 0, data: 0, bss: 0 };
  const inRam = (address: number) => !ram || (address >= ram.origin && address < ram.origin + ram.size);
  for (const section of elf.sections) {
    if (!(section.flags & SHF_ALLOC) || section.size === 0) continue;
    if (section.type === SHT_NOBITS) sizes.bss += section.size;
    else if (section.flags & SHF_EXECINSTR) sizes.text += section.size;
    else if (section.flags & SHF_WRITE && inRam(section.address)) sizes.data += section.size;
    else sizes.rodata += section.size;
  }
  return sizes;
}

/** Total size of the defined symbols whose names pass `predicate` (e.g. the model's weight arrays). */
export function symbolBytes(elf: ElfFile, predicate: (name: string) => boolean): number {
  let total = 0;
  for (const symbol of elf.symbols) {
    if (symbol.sectionIndex !== 0 && symbol.type === 1 && predicate(symbol.name)) total += symbol.size;
  }
  return total;
}

/** A loadable segment (PT_LOAD) as the flash image holds it: its physical (load) address and file bytes. */
export interface ElfLoadSegment {
  address: number;
  bytes: Uint8Array;
}

const PT_LOAD = 1;

/**
 * The bytes a programmer writes for this ELF: every PT_LOAD segment with file bytes, at its
 * physical address (p_paddr: for .data the copy in flash, not its RAM address), plus the entry
 * point. What `objcopy -O binary` and `-O ihex` start from.
 */
export function elfLoadSegments(bytes: Uint8Array, name = 'ELF image'): { entry: number; segments: ElfLoadSegment[] } {
  parseElf(bytes, name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const is64 = bytes[4] === 2;
  const word = (offset: number): number => (is64 ? Number(view.getBigUint64(offset, true)) : view.getUint32(offset, true));
  const entry = word(0x18);
  const headerOffset = is64 ? word(0x20) : view.getUint32(0x1c, true);
  const headerSize = view.getUint16(is64 ? 0x36 : 0x2a, true);
  const headerCount = view.getUint16(is64 ? 0x38 : 0x2c, true);
  if (headerOffset + headerCount * headerSize > bytes.length) {
    throw new CodegenError(`${name}: program headers at ${headerOffset} run past the end of the file (${bytes.length} bytes)`, { name });
  }
  const segments: ElfLoadSegment[] = [];
  for (let i = 0; i < headerCount; i++) {
    const base = headerOffset + i * headerSize;
    if (view.getUint32(base, true) !== PT_LOAD) continue;
    const offset = is64 ? word(base + 8) : view.getUint32(base + 4, true);
    const physical = is64 ? word(base + 24) : view.getUint32(base + 12, true);
    const fileSize = is64 ? word(base + 32) : view.getUint32(base + 16, true);
    if (fileSize === 0) continue;
    if (offset + fileSize > bytes.length) throw new CodegenError(`${name}: segment ${i} runs past the end of the file`, { name, segment: i });
    segments.push({ address: physical, bytes: bytes.slice(offset, offset + fileSize) });
  }
  return { entry, segments };
}
