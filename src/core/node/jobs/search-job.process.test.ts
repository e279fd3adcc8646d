import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../../../test/testing/shared-data.js';
import type { Job, JobService, SearchService } from '../../../shared/services/types.js';
import { createDatasetService } from '../services/datasets.js';
import { createJobService } from '../services/jobs.js';
import { createSearchService } from '../services/searches.js';
import { openStore, type Store } from '../store/index.js';
import { JobHost } from './job-host.js';
import type { SearchJobResult } from './kinds/search.js';
import { jobReaches as jobReachesIn } from './testing/job-fixtures.js';

/**
 * A search job through the real job host and a worker process: MLP candidates trained one short
 * epoch on 300 MNIST samples, quantized and measured on the virtual M4F; every trial is stored as
 * it ends (with its int8 model), a point becomes a variant of the project, the same search started
 * again continues after its stored trials, and a cancelled search keeps what it finished.
 */

let directory: string;
let store: Store;
let host: JobHost;
let jobs: JobService;
let searches: SearchService;
let projectId: string;
let datasetId: string;

const jobReaches = (jobId: string, predicate: (job: Job) => boolean) => jobReachesIn(store, host, jobId, predicate);

const ended = (job: Job) => job.status !== 'queued' && job.status !== 'running';
const request = () => ({ projectId, space: 'mlp', datasetId, boardId: 'virtual-m4f', epochs: 1, maxSteps: 4, limit: 300, seed: 5 });

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-search-job-'));
  store = openStore(join(directory, 'data'));
  host = new JobHost(store, { cancelGraceMs: 3_000 });
  jobs = createJobService(store, host);
  searches = createSearchService(store);
  projectId = store.createProject('search').id;
  datasetId = (await createDatasetService(store).add({ projectId, path: sharedPath('datasets/mnist') })).id;
});

afterAll(async () => {
  await host?.close();
  store?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('a search job in a worker process', () => {
  it('measures each trial on the board, stores it as it ends, and a point of the front becomes a variant', async () => {
    const started = await jobs.startSearch({ ...request(), trials: 2 });
    expect(started.params).toMatchObject({ space: 'mlp', trials: 2, optimizer: 'bo', epochs: 1 });
    const fractions: number[] = [];
    const unsubscribe = host.onJobChanged((job) => job.id === started.id && fractions.push(job.progress));
    const done = await jobReaches(started.id, ended);
    unsubscribe();
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(fractions).toContain(0.5);
    expect(done.log.filter((line) => /^trial \d (ok|over-budget|rejected|failed): /.test(line))).toHaveLength(2);
    const result = done.result as SearchJobResult;
    expect(result.trials).toBe(2);

    const [summary] = await searches.list({ projectId });
    expect(summary).toMatchObject({ id: result.searchId, space: 'mlp', boardId: 'virtual-m4f', trials: 2, trialsDone: 2, jobId: started.id, datasetId });
    const detail = await searches.get({ searchId: result.searchId });
    expect(detail.trialList.map((trial) => trial.index)).toEqual([0, 1]);
    const measured = detail.trialList.filter((trial) => trial.status === 'ok');
    expect(measured.length, JSON.stringify(detail.trialList)).toBeGreaterThan(0);
    for (const trial of measured) {
      expect(trial.hasModel).toBe(true);
      expect(trial.latencyUnit).toBe('instructions');
      expect(trial.bitExact).toBe(true);
      expect(trial.accuracy).toBeGreaterThanOrEqual(0);
    }
    expect(detail.front).toEqual(result.front);
    expect(detail.front.length).toBeGreaterThan(0);

    const point = detail.front[0];
    const variant = await searches.makeVariant({ searchId: result.searchId, trialIndex: point });
    expect(variant).toMatchObject({ projectId, name: `mlp-trial-${point}`, origin: { kind: 'search', searchId: result.searchId, trialIndex: point, space: 'mlp' } });
    expect(variant.summary.dtype).toBe('int8');
    expect(variant.summary.macs).toBeGreaterThan(0);
    // Asked again, the same trial is the same variant.
    expect((await searches.makeVariant({ searchId: result.searchId, trialIndex: point })).id).toBe(variant.id);

    // Started again with more trials, the search continues after its two stored trials.
    const again = await jobs.startSearch({ ...request(), trials: 3 });
    const second = await jobReaches(again.id, ended);
    expect(second.status, second.log.join('\n')).toBe('succeeded');
    expect(second.log.some((line) => line.includes('2 stored: continuing'))).toBe(true);
    expect((second.result as SearchJobResult).searchId).toBe(result.searchId);
    const continued = await searches.get({ searchId: result.searchId });
    expect(continued.trialList.map((trial) => trial.index)).toEqual([0, 1, 2]);
    expect(continued.trialList.slice(0, 2)).toEqual(detail.trialList);
  }, 600_000);

  it('a cancelled search keeps the trials it finished', async () => {
    const started = await jobs.startSearch({ ...request(), seed: 6, trials: 6 });
    await jobReaches(started.id, (job) => job.log.some((line) => /^trial 0 (ok|over-budget|rejected|failed): /.test(line)));
    await jobs.cancel({ jobId: started.id });
    const done = await jobReaches(started.id, ended);
    expect(done.status).toBe('cancelled');
    const [latest] = await searches.list({ projectId });
    expect(latest.jobId).toBe(started.id);
    expect(latest.trialsDone).toBeGreaterThanOrEqual(1);
    expect(latest.trialsDone).toBeLessThan(6);
  }, 600_000);

  it('searches the precision too: int8 by QAT, float32 and int8 by PTQ candidates are all measured on the board', async () => {
    const started = await jobs.startSearch({ ...request(), seed: 7, trials: 3, optimizer: 'sobol', precisions: ['int8-qat', 'float32', 'int8-ptq'] });
    const done = await jobReaches(started.id, ended);
    expect(done.status, done.log.join('\n')).toBe('succeeded');
    const detail = await searches.get({ searchId: (done.result as SearchJobResult).searchId });
    expect(detail.precisions).toEqual(['int8-qat', 'float32', 'int8-ptq']);
    expect(new Set(detail.trialList.map((trial) => trial.params.precision))).toEqual(new Set(['int8-qat', 'float32', 'int8-ptq']));
    // int8 trials are byte-identical on the board; the float32 one passes within the float tolerance.
    for (const trial of detail.trialList) expect([trial.status, trial.params.precision === 'float32' || trial.bitExact], JSON.stringify(trial)).toEqual(['ok', true]);
    const float = detail.trialList.find((trial) => trial.params.precision === 'float32')!;
    const variant = await searches.makeVariant({ searchId: detail.id, trialIndex: float.index });
    expect(variant.summary.dtype).toBe('float32');
    expect(detail.trialList.find((trial) => trial.params.precision === 'int8-qat')!.reason).toBeUndefined();
  }, 600_000);

  it('refuses a space it does not know and a dataset of another project before a job exists', async () => {
    await expect(jobs.startSearch({ ...request(), space: 'transformer', trials: 2 })).rejects.toThrow(/search space "transformer" is not a built-in space \(lstm, gru, ds-cnn, mlp\)/);
    const other = store.createProject('other').id;
    await expect(jobs.startSearch({ ...request(), projectId: other, trials: 2 })).rejects.toThrow(/belongs to another project/);
  });
});
