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
    expect(stdout).toMatch(/\nmemory {3}arena [\d,]+ B, stack high-water [\d,]+ B \(measured\), flash [\d,]+ B \(weights [\d,]+ B\), RAM [\d,]+ B\n/);
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
      for (const key of ['board', 'latency', 'instructionsPerMac', 'arenaBytes', 'stackBytes', 'flashBytes', 'bitExact', 'layers']) expect(result).toHaveProperty(key);
      expect(result.board).toBe('virtual-m4f');
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

  it('refuses an input of the wrong size naming the input and the sizes (exit 1)', async () => {
    const error = await tinydeploy(['deploy', example, '--input', sharedPath('vectors/ad01_int8.input.bin')]).catch((caught: { code: number; stderr: string }) => caught);
    expect((error as { code: number }).code).toBe(1);
    expect((error as { stderr: string }).stderr).toMatch(/error: input 0 \(.*, int8 \[1,49,10,1\]\) takes 490 bytes, got 640\n/);
  });
});

describe('tinydeploy boards', () => {
  it('lists the three virtual boards and the serial ports as JSON', async () => {
    const { stdout } = await tinydeploy(['boards', '--json']);
    const listing = JSON.parse(stdout);
    expect(listing.virtual.map((board: { id: string }) => board.id)).toEqual(['virtual-m4f', 'virtual-m7', 'virtual-m55']);
    expect(listing.virtual[0]).toMatchObject({ core: 'cortex-m4', machine: 'mps2-an386', timerUnit: 'instructions', available: unavailable === undefined || !unavailable.includes('qemu') });
    expect(Array.isArray(listing.serial)).toBe(true);
  });

  it('still lists the virtual boards, exit 0, when the serial ports cannot be listed (no udevadm on PATH)', async () => {
    // serialport lists ports by running udevadm: a PATH without it (an empty folder) makes that fail.
    const emptyPath = await mkdtemp(join(tmpdir(), 'tinydeploy-no-udevadm-'));
    try {
      const withoutUdevadm = (args: string[]) => run(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), ...args], { cwd: repoRoot, env: { ...process.env, PATH: emptyPath } });
      const json = await withoutUdevadm(['boards', '--json']);
      const listing = JSON.parse(json.stdout);
      expect(listing.virtual.map((board: { id: string }) => board.id)).toEqual(['virtual-m4f', 'virtual-m7', 'virtual-m55']);
      expect(listing.serial).toEqual([]);
      expect(listing.serialError).toBe('cannot list serial ports: udevadm not found (apt-get install udev)');
      const text = await withoutUdevadm(['boards']);
      expect(text.stdout).toContain('\nserial boards: unknown, cannot list serial ports: udevadm not found (apt-get install udev)\n');
      expect(text.stdout).toContain('virtual-m4f');
    } finally {
      await rm(emptyPath, { recursive: true, force: true });
    }
  });
});
