import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../common/errors.js';
import type { Job } from '../../../shared/services/types.js';
import { openDataset } from '../datasets/dataset.js';
import { openStore, type Store } from '../store/index.js';
import { fillStore } from '../store/testing/full-disk.js';
import { JobHost } from './job-host.js';

/**
 * Issue 16: the disk fills while an evaluation runs in a real worker process (src/worker through
 * tsx), on the bundled keyword-spotting samples. Before the fix the host threw SQLITE_FULL from
 * the child process's message handler, which ended the serving process; now the job ends failed
 * with the reason, the worker is stopped, and the host serves the next requests. The store is
 * made full with SQLite's own limit (store/testing/full-disk.ts); every path of the host on a
 * full disk is in job-host.disk-full.test.ts.
 */

const modelPath = new URL('../../../../resources/models/kws_ref_model.tflite', import.meta.url);
const datasetPath = new URL('../../../../resources/datasets/kws01', import.meta.url).pathname;

let directory: string;
let store: Store;
let host: JobHost;
let projectId: string;
let variantId: string;
let datasetId: string;

function jobReaches(jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  const current = host.getJob(jobId);
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

const ended = (job: Job) => job.status !== 'queued' && job.status !== 'running';

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-full-worker-'));
  store = openStore(directory);
  host = new JobHost(store);
  projectId = store.createProject('keyword spotting').id;
  const summary = { ops: 13, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' };
  const bytes = new Uint8Array(readFileSync(modelPath));
  variantId = store.addVariant({ projectId, name: 'kws_ref_model', origin: { kind: 'import', fileName: 'kws_ref_model.tflite' }, bytes, summary, detail: { layers: [], inputs: [], outputs: [] } }).id;
  const dataset = await openDataset(datasetPath);
  datasetId = store.addDataset({ projectId, name: dataset.name, path: dataset.directory, format: dataset.layout, sampleCount: dataset.size }).id;
});

afterAll(async () => {
  await host.close();
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('JobHost with a worker process on a full disk', () => {
  it('an evaluation whose progress cannot be saved ends failed with the reason; its worker is stopped; the host serves the next requests', async () => {
    const job = host.enqueue({ projectId, kind: 'evaluate', params: { variantId, datasetId } });
    await jobReaches(job.id, (j) => j.progress > 0.02);
    const pid = host.workerProcessId(job.id)!;
    expect(pid).toBeGreaterThan(0);
    fillStore(store);

    const failed = await jobReaches(job.id, ended);
    expect(failed.status).toBe('failed');
    expect(failed.error?.name).toBe('StoreError');
    expect(failed.error?.message).toContain(`disk full (SQLITE_FULL) under the data folder ${directory}; free space on its disk and try again`);
    expect(failed.log.at(-1)).toMatch(/^(failed: StoreError: |not saved: )/);
    await host.idle();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(store.listMeasurements({ projectId })).toEqual([]);

    // Still serving: reads answer, a new job is refused with the reason…
    expect(host.listJobs({ projectId }).find((j) => j.id === job.id)).toEqual(failed);
    expect(store.listProjects().map((p) => p.name)).toContain('keyword spotting');
    expect(() => host.enqueue({ projectId, kind: 'evaluate', params: { variantId, datasetId } })).toThrow(StoreError);

    // …and runs once there is room again.
    store.sqlite.pragma('max_page_count = 1000000');
    const next = host.enqueue({ projectId, kind: 'evaluate', params: { variantId, datasetId, limit: 10 } });
    const done = await jobReaches(next.id, ended);
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(store.getJob(job.id)).toMatchObject({ status: 'failed', error: failed.error });
    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
