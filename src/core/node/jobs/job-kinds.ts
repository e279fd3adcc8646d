import { requireBoard } from '../../common/boards/index.js';
import { UsageError } from '../../common/errors.js';
import type { Job, JobKind } from '../../../shared/services/types.js';
import type { Store } from '../store/index.js';
import type { DeployOutput, EvaluateOutput, WorkerOutput, WorkerTask } from './protocol.js';

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

/** The job kinds the worker runs today ('optimize' arrives with the optimization issue). */
export const jobKindHandlers: Partial<Record<JobKind, JobKindHandler>> = { deploy: deployJob, evaluate: evaluateJob };
