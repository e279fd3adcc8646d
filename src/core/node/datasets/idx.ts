/**
 * IDX files (the MNIST format): a big-endian header `0 0 <type> <rank>`, `rank` uint32 dimensions,
 * then the items in big-endian order. Files may be gzip-compressed; compression is recognised
 * by its magic bytes, not by the file name. Images are streamed item by item so a 10,000-image
 * file is never held decoded in memory.
 *
 * The header is a promise of the data's size (`count × item size`), and every reader holds the
 * file to it: `openIdxFile` refuses a plain file whose size differs and a gzip file too small to
 * decompress to that size (deflate expands at most 1032 to 1), and the streaming readers
 * decompress as a stream, counting, and stop with an error the moment the data goes past the
 * promise. A small gzip file claiming to hold a few labels but inflating to gigabytes therefore
 * costs one chunk of decompression, not the gigabytes.
 */

import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DatasetError } from '../../common/errors.js';
import type { DType, TensorData } from '../../common/ir/types.js';
import { allocateData, dtypeBytes, formatShape } from '../../common/ir/tensor.js';
import type { DatasetFile } from './dataset-folder.js';

/** IDX type codes and the dtype each stores. */
const idxTypes: Readonly<Record<number, DType>> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32' };
const idxTypeList = Object.entries(idxTypes)
  .map(([code, dtype]) => `0x${Number(code).toString(16).padStart(2, '0')} ${dtype}`)
  .join(', ');

/** The largest header: 4 bytes then 255 dimensions of 4 bytes. */
const maxHeaderBytes = 4 + 4 * 255;

/**
 * The most a gzip file of `size` bytes can decompress to: deflate's best case is a 258-byte
 * match coded in 2 bits, 1032 to 1 (gzip's own header and trailer only add input).
 */
export const inflateBound = (size: number) => 1032 * size;

export interface IdxHeader {
  dtype: DType;
  /** All dimensions; the first is the item count. */
  shape: number[];
  /** Bytes before the first item. */
  headerBytes: number;
}

/** An IDX file whose header was read and whose size agrees with it; see `openIdxFile`. */
export interface IdxFile {
  /** The path messages show. */
  path: string;
  /** Opens the file again for each read (with the dataset folder's checks); no descriptor is held between reads. */
  open: () => Promise<DatasetFile>;
  /** File size when the header was read; a later read refuses a file that changed size since. */
  size: number;
  compressed: boolean;
  header: IdxHeader;
  /** Items (the first dimension). */
  count: number;
  /** The shape of one item (the other dimensions). */
  itemShape: number[];
  itemBytes: number;
  /** Header plus `count × itemBytes`: the exact (decompressed) size the header promises. */
  totalBytes: number;
}

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Parses the header at the start of `bytes`; returns undefined when more bytes are needed. */
export function parseIdxHeader(bytes: Uint8Array, path: string): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(`${path}: not an IDX file (an IDX file starts with two zero bytes, then its type and rank)`, { path });
  }
  const dtype = idxTypes[bytes[2]];
  if (!dtype) {
    const code = `0x${bytes[2].toString(16).padStart(2, '0')}`;
    throw new DatasetError(`${path}: not an IDX file (type code ${code} is not one of ${idxTypeList})`, { path });
  }
  const rank = bytes[3];
  if (rank === 0) throw new DatasetError(`${path}: not an IDX file (rank 0; an IDX file has at least one dimension)`, { path });
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dtype, shape, headerBytes };
}

/** Converts big-endian item bytes into a typed array of the dtype. */
function decodeItem(dtype: DType, bytes: Uint8Array): TensorData {
  const size = dtypeBytes(dtype);
  const values = allocateData(dtype, bytes.length / size);
  if (size === 1) {
    new Uint8Array(values.buffer).set(bytes);
    return values;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) {
    const offset = i * size;
    values[i] =
      dtype === 'int16' ? view.getInt16(offset, false) : dtype === 'int32' ? view.getInt32(offset, false) : view.getFloat32(offset, false);
  }
  return values;
}

/** Bytes of the (decompressed) file from its start, as a stream; `end` is the last byte of a plain file to read. */
function openStream(file: DatasetFile, compressed: boolean, end?: number): Readable {
  const fileStream = file.handle.createReadStream({ start: 0, end, autoClose: false });
  if (!compressed) return fileStream;
  const gunzip = createGunzip();
  fileStream.on('error', (error) => gunzip.destroy(error));
  return fileStream.pipe(gunzip);
}

function streamError(error: unknown, path: string, compressed: boolean): DatasetError {
  if (error instanceof DatasetError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  // zlib's messages ("incorrect header check", "unexpected end of file") describe the format, not the data.
  if (compressed && code.startsWith('Z_')) return new DatasetError(`${path}: gzip data is corrupt (${(error as Error).message})`, { path });
  return new DatasetError(`${path}: cannot read (${code ? `system error ${code}` : 'read failed'})`, { path });
}

/**
 * Reads the header of an IDX file inside a dataset folder and checks the file's size against it
 * (exactly for a plain file; for a gzip file, that it could decompress to that much). `open`
 * opens the file (with the folder's checks); it is called again for every later read.
 */
export async function openIdxFile(path: string, open: () => Promise<DatasetFile>): Promise<IdxFile> {
  const file = await open();
  try {
    const head = new Uint8Array(2);
    await file.handle.read(head, 0, 2, 0);
    const compressed = isGzip(head);
    const header = await readHeader(file, compressed, path);
    const [count, ...itemShape] = header.shape;
    const itemBytes = itemShape.reduce((a, b) => a * b, 1) * dtypeBytes(header.dtype);
    const totalBytes = header.headerBytes + count * itemBytes;
    const declared = `its header declares ${count} items of ${header.dtype} ${formatShape(itemShape)} (${totalBytes} bytes with the header)`;
    if (!compressed && file.size !== totalBytes) {
      throw new DatasetError(`${path}: ${declared}, but the file has ${file.size} bytes (${file.size < totalBytes ? 'truncated' : 'extra data after the items'})`, {
        path,
        size: file.size,
        expected: totalBytes,
      });
    }
    if (compressed && totalBytes > inflateBound(file.size)) {
      throw new DatasetError(`${path}: ${declared}, more than a gzip file of ${file.size} bytes can hold (at most ${inflateBound(file.size)})`, {
        path,
        size: file.size,
        expected: totalBytes,
      });
    }
    return { path, open, size: file.size, compressed, header, count, itemShape, itemBytes, totalBytes };
  } finally {
    await file.handle.close();
  }
}

async function readHeader(file: DatasetFile, compressed: boolean, path: string): Promise<IdxHeader> {
  if (file.size === 0) throw new DatasetError(`${path}: IDX header is truncated (0 bytes)`, { path });
  const stream = openStream(file, compressed, compressed ? undefined : Math.min(file.size, maxHeaderBytes) - 1);
  let pending: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = concat(pending, chunk);
      const header = parseIdxHeader(pending, path);
      if (header) return header;
      if (pending.length >= maxHeaderBytes) break;
    }
  } catch (error) {
    throw streamError(error, path, compressed);
  } finally {
    stream.destroy();
  }
  throw new DatasetError(`${path}: IDX header is truncated (${pending.length} bytes)`, { path });
}

/** Opens the file again, refusing it when its size changed since `openIdxFile` checked it. */
async function reopen(idx: IdxFile): Promise<DatasetFile> {
  const file = await idx.open();
  if (file.size !== idx.size) {
    await file.handle.close();
    throw new DatasetError(`${idx.path}: changed since the dataset was opened (${idx.size} bytes then, ${file.size} now)`, { path: idx.path });
  }
  return file;
}

/**
 * Streams the items of an IDX file (the first dimension indexes items), each decoded into a
 * typed array of the file's dtype; stops after `limit` items when given. A file that ends early
 * is a DatasetError naming how many items it held; data past the header's promise is a
 * DatasetError as soon as it is decompressed. Each call reads the file from its start.
 */
export async function* streamIdx(idx: IdxFile, limit = Infinity): AsyncGenerator<{ index: number; item: TensorData }> {
  const { path, header, count, itemBytes, totalBytes } = idx;
  const wanted = Math.min(count, limit);
  if (wanted <= 0) return;
  const file = await reopen(idx);
  const stream = openStream(file, idx.compressed);
  let pending: Uint8Array = new Uint8Array(0);
  let received = 0;
  let skipped = false;
  let index = 0;
  try {
    for await (let chunk of stream as AsyncIterable<Buffer>) {
      // Data past the header's promise is an error once the items before it are read.
      const excess = received + chunk.length > totalBytes;
      if (excess) chunk = chunk.subarray(0, totalBytes - received);
      received += chunk.length;
      pending = pending.length === 0 ? new Uint8Array(chunk) : concat(pending, chunk);
      if (!skipped) {
        if (pending.length < header.headerBytes) continue;
        pending = pending.subarray(header.headerBytes);
        skipped = true;
      }
      let offset = 0;
      while (pending.length - offset >= itemBytes && index < wanted) {
        yield { index, item: decodeItem(header.dtype, pending.subarray(offset, offset + itemBytes)) };
        offset += itemBytes;
        index++;
      }
      // Reading on after the last item checks that nothing follows it; after `limit` items, stop.
      if (index >= wanted && wanted < count) return;
      if (excess) throw tooMuchData(idx);
      pending = pending.subarray(offset);
    }
  } catch (error) {
    throw streamError(error, path, idx.compressed);
  } finally {
    stream.destroy();
    await file.handle.close();
  }
  if (index < wanted) throw new DatasetError(`${path}: file ends after ${index} of ${count} items (truncated)`, { path });
}

/**
 * Reads every item of a (small) IDX file, such as a label file, into one typed array of
 * `count × item size` values: no more than the header promised is ever decompressed.
 */
export async function readIdxValues(idx: IdxFile): Promise<TensorData> {
  const { path, header, count, itemBytes, totalBytes } = idx;
  const file = await reopen(idx);
  const body = new Uint8Array(count * itemBytes);
  const stream = openStream(file, idx.compressed);
  let received = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const start = received;
      received += chunk.length;
      if (received > totalBytes) throw tooMuchData(idx);
      // The chunk's part after the header goes to its place in the body.
      const from = Math.max(0, header.headerBytes - start);
      if (from < chunk.length) body.set(chunk.subarray(from), start + from - header.headerBytes);
    }
  } catch (error) {
    throw streamError(error, path, idx.compressed);
  } finally {
    stream.destroy();
    await file.handle.close();
  }
  if (received < totalBytes) {
    const items = Math.max(0, Math.floor((received - header.headerBytes) / itemBytes));
    throw new DatasetError(`${path}: file ends after ${items} of ${count} items (truncated)`, { path });
  }
  return decodeItem(header.dtype, body);
}

function tooMuchData(idx: IdxFile): DatasetError {
  const { path, count, header, itemShape, totalBytes } = idx;
  return new DatasetError(
    `${path}: holds more data than its header declares (${count} items of ${header.dtype} ${formatShape(itemShape)}, ${totalBytes} bytes with the header); ` +
      'reading stopped there',
    { path, expected: totalBytes },
  );
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
