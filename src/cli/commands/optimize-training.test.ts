import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../test/testing/shared-data.js';
import { loadModelFile } from '../../core/node/model-file.js';
import type { CliIo } from '../command.js';
import { main } from '../main.js';

const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-optimize-training-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (chunk) => (stdout += String(chunk)) }, stderr: { write: (chunk) => (stderr += chunk) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const mnist = sharedPath('datasets/mnist');

describe('tinydeploy optimize with a training pipeline', () => {
  it('prunes the MNIST LSTM to half its units and fine-tunes it a few seeded steps; the same seed gives the same file', async () => {
    const run = (out: string) =>
      tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels,finetune', '--dataset', mnist, '--ratio', '0.5', '--epochs', '1', '--max-steps', '3', '--seed', '2', '--backend', 'wasm', '--out', out, '--json');
    const [first, second] = [join(scratch, 'a.tflite'), join(scratch, 'b.tflite')];
    const result = await run(first);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['accuracy', 'params', 'macs', 'backend', 'epochs', 'wallMs']));
    expect(json.backend).toBe('wasm');
    expect(json.epochs).toBe(1);
    // No --learning-rate: fine-tuning after pruning starts at 0.01.
    expect(json.log.map((entry: { message: string }) => entry.message)).toContain('training 1 epoch(s) of 113 steps: adam at 0.01, cosine schedule, batch 64, patience 3');
    expect(json.accuracy.before).toBe(0.9925);
    expect(json.accuracy.after).toBeGreaterThanOrEqual(0);
    expect(json.accuracy.after).toBeLessThanOrEqual(1);
    expect(json.params).toEqual({ before: 9530, after: 4 * (28 * 10 + 10 * 10 + 10) + 280 * 10 + 10 });
    expect(json.macs.after).toBeLessThan(json.macs.before);
    expect(json.split).toEqual({ train: [0, 7200], validation: [7200, 800], heldOut: [8000, 2000], dataset: 'mnist' });
    expect((await loadModelFile(first)).tensors.find((tensor) => tensor.shape.length === 3 && tensor.shape[1] === 28 && tensor.shape[2] === 10)).toBeDefined();
    expect((await run(second)).code).toBe(0);
    expect(readFileSync(second)).toEqual(readFileSync(first));
  });

  it('distills with the given alpha and temperature, moved samples and smoothed labels', async () => {
    const out = join(scratch, 'd.tflite');
    const result = await tinydeploy(
      'optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels,distill', '--dataset', mnist, '--ratio', '0.5', '--epochs', '1', '--max-steps', '2',
      '--alpha', '0.9', '--temperature', '3', '--shift', '2', '--label-smoothing', '0.1', '--learning-rate', '0.01', '--patience', '0', '--backend', 'wasm', '--out', out, '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const messages = (JSON.parse(result.stdout).log as { pass: string; message: string }[]).filter((entry) => entry.pass === 'distill').map((entry) => entry.message);
    expect(messages).toContain('training 1 epoch(s) of 113 steps: adam at 0.01, cosine schedule, batch 64, patience 0; soft targets of the teacher weighted 0.9 at temperature 3; samples moved by up to 2 positions; label smoothing 0.1');
    const finetuneOnly = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels,finetune', '--dataset', mnist, '--alpha', '0.9', '--out', out);
    expect(finetuneOnly.stderr).toContain('--alpha and --temperature go with a pipeline that has distill');
    const badAlpha = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels,distill', '--dataset', mnist, '--alpha', '1.5', '--out', out);
    expect(badAlpha.stderr).toContain('--alpha must be a number in [0, 1], got "1.5"');
  });

  it('refuses training options with a pipeline that does not train, and a training pipeline without a dataset', async () => {
    const out = join(scratch, 'x.tflite');
    const notTraining = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'cleanup', '--ratio', '0.5', '--out', out);
    expect(notTraining.code).not.toBe(0);
    expect(notTraining.stderr).toContain('--ratio: only for training pipelines');
    const noDataset = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels,finetune', '--out', out);
    expect(noDataset.code).not.toBe(0);
    expect(noDataset.stderr).toContain('give --dataset <dir>');
    const unknown = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels,fine-tune', '--dataset', mnist, '--out', out);
    expect(unknown.stderr).toContain('unknown pass "fine-tune"');
    const twoTargets = await tinydeploy('optimize', sharedModels.trained_lstm, '--pipeline', 'prune-channels', '--dataset', mnist, '--ratio', '0.5', '--target-params', '100', '--out', out);
    expect(twoTargets.stderr).toContain('give one of --ratio, --target-params, --target-macs');
  });
});
