/**
 * `tinydeploy deploy` and `tinydeploy boards` as a user runs them: the real executable, the
 * bundled example on the default virtual board, the JSON keys users' CI depends on, raw input and
 * output files, and the exit codes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../testing/tools.js';
import { boards } from '../../src/core/common/boards/index.js';
import { missingArmToolchain } from '../codegen/testing/codegen.js';
import { virtualBoardTestsUnavailable } from '../../src/core/node/devices/qemu/testing/qemu.js';
import { repoRoot, sharedModels, sharedPath } from '../testing/shared-data.js';

const run = promisify(execFile);
const tinydeploy = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
const example = 'resources/models/kws_ref_model.tflite';
const unavailable = virtualBoardTestsUnavailable();

describe('tinydeploy deploy', () => {
  requireTools(unavailable);
  it('deploys the bundled example to the default board and prints latency, memory, the per-layer table and the check', async () => {
    const { stdout } = await tinydeploy(['deploy', example]);
    expect(stdout).toMatch(/^resources\/models\/kws_ref_model\.tflite on virtual-m4f \(Virtual Cortex-M4F \(QEMU mps2-an386\)\)\n/);
    expect(stdout).toMatch(/\nlatency {2}[\d,]+ instructions per inference, \d+\.\d\d instructions per MAC, 2,656,768 MACs\n/);
    expect(stdout).toMatch(/\n {9}instructions: executed by the emulated core, counted by QEMU, not cycles or time; virtual-m4f runs its core at [\d,.]+ MHz\n/);
    // Memory in the words every view uses; each sum adds up to its total.
    const flash = /\nflash {4}([\d,]+) B = weights ([\d,]+) B \+ model ([\d,]+) B \+ kernels ([\d,]+) B \+ runtime ([\d,]+) B \+ start-up ([\d,]+) B \+ other ([\d,]+) B\n/.exec(stdout);
    const ram = /\nRAM {6}([\d,]+) B = arena ([\d,]+) B \+ stack ([\d,]+) B \(estimated from the call graph; measured high-water [\d,]+ B\) \+ runtime ([\d,]+) B \+ other ([\d,]+) B\n/.exec(stdout);
    const numbers = (match: RegExpExecArray | null) => match!.slice(1).map((text) => Number(text.replace(/,/g, '')));
    const [flashTotal, ...flashParts] = numbers(flash);
    const [ramTotal, ...ramParts] = numbers(ram);
    expect(flashParts.reduce((sum, part) => sum + part, 0)).toBe(flashTotal);
    expect(ramParts.reduce((sum, part) => sum + part, 0)).toBe(ramTotal);
    expect(stdout).toContain("arena: the memory planner's static arena");
    expect(stdout).toContain('\nkernels  optimized for size: td_avgpool_s8, td_conv2d_s8, td_depthwise_conv2d_s8_wide, td_fully_connected_s8_paired, td_softmax_s8\n');
    expect(stdout).toContain('\nbit-exact: yes — 1 output(s), 12 values identical to the host interpreter on 1 run(s)\n');
    expect(stdout).toMatch(/\n 0 {2}CONV_2D +[\d,]+ +\d+\.\d% +320,000 +\d+\.\d\d\n/);
    expect(stdout).toMatch(/\n12 {2}SOFTMAX +[\d,]+/);
  });

  it('--json keeps the documented keys; --input and --output carry raw bytes', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-cli-deploy-'));
    try {
      const output = join(directory, 'out.bin');
      const { stdout } = await tinydeploy(['deploy', sharedModels.kws_ref_model, '--board', 'virtual-m4f', '--runs', '3', '--json', '--input', sharedPath('vectors/kws_ref_model.input.bin'), '--output', output]);
      const result = JSON.parse(stdout);
      for (const key of ['board', 'optimize', 'latency', 'instructionsPerMac', 'arenaBytes', 'stackBytes', 'flashBytes', 'bitExact', 'layers']) expect(result).toHaveProperty(key);
      expect(Object.values(result.memory.flash as Record<string, number>).reduce((sum, part) => sum + part, 0)).toBe(result.flashBytes);
      expect(Object.values(result.memory.ram as Record<string, number>).reduce((sum, part) => sum + part, 0)).toBe(result.ramBytes);
      expect(result.board).toBe('virtual-m4f');
      expect(result.optimize).toBe('size');
      expect(result.latency).toMatchObject({ unit: 'instructions', runs: 3 });
      expect(result.latency.value).toBeGreaterThan(1e6);
      expect(result.instructionsPerMac).toBeCloseTo(result.latency.value / 2_656_768, 9);
      expect(result.bitExact).toBe(true);
      expect(result.layers).toHaveLength(13);
      expect(Object.keys(result.layers[0])).toEqual(['index', 'op', 'latency', 'macs']);
      expect(result.layers[0]).toMatchObject({ index: 0, op: 'CONV_2D' });
      // The board's raw output is TFLite Micro's output for the same input.
      expect([...(await readFile(output))]).toEqual([...(await readFile(sharedPath('vectors/kws_ref_model.output.bin')))]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('--optimize speed: VWW bit-exact, fewer instructions than optimized for size, the setting in --json', async () => {
    const deploy = async (optimize: string) => JSON.parse((await tinydeploy(['deploy', sharedModels.vww_96_int8, '--json', '--optimize', optimize, '--input', sharedPath('vectors/vww_96_int8.input.bin')])).stdout);
    const size = await deploy('size');
    const speed = await deploy('speed');
    expect([size.optimize, speed.optimize]).toEqual(['size', 'speed']);
    expect([size.bitExact, speed.bitExact]).toEqual([true, true]);
    expect(speed.latency.value).toBeLessThan(size.latency.value);
    expect(speed.memory.flash.kernels).toBeGreaterThan(size.memory.flash.kernels);
  });

  it('refuses an input of the wrong size naming the input and the sizes (exit 1)', async () => {
    const error = await tinydeploy(['deploy', example, '--input', sharedPath('vectors/ad01_int8.input.bin')]).catch((caught: { code: number; stderr: string }) => caught);
    expect((error as { code: number }).code).toBe(1);
    expect((error as { stderr: string }).stderr).toMatch(/error: input 0 \(.*, int8 \[1,49,10,1\]\) takes 490 bytes, got 640\n/);
  });
});

describe('tinydeploy boards', () => {
  const catalogIds = boards.map((board) => board.id);
  expect(catalogIds).toEqual(expect.arrayContaining(['virtual-m4f', 'real-template', 'nucleo-l4r5zi', 'nucleo-f446re', 'nucleo-h743zi2', 'stm32f746g-disco', 'nrf52840-dk', 'rpi-pico', 'rpi-pico2']));
  const withData = async <T>(body: (dataDirectory: string) => Promise<T>) => {
    const directory = await mkdtemp(join(tmpdir(), 'tinydeploy-cli-boards-'));
    try {
      return await body(directory);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  };

  it('lists every virtual and catalog board as JSON: id, name, kind, core, cpuHz, flashBytes, ramBytes, flash, connected', async () => {
    await withData(async (data) => {
      const { stdout } = await tinydeploy(['boards', '--json', '--data-dir', data]);
      const listing = JSON.parse(stdout);
      expect(listing.map((board: { id: string }) => board.id)).toEqual(catalogIds);
      for (const board of listing) expect(Object.keys(board)).toEqual(['id', 'name', 'kind', 'core', 'cpuHz', 'flashBytes', 'ramBytes', 'flash', 'connected']);
      expect(listing[0]).toMatchObject({ id: 'virtual-m4f', kind: 'virtual', core: 'cortex-m4', cpuHz: 25e6, flashBytes: 4194304, ramBytes: 4194304, flash: 'qemu', connected: null });
      expect(listing.find((board: { id: string }) => board.id === 'rpi-pico')).toMatchObject({ kind: 'real', core: 'cortex-m0plus', cpuHz: 125e6, flashBytes: 2097152, ramBytes: 270336, flash: 'uf2-drive' });
      expect(listing.find((board: { id: string }) => board.id === 'nucleo-l4r5zi')).toMatchObject({ kind: 'real', core: 'cortex-m4', cpuHz: 120e6, flash: 'openocd' });
    });
  });

  it('still lists every board, exit 0, when the serial ports cannot be listed (no udevadm on PATH), and says why on stderr', async () => {
    // serialport lists ports by running udevadm: a PATH without it (an empty folder) makes that fail.
    await withData(async (emptyPath) => {
      const withoutUdevadm = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args, '--data-dir', join(emptyPath, 'data')], { cwd: repoRoot, env: { ...process.env, PATH: emptyPath } });
      const json = await withoutUdevadm(['boards', '--json']);
      const listing = JSON.parse(json.stdout);
      expect(listing.map((board: { id: string }) => board.id)).toEqual(catalogIds);
      expect(listing.every((board: { connected: unknown }) => board.connected === null)).toBe(true);
      expect(json.stderr).toBe('tinydeploy boards: cannot list serial ports: udevadm not found (apt-get install udev): "connected" is null for every board\n');
      const text = await withoutUdevadm(['boards']);
      expect(text.stdout).toContain('\nserial boards: unknown, cannot list serial ports: udevadm not found (apt-get install udev)\n');
      expect(text.stdout).toContain('virtual-m4f');
      expect(text.stdout).toMatch(/\nnucleo-h743zi2 +cortex-m7 +480 MHz +2048 KiB +512 KiB +openocd, pyocd, st-util, bin-drive +not plugged in/);
    });
  });

  it('adds a custom board, lists it with kind "custom", builds KWS for it and removes it', async () => {
    requireTools(missingArmToolchain);
    await withData(async (data) => {
      const add = await tinydeploy(['boards', 'add', '--data-dir', data, '--id', 'my-m33', '--core', 'cortex-m33', '--clock', '96e6', '--flash', '0x00000000:512K', '--ram', '0x20000000:128K', '--uart', 'cmsdk:0x40004000:0', '--flash-method', 'pyocd', '--usb', '1234:abcd']);
      expect(add.stdout).toBe(`added custom board my-m33 (cortex-m33, 96 MHz, flash 512 KiB at 0x0, RAM 128 KiB at 0x20000000, flashed with pyocd) to ${data}\n`);
      const listing = JSON.parse((await tinydeploy(['boards', '--json', '--data-dir', data])).stdout);
      expect(listing[listing.length - 1]).toEqual({ id: 'my-m33', name: 'my-m33 (custom cortex-m33, 96 MHz)', kind: 'custom', core: 'cortex-m33', cpuHz: 96e6, flashBytes: 524288, ramBytes: 131072, flash: 'pyocd', connected: null });
      const out = join(data, 'build');
      const build = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', 'my-m33', '--data-dir', data, '--out', out, '--json']);
      const report = JSON.parse(build.stdout);
      expect(report).toMatchObject({ board: 'my-m33', runnable: true, images: { elf: join(out, 'build/model.elf'), bin: join(out, 'build/model.bin'), hex: join(out, 'build/model.hex') } });
      expect(report.flashBytes).toBeLessThan(512 * 1024);
      expect(await readFile(join(out, 'boards/my-m33/my-m33.ld'), 'utf8')).toContain('RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 128K');
      expect(await readFile(join(out, 'boards/my-m33/board.h'), 'utf8')).toContain('#define TD_CPU_HZ 96000000u');
      const duplicate = await tinydeploy(['boards', 'add', '--data-dir', data, '--id', 'my-m33', '--core', 'cortex-m33', '--clock', '96e6', '--flash', '0:512K', '--ram', '0x20000000:128K', '--uart', 'cmsdk:0x40004000:0', '--flash-method', 'pyocd']).catch((caught: { code: number; stderr: string }) => caught);
      expect(duplicate).toMatchObject({ code: 2, stderr: expect.stringContaining('custom board "my-m33" exists already') });
      // A board too small for the model: the build says so with the figures (exit 1).
      await tinydeploy(['boards', 'add', '--data-dir', data, '--id', 'tiny-m0', '--core', 'cortex-m0plus', '--clock', '48MHz', '--flash', '0:32K', '--ram', '0x20000000:8K', '--uart', 'cmsdk:0x40004000:0', '--flash-method', 'uf2-drive']);
      const tooSmall = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', 'tiny-m0', '--data-dir', data, '--out', join(data, 'tiny')]).catch((caught: { code: number; stderr: string }) => caught);
      expect(tooSmall).toMatchObject({ code: 1, stderr: expect.stringMatching(/error: model kws_ref_model\.tflite does not fit tiny-m0: the arena takes \d+ bytes and the stack needs about \d+, the board has 8192 bytes of RAM\n/) });
      expect((await tinydeploy(['boards', 'remove', 'my-m33', '--data-dir', data])).stdout).toBe('removed custom board my-m33\n');
      const gone = await tinydeploy(['build', sharedModels.kws_ref_model, '--board', 'my-m33', '--data-dir', data, '--out', out]).catch((caught: { code: number; stderr: string }) => caught);
      expect(gone).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown board "my-m33"') });
    });
  });
});
