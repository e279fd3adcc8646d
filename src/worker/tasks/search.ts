import { exportTflite } from '../../core/common/exporters/index.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import type { SearchOutput, SearchTask } from '../../core/node/jobs/kinds/search.js';
import type { TrialRecord } from '../../core/node/search/search-store.js';
import { type TrialStore, runSearch } from '../../core/node/search/search.js';
import { isTimeSeriesFolder, readTimeSeries } from '../../core/node/search/time-series.js';
import { type DataSource, datasetSource, timeSeriesSource } from '../../core/node/search/trial.js';
import type { TaskContext } from './task-context.js';

/** One line of a trial for the job log. */
function trialLine(trial: TrialRecord): string {
  const params = Object.entries(trial.params)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  if (trial.accuracy === undefined) return `trial ${trial.index} ${trial.status}: ${params}${trial.reason ? `: ${trial.reason}` : ''}`;
  return `trial ${trial.index} ${trial.status}: ${params}: accuracy ${(100 * trial.accuracy).toFixed(2)}%, ${trial.latency} ${trial.latencyUnit ?? ''}, RAM ${(trial.arenaBytes ?? 0) + (trial.stackBytes ?? 0)} B, flash ${trial.flashBytes} B`;
}

/**
 * An architecture search in the worker: the trials the store has are the optimizer's history, the
 * remaining ones run here, and each is sent to the host as it ends (with its int8 model when it
 * reached the board), which stores it at once. Cancelling aborts the trials running; the ones
 * stored stay, and the search started again continues after them.
 */
export async function runSearchTask(task: SearchTask, context: TaskContext): Promise<SearchOutput> {
  const data: DataSource = (await isTimeSeriesFolder(task.datasetPath))
    ? timeSeriesSource(await readTimeSeries(task.datasetPath, { filesPerClass: task.limit }))
    : datasetSource(await openDataset(task.datasetPath), { limit: task.limit });
  const models = new Map<number, Uint8Array>();
  let finished = task.stored.length;
  const store: TrialStore = {
    openSearch: () => ({ id: task.searchId, resumed: task.stored.length > 0 }),
    trials: () => task.stored,
    addTrial: (_searchId, trial) => {
      const modelBytes = models.get(trial.index);
      models.delete(trial.index);
      context.record?.({ searchId: task.searchId, trial, ...(modelBytes ? { modelBytes } : {}) });
      return true;
    },
  };
  context.progress({
    fraction: finished / task.trials,
    step: `trial ${Math.min(finished + 1, task.trials)} of ${task.trials}`,
    log: [`search ${task.space.name} on ${data.name}, board ${task.board.id}: ${task.trials} trials, ${task.optimizer}, seed ${task.seed}${task.stored.length ? ` (${task.stored.length} stored: continuing)` : ''}`],
  });
  const run = await runSearch(
    { space: task.space, datasetPath: task.datasetPath, board: task.board, budget: task.budget, trials: task.trials, epochs: task.epochs, optimizer: task.optimizer, seed: task.seed, limit: task.limit, maxSteps: task.maxSteps, workers: task.workers },
    data,
    {
      store,
      signal: context.signal,
      log: (line) => context.progress({ log: [line] }),
      keepModel: (index, model) => {
        models.set(index, exportTflite(model));
        return undefined;
      },
      onTrial: (trial) => {
        finished++;
        context.progress({ fraction: finished / task.trials, step: finished < task.trials ? `trial ${finished + 1} of ${task.trials}` : 'done', log: [trialLine(trial)] });
      },
    },
  );
  return { kind: 'search', searchId: task.searchId, trials: run.trials.length, front: run.front.map((i) => run.trials[i].index) };
}
