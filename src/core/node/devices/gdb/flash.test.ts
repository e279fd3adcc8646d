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

  describe('through a memory map with flash (vFlash, as OpenOCD or pyOCD on an STM32F4)', () => {
    // STM32F4-like sectors: four of 16 KiB... scaled to the fake's 64 KiB: 4 × 0x1000, then 2 × 0x4000; RAM above.
    const flashBlocks = [
      { start: 0x0, count: 4, size: 0x1000 },
      { start: 0x4000, count: 2, size: 0x4000 },
    ];
    /** Code across the small sectors into the first large one; .data for RAM stored right behind it; a RAM segment. */
    function flashImageOf(code: Uint8Array): ElfImage {
      return {
        entry: 0x101,
        segments: [
          { physicalAddress: 0x0, virtualAddress: 0x0, data: code, memorySize: code.length, flags: 5 },
          { physicalAddress: code.length, virtualAddress: 0xe000, data: pattern(300, 7), memorySize: 300, flags: 6 },
          { physicalAddress: 0xe000, virtualAddress: 0xe000, data: pattern(64, 3), memorySize: 64, flags: 6 },
        ],
      };
    }

    it('erases whole sectors, writes them with vFlashWrite (bytes that need escaping included), M only for RAM, verifies, resets', async () => {
      const { server, client } = await connect({ flashBlocks, packetSize: 0x200 });
      // Not erased beforehand: flash only clears bits, so a write without the erase would not read back.
      server.memory.fill(0x5a, 0, 0xc000);
      // Every byte value, so '#', '$', '}' and '*' are sent escaped.
      const code = Uint8Array.from({ length: 0x4800 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      const progress: number[] = [];
      const report = await flashImage(client, flashImageOf(code), { resetCommand: 'reset halt', onProgress: (written) => progress.push(written) });
      expect(server.memory.subarray(0, code.length)).toEqual(code);
      expect(server.memory.subarray(code.length, code.length + 300)).toEqual(pattern(300, 7));
      expect(server.memory.subarray(0xe000, 0xe040)).toEqual(pattern(64, 3));
      // 0x0 … 0x4b2c touches the four small sectors and the first large one: one merged erase.
      expect(server.erases).toEqual([[0x0, 0x8000]]);
      expect(server.flashDones).toBe(1);
      expect(server.received.filter((packet) => packet.startsWith('M')).every((packet) => parseInt(packet.slice(1), 16) >= 0xc000)).toBe(true);
      expect(server.received.some((packet) => packet.startsWith('vFlashWrite:'))).toBe(true);
      expect(Math.max(...server.packetLengths)).toBeLessThanOrEqual(0x200);
      expect(report.bytes).toBe(code.length + 300 + 64);
      expect(progress.at(-1)).toBe(code.length + 300 + 64);
      expect(server.resets).toBe(1);
      expect(server.received.at(-1)).toMatch(/^qRcmd,/);
    });

    it('a server refusing the erase fails with the address and its reply, before anything is written', async () => {
      const { server, client } = await connect({ flashBlocks });
      // A map claiming 0x800 blocks where the server's are 0x1000: the erase of 0x0 … 0x800 is refused.
      const error = await flashImage(client, flashImageOf(pattern(0x300, 1)), { memoryMap: [{ type: 'flash', start: 0, length: 0x4000, blockSize: 0x800 }] }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DeviceError);
      expect((error as Error).message).toMatch(/^GDB server 127\.0\.0\.1:\d+: erasing 2048 bytes of flash at 0x0 failed \(reply "E01"\)$/);
      expect(server.received.some((packet) => packet.startsWith('vFlashWrite:'))).toBe(false);
    });

    it('reads the memory map in as many chunks as the server cuts it into', async () => {
      const { server, client } = await connect({ flashBlocks });
      expect(await client.readMemoryMap()).toEqual([
        { type: 'flash', start: 0x0, length: 0x4000, blockSize: 0x1000 },
        { type: 'flash', start: 0x4000, length: 0x8000, blockSize: 0x4000 },
        { type: 'ram', start: 0xc000, length: 0x4000 },
      ]);
      expect(server.received.filter((packet) => packet.startsWith('qXfer:memory-map:read::')).length).toBeGreaterThan(3);
    });
  });
});
