/**
 * What the app shows of a dataset before it is used: its format (layout, stored dtype, shape,
 * quantization, classes), what kind of data a sample looks like, and the real values of a few
 * samples to draw. The kind decides the picture:
 *
 * - `image`: rows × columns × 3 (or 1) channels, or rows × columns stored as uint8 or in an IDX
 *   file (MNIST, Visual Wake Words);
 * - `time-series`: a few channels over time, one line each — a 1-D sample, or time × at most 9
 *   channels with at least 4 times more steps than channels (accelerometer axes);
 * - `spectrogram`: any other 2-D sample, time × features drawn as a heat map (KWS's 49 × 10 MFCC);
 * - `tensor`: anything else (values only, no picture).
 *
 * Dimensions of size 1 are left out before deciding ([1, 49, 10, 1] is 49 × 10).
 */

import type { DatasetPreview, DatasetSampleKind } from '../../../shared/services/types.js';
import type { Dataset } from './dataset.js';

/** Most samples a preview carries. */
export const maxPreviewSamples = 12;
/** Most values of one sample a preview carries (a 96 × 96 × 3 image has 27,648). */
export const maxPreviewValues = 1 << 16;

/** The kind of data of samples of `shape` (see the module comment). */
export function sampleKind(shape: readonly number[], dtype: string, layout: Dataset['layout']): { kind: DatasetSampleKind; dimensions: number[] } {
  const dimensions = shape.filter((size) => size !== 1);
  if (dimensions.length === 0) return { kind: 'tensor', dimensions: [1] };
  if (dimensions.length === 1) return { kind: 'time-series', dimensions: [dimensions[0], 1] };
  if (dimensions.length === 3 && (dimensions[2] === 3 || dimensions[2] === 1)) return { kind: 'image', dimensions };
  if (dimensions.length === 2) {
    const [rows, columns] = dimensions;
    if (columns <= 9 && rows >= 4 * columns) return { kind: 'time-series', dimensions };
    if (layout === 'idx' || dtype === 'uint8') return { kind: 'image', dimensions: [rows, columns, 1] };
    return { kind: 'spectrogram', dimensions };
  }
  return { kind: 'tensor', dimensions };
}

/** The format of `dataset` and the real values of its first `count` samples (at most 12). */
export async function previewDataset(dataset: Dataset, count = 6): Promise<DatasetPreview> {
  const wanted = Math.max(0, Math.min(maxPreviewSamples, count, dataset.size));
  const { sample } = dataset;
  const { kind, dimensions } = sampleKind(sample.shape, sample.dtype, dataset.layout);
  const scale = Math.fround(sample.scale);
  const samples: DatasetPreview['samples'] = [];
  for await (const entry of dataset.samples({ limit: wanted })) {
    const length = Math.min(entry.values.length, maxPreviewValues);
    const values = new Array<number>(length);
    for (let i = 0; i < length; i++) values[i] = Math.fround((Number(entry.values[i]) - sample.zeroPoint) * scale);
    samples.push({ index: entry.index, label: entry.label, className: dataset.classes[entry.label] ?? String(entry.label), source: entry.source, values, truncated: length < entry.values.length });
  }
  return {
    name: dataset.name,
    ...(dataset.description !== undefined ? { description: dataset.description } : {}),
    layout: dataset.layout,
    sample: { dtype: sample.dtype, shape: [...sample.shape], scale: sample.scale, zeroPoint: sample.zeroPoint },
    classes: [...dataset.classes],
    sampleCount: dataset.size,
    kind,
    dimensions,
    samples,
  };
}
