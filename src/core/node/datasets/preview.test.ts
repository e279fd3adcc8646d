import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedPath } from '../../../../test/testing/shared-data.js';
import { openDataset } from './dataset.js';
import { previewDataset, sampleKind } from './preview.js';

describe('sampleKind', () => {
  it('images, spectrograms, time series and the rest, dimensions of size 1 left out', () => {
    expect(sampleKind([1, 28, 28], 'uint8', 'idx')).toEqual({ kind: 'image', dimensions: [28, 28, 1] });
    expect(sampleKind([1, 96, 96, 3], 'int8', 'files')).toEqual({ kind: 'image', dimensions: [96, 96, 3] });
    expect(sampleKind([1, 49, 10, 1], 'int8', 'files')).toEqual({ kind: 'spectrogram', dimensions: [49, 10] });
    expect(sampleKind([1, 24, 3], 'float32', 'files')).toEqual({ kind: 'time-series', dimensions: [24, 3] });
    expect(sampleKind([1, 640], 'int8', 'files')).toEqual({ kind: 'time-series', dimensions: [640, 1] });
    expect(sampleKind([2, 3, 4, 5], 'float32', 'files')).toEqual({ kind: 'tensor', dimensions: [2, 3, 4, 5] });
    expect(sampleKind([1], 'float32', 'files')).toEqual({ kind: 'tensor', dimensions: [1] });
  });
});

describe('previewDataset', () => {
  it('kws01: a 49 × 10 MFCC spectrogram per sample, real values (stored − zero point) × scale, with its class', async () => {
    const dataset = await openDataset(join(repoRoot, 'resources/datasets/kws01'));
    const preview = await previewDataset(dataset, 3);
    expect(preview).toMatchObject({ name: 'kws01', layout: 'files', kind: 'spectrogram', dimensions: [49, 10], sampleCount: 1000, classes: dataset.classes });
    expect(preview.sample).toEqual({ dtype: 'int8', shape: [1, 49, 10, 1], scale: 0.5847029089927673, zeroPoint: 83 });
    expect(preview.samples.map((sample) => [sample.source, sample.className])).toEqual([
      ['tst_000000_Stop_7.bin', 'Stop'],
      ['tst_000001_Left_2.bin', 'Left'],
      ['tst_000002_Right_6.bin', 'Right'],
    ]);
    let first: { values: ArrayLike<number | bigint> } | undefined;
    for await (const sample of dataset.samples({ limit: 1 })) first = sample;
    expect(preview.samples[0].values).toHaveLength(490);
    expect(preview.samples[0].values[7]).toBe(Math.fround((Number(first!.values[7]) - 83) * Math.fround(0.5847029089927673)));
    expect(preview.samples[0].truncated).toBe(false);
  });

  it('MNIST: 28 × 28 images in [0, 1]; at most 12 samples', async () => {
    const preview = await previewDataset(await openDataset(sharedPath('datasets/mnist')), 50);
    expect(preview).toMatchObject({ layout: 'idx', kind: 'image', dimensions: [28, 28, 1] });
    expect(preview.samples).toHaveLength(12);
    expect(Math.max(...preview.samples[0].values)).toBeLessThanOrEqual(1);
    expect(Math.max(...preview.samples[0].values)).toBeGreaterThan(0.9);
    expect(preview.samples[0].className).toBe('7');
  });
});
