import { describe, expect, it } from 'vitest';
import { loadTrainingEngine } from './engine.js';
import type { LoweredGraph } from './lower.js';
import { batchTensor, crossEntropy, train } from './trainer.js';

/** Only what batchTensor reads of a lowered graph: the input's shape. */
const inputOf = (shape: number[]) => ({ graph: { tensors: [{ shape }], inputs: [0] } }) as unknown as LoweredGraph;

describe('trainer: augmentation and label smoothing', () => {
  it('shift moves each sample along its first two axes by the drawn offsets, zero-filling the uncovered edge', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    const image = Float32Array.from({ length: 9 }, (_, i) => i + 1); // 3 × 3: 1 2 3 / 4 5 6 / 7 8 9
    const set = { count: 1, sampleSize: 9, inputs: image, labels: Int32Array.of(0) };
    // Draws map to offsets floor(r · 3) − 1: 0.9 → +1 (down), 0.0 → −1 (left).
    const draws = [0.9, 0.0];
    const moved = batchTensor(tf, inputOf([1, 3, 3]), set, [0], { shift: 1, random: () => draws.shift()! });
    expect(moved.shape).toEqual([1, 3, 3]);
    expect(Array.from(moved.dataSync())).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
    // Inner axes (channels) move together: a 2 × 2 × 2 sample moved up one row.
    const channels = { count: 1, sampleSize: 8, inputs: Float32Array.from({ length: 8 }, (_, i) => i + 1), labels: Int32Array.of(0) };
    const upDraws = [0.0, 0.5]; // −1 (up), 0
    const up = batchTensor(tf, inputOf([1, 2, 2, 2]), channels, [0], { shift: 1, random: () => upDraws.shift()! });
    expect(Array.from(up.dataSync())).toEqual([5, 6, 7, 8, 0, 0, 0, 0]);
    expect(Array.from(batchTensor(tf, inputOf([1, 3, 3]), set, [0]).dataSync())).toEqual(Array.from(image));
  });

  it('label smoothing ε gives the cross-entropy against (1 − ε)·one-hot + ε/classes', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 3]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const logP = tf.logSoftmax(logits).arraySync() as number[][];
    const expected = -[0, 1].map((row) => logP[row].reduce((sum, value, k) => sum + value * ((k === [0, 1][row] ? 0.9 : 0) + 0.1 / 3), 0)).reduce((a, b) => a + b) / 2;
    expect(crossEntropy(tf, logits, labels, 3, 0.1).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(crossEntropy(tf, logits, labels, 3).dataSync()[0]).toBeCloseTo(-(logP[0][0] + logP[1][1]) / 2, 5);
  });

  it('rejects a fractional shift and a smoothing outside [0, 1)', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    const lowered = inputOf([1, 3, 3]) as LoweredGraph;
    const data = { train: { count: 1, sampleSize: 9, inputs: new Float32Array(9), labels: Int32Array.of(0) }, classes: 3 };
    const fake = { ...lowered, graph: { tensors: [{ shape: [1, 3, 3] }, { shape: [1, 3] }], inputs: [0], outputs: [1] }, variables: new Map() } as unknown as LoweredGraph;
    await expect(train(tf, fake, data, { shift: 1.5 })).rejects.toThrow('shift 1.5 is not a whole number >= 0');
    await expect(train(tf, fake, data, { labelSmoothing: 1 })).rejects.toThrow('label smoothing 1 is not in [0, 1)');
  });
});
