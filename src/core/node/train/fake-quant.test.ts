import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { runPipeline } from '../../common/passes/run-pipeline.js';
import { calibrate } from '../../common/passes/quantize/calibrate.js';
import { precisionPlan } from '../../common/passes/quantize/quantize-int8.js';
import { quantizeGraph } from '../../common/passes/quantize/quantize-graph.js';
import { openDataset } from '../datasets/dataset.js';
import { loadModelFile } from '../model-file.js';
import { loadTrainingData } from './data.js';
import { loadTrainingEngine } from './engine.js';
import { FakeQuantizer, fakeQuantize, fakeQuantizeWeights } from './fake-quant.js';
import { lowerGraph } from './lower.js';
import { batchTensor } from './trainer.js';
import { int8Outputs, outputDistance } from './testing/int8-outputs.js';

describe('fake quantization', () => {
  it('rounds to the int8 grid with the clipped straight-through gradient; weights per channel, symmetric', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    const x = tf.tensor1d([-1, -0.26, 0.1, 0.3, 2]);
    const quantization = { scale: [0.1], zeroPoint: [-118], axis: 0 }; // [-1, 24.5] representable
    const value = tf.tidy(() => fakeQuantize(tf, x as never, quantization, -128, 127).arraySync() as number[]);
    const gradient = tf.tidy(() => tf.grad((input) => fakeQuantize(tf, input as never, quantization, -128, 127).mul(tf.tensor1d([1, 2, 3, 4, 5])).sum() as never)(x).arraySync() as number[]);
    expect(value.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-1, -0.3, 0.1, 0.3, 2]);
    expect(gradient).toEqual([1, 2, 3, 4, 5]);
    const clipped = tf.tidy(() => tf.grad((input) => fakeQuantize(tf, input as never, quantization, -128, 127).sum() as never)(tf.tensor1d([-2, 30])).arraySync() as number[]);
    expect(clipped).toEqual([0, 0]);

    const weights = tf.tensor2d([
      [1.27, -0.5, 0.004],
      [0, 0, 0],
    ]);
    const q = fakeQuantizeWeights(tf, weights as never, 0).arraySync() as number[][];
    expect(q[1]).toEqual([0, 0, 0]);
    expect(q[0].map((v) => Math.round(v * 1000) / 1000)).toEqual([1.27, -0.5, 0]);
  });

  it("before any training step, the fake-quantized MNIST LSTM computes what quantize-int8's model computes from the same ranges", async () => {
    const graph = (await runPipeline(await loadModelFile(sharedModels.trained_lstm), 'hybrid-to-float')).graph;
    const data = await loadTrainingData(await openDataset(sharedPath('datasets/mnist')), graph, { limit: 400, validation: 0, holdout: 0.25 });
    const calibration = { count: 100, sample: (i: number) => [data.train.inputs.subarray(i * data.train.sampleSize, (i + 1) * data.train.sampleSize)] };
    const table = await calibrate(graph, calibration, { observer: { kind: 'min-max', percentile: 99.99, averagingConstant: 0.01 }, samples: 100 });
    const precisions = precisionPlan(graph, {}, () => {});
    const quantized = quantizeGraph(graph, table, { precisions, io: 'int8', perChannel: true }).graph;
    const expected = int8Outputs(quantized, data.heldOut);

    const { tf } = await loadTrainingEngine('wasm');
    const lowered = lowerGraph(tf, graph);
    try {
      const indices = Array.from({ length: data.heldOut.count }, (_, i) => i);
      const forward = (quantize: boolean) =>
        tf.tidy(() => {
          const hooks = quantize ? new FakeQuantizer(tf, graph, table, precisions) : undefined;
          return lowered.forward(batchTensor(tf, lowered, data.heldOut, indices), { quantize: hooks }).dataSync() as Float32Array;
        });
      const [fake, float] = [forward(true), forward(false)];
      const [fakeDistance, floatDistance] = [outputDistance(expected, fake), outputDistance(expected, float)];
      console.info(`MNIST LSTM, ${expected.length} samples: |fake-quantized − int8| mean ${fakeDistance.mean.toExponential(2)} worst ${fakeDistance.worst.toFixed(4)}; |float − int8| mean ${floatDistance.mean.toExponential(2)} worst ${floatDistance.worst.toFixed(4)}`);
      // The softmax output's step is 1/256: the fake-quantized model is within a few steps of the int8 one everywhere.
      expect(fakeDistance.worst).toBeLessThan(4 / 256);
      expect(fakeDistance.mean).toBeLessThan(floatDistance.mean / 2);
    } finally {
      lowered.dispose();
    }
  });
});
