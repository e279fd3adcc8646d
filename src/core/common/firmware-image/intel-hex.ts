import { CodegenError } from '../errors.js';
import { normalizeSegments, type ImageSegment } from './segments.js';

/**
 * Intel HEX (Intel, "Hexadecimal Object File Format Specification", rev. A, 1988), the I32HEX
 * flavour: each line `:LLAAAATT<data>CC` gives a byte count LL, a 16-bit address AAAA, a record
 * type TT and a checksum CC, the two's complement of the sum of every other byte of the record.
 * Records used: 00 data (at most 16 bytes here, never crossing a 64 KiB boundary), 04 extended
 * linear address (the upper 16 bits of the addresses that follow; written whenever they change,
 * including before the first data record when they are not 0), 05 start linear address (the
 * entry point, when given), 01 end of file (`:00000001FF`). Lines end with "\n".
 */

const hex = (value: number, digits: number) => value.toString(16).toUpperCase().padStart(digits, '0');

/** One record line from its type, 16-bit address and data bytes. */
export function intelHexRecord(type: number, address: number, data: ArrayLike<number>): string {
  let sum = data.length + (address >> 8) + (address & 0xff) + type;
  let text = `:${hex(data.length, 2)}${hex(address, 4)}${hex(type, 2)}`;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    text += hex(data[i], 2);
  }
  return text + hex((0x100 - (sum & 0xff)) & 0xff, 2);
}

const overlap = (first: number, second: number) =>
  new CodegenError(`Intel HEX: image segments overlap (segment at 0x${second.toString(16)} starts inside the one at 0x${first.toString(16)})`, { first, second });

export function encodeIntelHex(segments: readonly ImageSegment[], options: { entry?: number; bytesPerRecord?: number } = {}): string {
  const perRecord = options.bytesPerRecord ?? 16;
  const lines: string[] = [];
  let upper = 0;
  for (const segment of normalizeSegments(segments, overlap)) {
    for (let offset = 0; offset < segment.bytes.length; ) {
      const address = segment.address + offset;
      const high = Math.floor(address / 0x10000);
      if (high !== upper) {
        lines.push(intelHexRecord(0x04, 0, [high >> 8, high & 0xff]));
        upper = high;
      }
      const low = address & 0xffff;
      const count = Math.min(perRecord, segment.bytes.length - offset, 0x10000 - low);
      lines.push(intelHexRecord(0x00, low, segment.bytes.subarray(offset, offset + count)));
      offset += count;
    }
  }
  if (options.entry !== undefined) {
    const entry = options.entry >>> 0;
    lines.push(intelHexRecord(0x05, 0, [entry >>> 24, (entry >> 16) & 0xff, (entry >> 8) & 0xff, entry & 0xff]));
  }
  lines.push(intelHexRecord(0x01, 0, []));
  return lines.join('\n') + '\n';
}

/**
 * Reads an I32HEX file back into segments (consecutive data merged) and the start address, checking
 * every checksum; CodegenError naming the line. Types 02 (extended segment address) and 03 are read too.
 */
export function parseIntelHex(text: string): { segments: ImageSegment[]; entry?: number } {
  const chunks: ImageSegment[] = [];
  let base = 0;
  let entry: number | undefined;
  let ended = false;
  const lines = text.split(/\r?\n/);
  for (let number = 1; number <= lines.length; number++) {
    const line = lines[number - 1].trim();
    if (line === '') continue;
    const fail = (message: string): never => {
      throw new CodegenError(`Intel HEX line ${number}: ${message}`, { line: number });
    };
    if (ended) fail('data after the end-of-file record');
    if (!/^:([0-9A-Fa-f]{2})+$/.test(line) || line.length < 11) fail(`not a record: "${line.slice(0, 40)}"`);
    const bytes = Array.from({ length: (line.length - 1) / 2 }, (_, i) => parseInt(line.slice(1 + 2 * i, 3 + 2 * i), 16));
    const count = bytes[0];
    if (bytes.length !== count + 5) fail(`byte count ${count} does not match the record's ${bytes.length - 5} data bytes`);
    if (bytes.reduce((sum, byte) => sum + byte, 0) & 0xff) fail('checksum mismatch');
    const address = (bytes[1] << 8) | bytes[2];
    const type = bytes[3];
    const data = bytes.slice(4, 4 + count);
    if (type === 0x00) chunks.push({ address: base + address, bytes: Uint8Array.from(data) });
    else if (type === 0x01) ended = true;
    else if (type === 0x02) base = ((data[0] << 8) | data[1]) * 16;
    else if (type === 0x04) base = ((data[0] << 8) | data[1]) * 0x10000;
    else if (type === 0x05 || type === 0x03) entry = ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0;
    else fail(`unknown record type ${type}`);
  }
  if (!ended) throw new CodegenError('Intel HEX: no end-of-file record', {});
  return { segments: normalizeSegments(chunks, overlap), ...(entry !== undefined ? { entry } : {}) };
}
