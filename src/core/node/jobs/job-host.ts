import { findBoard } from '../../common/boards/index.js';
import { StoreError, TinyDeployError, UsageError, serializeError } from '../../common/errors.js';
import type { Job, JobError, JobStatus, Unsubscribe } from '../../../shared/services/types.js';
import { finishedJobStatuses, isDiskFullError, type JobUpdate, type NewJob, type Store } from '../store/index.js';
import { jobKindHandlers, type JobKindHandler } from './job-kinds.js';
import { isWorkerMessage, type WorkerMessage, type WorkerTask } from './protocol.js';
import { forkWorker, type WorkerExit, type WorkerLauncher, type WorkerPort } from './worker-port.js';
import { printableText } from '../../common/printable.js';

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
 *
 * A store that refuses a write (the disk is full) never stops the host: no write made from a
 * worker's events, a timer or the scheduler throws. A job whose change cannot be saved ends
 * `failed` in memory with the store's error (a job that was ending keeps its final status, with
 * a log line saying it was not saved); that state is what `getJob`, `listJobs` and
 * `onJobChanged` show, and it is written once the store accepts writes again. When the disk is
 * full at start-up, the store is made read-only (`Store.setReadOnly`) and the host says so in
 * `warnings`: projects can be seen, no job is started.
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
  /** Told each problem the host works around (also kept in `warnings`), e.g. a full disk at start-up. */
  onWarning?: (warning: TinyDeployError) => void;
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
  /** Jobs whose last change the store refused (a full disk): their state as it is, until it is saved. */
  private readonly unsaved = new Map<string, Job>();
  private readonly warningListener?: (warning: TinyDeployError) => void;
  /** Problems the host works around (a full disk at start-up, a store that could not be read). */
  readonly warnings: TinyDeployError[] = [];

  /**
   * Starts the host: jobs a previous process left queued or running are marked `interrupted`. On a
   * full disk the store is made read-only instead, with a warning that says so.
   */
  constructor(store: Store, options: JobHostOptions = {}) {
    this.store = store;
    this.launchWorker = options.launchWorker ?? forkWorker();
    this.handlers = options.handlers ?? jobKindHandlers;
    this.cancelGraceMs = options.cancelGraceMs ?? 5_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.exitTimeoutMs = options.exitTimeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.warningListener = options.onWarning;
    if (!store.readOnly) {
      try {
        store.interruptUnfinishedJobs(interruptedAtStart);
      } catch (error) {
        if (!isDiskFullError(error)) throw error;
        store.setReadOnly(
          new StoreError(
            `data folder ${store.dataDirectory}: the disk is full (${String(error.data?.code)}), so it is opened read-only: projects can be seen, but nothing can be saved and no job can run; free space on its disk and restart TinyDeploy`,
            { path: store.dataDirectory, code: error.data?.code, diskFull: true, readOnly: true },
          ),
        );
      }
    }
    if (store.readOnly) this.readOnlyAtStart(store.readOnly);
  }

  /** A read-only store at start-up: said in a warning; the jobs left unfinished show as interrupted (in memory). */
  private readOnlyAtStart(reason: StoreError): void {
    this.warn(reason);
    let leftovers: Job[] = [];
    try {
      leftovers = this.store.listJobs({ statuses: ['queued', 'running'] });
    } catch {
      // Nothing to show: the warning has said why the store is read-only.
    }
    const time = new Date().toISOString();
    for (const job of leftovers) {
      this.unsaved.set(job.id, { ...job, status: 'interrupted', finishedAt: time, log: [...job.log, interruptedAtStart, `not saved: ${reason.message}`] });
    }
  }

  /** A job as the host knows it: the store's record, or its state in memory when that could not be saved. */
  getJob(jobId: string): Job {
    return this.unsaved.get(jobId) ?? this.store.getJob(jobId);
  }

  /** `Store.listJobs`, with the state in memory of the jobs whose last change could not be saved. */
  listJobs(filter: { projectId?: string; statuses?: readonly JobStatus[] } = {}): Job[] {
    const jobs = this.store.listJobs({ ...(filter.projectId !== undefined ? { projectId: filter.projectId } : {}) }).map((job) => this.unsaved.get(job.id) ?? job);
    return filter.statuses ? jobs.filter((job) => filter.statuses!.includes(job.status)) : jobs;
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
    const job = this.getJob(jobId);
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
    const jobs = this.listJobs({ statuses: ['queued', 'running'] }).filter(match);
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
    if (this.store.isOpen && !this.store.readOnly) {
      this.saveUnsaved();
      for (const job of this.readSafely(() => this.listJobs({ statuses: ['queued'] }), [])) this.update(job.id, { status: 'interrupted', finishedAt: time }, [interruptedAtStart]);
    }
    await Promise.all([...this.running.values()].map((running) => running.exited));
    this.notifyIdle();
  }

  // ---- scheduling ----------------------------------------------------------------------

  private schedule(): void {
    if (this.closed || this.scheduling || !this.store.isOpen || this.store.readOnly) return;
    this.scheduling = true;
    try {
      this.saveUnsaved();
      while (this.running.size < this.concurrency) {
        const next = this.queuedJobs().find((job) => !this.boardBusy(job.boardId));
        if (!next) break;
        this.start(next, next.boardId);
      }
    } catch (error) {
      // Called from workers' events and timers: a store that cannot be read must not stop the host.
      this.warn(new StoreError(`the job queue cannot be read from the data folder ${this.store.dataDirectory}: ${serializeError(error).message}`, { path: this.store.dataDirectory }));
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
      case 'record': {
        // Kept at once (a search's trial); a record the store refuses fails the job like a lost progress write.
        const record = running.handler.record;
        if (!record) return;
        const stored = this.store.getJob(running.jobId);
        record(this.store, stored, message.record);
        return;
      }
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
          this.update(running.jobId, { status: 'failed', error: jobError, finishedAt }, [`the result could not be stored: ${printableText(jobError.message)}`]);
          this.expectExit(running);
          return;
        }
        if (job) this.emit(job);
        else this.resolveEnd(running.jobId);
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
    const lines = log ?? (error ? [`failed: ${error.name}: ${printableText(error.message)}`] : []);
    this.update(running.jobId, { status, finishedAt: new Date().toISOString(), ...(error ? { error } : {}) }, lines);
  }

  private fail(jobId: string, error: JobError, startedAt: string, prefix = ''): void {
    const full = { name: error.name, message: prefix + error.message };
    this.update(jobId, { status: 'failed', startedAt, finishedAt: new Date().toISOString(), error: full }, [`failed: ${full.name}: ${printableText(full.message)}`]);
  }

  /**
   * Writes a change (when the store is still open and the job still exists) and announces it. A
   * change the store refuses (a full disk) never throws: see `notSaved`.
   */
  private update(jobId: string, update: JobUpdate, log: readonly string[] = []): void {
    if (!this.store.isOpen) return;
    if (this.unsaved.has(jobId)) return; // Ended in memory already: its state there is final.
    let job: Job | undefined;
    try {
      job = this.store.updateJob(jobId, update, log);
    } catch (error) {
      this.notSaved(jobId, update, log, error);
      return;
    }
    if (job) this.emit(job);
    else this.resolveEnd(jobId);
  }

  /**
   * A change of a job the store refused: the job ends in memory, visibly. A change that ended the
   * job keeps its status and error, with a log line saying it was not saved; any other change
   * (start, progress, log) fails the job with the store's error, and its worker is stopped, since
   * what it does can no longer be recorded. The state is announced like any change and written
   * when the store accepts writes again (`saveUnsaved`).
   */
  private notSaved(jobId: string, update: JobUpdate, log: readonly string[], error: unknown): void {
    const reason = toJobError(error);
    const known = this.readSafely(() => this.store.findJob(jobId), undefined);
    if (!known) {
      this.resolveEnd(jobId);
      return;
    }
    const time = new Date().toISOString();
    const ending = update.status !== undefined && finishedJobStatuses.includes(update.status);
    const failure: JobError = { name: reason.name, message: `the ${known.kind} job cannot be recorded: ${reason.message}` };
    const job: Job = { ...known, ...withoutUndefined(update), log: [...known.log, ...log] };
    if (ending) job.log.push(`not saved: ${reason.message}`);
    else Object.assign(job, { status: 'failed', error: failure, finishedAt: time }).log.push(`failed: ${failure.name}: ${printableText(failure.message)}`);
    this.unsaved.set(jobId, job);
    const running = this.running.get(jobId);
    if (running && !running.finished) {
      running.finished = true;
      running.port.kill();
    }
    this.warn(new StoreError(`job ${jobId} ended ${job.status} without being saved: ${reason.message}`, { jobId, path: this.store.dataDirectory }));
    this.emit(job);
  }

  /** Writes the jobs that ended in memory, once the store takes them; a refusal leaves them for later. */
  private saveUnsaved(): void {
    for (const [jobId, job] of this.unsaved) {
      if (this.running.has(jobId)) continue;
      try {
        const { status, error, finishedAt } = job;
        this.store.updateJob(jobId, { status, ...(error ? { error } : {}), ...(finishedAt ? { finishedAt } : {}) }, ['saved after the disk had been full']);
        this.unsaved.delete(jobId);
      } catch {
        return;
      }
    }
  }

  /** Queued jobs in the store, but for those that ended in memory. */
  private queuedJobs(): ReturnType<Store['queuedJobs']> {
    return this.store.queuedJobs().filter((job) => !this.unsaved.has(job.id));
  }

  private readSafely<T>(read: () => T, otherwise: T): T {
    try {
      return read();
    } catch {
      return otherwise;
    }
  }

  private warn(warning: TinyDeployError): void {
    this.warnings.push(warning);
    try {
      this.warningListener?.(warning);
    } catch {
      // A listener's failure must not stop the host.
    }
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
    return this.running.size === 0 && (this.closed || !this.store.isOpen || !!this.store.readOnly || this.readSafely(() => this.queuedJobs().length, 0) === 0);
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

/** The fields of an update that are set. */
function withoutUndefined(update: JobUpdate): Partial<Job> {
  return Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined)) as Partial<Job>;
}

function toJobError(error: unknown): JobError {
  const { name, message } = serializeError(error);
  return { name, message };
}
