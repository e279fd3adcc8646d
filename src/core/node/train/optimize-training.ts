/**
 * A training pipeline as a user runs it (`tinydeploy optimize --pipeline prune-channels,finetune`,
 * and the worker's optimize job): the training back end chosen and reported, the model made float
 * where it had int8 weights on float activations, the dataset split in file order (the last
 * `holdout` fraction never trained on), the passes run with the training part as their data, and
 * parent and result measured side by side: held-out accuracy with the host interpreter (what the
 * board computes), parameters and MACs. A `quantize-int8` pass in the pipeline calibrates on the
 * first samples of the training part, and so does `qat-int8` before it trains.
 *
 * A dataset whose samples take more than `STREAM_THRESHOLD_BYTES` as float32 values (or any, with
 * `stream: true`) is streamed (`stream.ts`): split into cache files on disk, the same parts as in
 * memory; training and validation read batches by offset, Taylor importance its seeded batches,
 * calibration its first samples a chunk at a time, and the held-out evaluation a chunk at a time.
 * The log says which mode ran and why.
 */

import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { analyzeModel } from '../../common/analysis/model-analysis.js';
import { PassError } from '../../common/errors.js';
import type { Graph } from '../../common/ir/types.js';
import type { CalibrationData, LabelledSet, PassLogEntry, PassOptions, TrainingData } from '../../common/passes/pass.js';
import { findPass } from '../../common/passes/registry.js';
import { type PassStep, type PipelineProgress, runPipeline } from '../../common/passes/run-pipeline.js';
import { RealValuedRunner, argmax } from '../../common/passes/quantize/metrics.js';
import type { Dataset } from '../datasets/dataset.js';
import { type SplitData, loadTrainingData } from './data.js';
import { DatasetError } from '../../common/errors.js';
import { elementCount } from '../../common/ir/tensor.js';
import { readTimeSeries, windowSplit } from '../search/time-series.js';
import { readCsvWindows } from './csv-windows.js';
import { type StreamedData, type StreamedSet, STREAM_THRESHOLD_BYTES, decodedBytes, isStreamed, streamCsvWindows, streamTrainingData, streamedCalibration } from './stream.js';
import { type TrainingBackend, loadTrainingEngine } from './engine.js';
import './passes/distill.js';
import { LEARNING_RATE_AFTER_PRUNING } from './passes/finetune.js';
import './passes/prune-channels.js';
import './passes/qat-int8.js';

/** Passes that learn from the dataset (a pipeline with one of them is a training pipeline). */
export const trainingPasses: readonly string[] = ['finetune', 'prune-channels', 'distill', 'qat-int8'];

export interface TrainingPipelineOptions {
  /** Pass names in order, e.g. ['prune-channels', 'finetune']. */
  passes: readonly string[];
  /** The dataset (absent with `timeSeries`). */
  dataset?: Dataset;
  /**
   * Windowed time series from a folder of class folders of CSV files (the accelerometer activity
   * set), read as the architecture search reads them (`search/time-series.ts`): windows of
   * `window` steps every `stride` steps, the label from the folder, the held-out and validation
   * parts the last windows of every file, those overlapping them not trained on. With
   * `labelColumn`, the folder's CSV files carry the label in that column instead (`csv-windows.ts`).
   */
  timeSeries?: { directory: string; window: number; stride: number; filesPerClass?: number; scale?: number; labelColumn?: string | number };
  holdout?: number;
  validation?: number;
  /** Read only the first `limit` samples of the dataset (tests, quick looks). */
  limit?: number;
  backend?: TrainingBackend | 'auto';
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: 'adam' | 'sgd';
  patience?: number;
  maxSteps?: number;
  ratio?: number;
  targetParams?: number;
  targetMacs?: number;
  importance?: 'l1' | 'l2' | 'taylor';
  /** prune-channels: prune until the model fits this board's flash and RAM (`budget` of each, default 0.5). */
  board?: string;
  budget?: number;
  /** prune-channels: steps towards the target with `stepEpochs` of fine-tuning between them. */
  iterations?: number;
  stepEpochs?: number;
  /** distill's teacher (default: the model itself, made float, before any pass). */
  teacher?: Graph;
  /** distill: weight of the soft-target loss and the softmax temperature. */
  alpha?: number;
  temperature?: number;
  /** finetune, distill: augmentation (samples moved by up to `shift` positions) and label smoothing. */
  shift?: number;
  labelSmoothing?: number;
  /**
   * A folder for checkpoints: each training pass saves its state there after every epoch, and a
   * run of the same pipeline with the same settings resumes from them (a cancelled or crashed
   * job run again). Removed once the run has finished (the variant evaluated).
   */
  checkpointDir?: string;
  /**
   * Stream the dataset from disk (`stream.ts`) instead of holding it in memory: true, false, or
   * 'auto' (default): streamed when its samples take more than `streamThresholdBytes` as float32.
   */
  stream?: boolean | 'auto';
  /** The size above which 'auto' streams (default `STREAM_THRESHOLD_BYTES`, 256 MiB). */
  streamThresholdBytes?: number;
  /** Samples per write buffer while the caches fill (default 64); the caches' folder (default: a new temporary one). */
  streamBufferSamples?: number;
  streamDirectory?: string;
  signal?: AbortSignal;
  onProgress?(progress: TrainingProgress): void;
  onLog?(entry: PassLogEntry): void;
}

export interface TrainingProgress {
  stage: 'loading' | 'evaluating' | 'pipeline';
  pipeline?: PipelineProgress;
  done?: number;
  total?: number;
  detail?: string;
}

export interface Before<T> {
  before: T;
  after: T;
}

export interface TrainingReport {
  accuracy: Before<number>;
  params: Before<number>;
  macs: Before<number>;
  backend: TrainingBackend;
  /** Epochs trained in all (every finetune pass). */
  epochs: number;
  wallMs: number;
  split: SplitData['split'];
  /** Held-out samples the accuracies are measured on. */
  heldOutSamples: number;
  pipeline: string[];
  steps: PassStep[];
  log: PassLogEntry[];
  /** How the dataset was held: in memory, or streamed from disk with the most sample bytes the loader held at once. */
  data: { mode: 'memory' | 'streamed'; reason: string; bytes?: number; peakResidentBytes?: number };
}

/** True when the pipeline (pass names) trains. */
export function isTrainingPipeline(passes: readonly string[]): boolean {
  return passes.some((pass) => trainingPasses.includes(pass));
}

/** `prune-channels,finetune` → ['prune-channels', 'finetune'], each checked to be a pass. */
export function parsePassList(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) if (!findPass(name)) throw new PassError(`unknown pass "${name}" in pipeline "${text}"`, { pass: name });
  return names;
}

/** Top-1 accuracy of `graph` on a labelled set (in memory, or streamed a chunk of 64 samples at a time), with the host interpreter. */
export async function interpreterAccuracy(graph: Graph, set: LabelledSet | StreamedSet, signal?: AbortSignal, progress?: (done: number, total: number) => void): Promise<number> {
  if (isStreamed(set)) return streamedInterpreterAccuracy(graph, set, signal, progress);
  const runner = new RealValuedRunner(graph);
  let correct = 0;
  for (let i = 0; i < set.count; i++) {
    if (i % 64 === 0) {
      signal?.throwIfAborted();
      progress?.(i, set.count);
      // Let a cancel message reach the process between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const output = runner.run([set.inputs.subarray(i * set.sampleSize, (i + 1) * set.sampleSize)])[0];
    if (argmax(output) === set.labels[i]) correct++;
  }
  progress?.(set.count, set.count);
  return set.count ? correct / set.count : 0;
}

async function streamedInterpreterAccuracy(graph: Graph, set: StreamedSet, signal?: AbortSignal, progress?: (done: number, total: number) => void): Promise<number> {
  const runner = new RealValuedRunner(graph);
  const size = set.sampleSize;
  let correct = 0;
  for (let start = 0; start < set.count; start += 64) {
    signal?.throwIfAborted();
    progress?.(start, set.count);
    await new Promise((resolve) => setImmediate(resolve));
    const count = Math.min(64, set.count - start);
    const values = await set.read(Array.from({ length: count }, (_, i) => start + i));
    try {
      for (let i = 0; i < count; i++) if (argmax(runner.run([values.subarray(i * size, (i + 1) * size)])[0]) === set.labels[start + i]) correct++;
    } finally {
      set.release(values);
    }
  }
  progress?.(set.count, set.count);
  return set.count ? correct / set.count : 0;
}

/** Passes that train, and so save checkpoints. */
const checkpointed: readonly string[] = ['finetune', 'distill', 'qat-int8'];

const prepare = ['dequantize-hybrid-weights', 'fold-constants', 'remove-noop-reshapes', 'fuse-activation', 'remove-dead-code'];

/** The training, validation and held-out parts the options name (a dataset, or windows of a time-series folder). */
async function trainingData(graph: Graph, options: TrainingPipelineOptions): Promise<SplitData> {
  const { holdout, validation, limit, signal } = options;
  if (options.timeSeries) {
    const { directory, window, stride, filesPerClass, scale, labelColumn } = options.timeSeries;
    if (labelColumn !== undefined) {
      const data = await readCsvWindows(directory, { window, stride, labelColumn, holdout, validation, scale });
      const expected = elementCount(graph.tensors[graph.inputs[0]].shape);
      if (data.train.sampleSize !== expected) throw new DatasetError(`time series ${data.split.dataset}: windows are ${data.train.sampleSize} values, the model's input takes ${expected}`);
      return data;
    }
    const set = await readTimeSeries(directory, { filesPerClass, scale });
    const expected = elementCount(graph.tensors[graph.inputs[0]].shape);
    if (window * set.channels !== expected) {
      throw new DatasetError(`time series ${set.name}: windows of ${window} steps × ${set.channels} channels are ${window * set.channels} values, the model's input takes ${expected}`);
    }
    return windowSplit(set, window, stride, { holdout, validation });
  }
  if (!options.dataset) throw new DatasetError('training needs a dataset or a time-series folder');
  return loadTrainingData(options.dataset, graph, { holdout, validation, limit, signal });
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** Whether to stream the dataset, and why (said in the log). */
async function streamChoice(graph: Graph, options: TrainingPipelineOptions): Promise<{ stream: boolean; reason: string; bytes?: number }> {
  const choice = options.stream ?? 'auto';
  const threshold = options.streamThresholdBytes ?? STREAM_THRESHOLD_BYTES;
  if (options.timeSeries && options.timeSeries.labelColumn === undefined) {
    if (choice === true) throw new DatasetError('streaming reads datasets and CSV windows labelled by a column (--label-column); time series labelled by their folder are read into memory');
    return { stream: false, reason: 'time series labelled by their folder are read into memory' };
  }
  if (choice === false) return { stream: false, reason: 'streaming turned off' };
  if (choice === true) return { stream: true, reason: 'streaming asked for' };
  let bytes: number;
  let what: string;
  if (options.timeSeries) {
    // Windows overlap when the stride is shorter than the window: about window/stride times the values of the files.
    const { directory, window, stride } = options.timeSeries;
    const names = (await readdir(directory)).filter((name) => name.toLowerCase().endsWith('.csv'));
    const fileBytes = (await Promise.all(names.map(async (name) => (await stat(join(directory, name))).size))).reduce((sum, size) => sum + size, 0);
    bytes = Math.round((fileBytes * window) / stride);
    what = `windows of ${mib(fileBytes)} of CSV files estimated at ${mib(bytes)}`;
  } else {
    if (!options.dataset) throw new DatasetError('training needs a dataset or a time-series folder');
    const count = Math.min(options.limit ?? Infinity, options.dataset.size);
    bytes = decodedBytes(graph, count);
    what = `${count} samples take ${mib(bytes)} as float32`;
  }
  return bytes > threshold ? { stream: true, reason: `${what}, more than the ${mib(threshold)} threshold`, bytes } : { stream: false, reason: `${what}, within the ${mib(threshold)} threshold`, bytes };
}

/** The parts of the options' dataset, split as `trainingData` splits them, kept in cache files on disk. */
async function streamedData(graph: Graph, options: TrainingPipelineOptions): Promise<StreamedData> {
  const { holdout, validation, limit, signal } = options;
  const cache = { bufferSamples: options.streamBufferSamples, directory: options.streamDirectory, signal };
  if (options.timeSeries) {
    const { directory, window, stride, scale, labelColumn } = options.timeSeries;
    const data = await streamCsvWindows(directory, { window, stride, labelColumn: labelColumn!, holdout, validation, scale, ...cache });
    const expected = elementCount(graph.tensors[graph.inputs[0]].shape);
    if (data.train.sampleSize !== expected) {
      await data.close();
      throw new DatasetError(`time series ${data.split.dataset}: windows are ${data.train.sampleSize} values, the model's input takes ${expected}`);
    }
    return data;
  }
  return streamTrainingData(options.dataset!, graph, { holdout, validation, limit, ...cache });
}

/** Runs a training pipeline on `graph` (see the module comment). */
export async function optimizeWithTraining(graph: Graph, options: TrainingPipelineOptions): Promise<{ graph: Graph; report: TrainingReport }> {
  const started = performance.now();
  const { signal, onProgress } = options;
  const engine = await loadTrainingEngine(options.backend ?? 'auto');
  const backend = engine.backend;
  const log: PassLogEntry[] = [];
  const note = (message: string) => {
    const entry: PassLogEntry = { pass: 'train', level: 'info', message };
    log.push(entry);
    options.onLog?.(entry);
  };
  note(`tfjs back end ${backend}${engine.notes.length ? ` (${engine.notes.join('; ')})` : ''}`);

  onProgress?.({ stage: 'loading', detail: 'reading the dataset' });
  const floatGraph = (await runPipeline(graph, prepare, { signal })).graph;
  const choice = await streamChoice(floatGraph, options);
  const streamed = choice.stream ? await streamedData(floatGraph, options) : undefined;
  try {
    note(streamed ? `dataset streamed from disk in batches: ${choice.reason}` : `dataset held in memory: ${choice.reason}`);
    const data = streamed ?? (await trainingData(floatGraph, options));
    const result = await trainAndMeasure(graph, floatGraph, data, options, { started, backend, log, note });
    if (streamed) note(`at most ${streamed.resident.peak} bytes of samples held at once (${mib(streamed.resident.peak)})`);
    return { graph: result.graph, report: { ...result.report, data: { mode: streamed ? 'streamed' : 'memory', reason: choice.reason, ...(choice.bytes !== undefined ? { bytes: choice.bytes } : {}), ...(streamed ? { peakResidentBytes: streamed.resident.peak } : {}) } } };
  } finally {
    await streamed?.close();
  }
}

/** The parts a run trains and measures on: in memory (`SplitData`) or streamed (`StreamedData`). */
type Parts = Pick<SplitData, 'classes' | 'split'> & { train: LabelledSet | StreamedSet; validation?: LabelledSet | StreamedSet; heldOut: LabelledSet | StreamedSet };

async function trainAndMeasure(
  graph: Graph,
  floatGraph: Graph,
  data: Parts,
  options: TrainingPipelineOptions,
  run: { started: number; backend: TrainingBackend; log: PassLogEntry[]; note(message: string): void },
): Promise<{ graph: Graph; report: Omit<TrainingReport, 'data'> }> {
  const { signal, onProgress } = options;
  const { started, backend, log, note } = run;
  const { split } = data;
  note(
    `dataset ${split.dataset}: training on samples ${split.train[0]}-${split.train[0] + split.train[1] - 1}` +
      (split.validation[1] ? `, validation ${split.validation[0]}-${split.validation[0] + split.validation[1] - 1}` : '') +
      `, held out ${split.heldOut[0]}-${split.heldOut[0] + split.heldOut[1] - 1} (never trained on)`,
  );
  const evaluate = (which: string, model: Graph) =>
    interpreterAccuracy(model, data.heldOut, signal, (done, total) => onProgress?.({ stage: 'evaluating', done, total, detail: `${which} on held-out samples` }));
  const accuracyBefore = await evaluate('parent', graph);

  const shared = { seed: options.seed, backend: options.backend };
  const training = { epochs: options.epochs, batchSize: options.batchSize, learningRate: options.learningRate, optimizer: options.optimizer, patience: options.patience, maxSteps: options.maxSteps, shift: options.shift, labelSmoothing: options.labelSmoothing };
  const passOptions: Record<string, PassOptions> = {
    finetune: { ...shared, ...training },
    distill: { ...shared, ...training, alpha: options.alpha, temperature: options.temperature },
    'prune-channels': {
      ...shared,
      ratio: options.ratio,
      targetParams: options.targetParams,
      targetMacs: options.targetMacs,
      importance: options.importance,
      board: options.board,
      budget: options.budget,
      iterations: options.iterations,
      stepEpochs: options.stepEpochs,
    },
    'qat-int8': { epochs: options.epochs, batchSize: options.batchSize, learningRate: options.learningRate, optimizer: options.optimizer, patience: options.patience, maxSteps: options.maxSteps, ...shared, samples: Math.min(200, data.train.count) },
    'quantize-int8': { samples: Math.min(200, data.train.count) },
  };
  let epochs = 0;
  const entries = options.passes.map((pass, index) => ({
    pass,
    options: {
      // A network just pruned is far from any minimum: it recovers at a higher rate than fine-tuning starts at.
      ...(options.learningRate === undefined && (pass === 'finetune' || pass === 'distill') && options.passes.slice(0, index).includes('prune-channels') ? { learningRate: LEARNING_RATE_AFTER_PRUNING } : {}),
      ...Object.fromEntries(Object.entries(passOptions[pass] ?? {}).filter(([, value]) => value !== undefined)),
      ...(options.checkpointDir && checkpointed.includes(pass) ? { checkpoint: join(options.checkpointDir, `${index + 1}-${pass}.json`) } : {}),
    },
  }));
  const train = data.train;
  // Streamed: the first samples read a chunk at a time as calibration asks for them.
  const calibration: CalibrationData & { release?(): void } = isStreamed(train)
    ? streamedCalibration(train, 200)
    : { count: Math.min(200, train.count), sample: (index: number) => [train.inputs.subarray(index * train.sampleSize, (index + 1) * train.sampleSize)] };
  const teacher = options.teacher ? (await runPipeline(options.teacher, prepare, { signal })).graph : floatGraph;
  const resourceData: TrainingData = isStreamed(train) ? { train, ...(data.validation ? { validation: data.validation } : {}), classes: data.classes, teacher } : { ...data, teacher };
  const result = await runPipeline(floatGraph, entries, {
    signal,
    resources: { training: resourceData, calibration },
    onProgress: (pipeline) => onProgress?.({ stage: 'pipeline', pipeline }),
    onLog: (entry) => {
      const trained = /^trained (\d+) epoch/.exec(entry.message);
      if ((entry.pass === 'finetune' || entry.pass === 'distill' || entry.pass === 'qat-int8') && trained) epochs += Number(trained[1]);
      if (entry.message.startsWith('tfjs back end')) return;
      log.push(entry);
      options.onLog?.(entry);
    },
  });
  calibration.release?.();
  const accuracyAfter = await evaluate('variant', result.graph);
  // Only now is the run done: a cancel while the variant was evaluated resumes without training again.
  if (options.checkpointDir) await rm(options.checkpointDir, { recursive: true, force: true });
  const [parent, variant] = [analyzeModel(graph).totals, analyzeModel(result.graph).totals];
  return {
    graph: result.graph,
    report: {
      accuracy: { before: accuracyBefore, after: accuracyAfter },
      params: { before: parent.params, after: variant.params },
      macs: { before: parent.macs, after: variant.macs },
      backend,
      epochs,
      wallMs: Math.round(performance.now() - started),
      split,
      heldOutSamples: data.heldOut.count,
      pipeline: [...options.passes],
      steps: result.steps,
      log,
    },
  };
}
