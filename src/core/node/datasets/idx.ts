/**
 * IDX files (the MNIST format): a big-endian header `0 0 <type> <rank>`, `rank` uint32 dimensions,
 * then the items in big-endian order. Files may be gzip-compressed; compression is recognised
 * by its magic bytes, not by the file name. Images are streamed item by item so a 10,000-image
 * file is never held decoded in memory.
 */

import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DatasetError } from '../../common/errors.js';
import type { DType, TensorData } from '../../common/ir/types.js';
import { allocateData, dtypeBytes, formatShape } from '../../common/ir/tensor.js';

/** IDX type codes and the dtype each stores. */
const idxTypes: Readonly<Record<number, DType>> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32' };

export interface IdxHeader {
  dtype: DType;
  /** All dimensions; the first is the item count. */
  shape: number[];
  /** Bytes before the first item. */
  headerBytes: number;
}

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

function hexHead(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ') || '(empty)';
}

/** Parses the header at the start of `bytes`; returns undefined when more bytes are needed. */
export function parseIdxHeader(bytes: Uint8Array, path: string): IdxHeader | undefined {
  if (bytes.length < 4) return undefined;
  const dtype = idxTypes[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !dtype || bytes[3] === 0) {
    throw new DatasetError(`${path}: not an IDX file (starts ${hexHead(bytes)}; expected 00 00 <type> <rank>)`, { path });
  }
  const rank = bytes[3];
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

async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new DatasetError(`${path}: cannot read (${error.code === 'ENOENT' ? 'no such file' : error.message})`, { path });
  });
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Reads a whole (small) IDX file, such as a label file. */
export async function readIdxFile(path: string): Promise<{ header: IdxHeader; values: TensorData }> {
  let bytes: Uint8Array = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new DatasetError(`${path}: cannot read (${error.code === 'ENOENT' ? 'no such file' : error.message})`, { path });
  });
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DatasetError(`${path}: gzip data is corrupt (${(error as Error).message})`, { path });
    }
  }
  const header = parseIdxHeader(bytes, path);
  if (!header) throw new DatasetError(`${path}: IDX header is truncated (${bytes.length} bytes)`, { path });
  const expected = header.shape.reduce((a, b) => a * b, 1) * dtypeBytes(header.dtype);
  const body = bytes.subarray(header.headerBytes);
  if (body.length !== expected) {
    throw new DatasetError(
      `${path}: IDX ${header.dtype} ${formatShape(header.shape)} needs ${expected} data bytes, file has ${body.length}`,
      { path },
    );
  }
  return { header, values: decodeItem(header.dtype, body) };
}

/** Reads only the header of an IDX file (decompressing as little as needed). */
export async function readIdxHeader(path: string): Promise<IdxHeader> {
  for await (const event of streamIdx(path, 0)) return event.header;
  throw new DatasetError(`${path}: IDX header is truncated`, { path });
}

/**
 * Streams an IDX file: yields the header with each item (the first dimension indexes items),
 * decoded into a typed array of the file's dtype. Stops after `limit` items when given (0 reads
 * only the header). A file that ends early is a DatasetError naming how many items it held.
 */
export async function* streamIdx(
  path: string,
  limit = Infinity,
): AsyncGenerator<{ header: IdxHeader; index: number; item: TensorData | undefined }> {
  const compressed = isGzip(await readHead(path, 2));
  const fileStream = createReadStream(path);
  const stream = compressed ? fileStream.pipe(createGunzip()) : fileStream;
  fileStream.on('error', (error) => stream.destroy(error));
  let pending: Uint8Array = new Uint8Array(0);
  let header: IdxHeader | undefined;
  let itemBytes = 0;
  let itemCount = 0;
  let index = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? new Uint8Array(chunk) : concat(pending, chunk);
      if (!header) {
        header = parseIdxHeader(pending, path);
        if (!header) continue;
        itemCount = header.shape[0];
        itemBytes = (header.shape.slice(1).reduce((a, b) => a * b, 1) || 1) * dtypeBytes(header.dtype);
        pending = pending.subarray(header.headerBytes);
        if (limit === 0) {
          yield { header, index: -1, item: undefined };
          return;
        }
      }
      let offset = 0;
      while (pending.length - offset >= itemBytes && index < itemCount && index < limit) {
        yield { header, index, item: decodeItem(header.dtype, pending.subarray(offset, offset + itemBytes)) };
        offset += itemBytes;
        index++;
      }
      if (index >= itemCount || index >= limit) return;
      pending = pending.subarray(offset);
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new DatasetError(`${path}: cannot read (${reason})`, { path });
  } finally {
    stream.destroy();
    fileStream.destroy();
  }
  if (!header) throw new DatasetError(`${path}: IDX header is truncated`, { path });
  if (index < Math.min(itemCount, limit)) {
    throw new DatasetError(`${path}: file ends after ${index} of ${itemCount} items (truncated)`, { path });
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
}
