import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../common/ir/types.js';
import { buildCandidateGraph } from '../../common/search/build-graph.js';
import { mlpSpace } from '../../common/search/spaces/mlp.js';
import { seededRandom } from '../../common/search/random.js';
import { openDataset } from '../datasets/dataset.js';
import { type TrainingPipelineOptions, optimizeWithTraining } from './optimize-training.js';
import { generatedIdx } from './testing/generated-idx.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

const mlp = () => buildCandidateGraph(mlpSpace, { conv: 0, layers: 1, width: 12, activation: 'relu' }, { inputShape: [1, 16, 16], classes: 4, seed: 3 });
const messages = (log: { message: string }[]) => log.map((entry) => entry.message);
const weights = (graph: Graph) => graph.tensors.filter((tensor) => tensor.data).map((tensor) => Array.from(tensor.data as ArrayLike<number>));

describe('tinydeploy optimize on a dataset streamed from disk', () => {
  const count = 2000;
  const sampleBytes = 16 * 16 * 4;
  const batchSize = 32;
  // The loader may hold the caches' three write buffers of a batch while it splits the dataset, and
  // afterwards a training batch, a validation batch, and a chunk of 64 samples (held-out evaluation,
  // calibration): far below the dataset's 2 MB.
  const cap = 4 * batchSize * sampleBytes;

  it('finetunes, prunes by Taylor importance, trains int8 and distils as in memory, holding a few batches', async () => {
    const folder = generatedIdx(count);
    folders.push(folder);
    const dataset = await openDataset(folder);
    expect(count * sampleBytes).toBeGreaterThan(15 * cap);
    const graph = mlp();
    const run = (passes: string[], stream: boolean, extra: Partial<TrainingPipelineOptions> = {}) =>
      optimizeWithTraining(graph, { passes, dataset, stream, backend: 'cpu', seed: 5, epochs: 2, batchSize, learningRate: 1e-2, patience: 0, streamBufferSamples: batchSize, ...extra });

    // finetune: the same seed gives the same weights and the same held-out accuracy, streamed or not.
    const [streamed, inMemory] = [await run(['finetune'], true), await run(['finetune'], false)];
    expect(messages(streamed.report.log)).toContain('dataset streamed from disk in batches: streaming asked for');
    expect(messages(inMemory.report.log)).toContain('dataset held in memory: streaming turned off');
    expect(streamed.report.data.mode).toBe('streamed');
    expect(streamed.report.data.peakResidentBytes).toBeGreaterThan(0);
    expect(streamed.report.data.peakResidentBytes).toBeLessThanOrEqual(cap);
    expect(streamed.report.split).toEqual(inMemory.report.split);
    expect(streamed.report.heldOutSamples).toBe(400);
    expect(streamed.report.accuracy).toEqual(inMemory.report.accuracy);
    expect(streamed.report.accuracy.after).toBeGreaterThan(0.9);
    expect(streamed.report.epochs).toBe(2);
    expect(weights(streamed.graph)).toEqual(weights(inMemory.graph));
    const epochs = (log: { message: string }[]) => messages(log).filter((message) => message.startsWith('epoch ')).map((message) => message.replace(/, [\d.]+ s$/, ''));
    expect(epochs(streamed.report.log)).toEqual(epochs(inMemory.report.log));
    expect(epochs(streamed.report.log)).toHaveLength(2);

    // prune-channels by Taylor importance (seeded batches read from disk), then finetune.
    const pruned = [await run(['prune-channels', 'finetune'], true, { importance: 'taylor', ratio: 0.5, epochs: 1 }), await run(['prune-channels', 'finetune'], false, { importance: 'taylor', ratio: 0.5, epochs: 1 })];
    expect(pruned[0].report.params.after).toBeLessThan(pruned[0].report.params.before);
    expect(pruned[0].report.params).toEqual(pruned[1].report.params);
    expect(pruned[0].report.accuracy).toEqual(pruned[1].report.accuracy);
    expect(weights(pruned[0].graph)).toEqual(weights(pruned[1].graph));
    expect(pruned[0].report.data.peakResidentBytes).toBeLessThanOrEqual(cap);

    // qat-int8: calibration on the first 200 training samples, read a chunk at a time.
    const quantized = [await run(['qat-int8'], true, { epochs: 1, maxSteps: 10 }), await run(['qat-int8'], false, { epochs: 1, maxSteps: 10 })];
    expect(messages(quantized[0].report.log)).toContain('ranges start from 200 calibration samples (min-max), then follow the training (moving average, constant 0.01)');
    expect(quantized[0].graph.tensors[quantized[0].graph.inputs[0]].dtype).toBe('int8');
    expect(quantized[0].report.accuracy).toEqual(quantized[1].report.accuracy);
    expect(weights(quantized[0].graph)).toEqual(weights(quantized[1].graph));
    expect(quantized[0].report.data.peakResidentBytes).toBeLessThanOrEqual(cap);

    // distill: the teacher (the parent) runs on each batch read from disk.
    const distilled = [await run(['distill'], true, { epochs: 1, maxSteps: 10, alpha: 0.7 }), await run(['distill'], false, { epochs: 1, maxSteps: 10, alpha: 0.7 })];
    expect(messages(distilled[0].report.log)).toContainEqual(expect.stringContaining('soft targets of the teacher weighted 0.7'));
    expect(distilled[0].report.accuracy).toEqual(distilled[1].report.accuracy);
    expect(weights(distilled[0].graph)).toEqual(weights(distilled[1].graph));
    expect(distilled[0].report.data.peakResidentBytes).toBeLessThanOrEqual(cap);
  }, 300_000);

  it('streams windows of CSV files labelled by a column, as they train in memory', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'td-stream-csv-'));
    folders.push(folder);
    const random = seededRandom(12);
    for (const file of [0, 1]) {
      const rows = Array.from({ length: 1500 }, (_, row) => {
        const activity = Math.floor(row / 250) % 3;
        return `${(activity * 3 + random()).toFixed(3)},${(random() * 2).toFixed(3)},${(random() - activity).toFixed(3)},${['sit', 'walk', 'run'][activity]}`;
      });
      writeFileSync(join(folder, `rec${file}.csv`), `ax,ay,az,activity\n${rows.join('\n')}\n`);
    }
    const graph = buildCandidateGraph(mlpSpace, { conv: 0, layers: 1, width: 12, activation: 'relu' }, { inputShape: [1, 20, 3], classes: 3, seed: 3 });
    const run = (stream: boolean) =>
      optimizeWithTraining(graph, { passes: ['finetune'], timeSeries: { directory: folder, window: 20, stride: 10, labelColumn: 'activity' }, stream, backend: 'cpu', seed: 2, epochs: 2, batchSize: 16, streamBufferSamples: 16 });
    const [streamed, inMemory] = [await run(true), await run(false)];
    expect(messages(streamed.report.log)).toContain('dataset streamed from disk in batches: streaming asked for');
    expect(streamed.report.split).toEqual(inMemory.report.split);
    expect(streamed.report.accuracy).toEqual(inMemory.report.accuracy);
    expect(weights(streamed.graph)).toEqual(weights(inMemory.graph));
    // Three write buffers of 16 windows, the ring and a window while the caches fill; then 64-window chunks.
    expect(streamed.report.data.peakResidentBytes).toBeLessThanOrEqual(64 * 60 * 4);
    expect(streamed.report.heldOutSamples * 60 * 4 + streamed.report.split.train[1] * 60 * 4).toBeGreaterThan(3 * 64 * 60 * 4);
  }, 120_000);

  it('streams on its own above the threshold, and says why', async () => {
    const folder = generatedIdx(300, 9);
    folders.push(folder);
    const dataset = await openDataset(folder);
    const options = { passes: ['finetune'], dataset, backend: 'cpu' as const, epochs: 1, maxSteps: 1 };
    const small = await optimizeWithTraining(mlp(), options);
    expect(messages(small.report.log)).toContain('dataset held in memory: 300 samples take 0.3 MiB as float32, within the 256.0 MiB threshold');
    expect(small.report.data).toEqual({ mode: 'memory', reason: '300 samples take 0.3 MiB as float32, within the 256.0 MiB threshold', bytes: 300 * sampleBytes });
    const large = await optimizeWithTraining(mlp(), { ...options, streamThresholdBytes: 100_000 });
    expect(messages(large.report.log)).toContain('dataset streamed from disk in batches: 300 samples take 0.3 MiB as float32, more than the 0.1 MiB threshold');
    expect(large.report.data.mode).toBe('streamed');
    expect(messages(large.report.log)).toContainEqual(expect.stringMatching(/^trained 1 epoch\(s\), 1 steps on 216 samples read from disk a batch at a time;/));
    expect(messages(large.report.log).at(-1)).toBe(`at most ${large.report.data.peakResidentBytes} bytes of samples held at once (0.2 MiB)`);
  }, 120_000);
});
