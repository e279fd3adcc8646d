/**
 * `tinydeploy deploy --board virtual-stm32f405`: the real executable deploys KWS and the int8 LSTM
 * to QEMU's netduinoplus2 running the STM32F4 family firmware (the NUCLEO boards' start-up, clock
 * and USART code), through the real-board back-end: flashed through a GDB server (QEMU's
 * gdbstub), the profiler's line a pty opened through the serialport transport, inputs sent with
 * LOAD_INPUT over that line. Bit-exact against the host interpreter and TFLite Micro's vectors.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { virtualBoardTestsUnavailable } from '../../src/core/node/devices/qemu/testing/qemu.js';
import { requireTools } from '../testing/tools.js';
import { repoRoot, sharedModels, sharedPath } from '../testing/shared-data.js';

const run = promisify(execFile);
const tinydeploy = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
const unavailable = virtualBoardTestsUnavailable();

describe('tinydeploy deploy --board virtual-stm32f405', () => {
  requireTools(unavailable);

  it("KWS: TFLite Micro's input gives TFLite Micro's output, bit-exact, over the serialport line", async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-cli-stm32-'));
    try {
      const output = join(directory, 'out.bin');
      const { stdout, stderr } = await tinydeploy([
        'deploy', sharedModels.kws_ref_model, '--board', 'virtual-stm32f405', '--runs', '2', '--json',
        '--input', sharedPath('vectors/kws_ref_model.input.bin'), '--output', output,
      ]);
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({ board: 'virtual-stm32f405', bitExact: true, passed: true, runsIdentical: true });
      expect(result.latency).toMatchObject({ unit: 'instructions', runs: 2 });
      expect(result.latency.min).toBe(result.latency.max);
      expect(result.layers).toHaveLength(13);
      expect([...(await readFile(output))]).toEqual([...(await readFile(sharedPath('vectors/kws_ref_model.output.bin')))]);
      // The steps of the real-board back-end, QEMU standing in for the probe.
      expect(stderr).toMatch(/starting QEMU netduinoplus2 as virtual-stm32f405's probe \(GDB server and serial port\)/);
      expect(stderr).toMatch(/flashing \d+ bytes through 127\.0\.0\.1:\d+/);
      expect(stderr).toMatch(/opening the serial line \/dev\/pts\/\d+/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('the int8 LSTM: three runs, state reset before each, bit-exact', async () => {
    const { stdout } = await tinydeploy(['deploy', sharedModels.trained_lstm_int8, '--board', 'virtual-stm32f405', '--runs', '3', '--json']);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ board: 'virtual-stm32f405', bitExact: true, passed: true, runsIdentical: true });
    expect(result.latency.runs).toBe(3);
    expect(result.latency.value).toBeGreaterThan(0);
  });

  it('a real board that is not plugged in is refused before building (exit 1)', async () => {
    const error = await tinydeploy(['deploy', sharedModels.kws_ref_model, '--board', 'nucleo-f446re']).catch((caught: { code: number; stderr: string }) => caught);
    expect((error as { code: number }).code).toBe(1);
    expect((error as { stderr: string }).stderr).toContain("error: board nucleo-f446re is not plugged in: no serial port with its probe's USB id (ST-LINK/V2-1 0483:374b); ");
    // …and how to estimate it without the board.
    expect((error as { stderr: string }).stderr).toContain(`without the board, \`tinydeploy deploy ${sharedModels.kws_ref_model} --board virtual-stm32f405 --target nucleo-f446re\` estimates its cycles and ms`);
  });
});
