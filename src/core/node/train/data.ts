/**
 * A dataset split for training, in file order: the last `holdout` fraction of the samples is the
 * held-out part (reports give accuracy on it; it is never trained on), the last `validation`
 * fraction of what remains is the validation part early stopping watches, and the rest is what
 * the model trains on. Samples are read through the dataset readers as real values for the
 * model's input (`loadDatasetSlice`) and held in memory as one Float32Array per part; a dataset
 * larger than memory is split the same way by `streamTrainingData` (`stream.ts`), which keeps the
 * parts on disk and reads them a batch at a time.
 */

import { DatasetError } from '../../common/errors.js';
import type { Graph } from '../../common/ir/types.js';
import { elementCount } from '../../common/ir/tensor.js';
import type { LabelledSet, TrainingData } from '../../common/passes/pass.js';
import type { Dataset } from '../datasets/dataset.js';
import { loadDatasetSlice } from '../quantize/dataset-samples.js';

export const DEFAULT_HOLDOUT = 0.2;
export const DEFAULT_VALIDATION = 0.1;

export interface SplitOptions {
  /** Fraction held out at the end (default 0.2). */
  holdout?: number;
  /** Fraction of the rest used for validation (default 0.1; 0: no validation part). */
  validation?: number;
  /** Read at most this many samples from the start of the dataset (default: all). */
  limit?: number;
  /**
   * A dataset with its own test set (Fashion-MNIST): the held-out part is this set (its first
   * `limit` samples) and the whole of the dataset is trained on; `holdout` is unused.
   */
  heldOutSet?: Dataset;
  /** Read at most this many samples of `heldOutSet` (default: `limit`; Infinity: all of it). */
  heldOutLimit?: number;
  signal?: AbortSignal;
}

export interface SplitData extends TrainingData {
  /** The parts, held in memory. */
  readonly train: LabelledSet;
  readonly validation?: LabelledSet;
  heldOut: LabelledSet;
  /** Where each part starts and how long it is, in dataset positions. */
  split: { train: [number, number]; validation: [number, number]; heldOut: [number, number]; dataset: string; heldOutDataset?: string };
}

function checkFraction(name: string, value: number, max: number): void {
  if (!(value >= 0 && value < max)) throw new DatasetError(`${name} ${value} is not a fraction in [0, ${max})`, { [name]: value });
}

/** Reads and splits the dataset for `graph` (see the module comment). */
export async function loadTrainingData(dataset: Dataset, graph: Graph, options: SplitOptions = {}): Promise<SplitData> {
  const holdout = options.holdout ?? DEFAULT_HOLDOUT;
  const validation = options.validation ?? DEFAULT_VALIDATION;
  checkFraction('holdout', holdout, 1);
  checkFraction('validation', validation, 1);
  const slice = await loadDatasetSlice(dataset, graph, { start: 0, count: options.limit }, options.signal);
  const total = slice.count;
  const heldOutCount = options.heldOutSet ? 0 : Math.round(total * holdout);
  const rest = total - heldOutCount;
  const validationCount = Math.round(rest * validation);
  const trainCount = rest - validationCount;
  if (trainCount < 1) throw new DatasetError(`dataset ${dataset.name}: ${total} samples leave none to train on (holdout ${holdout}, validation ${validation})`);
  const sampleSize = elementCount(graph.tensors[graph.inputs[0]].shape);
  const part = (start: number, count: number): LabelledSet => {
    const inputs = new Float32Array(count * sampleSize);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      inputs.set((slice.sample(start + i) as readonly Float32Array[])[0], i * sampleSize);
      labels[i] = slice.label!(start + i);
    }
    return { count, sampleSize, inputs, labels };
  };
  let heldOut = part(rest, heldOutCount);
  let heldOutRange: [number, number] = [rest, heldOutCount];
  if (options.heldOutSet) {
    const other = options.heldOutSet;
    if (other.classes.length !== dataset.classes.length) throw new DatasetError(`held-out set ${other.name} has ${other.classes.length} classes, ${dataset.name} ${dataset.classes.length}`);
    const test = await loadDatasetSlice(other, graph, { start: 0, count: options.heldOutLimit ?? options.limit }, options.signal);
    const inputs = new Float32Array(test.count * sampleSize);
    const labels = new Int32Array(test.count);
    for (let i = 0; i < test.count; i++) {
      inputs.set((test.sample(i) as readonly Float32Array[])[0], i * sampleSize);
      labels[i] = test.label!(i);
    }
    heldOut = { count: test.count, sampleSize, inputs, labels };
    heldOutRange = [0, test.count];
  }
  return {
    train: part(0, trainCount),
    ...(validationCount > 0 ? { validation: part(trainCount, validationCount) } : {}),
    heldOut,
    classes: dataset.classes.length,
    split: {
      train: [0, trainCount],
      validation: [trainCount, validationCount],
      heldOut: heldOutRange,
      dataset: dataset.name,
      ...(options.heldOutSet ? { heldOutDataset: options.heldOutSet.name } : {}),
    },
  };
}

/** The first `count` samples of a set (a view, no copy). */
export function headOf(set: LabelledSet, count: number): LabelledSet {
  const n = Math.min(count, set.count);
  return { count: n, sampleSize: set.sampleSize, inputs: set.inputs.subarray(0, n * set.sampleSize), labels: set.labels.subarray(0, n) };
}
