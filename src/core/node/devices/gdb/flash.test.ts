import { afterEach, describe, expect, it } from 'vitest';
import { DeviceError } from '../../../common/errors.js';
import type { ElfImage } from './elf-image.js';
import { FakeGdbServer } from './testing/fake-gdb-server.js';
import { flashImage } from './flash.js';
import { GdbClient } from './gdb-client.js';

const open: { server: FakeGdbServer; client: GdbClient }[] = [];

async function connect(options: ConstructorParameters<typeof FakeGdbServer>[0] = {}) {
  const server = new FakeGdbServer(options);
  const client = await GdbClient.connect('127.0.0.1', await server.listen());
  open.push({ server, client });
  return { server, client };
}

afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    client.close();
    await server.close();
  }
});

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);

function image(): ElfImage {
  return {
    entry: 0x101,
    segments: [
      { physicalAddress: 0x0, virtualAddress: 0x0, data: pattern(5000, 1), memorySize: 5000, flags: 5 },
      // .data stored after the code, run from elsewhere.
      { physicalAddress: 0x1388, virtualAddress: 0x2000_0000, data: pattern(300, 7), memorySize: 300, flags: 6 },
    ],
  };
}

describe('flashImage', () => {
  it('writes every segment at its load address, verifies, resets and reports progress', async () => {
    const { server, client } = await connect();
    const progress: [number, number][] = [];
    const report = await flashImage(client, image(), { onProgress: (written, total) => progress.push([written, total]) });
    expect(server.memory.subarray(0, 5000)).toEqual(pattern(5000, 1));
    expect(server.memory.subarray(0x1388, 0x1388 + 300)).toEqual(pattern(300, 7));
    expect(report).toMatchObject({ bytes: 5300, segments: 2 });
    expect(server.resets).toBe(1);
    expect(progress.at(-1)).toEqual([5300, 5300]);
    expect(progress.map(([written]) => written)).toEqual([...progress.map(([written]) => written)].sort((a, b) => a - b));
    // Verification read everything back; the reset came last.
    expect(server.received.filter((packet) => packet.startsWith('m')).length).toBeGreaterThanOrEqual(3);
    expect(server.received.at(-1)).toMatch(/^qRcmd,/);
  });

  it('names the first address whose read-back differs', async () => {
    const { server, client } = await connect({ readOnlyFrom: 0x1000 });
    const error = await flashImage(client, image()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe(
      `flash verification failed at 0x1000: wrote 0x${pattern(5000, 1)[0x1000].toString(16).padStart(2, '0')}, read back 0x00 (is this address writable memory on the board?)`,
    );
    expect(server.resets).toBe(0);
  });

  it('skips verification and reset when told to', async () => {
    const { server, client } = await connect({ readOnlyFrom: 0x1000 });
    await flashImage(client, image(), { verify: false, resetCommand: null });
    expect(server.received.some((packet) => packet.startsWith('m'))).toBe(false);
    expect(server.resets).toBe(0);
  });
});
