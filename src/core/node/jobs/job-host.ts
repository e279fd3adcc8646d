import { findBoard } from '../../common/boards/index.js';
import { TinyDeployError, UsageError, serializeError } from '../../common/errors.js';
import type { Job, JobError, Unsubscribe } from '../../../shared/services/types.js';
import { finishedJobStatuses, type JobUpdate, type NewJob, type Store } from '../store/index.js';
import { jobKindHandlers, type JobKindHandler } from './job-kinds.js';
import { isWorkerMessage, type WorkerMessage, type WorkerTask } from './protocol.js';
import { forkWorker, type WorkerExit, type WorkerLauncher, type WorkerPort } from './worker-port.js';

/**
 * The job host of the serving process (Electron main or `tinydeploy serve`): it queues jobs in
 * the store and runs each in its own worker process, so a job that crashes, hangs or is killed
 * never takes the app down.
 *
 * Life of a job: `enqueue` stores it `queued`; when its turn comes the host prepares a
 * self-contained task from the store, starts a worker (`WorkerPort`), and marks it `running`.
 * The worker's progress (fraction, step, log lines) is written to the store and announced with
 * `onJobChanged`. It ends in exactly one of:
 * - `succeeded`: the worker's output is recorded (deployment, measurement) in the same
 *   transaction that marks the job, so a job never succeeds without its measurement;
 * - `failed`: the worker reported an error (its class name and message are kept), or the
 *   process ended without reporting (crash, out of memory, killed): the error then says how it
 *   ended (exit code or signal);
 * - `cancelled`: `cancel` asked the worker to stop (it aborts through an AbortSignal); a worker
 *   that has not stopped after the grace period is killed;
 * - `interrupted`: the host stopped (`close`) or the process died before the job finished; a
 *   new host marks such leftovers `interrupted` when it starts.
 *
 * Scheduling: the oldest queued job first, at most `concurrency` workers at a time (default 1),
 * and never two jobs on the same real board (a serial port opens in one process only; virtual
 * boards are separate QEMU processes and may share). The next job starts once the previous
 * worker has exited.
 */

export interface JobHostOptions {
  /** Starts a worker process (default: `forkWorker()`, Node's child_process running src/worker). */
  launchWorker?: WorkerLauncher;
  /** How each job kind is prepared and recorded (default: deploy and evaluate). */
  handlers?: Partial<Record<string, JobKindHandler>>;
  /** Time a worker has to stop after a cancel before it is killed (default 5 s). */
  cancelGraceMs?: number;
  /** Time a worker has to say it is ready (default 60 s: a cold TypeScript start on a slow machine). */
  startTimeoutMs?: number;
  /** Time a worker has to exit after reporting its end (default 10 s). */
  exitTimeoutMs?: number;
  /** Workers running at once (default 1). */
  concurrency?: number;
}

interface RunningJob {
  jobId: string;
  boardId: string | null;
  port: WorkerPort;
  handler: JobKindHandler;
  /** The worker has said it is ready and got its task. */
  started: boolean;
  /** The job has its final status (the process may still be exiting). */
  finished: boolean;
  cancelRequested: boolean;
  timers: Set<ReturnType<typeof setTimeout>>;
  exited: Promise<void>;
}

const interruptedAtStart = 'interrupted: TinyDeploy stopped before this job finished';
const interruptedByClose = 'interrupted: TinyDeploy stopped while this job was running';

export class JobHost {
  private readonly store: Store;
  private readonly launchWorker: WorkerLauncher;
  private readonly handlers: Partial<Record<string, JobKindHandler>>;
  private readonly cancelGraceMs: number;
  private readonly startTimeoutMs: number;
  private readonly exitTimeoutMs: number;
  private readonly concurrency: number;
  private readonly running = new Map<string, RunningJob>();
  private readonly listeners = new Set<(job: Job) => void>();
  /** Callbacks waiting for a job to reach a final status. */
  private readonly endWaiters = new Map<string, (() => void)[]>();
  private idleWaiters: (() => void)[] = [];
  private scheduling = false;
  private closed = false;

  /** Starts the host: jobs a previous process left queued or running are marked `interrupted`. */
  constructor(store: Store, options: JobHostOptions = {}) {
    this.store = store;
    this.launchWorker = options.launchWorker ?? forkWorker();
    this.handlers = options.handlers ?? jobKindHandlers;
    this.cancelGraceMs = options.cancelGraceMs ?? 5_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.exitTimeoutMs = options.exitTimeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    store.interruptUnfinishedJobs(interruptedAtStart);
  }

  /** Stores a job `queued` and runs it when its turn comes. */
  enqueue(request: NewJob): Job {
    if (this.closed) throw new UsageError(`cannot start the ${request.kind} job: the job host is closed`);
    if (!this.handlers[request.kind]) throw new UsageError(`${request.kind} jobs cannot run yet (known: ${Object.keys(this.handlers).join(', ')})`);
    const job = this.store.createJob(request);
    this.emit(job);
    queueMicrotask(() => this.schedule());
    return job;
  }

  /**
   * Cancels a job: a queued one at once, a running one by asking its worker to stop (killed
   * after the grace period). Resolves when the job has its final status; a finished job is left
   * as it is. An unknown id is an error naming it.
   */
  async cancel(jobId: string): Promise<void> {
    const job = this.store.getJob(jobId);
    if (finishedJobStatuses.includes(job.status)) return;
    const running = this.running.get(jobId);
    if (!running) {
      this.update(jobId, { status: 'cancelled', finishedAt: new Date().toISOString() }, ['cancelled before it started']);
      return;
    }
    const ended = this.waitForEnd(jobId);
    if (!running.cancelRequested && !running.finished) {
      running.cancelRequested = true;
      this.update(jobId, {}, ['cancel requested']);
      if (running.started) {
        running.port.send({ type: 'cancel', jobId });
        this.after(running, this.cancelGraceMs, () => {
          this.update(jobId, {}, [`the worker did not stop within ${this.cancelGraceMs} ms: killing it`]);
          running.port.kill();
        });
      } else {
        running.port.kill();
      }
    }
    await ended;
  }

  /** Cancels every unfinished job that `match` selects (e.g. the jobs of a project being removed). */
  async cancelWhere(match: (job: Job) => boolean): Promise<void> {
    const jobs = this.store.listJobs({ statuses: ['queued', 'running'] }).filter(match);
    await Promise.all(jobs.map((job) => this.cancel(job.id)));
  }

  /** Calls `listener` with the job after every change of any job (status, progress, log line). */
  onJobChanged(listener: (job: Job) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The process id of the worker running a job, if one is. */
  workerProcessId(jobId: string): number | undefined {
    return this.running.get(jobId)?.port.pid;
  }

  /** Resolves once no job is queued or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops the host (the app quits): queued and running jobs are marked `interrupted`, workers are
   * killed (a virtual board's QEMU goes with its worker), and no job starts any more.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const time = new Date().toISOString();
    for (const running of this.running.values()) {
      if (!running.finished) {
        running.finished = true;
        this.update(running.jobId, { status: 'interrupted', finishedAt: time }, [interruptedByClose]);
      }
      running.port.kill();
    }
    if (this.store.isOpen) {
      for (const job of this.store.listJobs({ statuses: ['queued'] })) this.update(job.id, { status: 'interrupted', finishedAt: time }, [interruptedAtStart]);
    }
    await Promise.all([...this.running.values()].map((running) => running.exited));
    this.notifyIdle();
  }

  // ---- scheduling ----------------------------------------------------------------------

  private schedule(): void {
    if (this.closed || this.scheduling || !this.store.isOpen) return;
    this.scheduling = true;
    try {
      while (this.running.size < this.concurrency) {
        const next = this.store.queuedJobs().find((job) => !this.boardBusy(job.boardId));
        if (!next) break;
        this.start(next, next.boardId);
      }
    } finally {
      this.scheduling = false;
    }
    this.notifyIdle();
  }

  /** A real board already lent to a running job (virtual boards are never busy). */
  private boardBusy(boardId: string | null): boolean {
    if (boardId === null || findBoard(boardId)?.kind === 'virtual') return false;
    return [...this.running.values()].some((running) => running.boardId === boardId);
  }

  private start(job: Job, boardId: string | null): void {
    const handler = this.handlers[job.kind];
    const startedAt = new Date().toISOString();
    let task: WorkerTask;
    try {
      if (!handler) throw new UsageError(`${job.kind} jobs cannot run yet`);
      task = handler.prepare(this.store, job);
    } catch (error) {
      this.fail(job.id, toJobError(error), startedAt);
      return;
    }
    let port: WorkerPort;
    try {
      port = this.launchWorker();
    } catch (error) {
      this.fail(job.id, toJobError(error), startedAt, 'could not start a worker process: ');
      return;
    }
    let exited!: () => void;
    const running: RunningJob = {
      jobId: job.id,
      boardId,
      port,
      handler: handler!,
      started: false,
      finished: false,
      cancelRequested: false,
      timers: new Set(),
      exited: new Promise((resolve) => (exited = resolve)),
    };
    this.running.set(job.id, running);
    this.update(job.id, { status: 'running', startedAt, progress: 0, step: 'starting' }, ['starting a worker process']);

    port.onMessage((message) => {
      if (!isWorkerMessage(message)) return;
      try {
        this.receive(running, message, task);
      } catch (error) {
        // The store refused an update (closed meanwhile): the job cannot be followed any more.
        this.finish(running, 'failed', toJobError(error));
        port.kill();
      }
    });
    port.onExit((exit) => {
      for (const timer of running.timers) clearTimeout(timer);
      this.running.delete(job.id);
      if (!running.finished) {
        if (running.cancelRequested) this.finish(running, 'cancelled', undefined, [`worker process ${port.pid ?? '?'} ${describeExit(exit)}`]);
        else {
          const message = `worker process ${port.pid ?? '?'} ${describeExit(exit)} while running the ${job.kind} job`;
          this.finish(running, 'failed', toJobError(new TinyDeployError(message, { exitCode: exit.code, signal: exit.signal })), [message]);
        }
      }
      exited();
      this.schedule();
    });
    this.after(running, this.startTimeoutMs, () => {
      if (running.started) return;
      this.finish(running, 'failed', { name: 'TimeoutError', message: `worker process did not start within ${this.startTimeoutMs} ms` });
      port.kill();
    });
  }

  private receive(running: RunningJob, message: WorkerMessage, task: WorkerTask): void {
    if (message.type === 'ready') {
      if (running.started || running.finished) return;
      running.started = true;
      this.update(running.jobId, { step: 'started' }, [`worker process ${message.pid} started`]);
      running.port.send({ type: 'run', jobId: running.jobId, task });
      return;
    }
    if (message.jobId !== running.jobId || running.finished) return;
    switch (message.type) {
      case 'progress':
        this.update(running.jobId, { ...(message.fraction !== undefined ? { progress: message.fraction } : {}), ...(message.step !== undefined ? { step: message.step } : {}) }, message.log ?? []);
        return;
      case 'succeeded': {
        running.finished = true;
        const finishedAt = new Date().toISOString();
        let job: Job | undefined;
        try {
          job = this.store.transaction(() => {
            const stored = this.store.getJob(running.jobId);
            const result = running.handler.complete(this.store, stored, message.output);
            return this.store.updateJob(running.jobId, { status: 'succeeded', progress: 1, result, finishedAt }, ['succeeded']);
          });
        } catch (error) {
          const jobError = toJobError(error);
          job = this.store.updateJob(running.jobId, { status: 'failed', error: jobError, finishedAt }, [`the result could not be stored: ${jobError.message}`]);
        }
        if (job) this.emit(job);
        this.expectExit(running);
        return;
      }
      case 'failed':
        if (message.error.name === 'CancelledError' || running.cancelRequested) this.finish(running, 'cancelled', undefined, ['cancelled']);
        else this.finish(running, 'failed', { name: message.error.name, message: message.error.message });
        this.expectExit(running);
        return;
    }
  }

  /** A worker that has reported its end gets `exitTimeoutMs` to exit before it is killed. */
  private expectExit(running: RunningJob): void {
    this.after(running, this.exitTimeoutMs, () => running.port.kill());
  }

  private after(running: RunningJob, milliseconds: number, action: () => void): void {
    const timer = setTimeout(() => {
      running.timers.delete(timer);
      action();
    }, milliseconds);
    running.timers.add(timer);
  }

  // ---- recording -----------------------------------------------------------------------

  private finish(running: RunningJob, status: 'failed' | 'cancelled', error?: JobError, log?: string[]): void {
    if (running.finished) return;
    running.finished = true;
    const lines = log ?? (error ? [`failed: ${error.name}: ${error.message}`] : []);
    this.update(running.jobId, { status, finishedAt: new Date().toISOString(), ...(error ? { error } : {}) }, lines);
  }

  private fail(jobId: string, error: JobError, startedAt: string, prefix = ''): void {
    const full = { name: error.name, message: prefix + error.message };
    this.update(jobId, { status: 'failed', startedAt, finishedAt: new Date().toISOString(), error: full }, [`failed: ${full.name}: ${full.message}`]);
  }

  /** Writes a change (when the store is still open and the job still exists) and announces it. */
  private update(jobId: string, update: JobUpdate, log: readonly string[] = []): void {
    if (!this.store.isOpen) return;
    const job = this.store.updateJob(jobId, update, log);
    if (job) this.emit(job);
    else this.resolveEnd(jobId);
  }

  private emit(job: Job): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(job);
      } catch {
        // A listener's failure (a closed connection) must not stop the host or other listeners.
      }
    }
    if (finishedJobStatuses.includes(job.status)) this.resolveEnd(job.id);
  }

  private waitForEnd(jobId: string): Promise<void> {
    return new Promise((resolve) => this.endWaiters.set(jobId, [...(this.endWaiters.get(jobId) ?? []), resolve]));
  }

  private resolveEnd(jobId: string): void {
    const waiters = this.endWaiters.get(jobId);
    this.endWaiters.delete(jobId);
    for (const resolve of waiters ?? []) resolve();
  }

  private isIdle(): boolean {
    return this.running.size === 0 && (this.closed || !this.store.isOpen || this.store.queuedJobs().length === 0);
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function describeExit(exit: WorkerExit): string {
  if (exit.error) return `could not run (${exit.error})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

function toJobError(error: unknown): JobError {
  const { name, message } = serializeError(error);
  return { name, message };
}
