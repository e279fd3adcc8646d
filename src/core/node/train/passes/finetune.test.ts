import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../../test/testing/shared-data.js';
import { runPipeline } from '../../../common/passes/run-pipeline.js';
import { openDataset } from '../../datasets/dataset.js';
import { loadModelFile } from '../../model-file.js';
import { loadTrainingData } from '../data.js';
import './finetune.js';

/** The weights (every float32 constant) of a graph, by tensor id. */
function weights(graph: Awaited<ReturnType<typeof loadModelFile>>): Map<number, Float32Array> {
  return new Map(graph.tensors.filter((tensor) => tensor.data instanceof Float32Array).map((tensor) => [tensor.id, tensor.data as Float32Array]));
}

describe('finetune', () => {
  it('trains the MNIST LSTM a few seeded steps: the same seed, data and back end give the same weights, another seed others', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm);
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/mnist')), graph, { limit: 200, holdout: 0.2, validation: 0.1 });
    expect(data.split).toEqual({ train: [0, 144], validation: [144, 16], heldOut: [160, 40], dataset: 'mnist' });
    const run = async (backend: string, seed: number) =>
      (
        await runPipeline(graph, ['finetune'], {
          validate: true,
          resources: { training: data },
          options: { finetune: { epochs: 1, batchSize: 32, maxSteps: 3, seed, backend, learningRate: 0.01 } },
        })
      ).graph;
    for (const backend of ['cpu', 'wasm']) {
      const first = weights(await run(backend, 5));
      const again = weights(await run(backend, 5));
      const other = weights(await run(backend, 6));
      const original = weights(graph);
      expect(first.size).toBe(original.size);
      expect([...first.keys()]).toEqual([...original.keys()]);
      expect([...first].some(([id, values]) => values.some((value, i) => value !== original.get(id)![i])), `${backend}: training changed the weights`).toBe(true);
      expect(again, `${backend}: same seed`).toEqual(first);
      expect(other, `${backend}: other seed`).not.toEqual(first);
    }
  });

  it('trains the KWS DS-CNN (convolution and depthwise gradients) on wasm without a NaN', async () => {
    const graph = (await runPipeline(await loadModelFile(sharedModels.kws_ref_model_float32), 'hybrid-to-float')).graph;
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/kws01')), graph, { limit: 100, validation: 0 });
    const log: string[] = [];
    const result = await runPipeline(graph, ['finetune'], {
      resources: { training: data },
      options: { finetune: { epochs: 1, batchSize: 16, maxSteps: 2, backend: 'wasm', learningRate: 1e-4 } },
      onLog: (entry) => log.push(entry.message),
    });
    expect(log[0]).toBe('tfjs back end wasm');
    expect(log.some((line) => /^epoch 1\/1: loss \d+\.\d+, learning rate/.test(line))).toBe(true);
    for (const tensor of result.graph.tensors) if (tensor.data instanceof Float32Array) expect(tensor.data.every(Number.isFinite)).toBe(true);
  });
});
