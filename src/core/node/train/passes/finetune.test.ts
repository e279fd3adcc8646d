import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../../test/testing/shared-data.js';
import { runPipeline } from '../../../common/passes/run-pipeline.js';
import { openDataset } from '../../datasets/dataset.js';
import { loadModelFile } from '../../model-file.js';
import { loadTrainingData } from '../data.js';
import { loadTrainingEngine } from '../engine.js';
import { distillationLoss } from '../trainer.js';
import './distill.js';
import './finetune.js';
import './prune-channels.js';

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
          options: { finetune: { epochs: 1, batchSize: 16, maxSteps: 2, seed, backend, learningRate: 0.01 } },
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

  it('distill: the soft-target loss is 0 for a student equal to its teacher; a pruned LSTM learns from its unpruned parent without labels (alpha 1)', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    const logits = tf.tensor2d([[1, 2, 3], [0.5, -1, 2]]);
    expect(Math.abs(distillationLoss(tf, logits, logits, 4).dataSync()[0])).toBeLessThan(1e-6);
    expect(distillationLoss(tf, logits, tf.tensor2d([[3, 2, 1], [2, -1, 0.5]]), 4).dataSync()[0]).toBeGreaterThan(0.01);

    const graph = await loadModelFile(sharedModels.trained_lstm);
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/mnist')), graph, { limit: 200 });
    const log: string[] = [];
    const result = await runPipeline(graph, [{ pass: 'prune-channels', options: { ratio: 0.5 } }, 'distill'], {
      validate: true,
      resources: { training: { ...data, teacher: graph } },
      options: { distill: { epochs: 1, maxSteps: 2, alpha: 1, backend: 'wasm' } },
      onLog: (entry) => log.push(`${entry.pass}: ${entry.message}`),
    });
    expect(result.graph.tensors[result.graph.ops[0].outputs[0]].shape).toEqual([1, 28, 10]);
    expect(log.some((line) => line.startsWith('distill: trained 1 epoch(s), 2 steps'))).toBe(true);
    await expect(runPipeline(graph, ['distill'], { resources: { training: data } })).rejects.toThrow('distill needs a teacher model');
  });
});
