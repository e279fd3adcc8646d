import type { SerializedError } from '../../common/errors.js';
import type { DeployResult } from '../deploy/deploy.js';
import type { EvaluationResult } from '../datasets/evaluate.js';
import type { CalibrationRecord, SampleSetEvaluation } from '../quantize/quantize-model.js';
import type { PassStep } from '../../common/passes/run-pipeline.js';
import type { PassLogEntry } from '../../common/passes/pass.js';
import type { MemoryTimelinePoint } from '../../common/codegen/memory/index.js';

/**
 * The messages between the job host (serving process) and a worker process. One worker runs one
 * job: it says `ready`, receives `run`, streams `progress`, may receive `cancel`, and ends with
 * `succeeded` or `failed`, then exits. Messages are plain data (structured-clone safe), so the
 * same protocol runs over Node's `child_process` IPC and Electron's `utilityProcess` port.
 *
 * The worker never opens the store: the host resolves a job's stored parameters into a
 * self-contained task (file paths, names) and writes what the worker sends back.
 */

/** What a worker is asked to do, with everything it needs (no store ids to look up). */
export type WorkerTask = DeployTask | EvaluateTask | OptimizeTask;

export interface DeployTask {
  kind: 'deploy';
  /** The variant's model file (the store's content-addressed copy). */
  modelPath: string;
  /** Name of the model in messages and in the generated code. */
  modelName: string;
  /** `sha256:<hex>` of the model file. */
  modelHash: string;
  boardId: string;
  runs: number;
}

export interface EvaluateTask {
  kind: 'evaluate';
  modelPath: string;
  modelName: string;
  datasetPath: string;
  limit?: number;
}

/** Post-training quantization of a variant's model (see src/worker/tasks/optimize.ts). */
export interface OptimizeTask {
  kind: 'optimize';
  modelPath: string;
  modelName: string;
  /** A pipeline that ends in quantize-int8. */
  pipeline: string;
  /** The calibration dataset's folder; absent: synthetic inputs (seed 1, uniform in [-1, 1]). */
  datasetPath?: string;
  /** Calibration samples. */
  samples: number;
  /** Held-out samples parent and variant are evaluated on. */
  evaluationLimit: number;
}

/** What a finished task produced. */
export type WorkerOutput = DeployOutput | EvaluateOutput | OptimizeOutput;

export interface DeployOutput {
  kind: 'deploy';
  /** The deploy result without the raw output bytes and the memory plan (its timeline is below). */
  result: Omit<DeployResult, 'outputBytes' | 'memoryPlan'>;
  /** Arena bytes live at each op of the built model (see codegen/memory/timeline.ts). */
  memoryTimeline: MemoryTimelinePoint[];
  /** First line of `arm-none-eabi-gcc --version`. */
  toolchainVersion: string;
}

export interface EvaluateOutput {
  kind: 'evaluate';
  result: EvaluationResult;
}

export interface OptimizeOutput {
  kind: 'optimize';
  /** The variant as a .tflite file (the host stores it content-addressed). */
  modelBytes: Uint8Array;
  calibration: CalibrationRecord;
  steps: PassStep[];
  log: PassLogEntry[];
  /** Wall time of the pipeline, calibration included. */
  quantizeMs: number;
  /** Parent and variant on the calibration samples and on held-out samples. */
  evaluation?: { calibration: SampleSetEvaluation; heldOut?: SampleSetEvaluation };
}

export type HostMessage = { type: 'run'; jobId: string; task: WorkerTask } | { type: 'cancel'; jobId: string };

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  /** Any of fraction (0 … 1 of the whole job), step (what it does now) and log lines. */
  | { type: 'progress'; jobId: string; fraction?: number; step?: string; log?: string[] }
  | { type: 'succeeded'; jobId: string; output: WorkerOutput }
  | { type: 'failed'; jobId: string; error: SerializedError };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether a message from a worker has the shape of a WorkerMessage (the host drops anything else). */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  if (!isObject(message)) return false;
  switch (message.type) {
    case 'ready':
      return typeof message.pid === 'number';
    case 'progress':
      return (
        typeof message.jobId === 'string' &&
        (message.fraction === undefined || typeof message.fraction === 'number') &&
        (message.step === undefined || typeof message.step === 'string') &&
        (message.log === undefined || (Array.isArray(message.log) && message.log.every((line) => typeof line === 'string')))
      );
    case 'succeeded':
      return typeof message.jobId === 'string' && isObject(message.output) && typeof message.output.kind === 'string';
    case 'failed':
      return typeof message.jobId === 'string' && isObject(message.error) && typeof message.error.name === 'string' && typeof message.error.message === 'string';
    default:
      return false;
  }
}

/** Whether a message from the host is a HostMessage (the worker ignores anything else). */
export function isHostMessage(message: unknown): message is HostMessage {
  if (!isObject(message) || typeof message.jobId !== 'string') return false;
  if (message.type === 'cancel') return true;
  return message.type === 'run' && isObject(message.task) && (message.task.kind === 'deploy' || message.task.kind === 'evaluate' || message.task.kind === 'optimize');
}
