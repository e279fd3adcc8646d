/**
 * A dataset's samples as quantization sees them: real values (the stored values through the
 * dataset's scale and zero point, as float32) with their labels, held in memory so calibration
 * and evaluation can visit them in any order and more than once. A slice of the dataset, from
 * `start`, so that calibration takes the first samples and evaluation the others.
 */

import { DatasetError } from '../../common/errors.js';
import type { Graph } from '../../common/ir/types.js';
import type { LabelledSamples } from '../../common/passes/quantize/metrics.js';
import type { Dataset } from '../datasets/dataset.js';
import { sampleConverter } from '../datasets/sample-input.js';

export interface DatasetSlice extends LabelledSamples {
  /** Position of the first sample in the dataset. */
  start: number;
}

/**
 * Reads samples `start` … `start + count − 1` (fewer at the end of the dataset) for the graph's
 * single input. Refuses, before reading any sample, a graph with several inputs and a dataset
 * whose samples do not fit the input's shape.
 */
export async function loadDatasetSlice(
  dataset: Dataset,
  graph: Graph,
  slice: { start?: number; count?: number } = {},
  signal?: AbortSignal,
): Promise<DatasetSlice> {
  const start = slice.start ?? 0;
  const count = Math.max(0, Math.min(slice.count ?? Infinity, dataset.size - start));
  if (graph.inputs.length !== 1) {
    throw new DatasetError(`dataset ${dataset.name}: the model has ${graph.inputs.length} inputs; a dataset feeds exactly one`);
  }
  const input = graph.tensors[graph.inputs[0]];
  // Real values whatever the model's input type: convert as for a float32 input of its shape.
  const convert = sampleConverter(dataset.name, dataset.sample, { ...input, dtype: 'float32', quantization: undefined });
  const values: Float32Array[] = [];
  const labels: number[] = [];
  if (count > 0) {
    for await (const sample of dataset.samples({ limit: start + count })) {
      signal?.throwIfAborted();
      if (sample.index < start) continue;
      values.push(convert(sample.values) as Float32Array);
      labels.push(sample.label);
    }
  }
  return {
    start,
    count: values.length,
    sample: (index) => [values[index]],
    label: (index) => labels[index],
  };
}
