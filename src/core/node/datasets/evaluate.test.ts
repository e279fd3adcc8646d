import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { loadModelFile } from '../model-file.js';
import { openDataset } from './dataset.js';
import type { EvaluationProgress } from './evaluate.js';
import { argmax, evaluate } from './evaluate.js';

describe('argmax', () => {
  it('returns the first index of the largest value', () => {
    expect(argmax(new Int8Array([-128, 5, 7, 7, -3]))).toBe(2);
    expect(argmax(new Float32Array([0.5]))).toBe(0);
  });
});

describe('evaluate', () => {
  it('kws_ref_model on kws01: the published 90.1-90.2% top-1', async () => {
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const dataset = await openDataset(sharedPath('datasets/kws01'));
    const progress: EvaluationProgress[] = [];
    const result = await evaluate(graph, dataset, { onProgress: (p) => progress.push(p) });
    expect(result.samples).toBe(1000);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.901);
    expect(result.accuracy).toBeLessThanOrEqual(0.902);
    expect(result.accuracy).toBe(result.correct / result.samples);
    expect(result.classes).toEqual(dataset.classes);
    // Rows are the actual classes: they add up to the samples, the diagonal to the hits.
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    expect(result.confusion.reduce((sum, row, i) => sum + row[i], 0)).toBe(result.correct);
    expect(progress).toHaveLength(1000);
    expect(progress.at(-1)).toEqual({ done: 1000, total: 1000, correct: result.correct });
  });

  it('trained_lstm_int8 on the 10,000 MNIST test images: at least 97%', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm_int8);
    const dataset = await openDataset(sharedPath('datasets/mnist'));
    const result = await evaluate(graph, dataset);
    expect(result.samples).toBe(10_000);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('the float LSTM on MNIST is fed float inputs (pixel / 255)', async () => {
    const dataset = await openDataset(sharedPath('datasets/mnist'));
    const result = await evaluate(await loadModelFile(sharedModels.trained_lstm), dataset, { limit: 500 });
    expect(result.samples).toBe(500);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('stops at the limit and when the signal aborts', async () => {
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const dataset = await openDataset(sharedPath('datasets/kws01'));
    expect((await evaluate(graph, dataset, { limit: 7 })).samples).toBe(7);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = evaluate(graph, dataset, {
      signal: controller.signal,
      onProgress: ({ done }) => {
        seen.push(done);
        if (done === 3) controller.abort(new Error('cancelled by the user'));
      },
    });
    await expect(run).rejects.toThrow('cancelled by the user');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses a dataset that does not fit before running anything', async () => {
    const lstm = await loadModelFile(sharedModels.trained_lstm_int8);
    const kws01 = await openDataset(sharedPath('datasets/kws01'));
    await expect(evaluate(lstm, kws01)).rejects.toMatchObject({
      name: 'DatasetError',
      message:
        'dataset kws01: sample shape [1,49,10,1] (490 values) does not fit model input serving_default_fixed_input:0 shape [1,28,28] (784 values)',
    });
    const vww = await loadModelFile(sharedModels.vww_96_int8);
    const mnist = await openDataset(sharedPath('datasets/mnist'));
    await expect(evaluate(vww, mnist)).rejects.toMatchObject({
      name: 'DatasetError',
      message: 'dataset mnist: sample shape [1,28,28] (784 values) does not fit model input input_1_int8 shape [1,96,96,3] (27648 values)',
    });
  });

  it('refuses samples of the same size in another layout, naming both shapes, unless reshaping is allowed', async () => {
    const kws = await loadModelFile(sharedModels.kws_ref_model);
    const kws01 = await openDataset(sharedPath('datasets/kws01'));
    const transposed = { ...kws01, sample: { ...kws01.sample, shape: [1, 10, 49, 1] } };
    await expect(evaluate(kws, transposed)).rejects.toMatchObject({
      name: 'DatasetError',
      message: expect.stringMatching(/^dataset kws01: sample shape \[1,10,49,1\] does not match model input \S+ shape \[1,49,10,1\]: the same 490 values in another layout/),
    });
    expect((await evaluate(kws, transposed, { limit: 3, allowReshape: true })).samples).toBe(3);
  });

  it('refuses a model whose first output does not have one score per class', async () => {
    const dataset = await openDataset(sharedPath('datasets/kws01'));
    const kws = await loadModelFile(sharedModels.kws_ref_model);
    const twoClasses = { ...dataset, classes: ['yes', 'no'] };
    await expect(evaluate(kws, twoClasses)).rejects.toMatchObject({
      name: 'DatasetError',
      message: 'dataset kws01: 2 classes, but model output Identity has shape [1,12] (12 scores)',
    });
  });
});
