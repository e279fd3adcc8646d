import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCandidateGraph } from '../../core/common/search/build-graph.js';
import { mlpSpace } from '../../core/common/search/spaces/mlp.js';
import { saveModelFile } from '../../core/node/model-file.js';
import { generatedIdx } from '../../core/node/train/testing/generated-idx.js';
import type { CliIo } from '../command.js';
import { main } from '../main.js';

const dataset = generatedIdx(200);
afterAll(() => rmSync(dataset, { recursive: true, force: true }));

async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: { write: (chunk) => (stdout += String(chunk)) }, stderr: { write: (chunk) => (stderr += chunk) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('tinydeploy optimize --stream', () => {
  it('streams the dataset with --stream, holds it in memory with --no-stream, and says which in the log', async () => {
    const model = join(dataset, 'mlp.tflite');
    await saveModelFile(buildCandidateGraph(mlpSpace, { conv: 0, layers: 1, width: 8, activation: 'relu' }, { inputShape: [1, 16, 16], classes: 4, seed: 3 }), model);
    const run = (...flags: string[]) =>
      tinydeploy('optimize', model, '--pipeline', 'finetune', '--dataset', dataset, '--epochs', '1', '--max-steps', '1', '--backend', 'cpu', '--out', join(dataset, 'out.tflite'), '--json', ...flags);
    const log = (stdout: string) => (JSON.parse(stdout).log as { message: string }[]).map((entry) => entry.message);
    const streamed = await run('--stream');
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(log(streamed.stdout)).toContain('dataset streamed from disk in batches: streaming asked for');
    // The --json document keeps its shape.
    expect(Object.keys(JSON.parse(streamed.stdout))).toEqual(['model', 'out', 'pipeline', 'accuracy', 'params', 'macs', 'backend', 'epochs', 'wallMs', 'heldOutSamples', 'split', 'steps', 'log']);
    const inMemory = await run('--no-stream');
    expect(inMemory.code, inMemory.stderr).toBe(0);
    expect(log(inMemory.stdout)).toContain('dataset held in memory: streaming turned off');
    expect(JSON.parse(inMemory.stdout).accuracy).toEqual(JSON.parse(streamed.stdout).accuracy);
    const auto = await run();
    expect(log(auto.stdout)).toContain('dataset held in memory: 200 samples take 0.2 MiB as float32, within the 256.0 MiB threshold');
    const both = await run('--stream', '--no-stream');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('give one of --stream, --no-stream');
    const notTraining = await tinydeploy('optimize', model, '--pipeline', 'cleanup', '--stream', '--out', join(dataset, 'x.tflite'));
    expect(notTraining.stderr).toContain('--stream: only for training pipelines');
  }, 120_000);
});
