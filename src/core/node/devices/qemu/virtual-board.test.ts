import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { DeviceError, TimeoutError } from '../../../common/errors.js';
import { buildFixtureFirmware } from './testing/fixture-firmware.js';
import { SerialLine, virtualBoardTestsUnavailable } from './testing/qemu.js';
import { VirtualBoard, type VirtualBoardTarget } from './virtual-board.js';

/**
 * Real QEMU: start paused and blank, flash over GDB, open the pty, resume, talk. The firmware is
 * firmware/boards/common/tests/echo.c (echo; 0x01 = time a fixed workload; 0x02 = board info).
 */
const unavailable = virtualBoardTestsUnavailable();

const targets: Record<string, VirtualBoardTarget & { tickHz: number }> = {
  'virtual-m4f': { id: 'virtual-m4f', qemu: { machine: 'mps2-an386' }, tickHz: 25_000_000 },
  'virtual-m7': { id: 'virtual-m7', qemu: { machine: 'mps2-an500' }, tickHz: 25_000_000 },
  'virtual-m55': { id: 'virtual-m55', qemu: { machine: 'mps3-an547' }, tickHz: 32_000_000 },
};

let buildDirectory = '';
const boards: VirtualBoard[] = [];
const lines: SerialLine[] = [];

/** Starts a board, flashes `elf`, opens its pty, resumes it and (unless told not to) handshakes. */
async function bringUp(id: string, elf: string, options: { handshake?: boolean } = {}) {
  const started = performance.now();
  const board = await VirtualBoard.start(targets[id]);
  boards.push(board);
  const flashed = await board.flash(elf);
  const line = await SerialLine.open(board.serialPath);
  lines.push(line);
  await board.resume();
  const resumed = performance.now();
  let probes = 0;
  if (options.handshake ?? true) probes = await board.guard(line.handshake('?', '?'));
  const figures = {
    launchMs: Math.round(board.timings.launchMs),
    flashMs: Math.round(flashed.milliseconds),
    flashBytes: flashed.bytes,
    handshakeMs: Math.round(performance.now() - resumed),
    probes,
    totalMs: Math.round(performance.now() - started),
  };
  return { board, line, figures };
}

async function tearDown(board: VirtualBoard, line: SerialLine) {
  await line.close();
  await board.stop();
}

/** Asks the echo firmware to time its workload; returns the tick count. */
async function timeWorkload(line: SerialLine): Promise<number> {
  line.clear();
  line.write(Uint8Array.of(0x01));
  const text = await line.waitFor((received) => /T\d+\n/.test(received), 5000, 'timing reply');
  return Number(/T(\d+)\n/.exec(text)![1]);
}

describe('virtual boards on QEMU', () => {
  requireTools(unavailable);
  const firmware: Record<string, { echo: string; silent?: string }> = {};

  beforeAll(async () => {
    buildDirectory = await mkdtemp(join(tmpdir(), 'tinydeploy-virtual-board-test-'));
    for (const id of Object.keys(targets)) {
      firmware[id] = { echo: await buildFixtureFirmware(id, 'echo', { outputDirectory: buildDirectory }) };
    }
    firmware['virtual-m4f'].silent = await buildFixtureFirmware('virtual-m4f', 'echo', {
      outputDirectory: buildDirectory,
      name: 'silent',
      defines: { TD_ECHO_SILENT: true },
    });
  });

  afterAll(async () => {
    for (const line of lines) await line.close();
    for (const board of boards) await board.stop();
    if (buildDirectory) await rm(buildDirectory, { recursive: true, force: true });
  });

  for (const id of Object.keys(targets)) {
    it(`${id}: flashes over GDB, runs and echoes on the UART with receive interrupts`, async () => {
      const { board, line, figures } = await bringUp(id, firmware[id].echo);
      console.info(`${id}: start + flash + handshake`, figures);
      expect(board.process.running).toBe(true);

      line.clear();
      line.write(Uint8Array.of(0x02));
      await line.waitFor((text) => text.includes('\n'), 5000, 'info reply');
      expect(line.text()).toBe(`I${id} ${targets[id].tickHz}\n`);

      // Every byte value but the two command bytes, twice: 508 bytes through a 1-byte UART.
      const values = Array.from({ length: 256 }, (_, value) => value).filter((value) => value !== 0x01 && value !== 0x02);
      const payload = Uint8Array.from([...values, ...values]);
      line.clear();
      const sent = performance.now();
      line.write(payload);
      await line.waitFor((text) => text.length >= payload.length, 20_000, 'echo of 508 bytes');
      console.info(`${id}: echo of ${payload.length} bytes in ${Math.round(performance.now() - sent)} ms`);
      expect(Buffer.from(line.text(), 'latin1')).toEqual(Buffer.from(payload));

      await tearDown(board, line);
      expect(board.process.running).toBe(false);
      expect(board.crashError()).toBeUndefined();
    });
  }

  it('counts instructions with SysTick, identically run after run and board after board', async () => {
    const first = await bringUp('virtual-m4f', firmware['virtual-m4f'].echo);
    const counts = [];
    for (let run = 0; run < 5; run++) counts.push(await timeWorkload(first.line));
    await tearDown(first.board, first.line);
    const second = await bringUp('virtual-m4f', firmware['virtual-m4f'].echo);
    counts.push(await timeWorkload(second.line));
    await tearDown(second.board, second.line);

    // 100 000 iterations of a loop of several instructions: tens of thousands of 40-instruction ticks.
    expect(counts[0]).toBeGreaterThan(10_000);
    expect(counts[0]).toBeLessThan(100_000);
    expect(new Set(counts).size).toBe(1);
    console.info(`SysTick ticks of the workload: ${counts[0]} (= ${counts[0] * 40} instructions), ${counts.length} runs identical`);
  });

  it('reports a QEMU killed mid-run as a board crash with its signal', async () => {
    const { board, line } = await bringUp('virtual-m4f', firmware['virtual-m4f'].echo);
    const pid = board.process.pid!;
    // Waiting for an answer the board will never give; QEMU dies meanwhile.
    const waiting = board.guard(line.waitFor((text) => text.includes('never'), 30_000, 'reply'));
    process.kill(pid, 'SIGKILL');
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(new RegExp(`^board virtual-m4f crashed: QEMU \\(pid ${pid}\\) was killed by SIGKILL`));
    expect((error as DeviceError).data).toMatchObject({ board: 'virtual-m4f', signal: 'SIGKILL' });
    // Later operations fail the same way instead of hanging.
    await expect(board.guard(new Promise(() => undefined))).rejects.toThrow(/board virtual-m4f crashed/);
    await tearDown(board, line);
  });

  it('reports a core that locks up (a blank board resumed) as a crash with QEMU\'s reason', async () => {
    const board = await VirtualBoard.start(targets['virtual-m4f']);
    boards.push(board);
    await board.resume();
    const error = await board.guard(new Promise(() => undefined)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toMatch(/^board virtual-m4f crashed: QEMU \(pid \d+\) was killed by SIGABRT; stderr: qemu: fatal: Lockup: .* \(pc 0x[0-9a-f]{8}\)$/);
    await board.stop();
  });

  it('gives a TimeoutError, not a crash, when the board never answers', async () => {
    const { board, line } = await bringUp('virtual-m4f', firmware['virtual-m4f'].silent!, { handshake: false });
    const error = await board.guard(line.handshake('?', '?', { attempts: 5, intervalMs: 200 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(`board on ${line.path} did not answer: 5 probes over 1000 ms got no "?"`);
    expect((error as TimeoutError).data).toEqual({ path: line.path, attempts: 5 });
    expect(board.process.running).toBe(true);
    await tearDown(board, line);
  });

  it('stops cleanly, is idempotent, and refuses to flash or resume afterwards', async () => {
    const board = await VirtualBoard.start(targets['virtual-m7']);
    boards.push(board);
    const pid = board.process.pid!;
    await board.stop();
    await board.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(board.crashError()).toBeUndefined();
    await expect(board.flash(firmware['virtual-m7'].echo)).rejects.toThrow(/board virtual-m7: cannot flash: the board was stopped/);
  });

  it('names a missing emulator and an unknown machine', async () => {
    await expect(VirtualBoard.start(targets['virtual-m4f'], { binary: 'qemu-system-arm-not-installed' })).rejects.toThrow(
      /qemu-system-arm-not-installed not found: virtual boards need QEMU; install it with `apt-get install qemu-system-arm`/,
    );
    await expect(VirtualBoard.start({ id: 'virtual-nothing', qemu: { machine: 'no-such-machine' } })).rejects.toThrow(
      /QEMU for virtual-nothing \(machine no-such-machine\) exited while starting \(exited with code 1\): qemu-system-arm: unsupported machine type/,
    );
    await expect(VirtualBoard.start({ id: 'real-board' })).rejects.toThrow(/board real-board is not a virtual board/);
  });
});
