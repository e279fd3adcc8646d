import type { SerializedError } from '../../common/errors.js';
import type { WorkerOutput, WorkerTask } from './job-kinds.js';

export type { WorkerOutput, WorkerTask } from './job-kinds.js';

/**
 * The messages between the job host (serving process) and a worker process. One worker runs one
 * job: it says `ready`, receives `run`, streams `progress` (and `record`s, for a kind that keeps
 * pieces of its result as they come), may receive `cancel`, and ends with
 * `succeeded` or `failed`, then exits. Messages are plain data (structured-clone safe), so the
 * same protocol runs over Node's `child_process` IPC and Electron's `utilityProcess` port.
 *
 * The worker never opens the store: the host resolves a job's stored parameters into a
 * self-contained task (file paths, names) and writes what the worker sends back. Each kind's task
 * and output are declared with its handler (kinds/<kind>.ts).
 */

export type HostMessage = { type: 'run'; jobId: string; task: WorkerTask } | { type: 'cancel'; jobId: string };

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  /** Any of fraction (0 … 1 of the whole job), step (what it does now) and log lines. */
  | { type: 'progress'; jobId: string; fraction?: number; step?: string; log?: string[] }
  /**
   * A piece of the result that must be kept even if the job ends badly later (a search's trial):
   * the host records it at once through the kind's `record` (kinds/<kind>.ts).
   */
  | { type: 'record'; jobId: string; record: Record<string, unknown> }
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
    case 'record':
      return typeof message.jobId === 'string' && isObject(message.record);
    case 'succeeded':
      return typeof message.jobId === 'string' && isObject(message.output) && typeof message.output.kind === 'string';
    case 'failed':
      return typeof message.jobId === 'string' && isObject(message.error) && typeof message.error.name === 'string' && typeof message.error.message === 'string';
    default:
      return false;
  }
}

/** Whether a message from the host has the shape of a HostMessage (the worker ignores anything else, and a task of a kind it has no task for). */
export function isHostMessage(message: unknown): message is HostMessage {
  if (!isObject(message) || typeof message.jobId !== 'string') return false;
  if (message.type === 'cancel') return true;
  return message.type === 'run' && isObject(message.task) && typeof message.task.kind === 'string';
}
