/**
 * `tinydeploy search` end to end on the default virtual board (QEMU): tiny seeded LSTM and GRU
 * searches on a slice of the accelerometer activity set, one training epoch cut to a few steps. Every figure it
 * prints must come from a deploy (a build id, the board's name, the deploy's own timings stored
 * beside it), and running the same search again continues from the store instead of starting over.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { virtualBoardTestsUnavailable } from '../../core/node/devices/qemu/testing/qemu.js';
import { SearchStore } from '../../core/node/search/search-store.js';
import { openStore } from '../../core/node/store/store.js';
import { sharedPath } from '../../../test/testing/shared-data.js';
import { requireTools } from '../../../test/testing/tools.js';
import { main } from '../main.js';
import type { SearchJson } from './search.js';

const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-search-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function tinydeploy(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: { write: (text: string) => stdout.push(String(text)) }, stderr: { write: (text: string) => stderr.push(text) } });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

const tinySpace = {
  name: 'tiny-lstm',
  family: 'lstm',
  parameters: [
    { name: 'layers', type: 'integer', min: 1, max: 1 },
    { name: 'hidden', type: 'integer', min: 8, max: 16, step: 8 },
    { name: 'window', type: 'categorical', choices: [16, 24] },
    { name: 'stride', type: 'categorical', choices: [1] },
    { name: 'head', type: 'categorical', choices: [0, 8] },
  ],
};

describe('tinydeploy search', () => {
  it('measures every trial on the board, stores it, and resumes the same search', async () => {
    requireTools(virtualBoardTestsUnavailable());
    const spaceFile = join(scratch, 'tiny.json');
    await writeFile(spaceFile, JSON.stringify(tinySpace));
    const dataDir = join(scratch, 'data');
    const argv = (trials: number, workers = 1) => [
      'search',
      '--space',
      spaceFile,
      '--dataset',
      sharedPath('datasets/st_har_lsm6dsl'),
      '--board',
      'virtual-m4f',
      '--trials',
      String(trials),
      '--epochs',
      '1',
      '--max-steps',
      '5',
      '--limit',
      '3',
      '--seed',
      '3',
      '--data-dir',
      dataDir,
      '--workers',
      String(workers),
      '--json',
    ];
    // Two workers: one trial trains while the other builds and deploys.
    const first = await tinydeploy(argv(2, 2));
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as SearchJson;
    expect(result.resumed).toBe(false);
    expect(result.trials).toHaveLength(2);
    for (const trial of result.trials) {
      expect(trial.status, JSON.stringify(trial)).toBe('ok');
      expect(trial.latencyUnit).toBe('instructions');
      expect(trial.bitExact).toBe(true);
      // Five training steps: any accuracy, but a measured one.
      expect(trial.accuracy).toBeGreaterThanOrEqual(0);
      expect(trial.accuracy).toBeLessThanOrEqual(1);
      for (const figure of [trial.latency, trial.arenaBytes, trial.stackBytes, trial.flashBytes]) expect(figure).toBeGreaterThan(0);
    }
    expect(result.front.length).toBeGreaterThan(0);

    // The store holds the same figures, each with the deploy that measured it.
    const store = openStore(dataDir);
    try {
      const searches = store.sqlite.prepare('SELECT id FROM searches').all() as { id: string }[];
      expect(searches).toHaveLength(1);
      const stored = new SearchStore(store).trials(searches[0].id);
      expect(stored.map((trial) => [trial.params, trial.accuracy, trial.latency, trial.arenaBytes, trial.stackBytes, trial.flashBytes])).toEqual(
        result.trials.map((trial) => [trial.params, trial.accuracy, trial.latency, trial.arenaBytes, trial.stackBytes, trial.flashBytes]),
      );
      for (const trial of stored) {
        const details = trial.details as { buildId: string; measuredOn: string; deployTimings: { runMs: number; flashMs: number }; timings: { trainMs: number; buildMs: number; deployMs: number } };
        expect(details.buildId).toMatch(/^[0-9a-f]{8,}$/);
        expect(details.measuredOn).toBe('virtual-m4f');
        expect(details.deployTimings.runMs).toBeGreaterThan(0);
        expect(details.deployTimings.flashMs).toBeGreaterThan(0);
        expect(details.timings.trainMs).toBeGreaterThan(0);
        // The planner's arena (before training) is a lower bound of what the board's firmware plans.
        expect((trial.details as { arenaLowerBound: number }).arenaLowerBound).toBeLessThanOrEqual(trial.arenaBytes!);
      }
    } finally {
      store.close();
    }

    // Run again asking for one more: the two stored trials come back as they were, one new one is run.
    const second = await tinydeploy(argv(3));
    expect(second.code, second.stderr).toBe(0);
    const resumed = JSON.parse(second.stdout) as SearchJson;
    expect(resumed.resumed).toBe(true);
    expect(second.stderr).toContain('2 trial(s) stored');
    expect(resumed.trials).toHaveLength(3);
    expect(resumed.trials.slice(0, 2)).toEqual(result.trials);
    expect(new Set(resumed.trials.map((trial) => JSON.stringify(trial.params))).size).toBe(3);
  });

  it('searches the built-in GRU space: each trial trains the GRU, quantizes it to int8 and measures it on the board', async () => {
    requireTools(virtualBoardTestsUnavailable());
    const gru = await tinydeploy([
      'search',
      '--space',
      'gru',
      '--dataset',
      sharedPath('datasets/st_har_lsm6dsl'),
      '--board',
      'virtual-m4f',
      '--trials',
      '2',
      '--epochs',
      '1',
      '--max-steps',
      '5',
      '--limit',
      '3',
      '--seed',
      '5',
      '--data-dir',
      join(scratch, 'gru'),
      '--json',
    ]);
    expect(gru.code, gru.stderr).toBe(0);
    const result = JSON.parse(gru.stdout) as SearchJson;
    expect(result.trials).toHaveLength(2);
    for (const trial of result.trials) {
      expect(trial.status, JSON.stringify(trial)).toBe('ok');
      expect(trial.bitExact).toBe(true);
      expect(trial.accuracy).toBeGreaterThanOrEqual(0);
      expect(trial.accuracy).toBeLessThanOrEqual(1);
      for (const figure of [trial.latency, trial.arenaBytes, trial.stackBytes, trial.flashBytes]) expect(figure).toBeGreaterThan(0);
    }
    expect(result.front.length).toBeGreaterThan(0);
  });

  it('refuses an unknown space', async () => {
    const unknown = await tinydeploy(['search', '--space', 'nope', '--dataset', sharedPath('datasets/st_har_lsm6dsl'), '--data-dir', join(scratch, 'unused')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('neither a built-in space (lstm, gru, ds-cnn, mlp) nor a readable file');
  });
});
