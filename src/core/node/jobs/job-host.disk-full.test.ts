import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, type TinyDeployError } from '../../common/errors.js';
import type { Job } from '../../../shared/services/types.js';
import { openStore, type Store } from '../store/index.js';
import { fillStore } from '../store/testing/full-disk.js';
import { JobHost } from './job-host.js';
import type { JobKindHandler } from './job-kinds.js';
import type { EvaluateOutput } from './kinds/evaluate.js';
import type { HostMessage } from './protocol.js';
import { FakeWorker } from './testing/fake-worker.js';

/**
 * The job host on a full disk (issue 16: a deploy on a full disk made `serve` exit from a
 * worker's event handler; a restart on it failed in interruptUnfinishedJobs). The store is made
 * full with SQLite's own limit (store/testing/full-disk.ts): every write the host makes from a
 * worker's events then fails with a real SQLITE_FULL. The fake workers say things
 * synchronously, so a host that throws from an event handler throws into the test. The same
 * with a real worker process is in job-host.disk-full.process.test.ts.
 */

let directory: string;
let store: Store;
let host: JobHost | undefined;
let workers: FakeWorker[];
let projectId: string;
let variantId: string;
/** What each worker does once it gets its task (default: nothing). */
let onRun: (worker: FakeWorker, run: Extract<HostMessage, { type: 'run' }>) => void;

const handlers: Record<string, JobKindHandler> = {
  evaluate: {
    prepare: () => ({ kind: 'evaluate', modelPath: '/model.tflite', modelName: 'm', datasetPath: '/data' }),
    complete: (s, job, output) => {
      const result = (output as EvaluateOutput).result;
      const measurement = s.addMeasurement({ projectId: job.projectId, variantId, jobId: job.id, kind: 'evaluate', accuracy: result.accuracy, samples: result.samples });
      return { measurementId: measurement.id };
    },
  },
};

const output: EvaluateOutput = { kind: 'evaluate', result: { samples: 4, correct: 3, accuracy: 0.75, confusion: [[1]], classes: ['a'], perClass: [], topK: [] } };

function startHost(onWarning?: (warning: TinyDeployError) => void): JobHost {
  host = new JobHost(store, {
    handlers,
    onWarning,
    launchWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      worker.onHostMessage = (message) => message.type === 'run' && setImmediate(() => onRun(worker, message));
      setImmediate(() => worker.say({ type: 'ready', pid: worker.pid }));
      return worker;
    },
  });
  return host;
}

function jobReaches(jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  const current = host!.getJob(jobId);
  if (predicate(current)) return Promise.resolve(current);
  return new Promise((resolve) => {
    const unsubscribe = host!.onJobChanged((job) => {
      if (job.id === jobId && predicate(job)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

const diskFull = (jobId: string) => `cannot save the state of job ${jobId}: disk full (SQLITE_FULL) under the data folder ${directory}; free space on its disk and try again`;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-full-'));
  store = openStore(directory);
  projectId = store.createProject('p').id;
  const summary = { ops: 1, macs: 1, parameters: 1, peakActivationBytes: 1, dtype: 'int8' };
  variantId = store.addVariant({ projectId, name: 'm', origin: { kind: 'import', fileName: 'm.tflite' }, bytes: new Uint8Array([1]), summary, detail: { layers: [], inputs: [], outputs: [] } }).id;
  workers = [];
  onRun = () => undefined;
});

afterEach(async () => {
  await host?.close();
  host = undefined;
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('JobHost on a full disk', () => {
  it('progress that cannot be saved fails the job visibly with the reason, stops its worker, and the host goes on serving', async () => {
    const changes: Job[] = [];
    const warnings: TinyDeployError[] = [];
    startHost((warning) => warnings.push(warning)).onJobChanged((job) => changes.push(job));
    onRun = (worker, run) => {
      worker.say({ type: 'progress', jobId: run.jobId, fraction: 0.25, log: ['sample 1 of 4'] });
      fillStore(store);
      // Before the fix, this threw SQLITE_FULL out of the host's message handler.
      worker.say({ type: 'progress', jobId: run.jobId, fraction: 0.5, log: ['sample 2 of 4'] });
      worker.say({ type: 'succeeded', jobId: run.jobId, output });
    };
    const job = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const failed = await jobReaches(job.id, (j) => j.status === 'failed');
    const reason = { name: 'StoreError', message: `the evaluate job cannot be recorded: ${diskFull(job.id)}` };
    expect(failed).toMatchObject({ status: 'failed', progress: 0.5, error: reason });
    expect(failed.log.slice(-2)).toEqual(['sample 2 of 4', `failed: StoreError: ${reason.message}`]);
    expect(changes.at(-1)).toEqual(failed);
    expect(workers[0].killed).toBe(true);
    expect(warnings.map((w) => w.message)).toEqual([`job ${job.id} ended failed without being saved: ${diskFull(job.id)}`]);
    // The service's view is the host's; the store still has the last state it took.
    expect(host!.getJob(job.id)).toEqual(failed);
    expect(host!.listJobs({ projectId, statuses: ['failed'] })).toEqual([failed]);
    expect(store.getJob(job.id)).toMatchObject({ status: 'running', progress: 0.25 });
    expect(store.listMeasurements({ projectId })).toEqual([]);

    // The next request is served: refused with the reason while the disk is full…
    await host!.idle();
    expect(() => host!.enqueue({ projectId, kind: 'evaluate', params: {} })).toThrow(StoreError);
    expect(() => host!.enqueue({ projectId, kind: 'evaluate', params: {} })).toThrow(`cannot save the new evaluate job: disk full (SQLITE_FULL) under the data folder ${directory}`);
    // …and run once there is room again; the failed job's state is then saved.
    store.sqlite.pragma('max_page_count = 1000000');
    onRun = (worker, run) => {
      worker.say({ type: 'succeeded', jobId: run.jobId, output });
      worker.exit();
    };
    const next = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    await jobReaches(next.id, (j) => j.status === 'succeeded');
    expect(store.getJob(job.id)).toMatchObject({ status: 'failed', error: reason });
    expect(store.getJob(job.id).log.at(-1)).toBe('saved after the disk had been full');
  });

  it('a job that cannot even be started, a result that cannot be stored and a worker crash on a full disk: each job ends failed with its reason', async () => {
    startHost();
    // Cannot be marked running: fails before its worker gets the task.
    const unstarted = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    fillStore(store);
    const notStarted = await jobReaches(unstarted.id, (j) => j.status === 'failed');
    expect(notStarted.error).toEqual({ name: 'StoreError', message: `the evaluate job cannot be recorded: ${diskFull(unstarted.id)}` });
    expect(workers[0].killed).toBe(true);
    expect(workers[0].sent).toEqual([]);
    await host!.idle();
    store.sqlite.pragma('max_page_count = 1000000');

    // The result comes when the disk is full: no measurement, the job fails with the store's reason.
    onRun = (worker, run) => {
      fillStore(store);
      worker.say({ type: 'succeeded', jobId: run.jobId, output });
      worker.exit();
    };
    const finished = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const unstored = await jobReaches(finished.id, (j) => j.status === 'failed');
    expect(unstored.error?.name).toBe('StoreError');
    expect(unstored.error?.message).toMatch(/^cannot save the state of job .*: disk full \(SQLITE_FULL\) under the data folder /);
    expect(unstored.log.at(-1)).toMatch(/^not saved: cannot save the state of job /);
    expect(store.listMeasurements({ projectId })).toEqual([]);
    await host!.idle();
    store.sqlite.pragma('max_page_count = 1000000');

    // The worker dies when the disk is full: the crash is the error, the log says it was not saved.
    onRun = (worker) => {
      fillStore(store);
      worker.exit({ code: null, signal: 'SIGKILL' });
    };
    const crashing = host!.enqueue({ projectId, kind: 'evaluate', params: {} });
    const crashed = await jobReaches(crashing.id, (j) => j.status === 'failed');
    const pid = workers.at(-1)!.pid;
    expect(crashed.error).toEqual({ name: 'TinyDeployError', message: `worker process ${pid} was killed by SIGKILL while running the evaluate job` });
    expect(crashed.log.at(-1)).toBe(`not saved: ${diskFull(crashing.id)}`);
    await host!.close();
    expect(host!.getJob(crashing.id).status).toBe('failed');
  });

  it('a restart on a full disk opens the store read-only, says why, shows the projects and runs nothing', async () => {
    const left = store.createJob({ projectId, kind: 'evaluate', params: {} });
    store.updateJob(left.id, { status: 'running' }, ['started']);
    const waiting = store.createJob({ projectId, kind: 'evaluate', params: {} });
    fillStore(store);
    store.close();

    // Before the fix: SqliteError "database or disk is full" out of interruptUnfinishedJobs.
    store = openStore(directory, { maxPageCount: 1 });
    const warnings: TinyDeployError[] = [];
    startHost((warning) => warnings.push(warning));
    const explanation = `data folder ${directory}: the disk is full (SQLITE_FULL), so it is opened read-only: projects can be seen, but nothing can be saved and no job can run; free space on its disk and restart TinyDeploy`;
    expect(host!.warnings.map((w) => [w.name, w.message])).toEqual([['StoreError', explanation]]);
    expect(warnings).toEqual(host!.warnings);
    expect(store.readOnly?.message).toBe(explanation);
    expect(store.listProjects().map((p) => p.name)).toContain('p');
    expect(host!.getJob(left.id)).toMatchObject({ status: 'interrupted', log: ['started', 'interrupted: TinyDeploy stopped before this job finished', `not saved: ${explanation}`] });
    expect(host!.listJobs({ statuses: ['queued', 'running'] })).toEqual([]);
    expect(() => host!.enqueue({ projectId, kind: 'evaluate', params: {} })).toThrow(
      `cannot save the new evaluate job: the data folder is read-only because the disk is full (${directory}, found full when TinyDeploy started); free space on its disk and restart TinyDeploy`,
    );
    await host!.idle();
    expect(workers).toEqual([]);
    expect(store.getJob(waiting.id).status).toBe('queued');
    await host!.close();
    store.close();

    // With room again, the next start marks both interrupted as usual.
    store = openStore(directory);
    startHost();
    expect(store.readOnly).toBeUndefined();
    expect(store.getJob(left.id).status).toBe('interrupted');
    expect(store.getJob(waiting.id).status).toBe('interrupted');
  });
});
