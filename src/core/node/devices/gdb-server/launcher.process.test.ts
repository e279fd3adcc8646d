import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { requireBoard } from '../../../common/boards/index.js';
import { CancelledError, DeviceError } from '../../../common/errors.js';
import { GdbClient } from '../gdb/gdb-client.js';
import { GdbServerProcess } from './launcher.js';

/**
 * The launcher starting a GDB server program, waiting for its port and stopping it: with a
 * stand-in server (testing/stand-in-gdb-server.ts, the fake GDB server behind OpenOCD's command
 * line and messages) through the same path as the real programs, and with Debian's OpenOCD
 * itself, which gets as far as looking for the ST-LINK and must fail saying so.
 */
const standIn = [process.execPath, '--import', 'tsx', fileURLToPath(new URL('./testing/stand-in-gdb-server.ts', import.meta.url))];
const board = requireBoard('nucleo-f446re');
const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

describe('GDB server launcher', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-gdb-server-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
    delete process.env.STAND_IN_MODE;
    delete process.env.STAND_IN_ARGS_FILE;
  });

  it('starts the server with the board’s OpenOCD line on a free port, waits for it, and stops it on close', async () => {
    process.env.STAND_IN_MODE = 'ok';
    process.env.STAND_IN_ARGS_FILE = join(directory, 'args.json');
    const server = await GdbServerProcess.start(board, { command: standIn, probeSerial: '0669FF' });
    try {
      expect(server.command.program).toBe('openocd');
      const args = JSON.parse(await readFile(join(directory, 'args.json'), 'utf8')) as string[];
      expect(args).toEqual([
        '-c', `gdb_port ${server.address.port}`, '-c', 'telnet_port disabled', '-c', 'tcl_port disabled',
        '-f', 'interface/stlink.cfg', '-c', 'transport select hla_swd', '-c', 'adapter serial 0669FF',
        '-f', 'target/stm32f4x.cfg', '-c', 'adapter speed 4000',
      ]);
      // The port it announced answers the GDB remote protocol, flash map included.
      const gdb = await GdbClient.connect(server.address.host, server.address.port);
      expect((await gdb.haltReason()).kind).toBe('signal');
      expect(await gdb.readMemoryMap()).toEqual([
        { type: 'flash', start: 0, length: 0x10000, blockSize: 0x4000 },
        { type: 'ram', start: 0x10000, length: 0 },
      ]);
      gdb.close();
    } finally {
      await server.close();
    }
    expect(server.running).toBe(false);
    expect(alive(server.pid)).toBe(false);
    expect(server.crashError()).toBeUndefined();
  }, 30_000);

  it('a server that fails without a probe is a DeviceError naming the board, the server and its message', async () => {
    process.env.STAND_IN_MODE = 'no-probe';
    const error = await GdbServerProcess.start(board, { command: standIn }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(/^board nucleo-f446re: OpenOCD exited \(code 1\) before opening its GDB port: Error: open failed; is the board plugged in/);
  }, 30_000);

  it('cancel while the server starts stops it', async () => {
    process.env.STAND_IN_MODE = 'silent';
    process.env.STAND_IN_ARGS_FILE = join(directory, 'silent.json');
    const controller = new AbortController();
    const started = GdbServerProcess.start(board, { command: standIn, signal: controller.signal });
    // Once the stand-in has run (it writes its arguments), cancel.
    for (let i = 0; i < 400 && !(await readFile(join(directory, 'silent.json'), 'utf8').catch(() => '')); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    controller.abort();
    const error = await started.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
  }, 30_000);

  it('with neither OpenOCD nor pyOCD installed, says what to install, naming the board', async () => {
    const error = await GdbServerProcess.start(board, { findProgram: async () => undefined }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe(
      'board nucleo-f446re: no GDB server to flash it with: install openocd (apt-get install openocd) or pyocd (pip install pyocd, or apt-get install python3-pyocd) (or start one yourself and give --gdb-server host:port)',
    );
  });

  it('Debian’s OpenOCD starts with the board’s config and fails clearly without an ST-LINK', async () => {
    requireTools(spawnSync('openocd', ['--version']).error ? 'openocd (apt-get install openocd)' : undefined);
    for (const id of ['nucleo-f446re', 'nucleo-l4r5zi', 'nucleo-h743zi2', 'stm32f746g-disco']) {
      const error = await GdbServerProcess.start(requireBoard(id), { program: 'openocd' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DeviceError);
      // Its config was read (the clock set, the target script found): it stops at opening the probe.
      expect((error as Error).message).toMatch(new RegExp(`^board ${id}: OpenOCD (failed|exited \\(code \\d+\\)) before opening its GDB port: Error: open failed; `));
      expect((error as Error).message).toContain('clock speed 4000 kHz');
    }
    const pico = await GdbServerProcess.start(requireBoard('rpi-pico'), { program: 'openocd' }).catch((caught: unknown) => caught);
    expect((pico as Error).message).toMatch(/^board rpi-pico: OpenOCD (failed|exited \(code \d+\)) before opening its GDB port: Error: unable to find a matching CMSIS-DAP device; /);
    const pico2 = await GdbServerProcess.start(requireBoard('rpi-pico2'), { program: 'openocd' }).catch((caught: unknown) => caught);
    expect(pico2).toBeInstanceOf(DeviceError);
    expect((pico2 as Error).message).toContain("Can't find target/rp2350.cfg");
    expect((pico2 as Error).message).toContain("OpenOCD 0.12 (Debian's) has no rp2350.cfg");
  }, 60_000);

  it('Debian’s pyOCD (pyocd-gdbserver) takes the board’s command line and says it found no probe', async () => {
    requireTools(spawnSync('pyocd-gdbserver', ['--version']).error ? 'pyocd-gdbserver (apt-get install python3-pyocd)' : undefined);
    const error = await GdbServerProcess.start(requireBoard('nrf52840-dk'), { program: 'pyocd', probeSerial: '683000000', findProgram: async (name) => (name === 'pyocd-gdbserver' ? 'pyocd-gdbserver' : undefined) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(/^board nrf52840-dk: pyOCD failed before opening its GDB port: Waiting for a debug probe to be connected; is the board plugged in/);
    expect((error as DeviceError).data?.commandLine).toEqual(['pyocd-gdbserver', '-t', 'nrf52840', '-p', expect.any(String), '-T', '0', '-f', '4000000', '--persist', '-b', '683000000']);
  }, 60_000);
});
