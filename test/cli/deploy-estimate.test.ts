/**
 * `tinydeploy deploy --target <board>` as a user runs it: a virtual deploy prints and returns the
 * cycle estimate for the named catalog board beside the exact instruction count, and refuses a
 * target it cannot estimate for before building anything.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { virtualBoardTestsUnavailable } from '../../src/core/node/devices/qemu/testing/qemu.js';
import { repoRoot } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';

const run = promisify(execFile);
const tinydeploy = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
const example = 'resources/models/kws_ref_model.tflite';
const unavailable = virtualBoardTestsUnavailable();

describe('tinydeploy deploy --target', () => {
  requireTools(unavailable);

  it('prints the estimate for nucleo-l4r5zi with the core and clock it assumes, and returns it in --json', async () => {
    const { stdout } = await tinydeploy(['deploy', example, '--target', 'nucleo-l4r5zi']);
    expect(stdout).toMatch(
      /\nestimate {2}≈ [\d,]+ cycles, ≈ \d+\.\d ms on nucleo-l4r5zi \(estimate from the instruction mix; Cortex-M4 at 120 MHz\), from [\d,]+ instructions \(cycle table: Cortex-M4 TRM \(ARM DDI 0439B\)/,
    );
    const json = JSON.parse((await tinydeploy(['deploy', example, '--target', 'nucleo-l4r5zi', '--json'])).stdout);
    expect(json.latency.unit).toBe('instructions');
    expect(json.estimate).toMatchObject({ board: 'nucleo-l4r5zi', core: 'cortex-m4', cpuHz: 120_000_000 });
    expect(Math.abs(json.estimate.instructions - json.latency.value)).toBeLessThan(400);
    expect(json.estimate.ms).toBeCloseTo((json.estimate.cycles / 120e6) * 1000, 9);
  }, 120_000);

  it('without --target estimates for the virtual board itself', async () => {
    const json = JSON.parse((await tinydeploy(['deploy', example, '--json'])).stdout);
    expect(json.estimate).toMatchObject({ board: 'virtual-m4f', core: 'cortex-m4', cpuHz: 25_000_000 });
  }, 120_000);

  it('refuses an unknown target and a core without DSP as usage errors', async () => {
    const unknown = await tinydeploy(['deploy', example, '--target', 'nucleo-nope']).catch((caught: { code: number; stderr: string }) => caught);
    expect((unknown as { code: number }).code).toBe(2);
    expect((unknown as { stderr: string }).stderr).toMatch(/unknown board "nucleo-nope"/);
    const pico = await tinydeploy(['deploy', example, '--target', 'rpi-pico']).catch((caught: { code: number; stderr: string }) => caught);
    expect((pico as { code: number }).code).toBe(2);
    expect((pico as { stderr: string }).stderr).toMatch(/--target rpi-pico: cannot estimate for rpi-pico \(Cortex-M0\+, no DSP extension\) from virtual-m4f/);
  });

  it('a real board that is not plugged in is refused with the virtual deploy that estimates it', async () => {
    const env = { ...process.env, TINYDEPLOY_BOARD_PORT: '' };
    const error = await run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), 'deploy', example, '--board', 'nucleo-f446re'], { cwd: repoRoot, env }).catch(
      (caught: { code: number; stderr: string }) => caught,
    );
    expect((error as { code: number }).code).toBe(1);
    expect((error as { stderr: string }).stderr).toContain(
      `; without the board, \`tinydeploy deploy ${example} --board virtual-stm32f405 --target nucleo-f446re\` estimates its cycles and ms`,
    );
  });
});
