import { requireBoard } from '../../common/boards/index.js';
import { UsageError } from '../../common/errors.js';
import type { Job, JobKind } from '../../../shared/services/types.js';
import type { Store } from '../store/index.js';
import type { DeployOutput, EvaluateOutput, OptimizeOutput, WorkerOutput, WorkerTask } from './protocol.js';
import { readModelBytes } from '../model-file.js';
import { describeModel } from '../model-summary.js';

/**
 * What the job host needs to know about each kind of job, on the serving side: how a stored
 * job becomes a worker task (`prepare`, which reads the store) and how the worker's output is
 * recorded (`complete`, which writes it). The work itself happens in the worker (src/worker).
 */
export interface JobKindHandler {
  /** The self-contained task for a stored job. Throws (naming the id) when what it refers to is gone. */
  prepare(store: Store, job: Job): WorkerTask;
  /**
   * Records the output (deployment, measurement, …). Runs inside the transaction that also
   * marks the job succeeded, so either all of it is stored or none. Returns the job's result.
   */
  complete(store: Store, job: Job, output: WorkerOutput): unknown;
}

/** Parameters of a deploy job, as JobService.startDeploy stores them. */
export interface DeployJobParams {
  variantId: string;
  boardId: string;
  runs: number;
}

/** Parameters of an evaluate job, as JobService.startEvaluate stores them. */
export interface EvaluateJobParams {
  variantId: string;
  datasetId: string;
  limit?: number;
}

/** What a finished deploy job reports as its result (the full figures are in the measurement). */
export interface DeployJobResult {
  measurementId: string;
  deploymentId: string;
  boardId: string;
  latency: { value: number; unit: 'instructions' | 'cycles'; milliseconds?: number };
  bitExact: boolean;
  passed: boolean;
}

export interface EvaluateJobResult {
  measurementId: string;
  accuracy: number;
  samples: number;
  correct: number;
}

function stringParam(job: Job, name: string): string {
  const value = job.params[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`${job.kind} job ${job.id}: parameter ${name} must be a non-empty string, got ${JSON.stringify(value)}`, { job: job.id, name });
  return value;
}

function integerParam(job: Job, name: string): number | undefined {
  const value = job.params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${job.kind} job ${job.id}: parameter ${name} must be a positive integer, got ${JSON.stringify(value)}`, { job: job.id, name });
  }
  return value;
}

function expectOutput<K extends WorkerOutput['kind']>(job: Job, output: WorkerOutput, kind: K): Extract<WorkerOutput, { kind: K }> {
  if (output.kind !== kind) throw new UsageError(`${job.kind} job ${job.id}: the worker answered with a ${output.kind} output`, { job: job.id });
  return output as Extract<WorkerOutput, { kind: K }>;
}

export const deployJob: JobKindHandler = {
  prepare(store, job) {
    const variant = store.getVariant(stringParam(job, 'variantId'));
    const board = requireBoard(stringParam(job, 'boardId'));
    return {
      kind: 'deploy',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      modelHash: variant.fileHash,
      boardId: board.id,
      runs: integerParam(job, 'runs') ?? 1,
    };
  },
  complete(store, job, output): DeployJobResult {
    const { result, memoryTimeline, toolchainVersion } = expectOutput(job, output, 'deploy') as DeployOutput;
    const variant = store.getVariant(stringParam(job, 'variantId'));
    const board = requireBoard(result.board);
    store.recordBoardSeen({ id: board.id, kind: board.kind, name: board.name, details: { core: board.core, ...(board.qemu ? { qemuMachine: board.qemu.machine } : {}) } });
    const deployment = store.addDeployment({
      projectId: variant.projectId,
      variantId: variant.id,
      boardId: board.id,
      jobId: job.id,
      buildId: result.buildId,
      flashBytes: result.flashBytes,
      ramBytes: result.build.ramBytes,
      arenaBytes: result.arenaBytes,
      toolchainVersion,
      build: { ...result.build },
    });
    const latency = { value: result.latency.value, unit: result.latency.unit, ...(result.latency.milliseconds !== undefined ? { milliseconds: result.latency.milliseconds } : {}) };
    const measurement = store.addMeasurement({
      projectId: variant.projectId,
      variantId: variant.id,
      jobId: job.id,
      deploymentId: deployment.id,
      kind: 'deploy',
      boardId: board.id,
      latency,
      instructionsPerMac: result.instructionsPerMac,
      arenaBytes: result.arenaBytes,
      stackBytes: result.stackBytes,
      flashBytes: result.flashBytes,
      ramBytes: result.build.ramBytes,
      boardFlashBytes: board.memory.flash.size,
      boardRamBytes: board.memory.ram.size,
      bitExact: result.bitExact,
      passed: result.passed,
      layers: result.layers.map(({ index, op, latency: layerLatency, macs }) => ({ index, op, latency: layerLatency, macs })),
      memoryTimeline,
      details: {
        model: result.model,
        runs: result.latency.runs,
        latencyMin: result.latency.min,
        latencyMax: result.latency.max,
        runsIdentical: result.runsIdentical,
        tolerance: result.tolerance,
        outputs: result.outputs,
        ...(result.firstDifference ? { firstDifference: result.firstDifference } : {}),
        timings: result.timings,
      },
    });
    return { measurementId: measurement.id, deploymentId: deployment.id, boardId: board.id, latency, bitExact: result.bitExact, passed: result.passed };
  },
};

export const evaluateJob: JobKindHandler = {
  prepare(store, job) {
    const variant = store.getVariant(stringParam(job, 'variantId'));
    const dataset = store.getDataset(stringParam(job, 'datasetId'));
    const limit = integerParam(job, 'limit');
    return {
      kind: 'evaluate',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      datasetPath: dataset.path,
      ...(limit !== undefined ? { limit } : {}),
    };
  },
  complete(store, job, output): EvaluateJobResult {
    const { result } = expectOutput(job, output, 'evaluate') as EvaluateOutput;
    const variant = store.getVariant(stringParam(job, 'variantId'));
    const datasetId = stringParam(job, 'datasetId');
    const measurement = store.addMeasurement({
      projectId: variant.projectId,
      variantId: variant.id,
      jobId: job.id,
      kind: 'evaluate',
      accuracy: result.accuracy,
      samples: result.samples,
      details: { datasetId, correct: result.correct, classes: result.classes, confusion: result.confusion },
    });
    return { measurementId: measurement.id, accuracy: result.accuracy, samples: result.samples, correct: result.correct };
  },
};

/** Parameters of an optimize job, as JobService.startOptimize stores them. */
export interface OptimizeJobParams {
  variantId: string;
  pipeline: string;
  /** Absent: synthetic calibration. */
  datasetId?: string;
  samples: number;
  evaluationLimit: number;
}

/** What a finished optimize job reports: the new variant and, with a labelled dataset, both accuracies. */
export interface OptimizeJobResult {
  variantId: string;
  parentId: string;
  /** Accuracy of parent and variant on the held-out samples (absent without labelled held-out samples). */
  heldOut?: {
    samples: number;
    parentAccuracy: number;
    variantAccuracy: number;
    parentMeasurementId: string;
    variantMeasurementId: string;
    /** The variant's SQNR against the parent, dB (null when the outputs are identical). */
    sqnrDb: number | null;
    agreement?: number;
  };
  quantizeMs: number;
}

/** Calibration samples when startOptimize is not told (quantize-int8's own default). */
export const defaultOptimizeSamples = 200;
/** Held-out samples evaluated when startOptimize is not told. */
export const defaultOptimizeEvaluationLimit = 500;

function optimizeParams(job: Job): OptimizeJobParams {
  const datasetId = job.params.datasetId;
  if (datasetId !== undefined && (typeof datasetId !== 'string' || datasetId === '')) {
    throw new UsageError(`optimize job ${job.id}: parameter datasetId must be a non-empty string, got ${JSON.stringify(datasetId)}`, { job: job.id, name: 'datasetId' });
  }
  return {
    variantId: stringParam(job, 'variantId'),
    pipeline: stringParam(job, 'pipeline'),
    ...(datasetId !== undefined ? { datasetId } : {}),
    samples: integerParam(job, 'samples') ?? defaultOptimizeSamples,
    evaluationLimit: integerParam(job, 'evaluationLimit') ?? defaultOptimizeEvaluationLimit,
  };
}

/**
 * Post-training quantization as a job: the worker quantizes the variant's model file and sends
 * the new model's bytes back; `complete` stores them as a new variant of the same project
 * (parent = the variant, origin `optimize` with the pipeline, its options and the calibration),
 * and, when the held-out samples are labelled, one accuracy measurement for the parent and one
 * for the variant, both on the same samples, so the UI can show them side by side.
 */
export const optimizeJob: JobKindHandler = {
  prepare(store, job) {
    const params = optimizeParams(job);
    const variant = store.getVariant(params.variantId);
    const dataset = params.datasetId !== undefined ? store.getDataset(params.datasetId) : undefined;
    return {
      kind: 'optimize',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      pipeline: params.pipeline,
      ...(dataset ? { datasetPath: dataset.path } : {}),
      samples: params.samples,
      evaluationLimit: params.evaluationLimit,
    };
  },
  complete(store, job, output): OptimizeJobResult {
    const { modelBytes, calibration, evaluation, quantizeMs } = expectOutput(job, output, 'optimize') as OptimizeOutput;
    const params = optimizeParams(job);
    const parent = store.getVariant(params.variantId);
    const name = `${parent.name}-${params.pipeline === 'quantize-int8' ? 'int8' : params.pipeline}`;
    const graph = readModelBytes(modelBytes, `${name}.tflite`);
    const { summary, detail } = describeModel(graph);
    const variant = store.addVariant({
      projectId: parent.projectId,
      parentId: parent.id,
      name,
      origin: {
        kind: 'optimize',
        pipeline: params.pipeline,
        options: { samples: params.samples, evaluationLimit: params.evaluationLimit, observer: calibration.observer },
        calibration: { ...(params.datasetId !== undefined ? { datasetId: params.datasetId } : {}), synthetic: calibration.kind === 'synthetic', samples: calibration.samples },
      },
      bytes: modelBytes,
      summary,
      detail,
    });
    const result: OptimizeJobResult = { variantId: variant.id, parentId: parent.id, quantizeMs: Math.round(quantizeMs) };
    const heldOut = evaluation?.heldOut;
    if (params.datasetId !== undefined && heldOut && heldOut.parent.accuracy !== undefined && heldOut.variant.accuracy !== undefined) {
      const first = calibration.samples;
      const sqnrDb = heldOut.variant.sqnrDb !== undefined && Number.isFinite(heldOut.variant.sqnrDb) ? heldOut.variant.sqnrDb : null;
      const record = (variantId: string, evaluated: typeof heldOut.parent, extra: Record<string, unknown>) =>
        store.addMeasurement({
          projectId: parent.projectId,
          variantId,
          jobId: job.id,
          kind: 'evaluate',
          accuracy: evaluated.accuracy,
          samples: evaluated.samples,
          details: { datasetId: params.datasetId, correct: evaluated.correct, samplesFrom: first, heldOutFromCalibration: true, ...extra },
        });
      const parentMeasurement = record(parent.id, heldOut.parent, { role: 'parent', variantMadeId: variant.id });
      const variantMeasurement = record(variant.id, heldOut.variant, { role: 'variant', parentId: parent.id, sqnrDb, agreement: heldOut.variant.agreement });
      result.heldOut = {
        samples: heldOut.variant.samples,
        parentAccuracy: heldOut.parent.accuracy,
        variantAccuracy: heldOut.variant.accuracy,
        parentMeasurementId: parentMeasurement.id,
        variantMeasurementId: variantMeasurement.id,
        sqnrDb,
        ...(heldOut.variant.agreement !== undefined ? { agreement: heldOut.variant.agreement } : {}),
      };
    }
    return result;
  },
};

/** The job kinds the worker runs. */
export const jobKindHandlers: Partial<Record<JobKind, JobKindHandler>> = { deploy: deployJob, evaluate: evaluateJob, optimize: optimizeJob };
