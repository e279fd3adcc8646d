import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { loadModelFile } from '../model-file.js';
import { loadTrainingData } from './data.js';
import { debianFashionMnist, fashionMnistClasses, openFashionMnist } from './fashion-mnist.js';

describe("Fashion-MNIST from Debian's dataset-fashion-mnist", () => {
  it('reads the training and test files as two datasets; training holds out the test file', async () => {
    const { train, test } = await openFashionMnist();
    expect([train.size, test.size]).toEqual([60000, 10000]);
    expect(train.classes).toEqual(fashionMnistClasses);
    const first = [];
    for await (const sample of test.samples({ limit: 3 })) first.push(sample);
    // The test file starts with an ankle boot, a pullover and a trouser.
    expect(first.map((sample) => sample.label)).toEqual([9, 2, 1]);
    expect(first[0].values).toHaveLength(784);
    expect(first[0].source).toBe('t10k-images-idx3-ubyte.gz item 0');

    // The MNIST LSTM takes the same 28x28 images.
    const graph = await loadModelFile(sharedModels.trained_lstm);
    const data = await loadTrainingData(train, graph, { limit: 200, validation: 0.1, heldOutSet: test });
    expect(data.split).toEqual({ train: [0, 180], validation: [180, 20], heldOut: [0, 200], dataset: 'fashion-mnist-train', heldOutDataset: 'fashion-mnist-test' });
    expect(data.heldOut.labels.slice(0, 3)).toEqual(Int32Array.from([9, 2, 1]));
    expect(data.heldOut.inputs.reduce((max, value) => Math.max(max, value), 0)).toBeLessThanOrEqual(1);
  });

  it('names the package when the folder is missing', async () => {
    await expect(openFashionMnist(`${debianFashionMnist}-missing`)).rejects.toThrow('apt-get install dataset-fashion-mnist');
  });
});
