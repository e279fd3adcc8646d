// Flash and RAM by part, read from a real firmware image's symbols (arm-none-eabi-gcc builds the
// bundled KWS model for virtual-m4f): the parts add up to the build report's totals exactly, and
// each part holds what it is named after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { repoRoot } from '../../../../test/testing/shared-data.js';
import { virtualM4f } from '../../common/boards/index.js';
import { buildModelFile } from './build-model.js';
import { ownerOfSource } from './memory-parts.js';
import { buildFirmwareProject } from './project.js';

const commandExists = (command: string) => spawnSync(command, ['--version'], { encoding: 'utf8' }).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-memory-parts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('memory parts of a firmware image', () => {
  requireTools(commandExists('arm-none-eabi-gcc') ? undefined : 'arm-none-eabi-gcc is not on PATH (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)');

  it('kws on virtual-m4f: flash = weights + model + kernels + runtime + start-up + other, RAM = arena + stack + runtime + other', async () => {
    const { project } = await buildModelFile(join(repoRoot, 'resources/models/kws_ref_model.tflite'), { board: virtualM4f, out: join(scratch, 'kws'), compile: false });
    const { report } = await buildFirmwareProject(project);
    const { flashParts: flash, ramParts: ram } = report;
    expect(flash.weights + flash.model + flash.kernels + flash.runtime + flash.startup + flash.other).toBe(report.flashBytes);
    expect(ram.arena + ram.stack + ram.runtime + ram.other).toBe(report.ramBytes);
    expect(flash.weights).toBe(report.weightBytes);
    expect(ram.arena).toBe(report.arenaBytes);
    expect(ram.stack).toBe(report.stackBytes);
    // Every part is there, and what no symbol names stays small.
    for (const part of ['model', 'kernels', 'runtime', 'startup'] as const) expect(flash[part], part).toBeGreaterThan(0);
    expect(flash.kernels).toBeGreaterThan(flash.startup);
    expect(flash.other).toBeLessThan(0.01 * report.flashBytes);
    expect(report.kernelBytes).toBe(flash.kernels);
    expect(report.runtimeBytes).toBe(flash.runtime);
  }, 120_000);

  it('puts a source in its part by its folder in the generated project', () => {
    expect(ownerOfSource('model/model.c')).toBe('model');
    expect(ownerOfSource('kernels/src/conv/td_conv2d_s8.c')).toBe('kernels');
    expect(ownerOfSource('boards/common/src/td_startup.c')).toBe('startup');
    expect(ownerOfSource('app/main.c')).toBe('runtime');
  });
});
