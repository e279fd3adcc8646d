import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { requireTools } from '../../../../test/testing/tools.js';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { nucleoF446re, requireBoard, type Board } from '../../common/boards/index.js';
import { DeviceError } from '../../common/errors.js';
import type { Graph } from '../../common/ir/types.js';
import { FakeBoard } from '../../common/protocol/testing/fake-board.js';
import { loadModelFile } from '../model-file.js';
import { connectBoard, planRealBoard, type BoardConnectProgress } from './board-connection.js';
import type { SerialPortEntry } from './discovery.js';
import { buildElf } from './gdb/testing/build-elf.js';
import { SerialPortTransport } from './transport/serial.js';
import { PtyLink } from './transport/testing/pty-link.js';

/**
 * The real-board back-end end to end with stand-ins for the hardware: a NUCLEO-F446RE whose
 * "ST-LINK" is a pty (its virtual COM port, listed with the ST-LINK's USB id) with a fake board
 * answering the profiler protocol on the other end, flashed either through a GDB server TinyDeploy
 * starts itself (the stand-in OpenOCD: OpenOCD's command line, the fake GDB server behind it) or
 * by copying the .bin to a temporary folder standing in for its NODE_F446RE drive, after which
 * the pty goes away and comes back, as the probe's does when it resets the board.
 */
const standIn = [process.execPath, '--import', 'tsx', fileURLToPath(new URL('./gdb-server/testing/stand-in-gdb-server.ts', import.meta.url))];

describe('real-board back-end with stand-ins', () => {
  requireTools(spawnSync('socat', ['-V']).error ? 'socat (apt-get install socat)' : undefined);
  let directory: string;
  let graph: Graph;
  const links: PtyLink[] = [];
  const transports: SerialPortTransport[] = [];
  beforeAll(async () => {
    graph = await loadModelFile(sharedModels.kws_ref_model);
  });
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    for (const link of links.splice(0)) await link.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });
  afterAll(() => {
    delete process.env.STAND_IN_ARGS_FILE;
  });

  /** The probe's virtual COM port: a pty whose far end is a fake board answering as nucleo-f446re. */
  const plugIn = async (name: string) => {
    const link = await PtyLink.start(join(directory, name), join(directory, `${name}-board`));
    links.push(link);
    const boardEnd = await SerialPortTransport.open(link.boardPath);
    transports.push(boardEnd);
    new FakeBoard(graph, boardEnd, { boardId: 'nucleo-f446re', buildId: 'stand-in' });
    return link;
  };
  const listed = (path: string): SerialPortEntry => ({ path, vendorId: '0483', productId: '374b', serialNumber: '066DFF3', boards: [nucleoF446re] });

  it('flashes through the GDB server it starts (OpenOCD’s line, probe picked by serial number), finds the port by USB id, says HELLO, and stops the server on close', async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-real-'));
    process.env.STAND_IN_ARGS_FILE = join(directory, 'args.json');
    const port = await plugIn('ttyACM0');
    // A tiny image in the stand-in's flash (its 64 KiB at 0, 16 KiB sectors).
    const code = Uint8Array.from({ length: 0x1200 }, (_, i) => (i < 0x100 ? 0 : (i * 13) & 0xff));
    const elf = buildElf([{ type: 1, offset: 0x100, virtualAddress: 0x4000, physicalAddress: 0x4000, fileSize: 0x1100, memorySize: 0x1100, flags: 5 }], code);
    const steps: BoardConnectProgress[] = [];
    const connection = await connectBoard(nucleoF446re, elf, {
      gdbServerLaunch: { command: standIn },
      listSerialPorts: async () => [listed(port.hostPath), { path: '/dev/ttyS0', boards: [] }],
      onProgress: (progress) => steps.push(progress),
    });
    let gdbPort: number;
    try {
      expect(connection).toMatchObject({ board: 'nucleo-f446re', backend: 'gdb-server', serialPath: port.hostPath, flash: { bytes: 0x1100, segments: 1 } });
      expect(connection.info).toMatchObject({ boardId: 'nucleo-f446re', buildId: 'stand-in' });
      // The fake board's timer runs at 1 GHz, not the F446RE's 180 MHz: the connection says so (a 'hello' step);
      // then the faster line is asked for (SET_BAUD), which this stand-in's firmware does not know.
      expect(steps.map((step) => step.step)).toEqual(['start', 'start', 'flash', 'line', 'hello', 'hello', 'hello']);
      expect(steps[6].message).toBe("the line stays at 115200 baud (the board's firmware has no SET_BAUD)");
      expect(connection.baudRate).toBe(115200);
      expect(connection.clockNote).toMatch(/^board nucleo-f446re runs at 1000 MHz, not the 180 MHz of its catalog entry/);
      expect(steps[0].message).toBe('starting OpenOCD for nucleo-f446re (probe 066DFF3)');
      const args = JSON.parse(await readFile(join(directory, 'args.json'), 'utf8')) as string[];
      gdbPort = Number(/^gdb_port (\d+)$/.exec(args[1])![1]);
      expect(args).toContain('adapter serial 066DFF3');
      expect(args).toContain('target/stm32f4x.cfg');
      await connection.client.echo(Uint8Array.from([1, 2, 3]));
    } finally {
      await connection.close();
    }
    // The server is gone with the connection.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(gdbPort, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 60_000);

  it('flashes by copying the .bin to its drive, waits for the board to come back and reopens its port, which came back under a new path', async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-real-'));
    const media = join(directory, 'media');
    const drive = join(media, 'NODE_F446RE');
    await mkdir(drive, { recursive: true });
    await writeFile(join(drive, 'DETAILS.TXT'), 'Version: V2J40M27\n');
    const first = await plugIn('ttyACM0');
    let ports = [listed(first.hostPath)];
    // The ELF of a build for the board: one segment at the start of its flash.
    const code = Uint8Array.from({ length: 0x400 }, (_, i) => (i < 0x100 ? 0 : i & 0xff));
    const elfPath = join(directory, 'profiler.elf');
    await writeFile(elfPath, buildElf([{ type: 1, offset: 0x100, virtualAddress: 0x0800_0000, physicalAddress: 0x0800_0000, fileSize: 0x300, memorySize: 0x300, flags: 5 }], code));
    // The probe: takes profiler.bin, unmounts, resets the board (its port goes away), and comes back with the port at ttyACM1.
    let taken: Buffer | undefined;
    const probe = setInterval(() => {
      if (taken || !existsSync(join(drive, 'profiler.bin'))) return;
      void (async () => {
        taken = await readFile(join(drive, 'profiler.bin'));
        await rename(drive, `${drive}.away`);
        for (const transport of transports.splice(0)) await transport.close();
        await links.splice(0)[0].stop();
        ports = [];
        await new Promise((resolve) => setTimeout(resolve, 200));
        const back = await plugIn('ttyACM1');
        ports = [listed(back.hostPath)];
        await rename(`${drive}.away`, drive);
      })();
    }, 10);
    const steps: string[] = [];
    try {
      const board: Board = nucleoF446re;
      const plan = await planRealBoard(board, { flashMethod: 'drive', drive: { mountRoots: [media], listDrives: async () => [] }, listSerialPorts: async () => ports });
      expect(plan).toEqual({ method: 'drive', port: { path: first.hostPath, vendorId: '0483', productId: '374b', serialNumber: '066DFF3' } });
      const connection = await connectBoard(board, elfPath, {
        flashMethod: 'drive',
        drive: { mountRoots: [media], listDrives: async () => [], pollMs: 10 },
        reopen: { listPorts: async () => ports, initialDelayMs: 20, maxDelayMs: 100 },
        listSerialPorts: async () => ports,
        onProgress: (progress) => steps.push(`${progress.step}: ${progress.message}`),
      });
      try {
        expect(connection).toMatchObject({ backend: 'mass-storage', serialPath: join(directory, 'ttyACM1'), flash: { bytes: 0x300 } });
        expect([...taken!]).toEqual([...code.subarray(0x100, 0x400)]);
        expect(connection.info.boardId).toBe('nucleo-f446re');
        expect(steps).toContain(`line: reopening the serial line ${first.hostPath} after the reset`);
        await connection.client.echo(Uint8Array.from([9, 8, 7]));
      } finally {
        await connection.close();
      }
    } finally {
      clearInterval(probe);
    }
  }, 60_000);

  it('Raspberry Pi Pico: the .uf2 (RP2040 family id, 256-byte payloads) is copied to its RPI-RP2 drive, which goes away as it reboots; then HELLO on the Debug Probe’s port', async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-real-'));
    const media = join(directory, 'media');
    const drive = join(media, 'RPI-RP2');
    await mkdir(drive, { recursive: true });
    await writeFile(join(drive, 'INFO_UF2.TXT'), 'UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n');
    const link = await PtyLink.start(join(directory, 'ttyACM0'), join(directory, 'ttyACM0-board'));
    links.push(link);
    const boardEnd = await SerialPortTransport.open(link.boardPath);
    transports.push(boardEnd);
    new FakeBoard(graph, boardEnd, { boardId: 'rpi-pico', buildId: 'stand-in' });
    const pico: Board = { ...requireBoard('rpi-pico'), firmware: { ...requireBoard('rpi-pico').firmware, missing: undefined } };
    const code = Uint8Array.from({ length: 0x300 }, (_, i) => (i < 0x100 ? 0 : (i * 7) & 0xff));
    const elfPath = join(directory, 'profiler.elf');
    await writeFile(elfPath, buildElf([{ type: 1, offset: 0x100, virtualAddress: 0x1000_0000, physicalAddress: 0x1000_0000, fileSize: 0x200, memorySize: 0x200, flags: 5 }], code));
    // The boot ROM: takes the UF2 and reboots, its drive gone for good.
    let taken: Buffer | undefined;
    const bootRom = setInterval(() => {
      if (taken || !existsSync(join(drive, 'profiler.uf2'))) return;
      void (async () => {
        taken = await readFile(join(drive, 'profiler.uf2'));
        await rm(drive, { recursive: true, force: true });
      })();
    }, 10);
    try {
      const ports: SerialPortEntry[] = [{ path: link.hostPath, vendorId: '2e8a', productId: '000c', serialNumber: 'E6614C311B', boards: [pico] }];
      const connection = await connectBoard(pico, elfPath, { drive: { mountRoots: [media], listDrives: async () => [], pollMs: 10 }, listSerialPorts: async () => ports });
      try {
        expect(connection).toMatchObject({ backend: 'mass-storage', serialPath: link.hostPath, info: { boardId: 'rpi-pico' } });
        // Two 512-byte UF2 blocks of 256 payload bytes: magic numbers, family id flag, address, block numbering, RP2040's family id.
        expect(taken!.length).toBe(1024);
        const words = (block: number) => Array.from({ length: 8 }, (_, i) => taken!.readUInt32LE(block * 512 + i * 4));
        expect(words(0)).toEqual([0x0a324655, 0x9e5d5157, 0x2000, 0x1000_0000, 256, 0, 2, 0xe48bff56]);
        expect(words(1)).toEqual([0x0a324655, 0x9e5d5157, 0x2000, 0x1000_0100, 256, 1, 2, 0xe48bff56]);
        expect([...taken!.subarray(32, 32 + 256)]).toEqual([...code.subarray(0x100, 0x200)]);
        expect(taken!.readUInt32LE(512 - 4)).toBe(0x0ab16f30);
      } finally {
        await connection.close();
      }
    } finally {
      clearInterval(bootRom);
    }
  }, 60_000);

  it('a board that is not plugged in, or with nothing to flash it, is refused before anything starts, naming it', async () => {
    const notPlugged = await planRealBoard(nucleoF446re, { gdbServerLaunch: { command: standIn }, listSerialPorts: async () => [{ path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', boards: [] }] }).catch(
      (caught: unknown) => caught,
    );
    expect(notPlugged).toBeInstanceOf(DeviceError);
    expect((notPlugged as Error).message).toBe(
      "board nucleo-f446re is not plugged in: no serial port with its probe's USB id (ST-LINK/V2-1 0483:374b); ports plugged in: /dev/ttyUSB0 (1a86:7523); plug it in, or give its port with --port",
    );
    const nothing = await planRealBoard(nucleoF446re, { gdbServerLaunch: { findProgram: async () => undefined }, drive: { mountRoots: [], listDrives: async () => [] }, listSerialPorts: async () => [] }).catch(
      (caught: unknown) => caught,
    );
    expect((nothing as Error).message).toBe(
      'board nucleo-f446re: nothing to flash it with: install openocd (apt-get install openocd) or pyocd (pip install pyocd, or apt-get install python3-pyocd), or mount its drive NODE_F446RE to flash by copying a .bin, or start a GDB server yourself and give --gdb-server host:port',
    );
  });
});
