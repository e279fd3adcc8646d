import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/services/types.js';
import { importModel } from '../../common/importers/index.js';
import { openDataset } from '../datasets/dataset.js';
import { evaluate } from '../datasets/evaluate.js';
import { openStore, type Store } from '../store/index.js';
import { JobHost } from './job-host.js';

/**
 * The job host with real worker processes (src/worker run through tsx): evaluation jobs on the
 * bundled keyword-spotting samples, a worker killed with SIGKILL in the middle of a job, cancel,
 * and a restart of the host. The real Deploy & Profile through the host runs in
 * services/services.test.ts.
 */

const modelPath = new URL('../../../../resources/models/kws_ref_model.tflite', import.meta.url);
const datasetPath = new URL('../../../../resources/datasets/kws01', import.meta.url).pathname;
const modelBytes = new Uint8Array(readFileSync(modelPath));

let directory: string;
let store: Store;
let host: JobHost;
let projectId: string;
let variantId: string;
let datasetId: string;

function openHost(): JobHost {
  store = openStore(join(directory, 'data'));
  return new JobHost(store, { cancelGraceMs: 3_000 });
}

function jobReaches(jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  const current = store.getJob(jobId);
  if (predicate(current)) return Promise.resolve(current);
  return new Promise((resolve) => {
    const unsubscribe = host.onJobChanged((job) => {
      if (job.id === jobId && predicate(job)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

const evaluateJob = (limit?: number) => host.enqueue({ projectId, kind: 'evaluate', params: { variantId, datasetId, ...(limit ? { limit } : {}) } });

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-worker-'));
  host = openHost();
  projectId = store.createProject('keyword spotting').id;
  const summary = { ops: 13, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' };
  variantId = store.addVariant({ projectId, name: 'kws_ref_model', origin: { kind: 'import', fileName: 'kws_ref_model.tflite' }, bytes: modelBytes, summary, detail: { layers: [], inputs: [], outputs: [] } }).id;
  const dataset = await openDataset(datasetPath);
  datasetId = store.addDataset({ projectId, name: dataset.name, path: dataset.directory, format: dataset.layout, sampleCount: dataset.size }).id;
});

afterAll(async () => {
  await host.close();
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('JobHost with worker processes', () => {
  it('a worker killed with SIGKILL in the middle of a job fails it with the signal; the data stays intact and the next job runs', async () => {
    const victim = evaluateJob();
    const next = evaluateJob(40);
    await jobReaches(victim.id, (job) => job.progress > 0.02);
    const pid = host.workerProcessId(victim.id)!;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const failed = await jobReaches(victim.id, (job) => job.status === 'failed');
    expect(failed.error).toEqual({ name: 'TinyDeployError', message: `worker process ${pid} was killed by SIGKILL while running the evaluate job` });
    expect(failed.progress).toBeLessThan(1);
    expect(store.listMeasurements({ projectId })).toEqual([]);

    // The next job runs in a new worker and gets the accuracy the host interpreter gets here.
    const changes: Job[] = [];
    const unsubscribe = host.onJobChanged((job) => job.id === next.id && changes.push(job));
    const done = await jobReaches(next.id, (job) => job.status !== 'queued' && job.status !== 'running');
    unsubscribe();
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    const expected = await evaluate(importModel(modelBytes, 'kws_ref_model.tflite'), await openDataset(datasetPath), { limit: 40 });
    const [measurement] = store.listMeasurements({ projectId, variantId });
    expect(measurement).toMatchObject({ kind: 'evaluate', jobId: next.id, accuracy: expected.accuracy, samples: 40, details: { datasetId, correct: expected.correct, confusion: expected.confusion } });
    expect(done.result).toEqual({ measurementId: measurement.id, accuracy: expected.accuracy, samples: 40, correct: expected.correct, evaluationId: expect.any(String) });
    expect(done.log).toContain('evaluating kws_ref_model on kws01: 40 of 1000 samples');
    expect(done.log.at(-2)).toBe(`${expected.correct} of 40 correct: top-1 accuracy ${(expected.accuracy * 100).toFixed(2)}%`);
    // Progress only went up, and the job ended once.
    const fractions = changes.filter((change) => change.status === 'running').map((change) => change.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(changes.filter((change) => change.status === 'succeeded')).toHaveLength(1);

    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.sqlite.pragma('foreign_key_check')).toEqual([]);
    await host.idle();
  });

  it('cancels a running job: the worker aborts, the job ends cancelled, no measurement', async () => {
    const before = store.listMeasurements({ projectId }).length;
    const job = evaluateJob();
    await jobReaches(job.id, (j) => j.progress > 0.02);
    const pid = host.workerProcessId(job.id)!;
    await host.cancel(job.id);
    const cancelled = store.getJob(job.id);
    // The worker aborted by itself: the host never had to kill it after the grace period.
    expect(cancelled.log.some((line) => line.startsWith('the worker did not stop within'))).toBe(false);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.log.slice(-2)).toEqual(['cancel requested', 'cancelled']);
    expect(store.listMeasurements({ projectId })).toHaveLength(before);
    await host.idle();
    // The worker exited by itself: it is gone.
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('after a restart, projects and measurements are intact and the job that was running is interrupted', async () => {
    const measurements = store.listMeasurements({ projectId });
    const running = evaluateJob();
    // Running in its worker (which said it is ready).
    await jobReaches(running.id, (job) => job.status === 'running' && job.log.some((line) => line.startsWith('worker process')));
    const pid = host.workerProcessId(running.id)!;
    // The app quits while the job runs: the worker goes with it; the store closes.
    await host.close();
    store.close();
    expect(() => process.kill(pid, 0)).toThrow();

    host = openHost();
    expect(store.listProjects().map((project) => [project.id, project.variantCount])).toEqual([[projectId, 1]]);
    expect(store.listMeasurements({ projectId })).toEqual(measurements);
    expect(store.getJob(running.id)).toMatchObject({ status: 'interrupted' });

    // A crash that left the job `running` in the database (no close) is found at the next start.
    const orphan = store.createJob({ projectId, kind: 'evaluate', params: { variantId, datasetId } });
    store.updateJob(orphan.id, { status: 'running', startedAt: new Date().toISOString() });
    store.close();
    host = openHost();
    expect(store.getJob(orphan.id).status).toBe('interrupted');
    expect(store.getJob(orphan.id).log).toEqual(['interrupted: TinyDeploy stopped before this job finished']);

    // And the new host runs jobs.
    const after = evaluateJob(5);
    expect((await jobReaches(after.id, (job) => job.status !== 'queued' && job.status !== 'running')).status).toBe('succeeded');
  });
});
