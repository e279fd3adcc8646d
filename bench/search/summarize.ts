/**
 * Prints the Markdown summary of bench/search/results/<name>.json, one or several runs' files
 * merged (searches run as separate processes: `--results bo,random,sobol`), also for runs stopped early:
 * hypervolume per optimizer and seed at each checkpoint reached, the mean over seeds, trial
 * statuses, the best trial within budget, and wall time per measured trial split into
 * train / build / deploy (/ held-out scoring when recorded).
 *
 *   npx tsx bench/search/summarize.ts [--results latest] [--checkpoints 5,10,25,50]
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TrialRecord } from '../../src/core/node/search/search-store.js';
import { searchHypervolume } from '../../src/core/node/search/search.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { checkpoints: { type: 'string', default: '5,10,25,50' }, results: { type: 'string', default: 'latest' } } });
const checkpoints = values.checkpoints.split(',').map(Number);
interface Results {
  task: string;
  budget: { ramBytes: number; flashBytes: number; latency: number };
  epochs: number;
  maxSteps: string | number | null;
  wallSeconds: number;
  runs: { optimizer: string; seed: number; trials: TrialRecord[]; reused: number }[];
}
const files = values.results.split(',').map((name) => JSON.parse(readFileSync(join(here, 'results', `${name}.json`), 'utf8')) as Results);
const latest: Results = { ...files[0], wallSeconds: Math.max(...files.map((file) => file.wallSeconds)), runs: files.flatMap((file) => file.runs) };
const reference = { latency: latest.budget.latency, ramBytes: latest.budget.ramBytes, flashBytes: latest.budget.flashBytes };
const common = Math.min(...latest.runs.map((run) => run.trials.length));
const reached = checkpoints.filter((n) => n <= common);
if (!reached.includes(common)) reached.push(common);

console.log(`${latest.task}; budget RAM ${latest.budget.ramBytes} B, flash ${latest.budget.flashBytes} B, latency ${latest.budget.latency} instructions; ${latest.epochs} epochs (max steps ${latest.maxSteps ?? '–'}); wall ${latest.wallSeconds} s\n`);
console.log(`| optimizer | seed | ${reached.map((n) => `HV@${n}`).join(' | ')} | ok / over / rejected / failed (first ${common}) |`);
console.log(`|---|---|${reached.map(() => '---').join('|')}|---|`);
/** Failures of the loaded machine, not of the candidate: the board did not answer in time. */
const timedOut = (trials: TrialRecord[]) => trials.filter((trial) => trial.status === 'failed' && /^deploying on .*(no reply from|did not send|timed out)/.test(trial.reason ?? '')).length;
const byOptimizer = new Map<string, number[][]>();
for (const run of latest.runs) {
  const trials = run.trials.slice(0, common);
  const volumes = reached.map((n) => searchHypervolume(run.trials.slice(0, n), reference));
  byOptimizer.set(run.optimizer, [...(byOptimizer.get(run.optimizer) ?? []), volumes]);
  const count = (status: string) => trials.filter((trial) => trial.status === status).length;
  console.log(`| ${run.optimizer} | ${run.seed} | ${volumes.map((v) => v.toFixed(4)).join(' | ')} | ${count('ok')} / ${count('over-budget')} / ${count('rejected')} / ${count('failed')}${timedOut(trials) ? ` (${timedOut(trials)} board timeouts)` : ''} |`);
}
for (const [optimizer, rows] of byOptimizer) {
  console.log(`| ${optimizer} | mean | ${reached.map((_, i) => (rows.reduce((sum, row) => sum + row[i], 0) / rows.length).toFixed(4)).join(' | ')} | |`);
}

console.log(`\nTrials per search: ${latest.runs.map((run) => `${run.optimizer} ${run.seed}: ${run.trials.length} (HV ${searchHypervolume(run.trials, reference).toFixed(4)})`).join(', ')}`);
const all = new Map<string, TrialRecord>();
for (const run of latest.runs) for (const trial of run.trials) all.set(`${run.seed}:${JSON.stringify(trial.params)}`, trial);
const measured = [...all.values()].filter((trial) => trial.status !== 'rejected' && trial.details?.timings);
const timing = (trial: TrialRecord, key: string) => ((trial.details!.timings as Record<string, number>)[key] ?? 0) / 1000;
const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
// Mean (median): a loaded machine stretches some trials many times over.
const mean = (key: string) => `${(measured.reduce((sum, trial) => sum + timing(trial, key), 0) / Math.max(1, measured.length)).toFixed(1)} (${medianOf(measured.map((trial) => timing(trial, key))).toFixed(1)})`;
console.log(`\nDistinct trials: ${all.size} (${[...all.values()].filter((t) => t.status === 'rejected').length} rejected by the planner before training, ${[...all.values()].filter((t) => t.status === 'failed').length} failed)`);
console.log(`Wall time per trial that trained (${measured.length}), mean (median): train ${mean('trainMs')} s, build ${mean('buildMs')} s, deploy ${mean('deployMs')} s${measured.some((t) => (t.details!.timings as Record<string, number>).evalMs !== undefined) ? `, held-out scoring ${mean('evalMs')} s` : ''}`);
const best = [...all.values()].filter((trial) => trial.status === 'ok').sort((a, b) => b.accuracy! - a.accuracy!)[0];
if (best) console.log(`Best within budget: ${JSON.stringify(best.params)}: ${(100 * best.accuracy!).toFixed(1)}% held out, ${best.latency} instructions, arena ${best.arenaBytes} B + stack ${best.stackBytes} B, flash ${best.flashBytes} B`);
