/**
 * Classification accuracy of a graph on a dataset with the host reference interpreter: the
 * loop the CLI's `eval`, the worker's evaluation job and the app share. Top-1 is the argmax of
 * the first output (the first maximum on ties, as numpy's argmax); every inference starts from
 * fresh state (variable tensors reset), as each sample is an independent sequence.
 */

import { setImmediate as nextTurn } from 'node:timers/promises';
import { DatasetError } from '../../common/errors.js';
import type { Graph, TensorData } from '../../common/ir/types.js';
import { elementCount, formatShape } from '../../common/ir/tensor.js';
import { Interpreter } from '../../common/interp/interpreter.js';
import type { Dataset } from './dataset.js';
import { perClassMetrics, rankOf, TopKCounter, topKValues } from './metrics.js';
import { sampleConverter } from './sample-input.js';
import type { EvaluationReport } from '../../../shared/services/types.js';

export interface EvaluationProgress {
  /** Samples evaluated so far. */
  done: number;
  /** Samples this evaluation will look at. */
  total: number;
  correct: number;
}

export interface EvaluationOptions {
  /** Evaluate only the first `limit` samples. */
  limit?: number;
  /** Called after every sample; keep it cheap (throttle drawing on the caller's side). */
  onProgress?: (progress: EvaluationProgress) => void;
  /** Stops between two samples; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Feed samples of another shape with as many values as the input (see `sampleConverter`); off by default. */
  allowReshape?: boolean;
}

/**
 * Top-1 accuracy, the confusion matrix (`confusion[actual][predicted]`, indexed like `classes`),
 * precision and recall per class, and top-k accuracy (k = 1, 2, 3, 5 below the class count).
 */
export type EvaluationResult = EvaluationReport;

/** Index of the largest value (the first one on ties). */
export function argmax(values: TensorData): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Runs every sample (or the first `limit`) through the graph and counts top-1 hits. Refuses,
 * before any inference, a dataset that does not fit the model: sample shape (count, and layout
 * unless `allowReshape`) or dtype against the model input, number of classes against the first
 * output's size.
 */
export async function evaluate(graph: Graph, dataset: Dataset, options: EvaluationOptions = {}): Promise<EvaluationResult> {
  const { limit = Infinity, onProgress, signal, allowReshape } = options;
  if (graph.inputs.length !== 1) {
    throw new DatasetError(`dataset ${dataset.name}: the model has ${graph.inputs.length} inputs; evaluation feeds exactly one`);
  }
  if (graph.outputs.length === 0) throw new DatasetError(`dataset ${dataset.name}: the model has no outputs; evaluation reads the first one`);
  const input = graph.tensors[graph.inputs[0]];
  const output = graph.tensors[graph.outputs[0]];
  const convert = sampleConverter(dataset.name, dataset.sample, input, { allowReshape });
  const classCount = dataset.classes.length;
  if (elementCount(output.shape) !== classCount) {
    throw new DatasetError(
      `dataset ${dataset.name}: ${classCount} classes, but model output ${output.name} has shape ` +
        `${formatShape(output.shape)} (${elementCount(output.shape)} scores)`,
      { classes: classCount, outputShape: output.shape },
    );
  }
  const interpreter = new Interpreter(graph, { state: 'reset' });
  const total = Math.min(limit, dataset.size);
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  const topK = new TopKCounter(topKValues(classCount));
  let done = 0;
  let correct = 0;
  let lastTurn = performance.now();
  signal?.throwIfAborted();
  for await (const sample of dataset.samples({ limit: total })) {
    const { outputs } = interpreter.run([convert(sample.values)]);
    const predicted = argmax(outputs[0]);
    topK.add(rankOf(outputs[0], sample.label));
    confusion[sample.label][predicted]++;
    if (predicted === sample.label) correct++;
    done++;
    onProgress?.({ done, total, correct });
    // Let the event loop run now and then so progress is delivered and a cancel can arrive.
    if (performance.now() - lastTurn > 50) {
      await nextTurn();
      lastTurn = performance.now();
    }
    signal?.throwIfAborted();
  }
  const classes = [...dataset.classes];
  return { samples: done, correct, accuracy: done === 0 ? 0 : correct / done, classes, confusion, perClass: perClassMetrics(confusion, classes), topK: topK.result() };
}
