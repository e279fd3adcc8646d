import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A zip archive of `files` (deflated unless `stored`) as zip tools write it, for tests; `size` and
 * `flags` override what an entry declares (a lying size, the encryption flag).
 */
export function makeZip(files: { name: string; bytes?: Uint8Array; stored?: boolean; size?: number; flags?: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const bytes = Buffer.from(file.bytes ?? new Uint8Array());
    const data = file.stored || file.name.endsWith('/') ? bytes : deflateRawSync(bytes);
    const name = Buffer.from(file.name);
    const header = (signature: number, size: number) => {
      const buffer = Buffer.alloc(size);
      buffer.writeUInt32LE(signature, 0);
      return buffer;
    };
    const local = header(0x04034b50, 30);
    local.writeUInt16LE(file.flags ?? 0, 6);
    local.writeUInt16LE(data === bytes ? 0 : 8, 8);
    local.writeUInt32LE(crc32(bytes) >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(file.size ?? bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = header(0x02014b50, 46);
    central.writeUInt16LE(file.flags ?? 0, 8);
    central.writeUInt16LE(data === bytes ? 0 : 8, 10);
    central.writeUInt32LE(crc32(bytes) >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(file.size ?? bytes.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
