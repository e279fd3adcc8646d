/**
 * Search trials on other machines through BullMQ on Redis: the machine that runs the search (the
 * optimizer and the store) enqueues each trial on the queue of its board; `tinydeploy worker` on
 * each machine takes trials of the boards plugged into it (board access stays where the board is),
 * runs them as a local search would (trial.ts) and returns the trial as the job's result.
 *
 * A worker that dies mid-trial stops renewing its claim on the job; after `lockDurationMs` another
 * worker's stalled-job check puts the trial back in the queue and someone runs it again. A trial
 * is a job whose id is the search's key and the trial's index, so enqueuing it again (the search
 * restarted) finds the same job, and its result is recorded once: BullMQ completes a job once
 * (a worker that lost its claim cannot complete it), and the store keeps the first record of an
 * index (SearchStore.addTrial).
 */

import { type ConnectionOptions, type Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { Board } from '../../common/boards/index.js';
import { UsageError } from '../../common/errors.js';
import type { Candidate, SearchSpace } from '../../common/search/space.js';
import { openDataset } from '../datasets/dataset.js';
import type { TrialRecord } from './search-store.js';
import { isTimeSeriesFolder, readTimeSeries } from './time-series.js';
import { type Budget, type DataSource, datasetSource, runTrial, timeSeriesSource } from './trial.js';

/** What a trial job carries: everything a worker needs to run the trial (the dataset by its path on the worker's machine). */
export interface TrialJobData {
  /** The search's key (search.ts `searchKey`). */
  searchKey: string;
  index: number;
  candidate: Candidate;
  space: SearchSpace;
  datasetPath: string;
  limit?: number;
  boardId: string;
  budget: Budget;
  epochs: number;
  seed: number;
  batchSize?: number;
  maxSteps?: number;
}

/** `redis://[user:password@]host[:port][/db]` as BullMQ's connection options. */
export function queueConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${JSON.stringify(url)} is not a redis:// address (e.g. redis://127.0.0.1:6379)`);
  }
  if (parsed.protocol !== 'redis:') throw new UsageError(`--queue ${JSON.stringify(url)}: only redis:// addresses are supported`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UsageError(`--queue ${JSON.stringify(url)}: the database "${db}" is not a number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    // BullMQ's workers block on Redis: ioredis must retry forever rather than fail their commands.
    maxRetriesPerRequest: null,
  };
}

/** The queue of a board's trials. */
export function trialQueueName(boardId: string): string {
  return `tinydeploy-trials-${boardId}`;
}

/** The job id of a trial: the same trial of the same search is the same job. */
export function trialJobId(searchKey: string, index: number): string {
  return `${searchKey.slice(0, 32)}-${index}`;
}

/** The search's side: enqueues trials and waits for their results. */
export class TrialQueue {
  private readonly connection: ConnectionOptions;
  private readonly queues = new Map<string, { queue: Queue; events: QueueEvents }>();

  constructor(url: string) {
    this.connection = queueConnection(url);
  }

  private async of(boardId: string): Promise<{ queue: Queue; events: QueueEvents }> {
    let entry = this.queues.get(boardId);
    if (!entry) {
      const name = trialQueueName(boardId);
      entry = { queue: new Queue(name, { connection: this.connection }), events: new QueueEvents(name, { connection: this.connection }) };
      this.queues.set(boardId, entry);
      await entry.events.waitUntilReady();
    }
    return entry;
  }

  /** Runs a trial on whichever worker takes it; a trial no worker could finish is a failed trial that says why. */
  async run(data: TrialJobData, signal?: AbortSignal): Promise<TrialRecord> {
    const { queue, events } = await this.of(data.boardId);
    const job = await queue.add('trial', data, { jobId: trialJobId(data.searchKey, data.index), attempts: 2, removeOnComplete: false, removeOnFail: false });
    const aborted = new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    try {
      return (await Promise.race([job.waitUntilFinished(events), aborted])) as TrialRecord;
    } catch (error) {
      if (signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return { index: data.index, params: data.candidate, status: 'failed', reason: `on the queue ${trialQueueName(data.boardId)}: ${message}` };
    }
  }

  async close(): Promise<void> {
    for (const { queue, events } of this.queues.values()) await Promise.all([events.close(), queue.close()]);
    this.queues.clear();
  }
}

/** How many trial jobs of a board's queue are completed, failed, running and waiting (to see what a search left). */
export async function trialJobCounts(url: string, boardId: string): Promise<{ completed: number; failed: number; active: number; wait: number }> {
  const queue = new Queue(trialQueueName(boardId), { connection: queueConnection(url) });
  try {
    const counts = await queue.getJobCounts('completed', 'failed', 'active', 'wait');
    return { completed: counts.completed ?? 0, failed: counts.failed ?? 0, active: counts.active ?? 0, wait: counts.wait ?? 0 };
  } finally {
    await queue.close();
  }
}

export interface TrialWorkerOptions {
  /** How long a trial may go without its worker renewing the claim before another worker takes it over (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for trials whose worker died (default: half the lock duration). */
  stalledIntervalMs?: number;
  log?(message: string): void;
}

/** A machine's side: takes trials of its boards, one at a time per board, and returns each trial as the job's result. */
export async function startTrialWorker(url: string, boards: readonly Board[], options: TrialWorkerOptions = {}): Promise<{ close(): Promise<void> }> {
  const connection = queueConnection(url);
  const log = options.log ?? (() => {});
  const lockDuration = options.lockDurationMs ?? 30_000;
  const sources = new Map<string, Promise<DataSource>>();
  const dataOf = (path: string, limit?: number): Promise<DataSource> => {
    const key = `${path}\n${limit ?? ''}`;
    let source = sources.get(key);
    if (!source) {
      source = (async () => ((await isTimeSeriesFolder(path)) ? timeSeriesSource(await readTimeSeries(path, { filesPerClass: limit })) : datasetSource(await openDataset(path), { limit })))();
      source.catch(() => sources.delete(key));
      sources.set(key, source);
    }
    return source;
  };
  const workers = boards.map((board) => {
    const worker = new Worker(
      trialQueueName(board.id),
      async (job: Job<TrialJobData>) => {
        const data = job.data;
        log(`taking trial ${data.index} of search ${data.searchKey.slice(0, 12)} on ${board.id} (attempt ${job.attemptsMade + 1})`);
        const trial = await runTrial(data.index, data.candidate, {
          space: data.space,
          data: await dataOf(data.datasetPath, data.limit),
          board,
          budget: data.budget,
          epochs: data.epochs,
          seed: data.seed,
          batchSize: data.batchSize,
          maxSteps: data.maxSteps,
          log,
        });
        log(`trial ${data.index} of search ${data.searchKey.slice(0, 12)}: ${trial.status}, reported`);
        return trial;
      },
      { connection, concurrency: 1, lockDuration, stalledInterval: options.stalledIntervalMs ?? Math.max(1000, Math.round(lockDuration / 2)), maxStalledCount: 3 },
    );
    worker.on('error', (error) => log(`queue ${trialQueueName(board.id)}: ${error.message}`));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  log(`waiting for trials on ${boards.map((board) => trialQueueName(board.id)).join(', ')}`);
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
