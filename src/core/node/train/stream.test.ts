import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../../../test/testing/shared-data.js';
import { buildCandidateGraph } from '../../common/search/build-graph.js';
import { seededRandom } from '../../common/search/random.js';
import { mlpSpace } from '../../common/search/spaces/mlp.js';
import { openDataset } from '../datasets/dataset.js';
import { loadTrainingData } from './data.js';
import { loadTrainingEngine } from './engine.js';
import { openFashionMnist } from './fashion-mnist.js';
import { lowerGraph } from './lower.js';
import { readCsvWindows } from './csv-windows.js';
import { streamCsvWindows, streamTrainingData } from './stream.js';
import { generatedIdx as generatedIdxFolder } from './testing/generated-idx.js';
import { accuracyOf, streamedAccuracyOf, train } from './trainer.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function generatedIdx(count: number): string {
  const folder = generatedIdxFolder(count);
  folders.push(folder);
  return folder;
}

const mlp = (side: number, classes: number) => buildCandidateGraph(mlpSpace, { conv: 0, layers: 1, width: 12, activation: 'relu' }, { inputShape: [1, side, side], classes, seed: 3 });

describe('datasets streamed from disk in batches', () => {
  it('splits as in memory, reads batches by index, and holds far less than the dataset', async () => {
    const count = 3000;
    const dataset = await openDataset(generatedIdx(count));
    const graph = mlp(16, 4);
    const batch = 32;
    // The cap: a write buffer and a batch being read, with room for one more (3 x batch x sample bytes).
    const cap = 3 * batch * 256 * 4;
    const datasetBytes = count * 256 * 4;
    expect(datasetBytes).toBeGreaterThan(30 * cap);
    const streamed = await streamTrainingData(dataset, graph, { holdout: 0.2, validation: 0.1, bufferSamples: batch });
    try {
      const inMemory = await loadTrainingData(dataset, graph, { holdout: 0.2, validation: 0.1 });
      expect(streamed.split).toEqual(inMemory.split);
      expect([streamed.train.count, streamed.validation!.count, streamed.heldOut.count]).toEqual([inMemory.train.count, inMemory.validation!.count, inMemory.heldOut.count]);
      expect(streamed.train.labels).toEqual(inMemory.train.labels);
      expect(streamed.heldOut.labels).toEqual(inMemory.heldOut.labels);
      // Shuffled indices, some adjacent (read as one run), some repeated.
      const indices = [5, 1799, 6, 7, 0, 1000, 1001, 1000, 2099];
      const values = await streamed.train.read(indices);
      indices.forEach((index, i) => expect(values.subarray(i * 256, (i + 1) * 256)).toEqual(inMemory.train.inputs.subarray(index * 256, (index + 1) * 256)));
      streamed.train.release(values);
      await expect(streamed.train.read([streamed.train.count])).rejects.toThrow(`sample ${streamed.train.count} is outside the cache's ${streamed.train.count} samples`);
      expect(streamed.resident.current).toBe(0);

      // Training and validation streamed: the same seed gives the same weights as in memory.
      const { tf } = await loadTrainingEngine('cpu');
      const options = { batchSize: batch, epochs: 2, learningRate: 1e-2, seed: 4, patience: 0 };
      const fromDisk = lowerGraph(tf, graph);
      const fromMemory = lowerGraph(tf, graph);
      try {
        const resultDisk = await train(tf, fromDisk, { train: streamed.train, validation: streamed.validation, classes: 4 }, options);
        const resultMemory = await train(tf, fromMemory, inMemory, options);
        expect(resultDisk.history.map((epoch) => [epoch.loss, epoch.validationAccuracy])).toEqual(resultMemory.history.map((epoch) => [epoch.loss, epoch.validationAccuracy]));
        for (const [id, variable] of fromDisk.variables) expect(variable.dataSync()).toEqual(fromMemory.variables.get(id)!.dataSync());
        const heldOut = await streamedAccuracyOf(tf, fromDisk, streamed.heldOut);
        expect(heldOut).toBe(accuracyOf(tf, fromMemory, inMemory.heldOut));
        expect(heldOut).toBeGreaterThan(0.9); // the bright quadrant is learnt
      } finally {
        fromDisk.dispose();
        fromMemory.dispose();
      }
      expect(streamed.resident.current).toBe(0);
      expect(streamed.resident.peak).toBeGreaterThan(0);
      // Batches of 256 for evaluation are the largest thing held.
      expect(streamed.resident.peak).toBeLessThanOrEqual(Math.max(cap, 256 * 256 * 4));
    } finally {
      await streamed.close();
    }
  }, 120_000);

  it('streams gzip IDX files (the MNIST set, Fashion-MNIST with its own test file) within the same bound', async () => {
    const mnist = await openDataset(sharedPath('datasets/mnist'));
    const lstmShaped = mlp(28, 10);
    const streamed = await streamTrainingData(mnist, lstmShaped, { limit: 600, bufferSamples: 16 });
    try {
      const inMemory = await loadTrainingData(mnist, lstmShaped, { limit: 600 });
      expect(streamed.split).toEqual(inMemory.split);
      const values = await streamed.heldOut.read([119, 0]);
      expect(values.subarray(0, 784)).toEqual(inMemory.heldOut.inputs.subarray(119 * 784, 120 * 784));
      streamed.heldOut.release(values);
      expect(streamed.resident.peak).toBeLessThanOrEqual(16 * 784 * 4 * 3);
    } finally {
      await streamed.close();
    }
    const { train: fashion, test } = await openFashionMnist();
    const split = await streamTrainingData(fashion, lstmShaped, { limit: 500, heldOutLimit: 300, heldOutSet: test, bufferSamples: 16 });
    try {
      expect(split.split).toEqual({ train: [0, 450], validation: [450, 50], heldOut: [0, 300], dataset: 'fashion-mnist-train', heldOutDataset: 'fashion-mnist-test' });
      expect(split.heldOut.labels.slice(0, 3)).toEqual(Int32Array.from([9, 2, 1]));
      expect(split.resident.peak).toBeLessThanOrEqual(16 * 784 * 4 * 3);
    } finally {
      await split.close();
    }
  }, 120_000);
});

describe('CSV windows streamed from disk', () => {
  it('windows, labels and splits as the reader in memory, holding a ring of rows and a write buffer', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'td-stream-csv-'));
    folders.push(folder);
    const random = seededRandom(11);
    // Three recordings of 4,000 rows, 3 channels, the activity changing every 700 rows.
    for (const file of [0, 1, 2]) {
      const rows = Array.from({ length: 4000 }, (_, row) => `${(random() * 20 - 10).toFixed(3)},${file * 10000 + row},${(random() * 2).toFixed(2)},${['sit', 'walk', 'run'][Math.floor(row / 700) % 3]}`);
      writeFileSync(join(folder, `rec${file}.csv`), `ax,ay,az,activity\n${rows.join('\n')}\n`);
    }
    const options = { window: 50, stride: 10, labelColumn: 'activity', holdout: 0.2, validation: 0.1 };
    const inMemory = await readCsvWindows(folder, options);
    const streamed = await streamCsvWindows(folder, { ...options, bufferSamples: 16 });
    try {
      expect(streamed.split).toEqual(inMemory.split);
      expect(streamed.classes).toBe(inMemory.classes);
      expect(streamed.train.labels).toEqual(inMemory.train.labels);
      expect(streamed.validation!.labels).toEqual(inMemory.validation!.labels);
      expect(streamed.heldOut.labels).toEqual(inMemory.heldOut.labels);
      const size = 150;
      const indices = [0, 1, 500, inMemory.train.count - 1];
      const values = await streamed.train.read(indices);
      indices.forEach((index, i) => expect(values.subarray(i * size, (i + 1) * size)).toEqual(inMemory.train.inputs.subarray(index * size, (index + 1) * size)));
      streamed.train.release(values);
      const heldOut = await streamed.heldOut.read([streamed.heldOut.count - 1]);
      expect(heldOut).toEqual(inMemory.heldOut.inputs.subarray((inMemory.heldOut.count - 1) * size));
      streamed.heldOut.release(heldOut);
      // The windows' values are 8x the cap: three write buffers of 16 windows, the ring and one window.
      const cap = (3 * 16 + 2) * size * 4;
      expect((inMemory.train.count + inMemory.heldOut.count) * size * 4).toBeGreaterThan(8 * cap);
      expect(streamed.resident.peak).toBeLessThanOrEqual(cap);
      expect(streamed.resident.current).toBe(0);
    } finally {
      await streamed.close();
    }
    writeFileSync(join(folder, 'rec3.csv'), 'ax,ay,az,activity\n1,oops,2,sit\n');
    await expect(streamCsvWindows(folder, { window: 1, stride: 1, labelColumn: 'activity' })).rejects.toThrow('rec3.csv line 2: column ay is not a number');
  }, 120_000);
});
