/**
 * Training a TD_GRU: gradients flow through the unrolled cell, the trained weights come back into
 * the IR (the interpreter runs the result as the lowered graph does), and prune-channels takes
 * GRU hidden units before fine-tuning.
 */
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../common/interp/interpreter.js';
import type { LabelledSet } from '../../common/passes/pass.js';
import { runPipeline } from '../../common/passes/run-pipeline.js';
import { seededRandom } from '../../common/interp/kernels/testing/gru-model.js';
import { loadTrainingEngine } from './engine.js';
import { lowerGraph } from './lower.js';
import { accuracyOf } from './trainer.js';
import { gruClassifier } from './testing/gru-models.js';
import './passes/finetune.js';
import './passes/prune-channels.js';

const steps = 8;
const features = 2;

/** Sequences of noise whose class is the sign of feature 0's sum over the first half: the GRU must carry it. */
function sequences(count: number, seed: number): LabelledSet {
  const random = seededRandom(seed);
  const inputs = new Float32Array(count * steps * features);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let t = 0; t < steps; t++) {
      for (let f = 0; f < features; f++) {
        const value = 2 * random() - 1;
        inputs[(i * steps + t) * features + f] = value;
        if (f === 0 && t < steps / 2) sum += value;
      }
    }
    labels[i] = sum > 0 ? 1 : 0;
  }
  return { count, sampleSize: steps * features, inputs, labels };
}

describe('training a GRU', () => {
  it('prune-channels halves the hidden units, finetune learns the task on wasm, and the written-back model runs as trained', async () => {
    const graph = gruClassifier({ steps, features, units: 8, classes: 2, recurrentNBias: true, attrs: { returnSequences: false }, seed: 3 });
    const train = sequences(512, 1);
    const heldOut = sequences(200, 2);
    const { tf } = await loadTrainingEngine('wasm');
    const before = lowerGraph(tf, graph);
    const accuracyBefore = accuracyOf(tf, before, heldOut);
    before.dispose();

    const result = await runPipeline(graph, [{ pass: 'prune-channels', options: { ratio: 0.5 } }, 'finetune'], {
      validate: true,
      resources: { training: { train, classes: 2 } },
      options: { finetune: { epochs: 20, batchSize: 32, learningRate: 0.03, backend: 'wasm', seed: 4 } },
    });
    const trained = result.graph;
    const gru = trained.ops.find((op) => op.type === 'TD_GRU')!;
    expect(trained.tensors[gru.outputs[0]].shape).toEqual([1, 4]);
    for (const id of gru.inputs.slice(1, 11)) {
      if (id >= 0) expect(trained.tensors[id].data, `tensor ${id}`).not.toEqual(graph.tensors[id].data);
    }

    const lowered = lowerGraph(tf, trained);
    try {
      const accuracyAfter = accuracyOf(tf, lowered, heldOut);
      expect(accuracyAfter, `held-out accuracy ${accuracyBefore} before`).toBeGreaterThan(0.85);
      expect(accuracyAfter).toBeGreaterThan(accuracyBefore + 0.2);
      const interpreter = new Interpreter(trained);
      const sample = heldOut.inputs.subarray(0, steps * features);
      const expected = interpreter.run([sample]).outputs[0] as Float32Array;
      const actual = tf.tidy(() => lowered.forward(tf.tensor(sample, [1, steps, features])).dataSync() as Float32Array);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-5);
    } finally {
      lowered.dispose();
    }
  });
});
