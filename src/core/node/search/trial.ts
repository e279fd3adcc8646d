/**
 * One trial of the architecture search, every figure measured: the candidate's float graph is
 * built, checked against the board's budget by the memory planner before any training (its int8
 * arena and its weights alone already over the RAM or flash budget: rejected, no training spent),
 * trained (fixed epochs, early stopping on the validation part), quantized to int8 by the same
 * `quantize-int8` pass users run (calibrated on training samples) — or, by its `precision`
 * parameter, fine-tuned by quantization-aware training (`qat-int8`) or kept float32 — scored on the held-out part
 * with the host interpreter (what the board computes), then built, flashed and run on the board
 * by the deploy service: measured latency (instructions on a virtual board, cycles on a real one),
 * arena, stack high-water, flash, and the check of the board's outputs against the host's (int8:
 * byte-identical; a float32 candidate, when the space searches precision: within the float tolerance).
 *
 * A trial never turns a failure into a zero: it ends `ok`, `over-budget` (measured, but over a
 * budget), `rejected` (the planner proved it cannot fit) or `failed` (with the reason).
 */

import { createHash } from 'node:crypto';
import { analyzeModel } from '../../common/analysis/model-analysis.js';
import type { Board } from '../../common/boards/index.js';
import { planGraphMemory } from '../../common/codegen/memory/index.js';
import { DatasetError, UsageError } from '../../common/errors.js';
import { elementCount, tensorBytes } from '../../common/ir/tensor.js';
import type { Graph } from '../../common/ir/types.js';
import type { LabelledSet } from '../../common/passes/pass.js';
import '../../common/passes/builtin-passes.js';
import { runPipeline } from '../../common/passes/run-pipeline.js';
import { buildCandidateGraph } from '../../common/search/build-graph.js';
import { type Candidate, type CandidatePrecision, type SearchSpace, candidatePrecisions } from '../../common/search/space.js';
import type { Dataset } from '../datasets/dataset.js';
import { deployGraph } from '../deploy/deploy.js';
import { loadTrainingData } from '../train/data.js';
import { type TrainingBackend, loadTrainingEngine } from '../train/engine.js';
import { lowerGraph } from '../train/lower.js';
import { interpreterAccuracy } from '../train/optimize-training.js';
import { train } from '../train/trainer.js';
import type { TrialRecord, TrialStatus } from './search-store.js';
import { type TimeSeriesSet, windowSplit } from './time-series.js';

export interface Budget {
  /** Flash bytes the model's firmware may take (default: the board's flash). */
  flashBytes?: number;
  /** RAM bytes for arena + stack (default: the board's RAM). */
  ramBytes?: number;
  /** Latest acceptable latency, in the board's unit (instructions on virtual boards, cycles on real ones). */
  latency?: number;
}

export interface CandidateData {
  inputShape: number[];
  train: LabelledSet;
  validation?: LabelledSet;
  heldOut: LabelledSet;
  classes: number;
  /** One line: what was read and how it was split. */
  description: string;
}

/** Where a search's samples come from: each candidate may shape them (window and stride of a time series). */
export interface DataSource {
  name: string;
  kind: 'time-series' | 'dataset';
  dataFor(space: SearchSpace, candidate: Candidate): Promise<CandidateData>;
}

/** Windows of a CSV time-series folder; window and stride from the candidate (defaults 32 and a half window). */
export function timeSeriesSource(set: TimeSeriesSet, options: { holdout?: number } = {}): DataSource {
  const cache = new Map<string, CandidateData>();
  return {
    name: set.name,
    kind: 'time-series',
    dataFor: async (_space, candidate) => {
      const window = Number(candidate.window ?? 32);
      const stride = Math.max(1, Math.round(window * Number(candidate.stride ?? 0.5)));
      const key = `${window}/${stride}`;
      let data = cache.get(key);
      if (!data) {
        const split = windowSplit(set, window, stride, { holdout: options.holdout });
        data = {
          inputShape: [1, window, set.channels],
          ...split,
          description: `${set.name}: windows of ${window} steps every ${stride}: ${split.train.count} training (${split.split.files.train} files), ${split.validation?.count ?? 0} validation, ${split.heldOut.count} held out (${split.split.files.heldOut} files)`,
        };
        cache.set(key, data);
      }
      return data;
    },
  };
}

/** A TinyDeploy dataset (dataset.json): fixed input shape, the last `holdout` fraction held out. */
export function datasetSource(dataset: Dataset, options: { holdout?: number; limit?: number } = {}): DataSource {
  let loaded: Promise<CandidateData> | undefined;
  return {
    name: dataset.name,
    kind: 'dataset',
    dataFor: () => {
      loaded ??= (async () => {
        const shape = dataset.sample.shape[0] === 1 ? [...dataset.sample.shape] : [1, ...dataset.sample.shape];
        const probe: Graph = { name: 'probe', tensors: [{ id: 0, name: 'input', shape, dtype: 'float32' }], ops: [], inputs: [0], outputs: [0] };
        const split = await loadTrainingData(dataset, probe, { holdout: options.holdout, limit: options.limit });
        return {
          inputShape: shape,
          train: split.train,
          ...(split.validation ? { validation: split.validation } : {}),
          heldOut: split.heldOut,
          classes: split.classes,
          description: `${dataset.name}: ${split.train.count} training, ${split.validation?.count ?? 0} validation, ${split.heldOut.count} held out`,
        };
      })();
      return loaded;
    },
  };
}

export interface TrialOptions {
  space: SearchSpace;
  data: DataSource;
  board: Board;
  budget: Budget;
  epochs: number;
  seed: number;
  batchSize?: number;
  patience?: number;
  learningRate?: number;
  /** Stop training after this many steps (tests). */
  maxSteps?: number;
  backend?: TrainingBackend | 'auto';
  /** Calibration samples for int8 quantization (default 100). */
  calibrationSamples?: number;
  signal?: AbortSignal;
  log?(message: string): void;
  /**
   * Told the int8 model of a trial that reached the board (measured, whatever its status), to
   * keep it: what it returns becomes the trial's `modelHash` (a point of the front made a variant).
   */
  keepModel?(index: number, model: Graph): string | undefined;
}

export interface TrialTimings {
  trainMs: number;
  /** Building the network, quantizing it, generating and compiling its firmware. */
  buildMs: number;
  /** Flashing, running and reading back on the board. */
  deployMs: number;
  /** Scoring the int8 model on the held-out part with the host interpreter. */
  evalMs: number;
}

/** Bytes of the graph's constants (weights, biases, shape vectors): what flash must hold at least. */
export function constantBytes(graph: Graph): number {
  return graph.tensors.reduce((sum, tensor) => sum + (tensor.data && !tensor.variable ? tensorBytes(tensor) : 0), 0);
}

function calibrationOf(set: LabelledSet, count: number) {
  return { count: Math.min(count, set.count), sample: (index: number) => [set.inputs.subarray(index * set.sampleSize, (index + 1) * set.sampleSize)] };
}

async function quantize(graph: Graph, set: LabelledSet, samples: number, signal?: AbortSignal): Promise<Graph> {
  const calibration = calibrationOf(set, samples);
  return (await runPipeline(graph, [{ pass: 'quantize-int8', options: { samples: calibration.count } }], { signal, resources: { calibration } })).graph;
}

/** The budget a board gives when none is asked for: its flash and RAM. */
export function boardBudget(board: Board, budget: Budget): Required<Pick<Budget, 'flashBytes' | 'ramBytes'>> & Budget {
  return { ...budget, flashBytes: budget.flashBytes ?? board.memory.flash.size, ramBytes: budget.ramBytes ?? board.memory.ram.size };
}

let trainingTurn: Promise<unknown> = Promise.resolve();

/** Runs `body` after every earlier caller's body has finished. */
function oneAtATime<T>(body: () => Promise<T>): Promise<T> {
  const result = trainingTurn.then(body, body);
  trainingTurn = result.catch(() => undefined);
  return result;
}

/** How a candidate computes on the board: its `precision` parameter (a space with precisions), else int8 by post-training quantization. */
export function candidatePrecision(candidate: Candidate): CandidatePrecision {
  const value = candidate.precision ?? 'int8-ptq';
  if (!(candidatePrecisions as readonly unknown[]).includes(value)) throw new UsageError(`precision ${JSON.stringify(value)} is not one of ${candidatePrecisions.join(', ')}`, { precision: String(value) });
  return value as CandidatePrecision;
}

/** Runs one trial (see the module comment). */
export async function runTrial(index: number, candidate: Candidate, options: TrialOptions): Promise<TrialRecord> {
  const timings: TrialTimings = { trainMs: 0, buildMs: 0, deployMs: 0, evalMs: 0 };
  const log = options.log ?? (() => {});
  const budget = boardBudget(options.board, options.budget);
  const record = (status: TrialStatus, fields: Partial<TrialRecord> = {}, details: Record<string, unknown> = {}): TrialRecord => ({
    index,
    params: candidate,
    status,
    ...fields,
    details: { ...details, timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])) },
  });
  let stage = 'reading the data';
  try {
    const data = await options.data.dataFor(options.space, candidate);
    stage = 'building the network';
    let started = performance.now();
    const graph = buildCandidateGraph(options.space, candidate, { inputShape: data.inputShape, classes: data.classes, seed: options.seed });
    const { params, macs } = analyzeModel(graph).totals;
    const sizes = { params, macs };
    // The planner's proof: the int8 graph's arena (the shapes do not change in training) and its constants.
    // A float32 candidate is planned as it is; an int8 one (PTQ or QAT) as quantized.
    const precision = candidatePrecision(candidate);
    const kind = precision === 'float32' ? 'float32' : 'int8';
    const untrained = precision === 'float32' ? graph : await quantize(graph, data.train, 8, options.signal);
    const arenaLowerBound = planGraphMemory(untrained).arenaBytes;
    const weightBytes = constantBytes(untrained);
    timings.buildMs += performance.now() - started;
    const over: string[] = [];
    if (arenaLowerBound > budget.ramBytes) over.push(`its ${kind} arena needs ${arenaLowerBound} bytes, over the RAM budget of ${budget.ramBytes}`);
    if (weightBytes > budget.flashBytes) over.push(`its ${kind} weights take ${weightBytes} bytes, over the flash budget of ${budget.flashBytes}`);
    if (over.length) {
      log(`trial ${index}: rejected before training: ${over.join('; ')}`);
      return record('rejected', { reason: `the planner proves it cannot fit: ${over.join('; ')}` }, { ...sizes, arenaLowerBound, weightBytes });
    }

    stage = 'training';
    // tfjs' state (scopes, the back end) is process-wide: trials train one at a time, while
    // other trials of parallel workers build and deploy.
    const { engine, trained, trainResult } = await oneAtATime(async () => {
      started = performance.now();
      const engine = await loadTrainingEngine(options.backend ?? 'auto');
      const lowered = lowerGraph(engine.tf, graph);
      try {
        const trainResult = await train(engine.tf, lowered, data, {
          epochs: options.epochs,
          seed: options.seed,
          batchSize: options.batchSize ?? 32,
          patience: options.patience ?? 2,
          learningRate: options.learningRate ?? 3e-3,
          maxSteps: options.maxSteps,
          signal: options.signal,
        });
        return { engine, trained: lowered.toGraph(), trainResult };
      } finally {
        lowered.dispose();
        timings.trainMs += performance.now() - started;
      }
    });

    let int8: Graph;
    if (precision === 'int8-qat') {
      // Quantization-aware fine-tuning of the trained float model (the qat-int8 pass), then int8 from its learned ranges.
      stage = 'quantization-aware training';
      int8 = await oneAtATime(async () => {
        started = performance.now();
        try {
          const calibration = calibrationOf(data.train, options.calibrationSamples ?? 100);
          const qatEpochs = Math.max(1, Math.ceil(options.epochs / 2));
          const steps = [{ pass: 'qat-int8', options: { epochs: qatEpochs, seed: options.seed, batchSize: options.batchSize ?? 32, samples: calibration.count, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) } }];
          const training = { train: data.train, ...(data.validation ? { validation: data.validation } : {}), classes: data.classes };
          return (await runPipeline(trained, steps, { signal: options.signal, resources: { training, calibration } })).graph;
        } finally {
          timings.trainMs += performance.now() - started;
        }
      });
    } else if (precision === 'float32') {
      int8 = trained;
    } else {
      stage = 'quantizing';
      started = performance.now();
      int8 = await quantize(trained, data.train, options.calibrationSamples ?? 100, options.signal);
      timings.buildMs += performance.now() - started;
    }
    stage = 'scoring on the held-out part';
    started = performance.now();
    const accuracy = await interpreterAccuracy(int8, data.heldOut, options.signal);
    timings.evalMs += performance.now() - started;
    const trainingDetails = { ...sizes, precision, backend: engine.backend, epochs: trainResult.epochs, steps: trainResult.steps, stoppedEarly: trainResult.stoppedEarly, validationAccuracy: trainResult.bestValidationAccuracy, heldOutSamples: data.heldOut.count, data: data.description };

    stage = `deploying on ${options.board.id}`;
    started = performance.now();
    const hash = createHash('sha256').update(JSON.stringify({ space: options.space.name, candidate, seed: options.seed })).digest('hex');
    const inputs = [new Uint8Array(int8.tensors[int8.inputs[0]].shape.reduce((a, b) => a * b, 1))];
    // The board runs a real held-out sample (int8 codes through the model's input quantization).
    const input = int8.tensors[int8.inputs[0]];
    const q = input.quantization;
    if (q && input.dtype === 'int8') {
      const values = data.heldOut.inputs.subarray(0, data.heldOut.sampleSize);
      const codes = new Int8Array(inputs[0].buffer);
      for (let i = 0; i < elementCount(input.shape); i++) codes[i] = Math.max(-128, Math.min(127, Math.round(values[i] / q.scale[0]) + q.zeroPoint[0]));
    }
    const deployed = await deployGraph(int8, { board: options.board, name: `${options.space.name}-trial-${index}`, hash, estimate: false, inputs: q && input.dtype === 'int8' ? inputs : undefined, signal: options.signal });
    const deployMs = performance.now() - started;
    timings.buildMs += deployed.timings.buildMs;
    timings.deployMs += deployMs - deployed.timings.buildMs;
    const measured: { accuracy: number; latency: number; latencyUnit: string; arenaBytes: number; stackBytes: number; flashBytes: number; bitExact: boolean; modelHash?: string } = {
      accuracy,
      latency: deployed.latency.value,
      latencyUnit: deployed.latency.unit,
      arenaBytes: deployed.arenaBytes,
      stackBytes: deployed.stackBytes,
      flashBytes: deployed.flashBytes,
      bitExact: deployed.bitExact,
    };
    const details = { ...trainingDetails, buildId: deployed.buildId, measuredOn: deployed.board, deployTimings: deployed.timings, arenaLowerBound, weightBytes };
    let modelHash: string | undefined;
    try {
      modelHash = options.keepModel?.(index, int8);
    } catch (error) {
      log(`trial ${index}: its model could not be kept: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (modelHash !== undefined) measured.modelHash = modelHash;
    // int8 outputs must be byte-identical; a float32 candidate's within the float tolerance (the board's libm is not the host's).
    if (!deployed.passed) {
      const what = precision === 'float32' ? `differ from the host's beyond the float tolerance (${deployed.tolerance})` : "differ from the host's";
      return record('failed', { ...measured, reason: `the board's outputs ${what}${deployed.firstDifference ? `: ${deployed.firstDifference.description}` : ''}` }, details);
    }
    const problems: string[] = [];
    if (measured.flashBytes > budget.flashBytes) problems.push(`flash ${measured.flashBytes} bytes over the budget of ${budget.flashBytes}`);
    if (measured.arenaBytes + measured.stackBytes > budget.ramBytes) problems.push(`RAM (arena + stack) ${measured.arenaBytes + measured.stackBytes} bytes over the budget of ${budget.ramBytes}`);
    if (budget.latency !== undefined && measured.latency > budget.latency) problems.push(`latency ${measured.latency} ${measured.latencyUnit} over the limit of ${budget.latency}`);
    log(`trial ${index}: accuracy ${(100 * accuracy).toFixed(2)}%, ${measured.latency} ${measured.latencyUnit}, arena ${measured.arenaBytes} B, stack ${measured.stackBytes} B, flash ${measured.flashBytes} B${problems.length ? ` (over budget: ${problems.join('; ')})` : ''}`);
    return record(problems.length ? 'over-budget' : 'ok', { ...measured, ...(problems.length ? { reason: problems.join('; ') } : {}) }, details);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    log(`trial ${index}: failed while ${stage}: ${message}`);
    if (error instanceof DatasetError && stage === 'reading the data') return record('failed', { reason: `reading the data: ${message}` });
    return record('failed', { reason: `${stage}: ${message}` });
  }
}
