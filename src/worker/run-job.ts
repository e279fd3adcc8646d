import { CancelledError, serializeError, type SerializedError } from '../core/common/errors.js';
import { printableName, printableText } from '../core/common/printable.js';
import type { JobKind } from '../shared/services/job-kinds.js';
import { isHostMessage, type WorkerOutput, type WorkerTask } from '../core/node/jobs/protocol.js';
import type { ParentChannel } from './channel.js';
import { workerTasks, type TaskRunner } from './tasks/index.js';
import type { TaskContext } from './tasks/task-context.js';

/** Shortest gap between two progress messages without log lines. */
const progressIntervalMs = 100;

/** Runs one task to its output (the worker's job dispatcher; the tasks are listed in tasks/index.ts). */
export async function runTask(task: WorkerTask, context: TaskContext): Promise<WorkerOutput> {
  // The runner of the task's own kind: TaskRunner<JobKind> takes any task, this one takes its kind's.
  const run = (await workerTasks[task.kind]()) as TaskRunner<JobKind>;
  return run(task, context);
}

/**
 * A failure as the job records it: its message, which may embed names from the model or the
 * dataset (a tensor, a class), with control characters and bidi marks escaped, as log lines are.
 */
function reportedError(error: unknown): SerializedError {
  const serialized = serializeError(error);
  return { ...serialized, message: printableText(serialized.message) };
}

/**
 * The worker's side of the job protocol (see core/node/jobs/protocol.ts): says `ready`, runs
 * the one job it is given, reports progress, aborts on `cancel`, reports the end, then calls
 * `exit(0)` (the job's outcome is in the message, not the exit code). Every step, log line and
 * error message leaves through `printableName` / `printableText`: tasks build them from names a
 * model or a dataset chose, and the job log goes to the app and to whatever copies it into a
 * terminal or a log file, where an ESC, CR or bidi mark in a name must not act. If the host goes away the
 * job is aborted and the worker exits with 1. Returns `reportFatal`, for an error that escapes
 * the job (uncaught exception): it reports the job failed with that error, then exits with 70.
 */
export function serveOneJob(channel: ParentChannel, exit: (code: number) => void): { reportFatal(error: unknown): Promise<void> } {
  const controller = new AbortController();
  let jobId: string | undefined;

  channel.onMessage((message) => {
    if (!isHostMessage(message) || (message.type === 'run' && !Object.hasOwn(workerTasks, message.task.kind))) return;
    if (message.type === 'cancel') {
      if (message.jobId === jobId) controller.abort(new CancelledError(`job ${jobId} cancelled`));
      return;
    }
    if (jobId !== undefined) return;
    jobId = message.jobId;
    void run(message.jobId, message.task);
  });
  channel.onDisconnect(() => {
    controller.abort(new CancelledError('the job host went away'));
    exit(1);
  });

  async function run(id: string, task: WorkerTask): Promise<void> {
    // Progress without log lines is coalesced: at most one message per interval, the latest wins.
    let pending: { fraction?: number; step?: string } | undefined;
    let lastSent = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!pending) return;
      void channel.send({ type: 'progress', jobId: id, ...pending });
      pending = undefined;
      lastSent = performance.now();
    };
    const context: TaskContext = {
      signal: controller.signal,
      progress(update) {
        pending = { ...pending, ...(update.fraction !== undefined ? { fraction: update.fraction } : {}), ...(update.step !== undefined ? { step: printableName(update.step) } : {}) };
        if (update.log && update.log.length > 0) {
          const log = update.log.map((line) => printableText(line));
          const { fraction, step } = pending;
          pending = undefined;
          if (timer) clearTimeout(timer);
          timer = undefined;
          void channel.send({ type: 'progress', jobId: id, ...(fraction !== undefined ? { fraction } : {}), ...(step !== undefined ? { step } : {}), log });
          lastSent = performance.now();
        } else if (performance.now() - lastSent >= progressIntervalMs) {
          flush();
        } else {
          timer ??= setTimeout(flush, progressIntervalMs);
        }
      },
      record(record) {
        flush();
        void channel.send({ type: 'record', jobId: id, record });
      },
    };
    try {
      const output = await runTask(task, context);
      flush();
      await channel.send({ type: 'succeeded', jobId: id, output });
    } catch (error) {
      flush();
      await channel.send({ type: 'failed', jobId: id, error: reportedError(error) });
    }
    exit(0);
  }

  return {
    async reportFatal(error) {
      if (jobId !== undefined) await channel.send({ type: 'failed', jobId, error: reportedError(error) });
      exit(70);
    },
  };
}
