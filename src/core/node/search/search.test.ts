import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { virtualM4f } from '../../common/boards/index.js';
import { lstmSpace } from '../../common/search/spaces/lstm.js';
import { openStore } from '../store/store.js';
import { type TrialRecord, SearchStore } from './search-store.js';
import { frontOf, observationOf, searchHypervolume, searchKey, trialObjectives } from './search.js';

const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-search-store-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const measured = (index: number, accuracy: number, latency: number, ram: number, flash: number, status: TrialRecord['status'] = 'ok'): TrialRecord => ({
  index,
  params: { layers: 1, hidden: 8 * (index + 1), window: 16, stride: 1, head: 0 },
  status,
  accuracy,
  latency,
  latencyUnit: 'instructions',
  arenaBytes: ram - 100,
  stackBytes: 100,
  flashBytes: flash,
  bitExact: true,
});

describe('search results', () => {
  const trials: TrialRecord[] = [
    measured(0, 0.9, 100, 1000, 5000),
    measured(1, 0.8, 200, 2000, 6000), // dominated by 0
    measured(2, 0.95, 300, 1000, 5000),
    measured(3, 0.99, 50, 500, 1000, 'over-budget'), // best everywhere, but over budget: not on the front
    { index: 4, params: { layers: 3, hidden: 128, window: 64, stride: 1, head: 0 }, status: 'rejected', reason: 'the planner proves it cannot fit' },
    { index: 5, params: { layers: 1, hidden: 8, window: 64, stride: 1, head: 0 }, status: 'failed', reason: 'training: out of memory' },
  ];

  it('takes the front over the trials within budget; failed and rejected ones are infeasible, never zeros', () => {
    expect(frontOf(trials)).toEqual([0, 2]);
    expect(trialObjectives(trials[0])).toEqual([0.09999999999999998, 100, 1000, 5000]);
    expect(observationOf(trials[4])).toEqual({ candidate: trials[4].params, feasible: false });
    expect(observationOf(trials[3]).feasible).toBe(false);
    expect(observationOf(trials[3]).objectives).toBeDefined();
  });

  it('measures the hypervolume in the box of the budget', () => {
    const reference = { latency: 1000, ramBytes: 10000, flashBytes: 10000 };
    const single = searchHypervolume([trials[0]], reference);
    expect(single).toBeCloseTo(0.9 * 0.9 * 0.9 * 0.5, 12);
    expect(searchHypervolume(trials, reference)).toBeGreaterThan(single);
    expect(searchHypervolume(trials.slice(3), reference)).toBe(0);
  });

  it('lists a project\'s searches, with the job that ran them, and keeps trial models the store does not sweep', () => {
    const dataDirectory = join(scratch, 'owned');
    let store = openStore(dataDirectory);
    let searchId: string;
    let hash: string;
    try {
      const project = store.createProject('search');
      const searches = new SearchStore(store);
      searchId = searches.openSearch('key-a', { space: 'mlp' }, { projectId: project.id, jobId: 'job-1' }).id;
      searches.openSearch('key-b', { space: 'lstm' });
      expect(searches.openSearch('key-a', {}, { jobId: 'job-2' })).toEqual({ id: searchId, resumed: true });
      expect(searches.listSearches(project.id).map((search) => [search.id, search.jobId, search.config])).toEqual([[searchId, 'job-2', { space: 'mlp' }]]);
      hash = searches.keepModel(new Uint8Array([1, 2, 3]));
      searches.addTrial(searchId, { ...trials[0], modelHash: hash });
      expect(searches.trials(searchId)[0].modelHash).toBe(hash);
    } finally {
      store.close();
    }
    store = openStore(dataDirectory);
    try {
      expect([...new SearchStore(store).readModel(hash)]).toEqual([1, 2, 3]);
    } finally {
      store.close();
    }
  });

  it('stores trials per search and finds the search again by what defines it', () => {
    const settings = { space: lstmSpace, datasetPath: '/data/har', board: virtualM4f, budget: { ramBytes: 65536 }, trials: 10, epochs: 3, optimizer: 'bo' as const, seed: 1 };
    expect(searchKey(settings)).toBe(searchKey({ ...settings, trials: 50 }));
    expect(searchKey(settings)).not.toBe(searchKey({ ...settings, seed: 2 }));
    expect(searchKey(settings)).not.toBe(searchKey({ ...settings, budget: { ramBytes: 32768 } }));
    const store = openStore(join(scratch, 'data'));
    try {
      const searches = new SearchStore(store);
      const opened = searches.openSearch(searchKey(settings), { note: 'first' });
      expect(opened.resumed).toBe(false);
      for (const trial of trials) searches.addTrial(opened.id, { ...trial, details: { timings: { trainMs: 1, buildMs: 2, deployMs: 3 } } });
      expect(searches.openSearch(searchKey(settings), {})).toEqual({ id: opened.id, resumed: true });
      const stored = searches.trials(opened.id);
      expect(stored.map(({ createdAt: _, details: __, ...rest }) => rest)).toEqual(trials);
      // A trial reported twice (a distributed trial retried after its first report) is recorded once, as first stored.
      expect(searches.addTrial(opened.id, { ...trials[0], accuracy: 0.01 })).toBe(false);
      expect(searches.trials(opened.id)[0].accuracy).toBe(trials[0].accuracy);
      expect(searches.trials(opened.id)).toHaveLength(trials.length);
    } finally {
      store.close();
    }
  });
});
