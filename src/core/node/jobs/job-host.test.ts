import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../shared/services/types.js';
import { openStore, type Store } from '../store/index.js';
import { JobHost, type JobHostOptions } from './job-host.js';
import type { JobKindHandler } from './job-kinds.js';
import type { EvaluateOutput } from './kinds/evaluate.js';
import { FakeWorker } from './testing/fake-worker.js';

/**
 * The job host against in-process fake workers: every path of a job's life (success, failure,
 * crash, cancel, grace kill, start timeout, close, restart) without starting processes. The
 * real worker process is exercised in job-host.process.test.ts.
 */

let directory: string;
let store: Store;
let host: JobHost | undefined;
let workers: FakeWorker[];
/** Set up each fake worker as it is launched (default: says ready). */
let setUpWorker: (worker: FakeWorker) => void;
let projectId: string;

const evaluateOutput = (accuracy: number): EvaluateOutput => ({
  kind: 'evaluate',
  result: { samples: 4, correct: Math.round(accuracy * 4), accuracy, confusion: [[1]], classes: ['a'], perClass: [], topK: [] },
});

/** Handlers that need no model or dataset: an evaluate job records a measurement of variant `params.variantId`. */
const testHandlers: Record<string, JobKindHandler> = {
  evaluate: {
    prepare: (_store, job) => {
      if (job.params.fail) throw new Error(`cannot prepare: ${String(job.params.fail)}`);
      return { kind: 'evaluate', modelPath: '/model.tflite', modelName: 'm', datasetPath: '/data' };
    },
    complete: (storeArgument, job, output) => {
      const variant = storeArgument.getVariant(String(job.params.variantId));
      const result = (output as EvaluateOutput).result;
      const measurement = storeArgument.addMeasurement({ projectId: variant.projectId, variantId: variant.id, jobId: job.id, kind: 'evaluate', accuracy: result.accuracy, samples: result.samples });
      return { measurementId: measurement.id, accuracy: result.accuracy };
    },
  },
  deploy: {
    prepare: (_store, job) => ({ kind: 'deploy', modelPath: '/m', modelName: 'm', modelHash: 'sha256:00', boardId: String(job.params.boardId), runs: 1 }),
    complete: () => ({}),
  },
};

function startHost(options: JobHostOptions = {}): JobHost {
  host = new JobHost(store, {
    handlers: testHandlers,
    launchWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      setUpWorker(worker);
      return worker;
    },
    ...options,
  });
  return host;
}

function addVariant(): string {
  const summary = { ops: 1, macs: 1, parameters: 1, peakActivationBytes: 1, dtype: 'int8' };
  return store.addVariant({ projectId, name: 'm', origin: { kind: 'import', fileName: 'm.tflite' }, bytes: new Uint8Array([1]), summary, detail: { layers: [], inputs: [], outputs: [] } }).id;
}

/** Resolves when `predicate` holds for a change of job `jobId`, or at once if it already holds. */
function jobReaches(jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  const now = store.getJob(jobId);
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const unsubscribe = host!.onJobChanged((job) => {
      if (job.id === jobId && predicate(job)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-jobs-'));
  store = openStore(directory);
  projectId = store.createProject('p').id;
  workers = [];
  setUpWorker = (worker) => setImmediate(() => worker.say({ type: 'ready', pid: worker.pid }));
});

afterEach(async () => {
  await host?.close();
  host = undefined;
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('JobHost with fake workers', () => {
  it('runs a job in a worker: task sent, progress and log stored and announced, output recorded with the job', async () => {
    const variantId = addVariant();
    const changes: Job[] = [];
    startHost().onJobChanged((job) => changes.push(job));
    setUpWorker = (worker) => {
      worker.onHostMessage = (message) => {
        if (message.type !== 'run') return;
        setImmediate(() => {
          worker.say({ type: 'progress', jobId: message.jobId, fraction: 0.5, step: 'sample 2 of 4', log: ['evaluating'] });
          worker.say({ type: 'progress', jobId: message.jobId, fraction: 0.75 });
          worker.say({ type: 'succeeded', jobId: message.jobId, output: evaluateOutput(0.75) });
          worker.exit();
        });
      };
      setImmediate(() => worker.say({ type: 'ready', pid: worker.pid }));
    };
    const job = host!.enqueue({ projectId, kind: 'evaluate', params: { variantId } });
    expect(job.status).toBe('queued');
    const done = await jobReaches(job.id, (j) => j.status === 'succeeded');
    expect(workers[0].sent).toEqual([{ type: 'run', jobId: job.id, task: { kind: 'evaluate', modelPath: '/model.tflite', modelName: 'm', datasetPath: '/data' } }]);
    expect(done).toMatchObject({ progress: 1, step: 'sample 2 of 4', log: ['starting a worker process', `worker process ${workers[0].pid} started`, 'evaluating', 'succeeded'] });
    expect(done.startedAt! <= done.finishedAt!).toBe(true);
    const measurements = store.listMeasurements({ projectId });
    expect(measurements).toHaveLength(1);
    expect(done.result).toEqual({ measurementId: measurements[0].id, accuracy: 0.75 });
    expect(changes.map((change) => [change.status, change.progress])).toEqual([
      ['queued', 0],
      ['running', 0],
      ['running', 0],
      ['running', 0.5],
      ['running', 0.75],
      ['succeeded', 1],
    ]);
    await host!.idle();
  });

  it('a job the worker reports failed keeps the error class and message; the next job runs', async () => {
    startHost();
    setUpWorker = (worker) => {
      worker.onHostMessage = (message) =>
        message.type === 'run' &&
        setImmediate(() => {
          worker.say({ type: 'failed', jobId: message.jobId, error: { name: 'DatasetError', message: 'dataset kws01: 12 classes, but …' } });
          worker.exit();
        });
      setImmediate(() => worker.say({ type: 'ready', pid: worker.pid }));
    };
    const first = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const second = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    await host!.idle();
    expect(store.getJob(first.id)).toMatchObject({ status: 'failed', error: { name: 'DatasetError', message: 'dataset kws01: 12 classes, but …' } });
    expect(store.getJob(first.id).log.at(-1)).toBe('failed: DatasetError: dataset kws01: 12 classes, but …');
    expect(store.getJob(second.id).status).toBe('failed');
    expect(workers).toHaveLength(2);
  });

  it('a worker that dies without reporting fails its job with the signal or exit code, and the next job runs', async () => {
    const variantId = addVariant();
    startHost();
    const first = host!.enqueue({ projectId, kind: 'evaluate', params: { variantId } });
    const second = host!.enqueue({ projectId, kind: 'evaluate', params: { variantId } });
    await jobReaches(first.id, (job) => job.step === 'started');
    expect(store.getJob(second.id).status).toBe('queued');
    workers[0].exit({ code: null, signal: 'SIGKILL' });
    const failed = store.getJob(first.id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { name: 'TinyDeployError', message: `worker process ${workers[0].pid} was killed by SIGKILL while running the evaluate job` },
    });
    await jobReaches(second.id, (job) => job.step === 'started');
    workers[1].exit({ code: 3, signal: null });
    expect(store.getJob(second.id).error!.message).toBe(`worker process ${workers[1].pid} exited with code 3 while running the evaluate job`);
  });

  it('cancels a queued job at once, without a worker', async () => {
    startHost();
    setUpWorker = () => undefined;
    const running = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const queued = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    await tick();
    await host!.cancel(queued.id);
    expect(store.getJob(queued.id)).toMatchObject({ status: 'cancelled', log: ['cancelled before it started'] });
    expect(workers).toHaveLength(1);
    await host!.cancel(running.id);
    expect(store.getJob(running.id).status).toBe('cancelled');
    // Cancelling a finished job changes nothing; an unknown id is named.
    await host!.cancel(running.id);
    await expect(host!.cancel('j-404')).rejects.toThrow('job j-404 not found');
  });

  it('cancels a running job through its worker (which aborts), and kills a worker that does not stop', async () => {
    startHost({ cancelGraceMs: 50 });
    setUpWorker = (worker) => {
      worker.onHostMessage = (message) => {
        if (message.type === 'cancel' && workers.indexOf(worker) === 0) {
          setImmediate(() => {
            worker.say({ type: 'failed', jobId: message.jobId, error: { name: 'CancelledError', message: 'evaluation cancelled' } });
            worker.exit();
          });
        }
      };
      setImmediate(() => worker.say({ type: 'ready', pid: worker.pid }));
    };
    const obedient = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    await jobReaches(obedient.id, (job) => job.step === 'started');
    await host!.cancel(obedient.id);
    expect(workers[0].sent.map((message) => message.type)).toEqual(['run', 'cancel']);
    expect(workers[0].killed).toBe(false);
    expect(store.getJob(obedient.id)).toMatchObject({ status: 'cancelled' });
    expect(store.getJob(obedient.id).log.slice(-2)).toEqual(['cancel requested', 'cancelled']);

    const stubborn = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    await jobReaches(stubborn.id, (job) => job.step === 'started');
    // A faked clock: the worker is asked first and killed when the 50 ms grace has passed, not before.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const cancelling = host!.cancel(stubborn.id);
      expect(workers[1].sent.map((message) => message.type)).toEqual(['run', 'cancel']);
      await vi.advanceTimersByTimeAsync(49);
      expect(workers[1].killed).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(workers[1].killed).toBe(true);
      await cancelling;
    } finally {
      vi.useRealTimers();
    }
    expect(store.getJob(stubborn.id)).toMatchObject({ status: 'cancelled' });
    expect(store.getJob(stubborn.id).log.slice(-2)).toEqual(['the worker did not stop within 50 ms: killing it', `worker process ${workers[1].pid} was killed by SIGKILL`]);
  });

  it('fails a job whose worker never says it is ready, and one whose task cannot be prepared', async () => {
    startHost({ startTimeoutMs: 30 });
    setUpWorker = () => undefined;
    const silent = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const unprepared = host!.enqueue({ projectId, kind: 'evaluate', params: { fail: 'variant v-1 not found' } });
    await host!.idle();
    expect(store.getJob(silent.id)).toMatchObject({ status: 'failed', error: { name: 'TimeoutError', message: 'worker process did not start within 30 ms' } });
    expect(workers[0].killed).toBe(true);
    expect(store.getJob(unprepared.id)).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'cannot prepare: variant v-1 not found' } });
    expect(workers).toHaveLength(1);
  });

  it('fails a job whose output cannot be recorded, storing none of it', async () => {
    const variantId = addVariant();
    startHost();
    setUpWorker = (worker) => {
      worker.onHostMessage = (message) => {
        if (message.type !== 'run') return;
        // The variant goes while the job runs: its measurement cannot be stored.
        store.removeVariant(variantId);
        setImmediate(() => {
          worker.say({ type: 'succeeded', jobId: message.jobId, output: evaluateOutput(1) });
          worker.exit();
        });
      };
      setImmediate(() => worker.say({ type: 'ready', pid: worker.pid }));
    };
    const job = host!.enqueue({ projectId, kind: 'evaluate', params: { variantId } });
    await host!.idle();
    expect(store.getJob(job.id)).toMatchObject({ status: 'failed', error: { name: 'NotFoundError', message: `variant ${variantId} not found` } });
    expect(store.getJob(job.id).log.at(-1)).toBe(`the result could not be stored: variant ${variantId} not found`);
    expect(store.listMeasurements({ projectId })).toEqual([]);
  });

  it('runs one job at a time on a real board, virtual boards in parallel', async () => {
    startHost({ concurrency: 3 });
    const real1 = host!.enqueue({ projectId, kind: 'deploy', params: { boardId: 'real-template' }, boardId: 'real-template' });
    const real2 = host!.enqueue({ projectId, kind: 'deploy', params: { boardId: 'real-template' }, boardId: 'real-template' });
    const virtual1 = host!.enqueue({ projectId, kind: 'deploy', params: { boardId: 'virtual-m4f' }, boardId: 'virtual-m4f' });
    const virtual2 = host!.enqueue({ projectId, kind: 'deploy', params: { boardId: 'virtual-m4f' }, boardId: 'virtual-m4f' });
    await tick();
    expect([real1, real2, virtual1, virtual2].map((job) => store.getJob(job.id).status)).toEqual(['running', 'queued', 'running', 'running']);
    workers[0].exit({ code: 1, signal: null });
    expect(store.getJob(real2.id).status).toBe('running');
  });

  it('close interrupts running and queued jobs and kills the workers; a new host interrupts what a dead one left', async () => {
    startHost();
    const running = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const queued = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    await jobReaches(running.id, (job) => job.step === 'started');
    await host!.close();
    expect(workers[0].killed).toBe(true);
    expect(store.getJob(running.id)).toMatchObject({ status: 'interrupted' });
    expect(store.getJob(running.id).log.at(-1)).toBe('interrupted: TinyDeploy stopped while this job was running');
    expect(store.getJob(queued.id).status).toBe('interrupted');
    expect(() => host!.enqueue({ projectId, kind: 'evaluate', params: {} })).toThrow('cannot start the evaluate job: the job host is closed');

    // A process that died without closing its host leaves jobs running and queued.
    const left = store.createJob({ projectId, kind: 'evaluate', params: {} });
    store.updateJob(left.id, { status: 'running' });
    const waiting = store.createJob({ projectId, kind: 'evaluate', params: {} });
    startHost();
    expect(store.getJob(left.id)).toMatchObject({ status: 'interrupted', log: ['interrupted: TinyDeploy stopped before this job finished'] });
    expect(store.getJob(waiting.id).status).toBe('interrupted');
  });

  it('refuses job kinds no worker runs', () => {
    startHost();
    expect(() => host!.enqueue({ projectId, kind: 'optimize', params: {} })).toThrow('optimize jobs cannot run yet (known: evaluate, deploy)');
  });
});
