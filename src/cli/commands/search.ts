import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/common/errors.js';
import { builtinSpaces } from '../../core/common/search/spaces/index.js';
import { type SearchSpace, validateSpace, withPrecisions } from '../../core/common/search/space.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { type OptimizerKind, optimizerKinds } from '../../core/node/search/optimizer.js';
import { TrialQueue, trialQueueName } from '../../core/node/search/distributed.js';
import { SearchStore, type TrialRecord } from '../../core/node/search/search-store.js';
import { runSearch } from '../../core/node/search/search.js';
import { isTimeSeriesFolder, readTimeSeries } from '../../core/node/search/time-series.js';
import { type DataSource, boardBudget, datasetSource, timeSeriesSource } from '../../core/node/search/trial.js';
import { openStore } from '../../core/node/store/store.js';
import { booleanOption, integerOption, stringOption, type ParsedArgs } from '../args.js';
import { boardOption, boardOptionSpec, dataDirOption } from '../board-option.js';
import type { Command } from '../command.js';
import { formatTable } from '../format.js';

/** The `search --json` document (a contract for users' scripts). */
export interface SearchJson {
  searchId?: string;
  resumed: boolean;
  trials: {
    params: Record<string, string | number>;
    accuracy: number | null;
    latency: number | null;
    latencyUnit: string | null;
    arenaBytes: number | null;
    stackBytes: number | null;
    flashBytes: number | null;
    bitExact: boolean | null;
    status: TrialRecord['status'];
    reason?: string;
    timings?: unknown;
  }[];
  /** Trial indices of the Pareto front (accuracy, latency, RAM, flash) among the trials within budget. */
  front: number[];
}

/** `--budget-ram 64K` → 65536; plain numbers are bytes; K and M are 1024 and 1024². */
export function parseBytes(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kKmM]?)i?[bB]?$/.exec(text.trim());
  if (!match) throw new UsageError(`tinydeploy search: --${option} "${text}" is not a byte count (e.g. 65536, 64K, 1M)`);
  const unit = match[2].toLowerCase() === 'k' ? 1024 : match[2].toLowerCase() === 'm' ? 1024 * 1024 : 1;
  return Math.round(Number(match[1]) * unit);
}

async function spaceOption(text: string): Promise<SearchSpace> {
  if (builtinSpaces[text]) return builtinSpaces[text];
  let content: string;
  try {
    content = await readFile(text, 'utf8');
  } catch {
    throw new UsageError(`tinydeploy search: --space "${text}" is neither a built-in space (${Object.keys(builtinSpaces).join(', ')}) nor a readable file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw new UsageError(`tinydeploy search: ${text} is not JSON (${(error as Error).message})`);
  }
  return validateSpace(parsed, text);
}

function positive(args: ParsedArgs, name: string, fallback: number): number {
  const value = integerOption(args, name) ?? fallback;
  if (!(value >= 1)) throw new UsageError(`tinydeploy search: --${name} must be at least 1, got ${value}`);
  return value;
}

export function searchJson(run: { searchId?: string; resumed: boolean; trials: TrialRecord[]; front: number[] }): SearchJson {
  return {
    ...(run.searchId ? { searchId: run.searchId } : {}),
    resumed: run.resumed,
    trials: run.trials.map((trial) => ({
      params: trial.params,
      accuracy: trial.accuracy ?? null,
      latency: trial.latency ?? null,
      latencyUnit: trial.latencyUnit ?? null,
      arenaBytes: trial.arenaBytes ?? null,
      stackBytes: trial.stackBytes ?? null,
      flashBytes: trial.flashBytes ?? null,
      bitExact: trial.bitExact ?? null,
      status: trial.status,
      ...(trial.reason ? { reason: trial.reason } : {}),
      ...(trial.details?.timings ? { timings: trial.details.timings } : {}),
    })),
    front: run.front,
  };
}

export const searchCommand: Command = {
  spec: {
    name: 'search',
    summary: 'Hardware-aware architecture search: candidates from a search space are trained, quantized to int8 and measured on the board; prints every trial and the Pareto front (accuracy, latency, RAM, flash).',
    positionals: [],
    options: {
      space: { type: 'string', value: 'name|file', required: true, description: `search space: ${Object.keys(builtinSpaces).join(', ')}, or a JSON file` },
      dataset: { type: 'string', value: 'dir', required: true, description: 'a dataset folder (dataset.json) or a time-series folder (one folder of CSV files per class)' },
      board: boardOptionSpec,
      trials: { type: 'integer', value: 'N', description: 'trials in all, counting stored ones (default 20)' },
      'budget-flash': { type: 'string', value: 'bytes', description: "flash budget (default: the board's flash); K and M suffixes" },
      'budget-ram': { type: 'string', value: 'bytes', description: "RAM budget for arena + stack (default: the board's RAM)" },
      'max-latency': { type: 'integer', value: 'N', description: 'latency limit in the board unit (instructions on virtual boards, cycles on real ones)' },
      epochs: { type: 'integer', value: 'E', description: 'training epochs per candidate (default 10, early stopping on the validation part)' },
      precisions: { type: 'string', value: 'list', description: 'precisions a candidate may take, searched with the rest: int8-ptq (default), int8-qat, float32, comma-separated' },
      optimizer: { type: 'string', value: 'kind', choices: optimizerKinds, description: 'bo (Gaussian processes, expected hypervolume improvement), random or sobol (default bo)' },
      seed: { type: 'integer', value: 'S', description: 'seed of the optimizer, weights and sample order (default 1)' },
      workers: { type: 'integer', value: 'K', description: 'trials run at once (default 1)' },
      limit: { type: 'integer', value: 'N', description: 'read only N files per class (time series) or N samples (datasets)' },
      'batch-size': { type: 'integer', value: 'B', description: 'training batch size (default 32)' },
      'max-steps': { type: 'integer', value: 'N', description: 'stop each training after N steps (quick runs)' },
      queue: { type: 'string', value: 'redis://…', description: 'run the trials on `tinydeploy worker --queue` machines through BullMQ on this Redis (the dataset at the same path there)' },
      'data-dir': { type: 'string', value: 'dir', description: "data folder whose store keeps the trials (default: the desktop app's); the same search run again continues there" },
      json: { type: 'boolean', description: 'print {"trials": [{"params","accuracy","latency","arenaBytes","stackBytes","flashBytes","status",…}], "front": [trial indices]}' },
    },
    notes:
      'Each trial: build the network, train it (fixed epochs, early stopping), quantize to int8, deploy on the board,\n' +
      'measure latency, arena, stack and flash and check the outputs bit-exact. A candidate the memory planner proves\n' +
      'cannot fit the budget is rejected before training. Accuracy is on the held-out last 20% of the data\n' +
      '(of every file of a time-series folder, the windows overlapping it not trained on).\n' +
      'The data folder must not be in use by the desktop app while a search runs. Progress goes to stderr.',
  },
  async run(args, io) {
    const precisions = (stringOption(args, 'precisions') ?? 'int8-ptq').split(',').map((entry) => entry.trim()).filter(Boolean);
    const base = await spaceOption(stringOption(args, 'space')!);
    const space = precisions.length === 1 && precisions[0] === 'int8-ptq' ? base : withPrecisions(base, [...new Set(precisions)]);
    const board = boardOption(args, 'search');
    const datasetPath = stringOption(args, 'dataset')!;
    const limit = integerOption(args, 'limit');
    const queueUrl = stringOption(args, 'queue');
    let data: DataSource;
    if (queueUrl !== undefined) {
      // The workers read the data; this machine only suggests candidates and keeps the trials.
      data = { name: datasetPath, kind: 'dataset', dataFor: () => Promise.reject(new UsageError('trials run on the queue')) };
    } else if (await isTimeSeriesFolder(datasetPath)) {
      data = timeSeriesSource(await readTimeSeries(datasetPath, { filesPerClass: limit }));
    } else {
      data = datasetSource(await openDataset(datasetPath), { limit });
    }
    const optimizer = (stringOption(args, 'optimizer') ?? 'bo') as OptimizerKind;
    const settings = {
      space,
      datasetPath,
      board,
      budget: { flashBytes: parseBytes(stringOption(args, 'budget-flash'), 'budget-flash'), ramBytes: parseBytes(stringOption(args, 'budget-ram'), 'budget-ram'), latency: integerOption(args, 'max-latency') },
      trials: positive(args, 'trials', 20),
      epochs: positive(args, 'epochs', 10),
      optimizer,
      seed: integerOption(args, 'seed') ?? 1,
      workers: positive(args, 'workers', 1),
      batchSize: integerOption(args, 'batch-size'),
      maxSteps: integerOption(args, 'max-steps'),
      limit,
    };
    const budget = boardBudget(board, settings.budget);
    io.stderr.write(
      `search ${space.name} on ${board.id} (flash ≤ ${budget.flashBytes} B, RAM ≤ ${budget.ramBytes} B${budget.latency !== undefined ? `, latency ≤ ${budget.latency}` : ''}), ` +
        `${settings.trials} trials, ${optimizer}, seed ${settings.seed}\n`,
    );
    const store = openStore(dataDirOption(args));
    const queue = queueUrl !== undefined ? new TrialQueue(queueUrl) : undefined;
    if (queue) io.stderr.write(`trials go to ${trialQueueName(board.id)} on ${queueUrl}: start \`tinydeploy worker --queue ${queueUrl} --boards ${board.id}\` where the board is\n`);
    let run;
    try {
      run = await runSearch(settings, data, {
        store: new SearchStore(store),
        log: (message) => io.stderr.write(`${message}\n`),
        ...(queue
          ? {
              runTrial: (index: number, candidate: Record<string, string | number>, key: string) =>
                queue.run({ searchKey: key, index, candidate, space, datasetPath: resolve(datasetPath), limit, boardId: board.id, budget: settings.budget, epochs: settings.epochs, seed: settings.seed, batchSize: settings.batchSize, maxSteps: settings.maxSteps }),
            }
          : {}),
      });
    } finally {
      await queue?.close();
      store.close();
    }
    if (booleanOption(args, 'json')) {
      io.stdout.write(JSON.stringify(searchJson(run)) + '\n');
      return 0;
    }
    const front = new Set(run.front);
    const percent = (value?: number) => (value === undefined ? '–' : `${(100 * value).toFixed(2)}%`);
    const count = (value?: number) => (value === undefined ? '–' : String(value));
    const table = formatTable(
      [
        { header: '#', align: 'right' },
        { header: 'params' },
        { header: 'status' },
        { header: 'accuracy', align: 'right' },
        { header: 'latency', align: 'right' },
        { header: 'arena', align: 'right' },
        { header: 'stack', align: 'right' },
        { header: 'flash', align: 'right' },
        { header: 'front' },
      ],
      run.trials.map((trial, i) => [
        String(trial.index),
        Object.entries(trial.params)
          .map(([key, value]) => `${key}=${value}`)
          .join(' '),
        trial.status,
        percent(trial.accuracy),
        trial.latency === undefined ? '–' : `${trial.latency} ${trial.latencyUnit ?? ''}`.trim(),
        count(trial.arenaBytes),
        count(trial.stackBytes),
        count(trial.flashBytes),
        front.has(i) ? '*' : '',
      ]),
    );
    const reasons = run.trials.filter((trial) => trial.reason).map((trial) => `trial ${trial.index} ${trial.status}: ${trial.reason}`);
    io.stdout.write(`${table}\n${reasons.length ? `${reasons.join('\n')}\n` : ''}front (* above): ${run.front.length} of ${run.trials.length} trials${run.resumed ? ' (search resumed from the store)' : ''}\n`);
    return 0;
  },
};
