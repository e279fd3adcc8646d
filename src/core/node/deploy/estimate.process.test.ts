import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { requireBoard, virtualM4f } from '../../common/boards/index.js';
import { ValidationError } from '../../common/errors.js';
import { virtualBoardTestsUnavailable } from '../devices/qemu/testing/qemu.js';
import { deployModelFile } from './deploy.js';

/**
 * Deploy's cycle estimate on QEMU: the plugin's count of the checked inference agrees with the
 * SysTick instruction count, and the estimate is priced for the board `target` names.
 */
const unavailable = virtualBoardTestsUnavailable();

describe('deploy estimates cycles and ms on virtual boards', () => {
  requireTools(unavailable);

  it('KWS on virtual-m4f, estimated for nucleo-l4r5zi: one counted inference per run, priced for a Cortex-M4 at 120 MHz with 5 wait states', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'estimate-deploy-'));
    try {
      const result = await deployModelFile(sharedModels.kws_ref_model, { board: virtualM4f, runs: 2, workDirectory: directory, estimate: { target: requireBoard('nucleo-l4r5zi') } });
      expect(result.bitExact).toBe(true);
      const estimate = result.estimate!;
      expect(estimate).toMatchObject({ board: 'nucleo-l4r5zi', core: 'cortex-m4', cpuHz: 120_000_000, runs: 2 });
      // The plugin counts exactly what SysTick counts in 40-instruction ticks (plus the markers' calls and returns).
      expect(Math.abs(estimate.instructions - result.latency.value)).toBeLessThan(400);
      expect(estimate.cycles).toBeGreaterThan(estimate.instructions);
      expect(estimate.parts.flashWaits).toBeGreaterThan(0);
      expect(estimate.ms).toBeCloseTo((estimate.cycles / 120e6) * 1000, 9);
      const lines = (await readFile(join(directory, 'instruction-mix.jsonl'), 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(JSON.parse(lines[0]).instructions).toBe(JSON.parse(lines[1]).instructions);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 120_000);

  it('estimates for the virtual board itself by default (its core and clock, no wait states), and not at all with estimate: false', async () => {
    const own = await deployModelFile(sharedModels.ad01_int8, { board: virtualM4f });
    expect(own.estimate).toMatchObject({ board: 'virtual-m4f', core: 'cortex-m4', cpuHz: virtualM4f.cpuHz });
    expect(own.estimate!.parts.flashWaits).toBe(0);
    const none = await deployModelFile(sharedModels.ad01_int8, { board: virtualM4f, estimate: false });
    expect(none.estimate).toBeUndefined();
    expect(none.estimateUnavailable).toBeUndefined();
    expect(none.latency.value).toBe(own.latency.value);
  }, 120_000);

  it('refuses a target whose core lacks the DSP instructions the build uses, naming both boards', async () => {
    const deploy = deployModelFile(sharedModels.ad01_int8, { board: virtualM4f, estimate: { target: requireBoard('rpi-pico') } });
    await expect(deploy).rejects.toThrow(ValidationError);
    await expect(deploy).rejects.toThrow(/cannot estimate for rpi-pico \(Cortex-M0\+, no DSP extension\) from virtual-m4f/);
  });

  it('without a host gcc to build the plugin, a deploy still answers and says why it has no estimate; asked for a target, it fails saying what to install', async () => {
    const saved = { cc: process.env.TINYDEPLOY_HOST_CC, cache: process.env.TINYDEPLOY_CACHE_DIR };
    const cache = await mkdtemp(join(tmpdir(), 'estimate-cache-'));
    process.env.TINYDEPLOY_HOST_CC = join(cache, 'no-such-gcc');
    process.env.TINYDEPLOY_CACHE_DIR = cache;
    try {
      const result = await deployModelFile(sharedModels.ad01_int8, { board: virtualM4f });
      expect(result.bitExact).toBe(true);
      expect(result.estimate).toBeUndefined();
      expect(result.estimateUnavailable).toMatch(/no-such-gcc not found: .*install it with `apt-get install gcc`/);
      await expect(deployModelFile(sharedModels.ad01_int8, { board: virtualM4f, estimate: { target: requireBoard('nucleo-l4r5zi') } })).rejects.toThrow(/no-such-gcc not found/);
    } finally {
      if (saved.cc === undefined) delete process.env.TINYDEPLOY_HOST_CC;
      else process.env.TINYDEPLOY_HOST_CC = saved.cc;
      if (saved.cache === undefined) delete process.env.TINYDEPLOY_CACHE_DIR;
      else process.env.TINYDEPLOY_CACHE_DIR = saved.cache;
      await rm(cache, { recursive: true, force: true });
    }
  }, 120_000);
});
