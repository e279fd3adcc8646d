/**
 * Post-training quantization of a model as a user runs it (the CLI's `optimize`, later the
 * worker's job): calibration samples from a dataset (its first N, default 200) or synthetic ones,
 * the `quantize-int8` pipeline, then the variant measured against its parent on the samples it
 * was calibrated on and on the samples it was not (the rest of the dataset, or fresh synthetic
 * samples): accuracy of both when the samples are labelled, and the variant's SQNR and top-1
 * agreement against the parent.
 *
 * The variant records how it was calibrated in its description (written into the .tflite), in
 * particular when the calibration was synthetic: its ranges then come from a guess of the input
 * range, not from the model's domain.
 */

import type { Graph } from '../../common/ir/types.js';
import type { PassLogEntry } from '../../common/passes/pass.js';
import { findPipeline } from '../../common/passes/pipelines.js';
import { type PassStep, type PipelineProgress, runPipeline } from '../../common/passes/run-pipeline.js';
import { type GraphEvaluation, type LabelledSamples, argmax, evaluateGraph, referenceOutputs } from '../../common/passes/quantize/metrics.js';
import { DEFAULT_CALIBRATION_SAMPLES, type QuantizeInt8Options } from '../../common/passes/quantize/quantize-int8.js';
import { type SensitivityReport, layerSensitivity } from '../../common/passes/quantize/sensitivity.js';
import { syntheticSamples } from '../../common/passes/quantize/synthetic.js';
import { PassError } from '../../common/errors.js';
import type { Dataset } from '../datasets/dataset.js';
import { loadDatasetSlice } from './dataset-samples.js';

/** Where calibration samples come from. */
export type CalibrationSource =
  | { kind: 'dataset'; dataset: Dataset }
  | {
      kind: 'synthetic';
      /** Seed of the samples (default 1); held-out samples use seed + 1. */
      seed?: number;
      /** Input values are uniform in [min, max] (default [-1, 1]). */
      range?: [number, number];
    };

export interface QuantizeModelOptions {
  /** The model's name (file name), for the variant's description. */
  modelName: string;
  /** A pipeline that ends in quantize-int8 (default `quantize-int8`). */
  pipeline?: string;
  calibration: CalibrationSource;
  /** Options of the quantize-int8 pass (samples, observer, int16Layers, …). */
  passOptions?: QuantizeInt8Options;
  /** Held-out samples to evaluate (default: the rest of the dataset, or as many synthetic ones as calibration used); 0 skips evaluation. */
  evaluationLimit?: number;
  /** Validate the graph after every pass (tests). */
  validate?: boolean;
  signal?: AbortSignal;
  onProgress?(progress: QuantizeProgress): void;
}

export interface QuantizeProgress {
  stage: 'loading' | 'pipeline' | 'evaluating';
  /** The pipeline's own progress during `pipeline`. */
  pipeline?: PipelineProgress;
  done?: number;
  total?: number;
  detail?: string;
}

/** How the variant was calibrated. */
export type CalibrationRecord =
  | { kind: 'dataset'; dataset: string; samples: number; first: number; observer: string }
  | { kind: 'synthetic'; samples: number; seed: number; range: [number, number]; observer: string };

/** The parent and the variant on one set of samples. */
export interface SampleSetEvaluation {
  /** The parent: accuracy when labelled. */
  parent: GraphEvaluation;
  /** The variant: accuracy when labelled, SQNR and top-1 agreement against the parent. */
  variant: GraphEvaluation;
}

export interface QuantizeReport {
  model: string;
  pipeline: string;
  calibration: CalibrationRecord;
  steps: PassStep[];
  log: PassLogEntry[];
  /** Wall time of the pipeline (calibration included), milliseconds. */
  quantizeMs: number;
  /** On the calibration samples and on samples not used for calibration; absent with evaluationLimit 0. */
  evaluation?: { calibration: SampleSetEvaluation; heldOut?: SampleSetEvaluation };
}

/** Calibration samples and held-out samples from a calibration source, and how they were chosen. */
export interface LoadedSamples {
  calibration: LabelledSamples;
  /** Samples not used for calibration (absent with evaluationLimit 0 or a dataset used up by calibration). */
  heldOut?: LabelledSamples;
  record: CalibrationRecord;
}

/**
 * The first `count` samples of a dataset for calibration and up to `evaluationLimit` of the
 * following ones (default: all) held out; or `count` synthetic samples and as many fresh ones
 * (seed + 1) held out.
 */
export async function loadSamples(
  graph: Graph,
  source: CalibrationSource,
  options: { count: number; evaluationLimit?: number; observer: string; signal?: AbortSignal },
): Promise<LoadedSamples> {
  const { count, evaluationLimit, observer, signal } = options;
  if (source.kind === 'dataset') {
    const { dataset } = source;
    const calibration = await loadDatasetSlice(dataset, graph, { start: 0, count }, signal);
    const heldOut =
      evaluationLimit !== 0 && calibration.count < dataset.size
        ? await loadDatasetSlice(dataset, graph, { start: calibration.count, count: evaluationLimit }, signal)
        : undefined;
    return { calibration, heldOut, record: { kind: 'dataset', dataset: dataset.name, samples: calibration.count, first: 0, observer } };
  }
  const seed = source.seed ?? 1;
  const [min, max] = source.range ?? [-1, 1];
  const calibration = syntheticSamples(graph, { count, seed, min, max });
  const heldOut = evaluationLimit !== 0 ? syntheticSamples(graph, { count: Math.min(count, evaluationLimit ?? count), seed: seed + 1, min, max }) : undefined;
  return { calibration, heldOut, record: { kind: 'synthetic', samples: count, seed, range: [min, max], observer } };
}

/** The variant's description: what it was made from and how it was calibrated. */
export function describeVariant(modelName: string, pipeline: string, calibration: CalibrationRecord): string {
  const how =
    calibration.kind === 'dataset'
      ? `calibrated on dataset ${calibration.dataset}, samples ${calibration.first}-${calibration.first + calibration.samples - 1}`
      : `calibration synthetic: ${calibration.samples} seeded uniform samples in [${calibration.range.join(', ')}] (seed ${calibration.seed}), not from the model's domain`;
  return `TinyDeploy ${pipeline} of ${modelName}; ${how}; ${calibration.observer} observer`;
}

/**
 * Quantizes `graph` (see the module comment) and returns the variant, with the calibration
 * recorded in its description, and the report. Throws PassError for a pipeline without
 * quantize-int8, DatasetError for a dataset that does not fit the model.
 */
export async function quantizeModel(graph: Graph, options: QuantizeModelOptions): Promise<{ graph: Graph; report: QuantizeReport }> {
  const pipeline = options.pipeline ?? 'quantize-int8';
  const definition = findPipeline(pipeline);
  if (definition && !definition.passes.some((entry) => (typeof entry === 'string' ? entry : entry.pass) === 'quantize-int8')) {
    throw new PassError(`pipeline ${pipeline} does not quantize (no quantize-int8 pass); quantizeModel runs quantizing pipelines only`, { pipeline });
  }
  const count = options.passOptions?.samples ?? DEFAULT_CALIBRATION_SAMPLES;
  const observer = options.passOptions?.observer ?? 'min-max';
  const { signal, onProgress } = options;

  onProgress?.({ stage: 'loading', detail: 'reading calibration samples' });
  const { calibration, heldOut, record } = await loadSamples(graph, options.calibration, { count, evaluationLimit: options.evaluationLimit, observer, signal });

  const started = performance.now();
  const result = await runPipeline(graph, pipeline, {
    validate: options.validate,
    signal,
    resources: { calibration },
    options: { 'quantize-int8': { ...options.passOptions, samples: calibration.count } },
    onProgress: (progress) => onProgress?.({ stage: 'pipeline', pipeline: progress }),
  });
  const quantizeMs = performance.now() - started;
  const variant: Graph = {
    ...result.graph,
    source: { ...(result.graph.source ?? { format: 'tinydeploy' }), description: describeVariant(options.modelName, pipeline, record) },
  };
  const report: QuantizeReport = { model: options.modelName, pipeline, calibration: record, steps: result.steps, log: result.log, quantizeMs };
  if (options.evaluationLimit !== 0) {
    const sets: { name: string; samples: LabelledSamples }[] = [{ name: 'calibration samples', samples: calibration }];
    if (heldOut && heldOut.count > 0) sets.push({ name: 'held-out samples', samples: heldOut });
    const evaluations: SampleSetEvaluation[] = [];
    for (const { name, samples } of sets) {
      // Two runs over the samples (parent, then variant): one progress bar over both.
      const progress = (offset: number) => (done: number, total: number) =>
        onProgress?.({ stage: 'evaluating', done: offset + done, total: 2 * total, detail: name });
      const reference = await referenceOutputs(graph, samples, { signal, progress: progress(0) });
      const parent = parentEvaluation(samples, reference);
      const measured = await evaluateGraph(variant, samples, reference, { signal, progress: progress(samples.count) });
      evaluations.push({ parent, variant: measured });
    }
    report.evaluation = { calibration: evaluations[0], ...(evaluations[1] ? { heldOut: evaluations[1] } : {}) };
  }
  return { graph: variant, report };
}

/** The parent's accuracy from its outputs (already computed as the reference). */
function parentEvaluation(samples: LabelledSamples, outputs: readonly (readonly Float32Array[])[]): GraphEvaluation {
  if (!samples.label) return { samples: samples.count };
  const correct = outputs.filter((output, index) => argmax(output[0]) === samples.label!(index)).length;
  return { samples: samples.count, correct, accuracy: samples.count > 0 ? correct / samples.count : 0 };
}

export interface SensitivityOptions {
  /** A pipeline that ends in quantize-int8 (default `quantize-int8`): its passes before quantize-int8 prepare the graph. */
  pipeline?: string;
  calibration: CalibrationSource;
  /** Calibration settings (samples, observer, percentile, averagingConstant, perChannel). */
  passOptions?: QuantizeInt8Options;
  /** Samples each one-layer variant is evaluated on: held-out ones, at most this many (default 200). */
  evaluationLimit?: number;
  signal?: AbortSignal;
  onProgress?(progress: QuantizeProgress): void;
}

/**
 * Per-layer sensitivity of `graph` (see `layerSensitivity`): the graph as the pipeline prepares it
 * for quantize-int8, calibrated like `quantizeModel` does, each int8-capable op quantized alone
 * and evaluated on held-out samples (the calibration samples when the dataset has no others).
 * The op indices are those of the prepared graph, which `int16Layers` / `float32Layers` take.
 */
export async function quantizationSensitivity(graph: Graph, options: SensitivityOptions): Promise<{ graph: Graph; report: SensitivityReport; calibration: CalibrationRecord }> {
  const pipeline = options.pipeline ?? 'quantize-int8';
  const definition = findPipeline(pipeline);
  const names = definition?.passes.map((entry) => (typeof entry === 'string' ? entry : entry.pass)) ?? [];
  const position = names.indexOf('quantize-int8');
  if (!definition || position < 0) throw new PassError(`pipeline ${pipeline} does not quantize (no quantize-int8 pass)`, { pipeline });
  const { signal, onProgress } = options;
  const prepared = position > 0 ? (await runPipeline(graph, definition.passes.slice(0, position), { signal })).graph : graph;
  onProgress?.({ stage: 'loading', detail: 'reading calibration samples' });
  const count = options.passOptions?.samples ?? DEFAULT_CALIBRATION_SAMPLES;
  const { calibration, heldOut, record } = await loadSamples(prepared, options.calibration, {
    count,
    evaluationLimit: options.evaluationLimit ?? 200,
    observer: options.passOptions?.observer ?? 'min-max',
    signal,
  });
  const report = await layerSensitivity(prepared, calibration, heldOut && heldOut.count > 0 ? heldOut : calibration, { ...options.passOptions, samples: calibration.count }, {
    signal,
    progress: (done, total, detail) => onProgress?.({ stage: 'evaluating', done, total, detail }),
  });
  return { graph: prepared, report, calibration: record };
}
