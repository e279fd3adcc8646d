import { crc32, inflateRawSync } from 'node:zlib';
import { DatasetError } from '../../common/errors.js';

/**
 * The files of a .zip archive (a dataset folder zipped for browser mode's upload), read in
 * memory: stored and deflated entries, no encryption, no ZIP64. An archive is untrusted input:
 * every size is checked against the archive's bytes before it is used, each entry is inflated
 * with its declared size as the limit (so a "zip bomb" stops there), the sum of all entries is
 * bounded, each entry's CRC-32 is checked, and names that would lead out of the folder (absolute,
 * `..`, backslashes, drive letters) are refused. Folders, and macOS's `__MACOSX/` and hidden
 * files, are left out. When every entry lies in one top folder, that folder is removed from the
 * paths (a zipped `kws01/` gives `dataset.json`, not `kws01/dataset.json`).
 */

export interface ZipEntry {
  path: string;
  bytes: Uint8Array;
}

/** Most bytes an archive may unpack to. */
export const maxUnpackedBytes = 1 << 30;
/** Most entries read. */
export const maxZipEntries = 100_000;

const endOfCentralDirectory = 0x06054b50;
const centralHeader = 0x02014b50;
const localHeader = 0x04034b50;

export function readZip(archive: Uint8Array, name: string): ZipEntry[] {
  const bad = (why: string) => new DatasetError(`${name}: not a zip archive TinyDeploy can read (${why})`, { path: name });
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const u16 = (offset: number) => view.getUint16(offset, true);
  const u32 = (offset: number) => view.getUint32(offset, true);

  // The end record is in the last 22 + 65535 bytes (its comment is at most 64 KiB).
  let end = -1;
  for (let offset = archive.length - 22; offset >= Math.max(0, archive.length - 22 - 0xffff); offset--) {
    if (u32(offset) === endOfCentralDirectory) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw bad('no end of central directory record');
  const count = u16(end + 10);
  const directorySize = u32(end + 12);
  const directoryOffset = u32(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw bad('ZIP64 archives are not supported');
  if (count > maxZipEntries) throw bad(`${count} entries, more than ${maxZipEntries}`);
  if (directoryOffset + directorySize > end) throw bad('its central directory lies outside the archive');

  const entries: ZipEntry[] = [];
  let unpacked = 0;
  let offset = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (offset + 46 > end || u32(offset) !== centralHeader) throw bad(`entry ${index}: broken central directory`);
    const flags = u16(offset + 8);
    const method = u16(offset + 10);
    const crc = u32(offset + 16);
    const compressedSize = u32(offset + 20);
    const size = u32(offset + 24);
    const nameLength = u16(offset + 28);
    const extraLength = u16(offset + 30);
    const commentLength = u16(offset + 32);
    const localOffset = u32(offset + 42);
    if (offset + 46 + nameLength > end) throw bad(`entry ${index}: its name lies outside the directory`);
    const entryName = new TextDecoder('utf-8', { fatal: false }).decode(archive.subarray(offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;

    if (entryName.endsWith('/')) continue;
    if (flags & 1) throw bad(`${JSON.stringify(entryName)} is encrypted`);
    if (/(^|\/)__MACOSX\//.test(entryName) || entryName.split('/').some((part) => part.startsWith('.') && part !== '.' && part !== '..')) continue;
    if (entryName.includes('\\') || entryName.startsWith('/') || /^[A-Za-z]:/.test(entryName) || entryName.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw bad(`entry ${JSON.stringify(entryName)} is not a relative path inside the archive`);
    }
    if (size === 0xffffffff || compressedSize === 0xffffffff) throw bad('ZIP64 archives are not supported');
    unpacked += size;
    if (unpacked > maxUnpackedBytes) throw bad(`it unpacks to more than ${maxUnpackedBytes / (1 << 20)} MiB`);

    if (localOffset + 30 > archive.length || u32(localOffset) !== localHeader) throw bad(`${JSON.stringify(entryName)}: broken local header`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataStart + compressedSize > archive.length) throw bad(`${JSON.stringify(entryName)}: its data lies outside the archive`);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    let bytes: Uint8Array;
    if (method === 0) {
      if (compressedSize !== size) throw bad(`${JSON.stringify(entryName)}: stored entry with two sizes`);
      bytes = data.slice();
    } else if (method === 8) {
      try {
        bytes = new Uint8Array(inflateRawSync(data, { maxOutputLength: Math.max(1, size) }));
      } catch (error) {
        throw bad(`${JSON.stringify(entryName)}: ${(error as Error).message}`);
      }
    } else {
      throw bad(`${JSON.stringify(entryName)}: compression method ${method} (only stored and deflated entries are read)`);
    }
    if (bytes.length !== size) throw bad(`${JSON.stringify(entryName)}: unpacks to ${bytes.length} bytes, not the ${size} it declares`);
    if (crc32(bytes) >>> 0 !== crc) throw bad(`${JSON.stringify(entryName)}: CRC-32 mismatch`);
    entries.push({ path: entryName, bytes });
  }
  return withoutTopFolder(entries);
}

/** The entries with their single common top folder removed, when they all have one. */
function withoutTopFolder(entries: ZipEntry[]): ZipEntry[] {
  const tops = new Set(entries.map((entry) => (entry.path.includes('/') ? entry.path.slice(0, entry.path.indexOf('/')) : '')));
  if (tops.size !== 1 || tops.has('')) return entries;
  return entries.map((entry) => ({ path: entry.path.slice(entry.path.indexOf('/') + 1), bytes: entry.bytes }));
}
