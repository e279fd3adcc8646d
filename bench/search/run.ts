/**
 * Architecture-search benchmark: the accelerometer activity task (`../shared/datasets/st_har_lsm6dsl`,
 * the last fifth of every file's windows held out) with the `lstm` space on virtual-m4f, budget
 * 64 KB RAM (arena + stack), 256 KB flash and a latency limit. Each (optimizer, seed) is one search
 * whose trials run one after another, as the optimizer needs its history; `--workers K` searches
 * run a trial at once (one trains while the others build and deploy), the search with the fewest
 * trials going next, so a run cut short has about as many trials for each. Trials are deterministic
 * for a (candidate, seed) pair: one measured for one optimizer is reused for another with the same
 * seed, from this run's trial file or a `--reuse` file of another run (BO's initial design is
 * Sobol's first points). A run started again with the same settings continues where it stopped.
 * Reported: hypervolume of the front (held-out error, instructions, RAM, flash, each over its
 * reference: 1, the latency limit, the RAM and flash budgets) after each checkpoint, and wall time
 * per measured trial split into train / build / deploy.
 *
 *   npx tsx bench/search/run.ts [--trials 50] [--seeds 1,2,3] [--optimizers bo,random,sobol] [--workers 2]
 *     [--epochs 6] [--patience 2] [--batch-size 32] [--files 8] [--max-steps N] [--checkpoints 10,25,50]
 *     [--out latest] [--reuse other.trials.json,…]
 *
 * Writes bench/search/results/<out>.json and <out>.trials.json after every trial (summarize.ts
 * reads them, also for a run stopped early) and prints a Markdown table at the end.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { candidateKey } from '../../src/core/common/search/space.js';
import { builtinSpaces } from '../../src/core/common/search/spaces/index.js';
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
    epochs: { type: 'string', default: '6' },
    patience: { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '32' },
    files: { type: 'string', default: '8' },
    'max-steps': { type: 'string' },
    checkpoints: { type: 'string', default: '10,25,50' },
    optimizers: { type: 'string', default: 'bo,random,sobol' },
    space: { type: 'string', default: 'lstm' },
    workers: { type: 'string', default: '2' },
    out: { type: 'string', default: 'latest' },
    reuse: { type: 'string', default: '' },
    dataset: { type: 'string', default: join(here, '../../../shared/datasets/st_har_lsm6dsl') },
  },
});
const trials = Number(values.trials);
const seeds = values.seeds.split(',').map(Number);
const checkpoints = values.checkpoints.split(',').map(Number);
const optimizers = values.optimizers.split(',') as OptimizerKind[];
const workers = Math.max(1, Number(values.workers));
const space = builtinSpaces[values.space];
if (!space) throw new Error(`space ${values.space} is not one of ${Object.keys(builtinSpaces).join(', ')}`);
const budget: Required<Budget> = { ramBytes: 64 * 1024, flashBytes: 256 * 1024, latency: 20_000_000 };
const reference = { latency: budget.latency, ramBytes: budget.ramBytes, flashBytes: budget.flashBytes };
const training = { epochs: Number(values.epochs), patience: Number(values.patience), batchSize: Number(values['batch-size']), ...(values['max-steps'] ? { maxSteps: Number(values['max-steps']) } : {}) };

const set = await readTimeSeries(values.dataset, { filesPerClass: Number(values.files) });
const data = timeSeriesSource(set);
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const resultsPath = join(resultsDir, `${values.out}.json`);
const trialsPath = join(resultsDir, `${values.out}.trials.json`);
const settingsKey = JSON.stringify({ space: space.name, files: values.files, training, budget });

/**
 * A trial that failed because the board did not answer in time (QEMU starved of CPU on a loaded
 * machine), not because of its candidate: measured again once, and not reused from a trial file.
 */
function boardTimedOut(trial: TrialRecord): boolean {
  return trial.status === 'failed' && /^deploying on .*(no reply from|did not send|timed out)/.test(trial.reason ?? '');
}

/** Trials by `seed:candidate`, from a trial file written with the same settings (else none). */
function readTrials(path: string): Record<string, TrialRecord> {
  if (!existsSync(path)) return {};
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { settings: string; trials: Record<string, TrialRecord> };
  return stored.settings === settingsKey ? Object.fromEntries(Object.entries(stored.trials).filter(([, trial]) => !boardTimedOut(trial))) : {};
}
const cache = readTrials(trialsPath);
const reused: Record<string, TrialRecord> = {};
for (const path of values.reuse.split(',').filter(Boolean)) Object.assign(reused, readTrials(isAbsolute(path) ? path : join(resultsDir, path)));

interface Run {
  optimizer: OptimizerKind;
  seed: number;
  trials: TrialRecord[];
  reused: number;
  busy: boolean;
}
const runs: Run[] = seeds.flatMap((seed) => optimizers.map((optimizer) => ({ optimizer, seed, trials: [], reused: 0, busy: false })));
const started = Date.now();

function writeAtomically(path: string, text: string) {
  writeFileSync(`${path}.partial`, text);
  renameSync(`${path}.partial`, path);
}

function save() {
  writeAtomically(trialsPath, JSON.stringify({ settings: settingsKey, trials: cache }));
  const summary = runs.map((run) => ({
    optimizer: run.optimizer,
    seed: run.seed,
    trials: run.trials.length,
    reused: run.reused,
    hypervolume: Object.fromEntries(checkpoints.filter((n) => n <= run.trials.length).map((n) => [n, searchHypervolume(run.trials.slice(0, n), reference)])),
    hypervolumeNow: searchHypervolume(run.trials, reference),
    statuses: run.trials.reduce<Record<string, number>>((counts, trial) => ({ ...counts, [trial.status]: (counts[trial.status] ?? 0) + 1 }), {}),
  }));
  writeAtomically(
    resultsPath,
    JSON.stringify(
      { task: `${set.name}, ${set.files.length} files`, space: space.name, board: virtualM4f.id, budget, ...training, workers, wallSeconds: Math.round((Date.now() - started) / 1000), summary, runs: runs.map(({ busy: _busy, ...run }) => run) },
      null,
      1,
    ),
  );
  return summary;
}

/** The next trial of `run`: suggested from its history, measured or taken from a trial file. */
async function step(run: Run): Promise<void> {
  const index = run.trials.length;
  const optimizer = createOptimizer(run.optimizer, space, { seed: run.seed, reference: [1, reference.latency, reference.ramBytes, reference.flashBytes] });
  const history: Observation[] = run.trials.map(observationOf);
  const candidate = optimizer.suggest(history);
  const key = `${run.seed}:${candidateKey(space, candidate)}`;
  let trial = cache[key] ?? reused[key];
  if (trial) {
    run.reused++;
  } else {
    const measure = () => runTrial(index, candidate, { space, data, board: virtualM4f, budget, ...training, seed: run.seed, backend: 'wasm' });
    trial = await measure();
    if (boardTimedOut(trial)) {
      process.stderr.write(`${run.optimizer} seed ${run.seed} trial ${index}: measured again (${trial.reason?.slice(0, 100)})\n`);
      trial = await measure();
    }
  }
  cache[key] = trial;
  run.trials.push({ ...trial, index });
  const t = trial.details?.timings as { trainMs: number; buildMs: number; deployMs: number; evalMs?: number } | undefined;
  process.stderr.write(
    `[${Math.round((Date.now() - started) / 1000)} s] ${run.optimizer} seed ${run.seed} trial ${index}: ${JSON.stringify(candidate)} → ${trial.status}` +
      (trial.accuracy !== undefined ? ` acc ${(100 * trial.accuracy).toFixed(1)}% ${trial.latency} instr RAM ${(trial.arenaBytes ?? 0) + (trial.stackBytes ?? 0)} flash ${trial.flashBytes}` : '') +
      (trial.reason ? ` (${trial.reason.slice(0, 120)})` : '') +
      (t ? ` [train ${t.trainMs} build ${t.buildMs} deploy ${t.deployMs} eval ${t.evalMs ?? '–'} ms]` : '') +
      '\n',
  );
  save();
}

/** The idle search with the fewest trials (the first given on a tie), if any is left. */
function nextRun(): Run | undefined {
  return runs.filter((run) => !run.busy && run.trials.length < trials).sort((a, b) => a.trials.length - b.trials.length)[0];
}

await Promise.all(
  Array.from({ length: workers }, async () => {
    for (let run = nextRun(); run; run = nextRun()) {
      run.busy = true;
      try {
        await step(run);
      } finally {
        run.busy = false;
      }
    }
  }),
);

const summary = save();
const measured = Object.values(cache).filter((trial) => trial.details?.timings && trial.status !== 'rejected');
const mean = (key: 'trainMs' | 'buildMs' | 'deployMs' | 'evalMs') => measured.reduce((sum, trial) => sum + ((trial.details!.timings as Record<string, number>)[key] ?? 0), 0) / Math.max(1, measured.length);
console.log(`| optimizer | seed | trials | ${checkpoints.map((n) => `HV@${n}`).join(' | ')} | ok / over / rejected / failed |`);
console.log(`|---|---|---|${checkpoints.map(() => '---').join('|')}|---|`);
for (const row of summary) {
  console.log(
    `| ${row.optimizer} | ${row.seed} | ${row.trials} | ${checkpoints.map((n) => (row.hypervolume[n] !== undefined ? row.hypervolume[n].toFixed(4) : '–')).join(' | ')} | ` +
      `${row.statuses.ok ?? 0} / ${row.statuses['over-budget'] ?? 0} / ${row.statuses.rejected ?? 0} / ${row.statuses.failed ?? 0} |`,
  );
}
console.log(
  `\nwall time per measured trial (${measured.length} trials): train ${(mean('trainMs') / 1000).toFixed(1)} s, build ${(mean('buildMs') / 1000).toFixed(1)} s, deploy ${(mean('deployMs') / 1000).toFixed(1)} s, held-out scoring ${(mean('evalMs') / 1000).toFixed(1)} s`,
);
