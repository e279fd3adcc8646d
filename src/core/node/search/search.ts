/**
 * An architecture search: the optimizer suggests candidates, each becomes a measured trial
 * (trial.ts), every trial is stored as soon as it ends, and the Pareto front is taken over the
 * trials that fit the budget. The objectives, all minimised: held-out error (1 − accuracy of the
 * int8 model), measured latency, RAM (arena + stack) and flash. Rejected, failed and over-budget
 * trials are told to the optimizer as infeasible.
 *
 * Resumable: a search is keyed by what defines it (space, data, board, budget, optimizer, seed,
 * epochs); running it again reads its stored trials and continues with the next index, and the
 * optimizers, being functions of (seed, history), suggest what they would have suggested anyway.
 * With K workers, K trials run at once (a trial's deploy overlaps another's training); candidates
 * still running are known to the optimizer as pending so none is suggested twice.
 */

import { createHash } from 'node:crypto';
import type { Board } from '../../common/boards/index.js';
import { hypervolume, paretoFront } from '../../common/search/pareto.js';
import type { SearchSpace } from '../../common/search/space.js';
import { type Observation, type OptimizerKind, createOptimizer } from './optimizer.js';
import type { SearchStore, TrialRecord } from './search-store.js';
import { type Budget, type DataSource, type TrialOptions, boardBudget, runTrial } from './trial.js';
import type { TrainingBackend } from '../train/engine.js';

export interface SearchSettings {
  space: SearchSpace;
  /** Where the data came from (a folder), part of the search's identity. */
  datasetPath: string;
  board: Board;
  budget: Budget;
  trials: number;
  epochs: number;
  optimizer: OptimizerKind;
  seed: number;
  workers?: number;
  batchSize?: number;
  maxSteps?: number;
  backend?: TrainingBackend | 'auto';
  /** Files per class read from a time-series folder (small runs). */
  limit?: number;
}

/** Where a search keeps its trials: the store (`SearchStore`), or a job's worker reporting them to the host. */
export type TrialStore = Pick<SearchStore, 'openSearch' | 'trials' | 'addTrial'>;

export interface SearchRun {
  searchId?: string;
  resumed: boolean;
  trials: TrialRecord[];
  /** Indices (into `trials`) of the Pareto front of the trials within budget. */
  front: number[];
}

/** The objectives of a measured trial: [1 − accuracy, latency, arena + stack, flash]. */
export function trialObjectives(trial: TrialRecord): number[] | undefined {
  if (trial.accuracy === undefined || trial.latency === undefined || trial.arenaBytes === undefined || trial.stackBytes === undefined || trial.flashBytes === undefined) return undefined;
  return [1 - trial.accuracy, trial.latency, trial.arenaBytes + trial.stackBytes, trial.flashBytes];
}

export function observationOf(trial: TrialRecord): Observation {
  const objectives = trialObjectives(trial);
  return { candidate: trial.params, feasible: trial.status === 'ok' && objectives !== undefined, ...(objectives ? { objectives } : {}) };
}

/** Indices of the front among the trials within budget. */
export function frontOf(trials: readonly TrialRecord[]): number[] {
  const ok = trials.map((trial, i) => ({ i, objectives: trial.status === 'ok' ? trialObjectives(trial) : undefined })).filter((entry) => entry.objectives);
  return paretoFront(ok.map((entry) => entry.objectives!)).map((k) => ok[k].i);
}

/**
 * Hypervolume of the trials within budget, each objective divided by its reference (error by 1,
 * latency by `reference.latency`, RAM and flash by their budgets), so the box is the unit cube.
 */
export function searchHypervolume(trials: readonly TrialRecord[], reference: { latency: number; ramBytes: number; flashBytes: number }): number {
  const scale = [1, reference.latency, reference.ramBytes, reference.flashBytes];
  const points = trials.filter((trial) => trial.status === 'ok').map((trial) => trialObjectives(trial)!.map((value, i) => value / scale[i]));
  return hypervolume(points, [1, 1, 1, 1]);
}

/** What a stored search records of its settings (the board by id). */
export function searchConfig(settings: SearchSettings): Record<string, unknown> {
  const { board, backend: _backend, workers: _workers, ...rest } = settings;
  return { ...rest, board: board.id };
}

/** What makes two runs the same search. */
export function searchKey(settings: SearchSettings): string {
  const identity = {
    space: settings.space,
    data: settings.datasetPath,
    limit: settings.limit ?? null,
    board: settings.board.id,
    budget: boardBudget(settings.board, settings.budget),
    epochs: settings.epochs,
    optimizer: settings.optimizer,
    seed: settings.seed,
    batchSize: settings.batchSize ?? null,
    maxSteps: settings.maxSteps ?? null,
    // 2: time-series folders held out the last part of every file (before, whole files at the end,
    // whose trials scored on classes and placements never trained on): earlier trials are not resumed.
    split: 2,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** Runs (or continues) a search until it has `settings.trials` trials. */
export async function runSearch(
  settings: SearchSettings,
  data: DataSource,
  options: {
    store?: TrialStore;
    /** The project and job the search belongs to (searches run from the app). */
    owner?: { projectId?: string; jobId?: string };
    signal?: AbortSignal;
    log?(message: string): void;
    onTrial?(trial: TrialRecord): void;
    keepModel?: TrialOptions['keepModel'];
    /** Runs a trial elsewhere (another machine through a queue, distributed.ts) instead of here. */
    runTrial?(index: number, candidate: TrialRecord['params'], key: string): Promise<TrialRecord>;
  } = {},
): Promise<SearchRun> {
  const { store, signal } = options;
  const log = options.log ?? (() => {});
  const key = searchKey(settings);
  const opened = store?.openSearch(key, searchConfig(settings), options.owner);
  const trials: TrialRecord[] = opened ? store!.trials(opened.id) : [];
  if (opened?.resumed) log(`resuming search ${opened.id}: ${trials.length} trial(s) stored`);
  // BO's hypervolume box: error 1 and the budgets (objectives in trialObjectives' order).
  const limits = boardBudget(settings.board, settings.budget);
  const optimizer = createOptimizer(settings.optimizer, settings.space, { seed: settings.seed, reference: [1, limits.latency, limits.ramBytes, limits.flashBytes] });
  const workers = Math.max(1, settings.workers ?? 1);
  const running = new Map<number, { candidate: TrialRecord['params']; promise: Promise<void> }>();
  const done = new Set(trials.map((trial) => trial.index));
  let next = 0;
  const nextIndex = () => {
    while (done.has(next) || running.has(next)) next++;
    return next;
  };
  const start = () => {
    const index = nextIndex();
    const history: Observation[] = [
      ...[...trials].sort((a, b) => a.index - b.index).map(observationOf),
      ...[...running.values()].map(({ candidate }) => ({ candidate, feasible: false, pending: true })),
    ];
    const candidate = optimizer.suggest(history);
    log(`trial ${index}: ${JSON.stringify(candidate)}`);
    const trialRun = options.runTrial ? options.runTrial(index, candidate, key) : runTrial(index, candidate, { ...settings, data, signal, log, keepModel: options.keepModel });
    const promise = trialRun.then((trial) => {
      running.delete(index);
      done.add(index);
      trials.push(trial);
      if (opened) store!.addTrial(opened.id, trial);
      options.onTrial?.(trial);
    });
    running.set(index, { candidate, promise });
  };
  while (done.size + running.size < settings.trials || running.size > 0) {
    signal?.throwIfAborted();
    while (running.size < workers && done.size + running.size < settings.trials) start();
    if (running.size === 0) break;
    await Promise.race([...running.values()].map((entry) => entry.promise));
  }
  trials.sort((a, b) => a.index - b.index);
  return { ...(opened ? { searchId: opened.id } : {}), resumed: opened?.resumed ?? false, trials, front: frontOf(trials) };
}
