/**
 * Architecture-search benchmark: the accelerometer activity task (`../shared/datasets/st_har_lsm6dsl`,
 * windows split by file, the last fifth held out) with the `lstm` space on virtual-m4f, budget
 * 64 KB RAM (arena + stack), 256 KB flash and a latency limit. For each seed, BO (ParEGO), random
 * and Sobol search step in turn, so a run cut short has the same number of trials for each.
 * Trials are deterministic for a (candidate, seed) pair, so one measured for one optimizer is reused
 * for another with the same seed (cache in results/). Reported: hypervolume of the front (held-out
 * error, instructions, RAM, flash, each over its reference: 1, the latency limit, the RAM and flash
 * budgets) after each checkpoint, and wall time per measured trial split into train / build / deploy.
 *
 *   npx tsx bench/search/run.ts [--trials 50] [--seeds 1,2,3] [--epochs 3] [--files 8] [--max-steps N] [--checkpoints 10,25,50]
 *
 * Writes bench/search/results/latest.json (after every trial) and prints a Markdown table.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { candidateKey } from '../../src/core/common/search/space.js';
import { lstmSpace } from '../../src/core/common/search/spaces/lstm.js';
import { type Observation, type OptimizerKind, createOptimizer } from '../../src/core/node/search/optimizer.js';
import type { TrialRecord } from '../../src/core/node/search/search-store.js';
import { observationOf, searchHypervolume } from '../../src/core/node/search/search.js';
import { readTimeSeries } from '../../src/core/node/search/time-series.js';
import { type Budget, runTrial, timeSeriesSource } from '../../src/core/node/search/trial.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '50' },
    seeds: { type: 'string', default: '1,2,3' },
    epochs: { type: 'string', default: '3' },
    files: { type: 'string', default: '8' },
    'max-steps': { type: 'string' },
    checkpoints: { type: 'string', default: '10,25,50' },
    optimizers: { type: 'string', default: 'bo,random,sobol' },
  },
});
const trials = Number(values.trials);
const seeds = values.seeds.split(',').map(Number);
const checkpoints = values.checkpoints.split(',').map(Number);
const optimizers = values.optimizers.split(',') as OptimizerKind[];
const budget: Required<Budget> = { ramBytes: 64 * 1024, flashBytes: 256 * 1024, latency: 20_000_000 };
const reference = { latency: budget.latency, ramBytes: budget.ramBytes, flashBytes: budget.flashBytes };

const dataset = join(here, '../../../shared/datasets/st_har_lsm6dsl');
const set = await readTimeSeries(dataset, { filesPerClass: Number(values.files) });
const data = timeSeriesSource(set);
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const cachePath = join(resultsDir, 'trial-cache.json');
const settingsKey = JSON.stringify({ epochs: values.epochs, files: values.files, maxSteps: values['max-steps'] ?? null, budget });
const cache: Record<string, TrialRecord> = existsSync(cachePath) ? (JSON.parse(readFileSync(cachePath, 'utf8')) as { settings: string; trials: Record<string, TrialRecord> }).trials : {};
if (existsSync(cachePath) && (JSON.parse(readFileSync(cachePath, 'utf8')) as { settings: string }).settings !== settingsKey) for (const key of Object.keys(cache)) delete cache[key];

interface Run {
  optimizer: OptimizerKind;
  seed: number;
  trials: TrialRecord[];
  reused: number;
}
const runs: Run[] = seeds.flatMap((seed) => optimizers.map((optimizer) => ({ optimizer, seed, trials: [], reused: 0 })));
const started = Date.now();

function save() {
  writeFileSync(cachePath, JSON.stringify({ settings: settingsKey, trials: cache }));
  const summary = runs.map((run) => ({
    optimizer: run.optimizer,
    seed: run.seed,
    trials: run.trials.length,
    reused: run.reused,
    hypervolume: Object.fromEntries(checkpoints.filter((n) => n <= run.trials.length).map((n) => [n, searchHypervolume(run.trials.slice(0, n), reference)])),
    hypervolumeNow: searchHypervolume(run.trials, reference),
    statuses: run.trials.reduce<Record<string, number>>((counts, trial) => ({ ...counts, [trial.status]: (counts[trial.status] ?? 0) + 1 }), {}),
  }));
  writeFileSync(
    join(resultsDir, 'latest.json'),
    JSON.stringify({ task: `${set.name}, ${set.files.length} files`, space: lstmSpace.name, board: virtualM4f.id, budget, epochs: Number(values.epochs), maxSteps: values['max-steps'] ?? null, wallSeconds: Math.round((Date.now() - started) / 1000), summary, runs }, null, 1),
  );
  return summary;
}

for (let step = 0; step < trials; step++) {
  for (const run of runs) {
    const optimizer = createOptimizer(run.optimizer, lstmSpace, { seed: run.seed });
    const history: Observation[] = run.trials.map(observationOf);
    const candidate = optimizer.suggest(history);
    const key = `${run.seed}:${candidateKey(lstmSpace, candidate)}`;
    let trial = cache[key];
    if (trial) {
      run.reused++;
    } else {
      trial = await runTrial(step, candidate, {
        space: lstmSpace,
        data,
        board: virtualM4f,
        budget,
        epochs: Number(values.epochs),
        seed: run.seed,
        backend: 'wasm',
        ...(values['max-steps'] ? { maxSteps: Number(values['max-steps']) } : {}),
      });
      cache[key] = trial;
    }
    run.trials.push({ ...trial, index: step });
    const t = trial.details?.timings as { trainMs: number; buildMs: number; deployMs: number } | undefined;
    process.stderr.write(
      `[${Math.round((Date.now() - started) / 1000)} s] ${run.optimizer} seed ${run.seed} trial ${step}: ${JSON.stringify(candidate)} → ${trial.status}` +
        (trial.accuracy !== undefined ? ` acc ${(100 * trial.accuracy).toFixed(1)}% ${trial.latency} instr RAM ${(trial.arenaBytes ?? 0) + (trial.stackBytes ?? 0)} flash ${trial.flashBytes}` : '') +
        (trial.reason ? ` (${trial.reason.slice(0, 120)})` : '') +
        (t ? ` [train ${t.trainMs} build ${t.buildMs} deploy ${t.deployMs} ms]` : '') +
        '\n',
    );
    save();
  }
}

const summary = save();
const measured = Object.values(cache).filter((trial) => trial.details?.timings && trial.status !== 'rejected');
const mean = (key: 'trainMs' | 'buildMs' | 'deployMs') => measured.reduce((sum, trial) => sum + (trial.details!.timings as Record<string, number>)[key], 0) / Math.max(1, measured.length);
console.log(`| optimizer | seed | trials | ${checkpoints.map((n) => `HV@${n}`).join(' | ')} | ok / over / rejected / failed |`);
console.log(`|---|---|---|${checkpoints.map(() => '---').join('|')}|---|`);
for (const row of summary) {
  console.log(
    `| ${row.optimizer} | ${row.seed} | ${row.trials} | ${checkpoints.map((n) => (row.hypervolume[n] !== undefined ? row.hypervolume[n].toFixed(4) : '–')).join(' | ')} | ` +
      `${row.statuses.ok ?? 0} / ${row.statuses['over-budget'] ?? 0} / ${row.statuses.rejected ?? 0} / ${row.statuses.failed ?? 0} |`,
  );
}
console.log(`\nwall time per measured trial (${measured.length} trials): train ${(mean('trainMs') / 1000).toFixed(1)} s, build ${(mean('buildMs') / 1000).toFixed(1)} s, deploy ${(mean('deployMs') / 1000).toFixed(1)} s`);
