import { createHash } from 'node:crypto';
import type { Board } from '../../../common/boards/index.js';
import { UsageError } from '../../../common/errors.js';
import { builtinSpaces } from '../../../common/search/spaces/index.js';
import { type SearchSpace, withPrecisions } from '../../../common/search/space.js';
import { jobDefaults } from '../../../../shared/services/job-kinds.js';
import { unreachableReason } from '../../devices/board-connection.js';
import type { OptimizerKind } from '../../search/optimizer.js';
import { SearchStore, type TrialRecord, type TrialStatus } from '../../search/search-store.js';
import { type SearchSettings, searchConfig, searchKey } from '../../search/search.js';
import { lendBoardToJob, storeBoard } from './deploy.js';
import type { JobKindDescriptor } from './descriptor.js';

/** Parameters of a search job, as it is stored. */
export interface SearchJobParams {
  projectId: string;
  space: string;
  datasetId: string;
  boardId: string;
  trials: number;
  epochs: number;
  optimizer: OptimizerKind;
  seed: number;
  budgetFlash?: number;
  budgetRam?: number;
  maxLatency?: number;
  limit?: number;
  maxSteps?: number;
  workers?: number;
  /** Precisions a candidate may take (absent: int8 by post-training quantization alone). */
  precisions?: string[];
}

/** A search in the worker (src/worker/tasks/search.ts): everything it needs, the trials stored so far included. */
export interface SearchTask {
  kind: 'search';
  searchId: string;
  space: SearchSpace;
  datasetPath: string;
  board: Board;
  budget: { flashBytes?: number; ramBytes?: number; latency?: number };
  trials: number;
  epochs: number;
  optimizer: OptimizerKind;
  seed: number;
  limit?: number;
  maxSteps?: number;
  workers?: number;
  /** Trials the store already has (a search started again continues after them). */
  stored: TrialRecord[];
}

export interface SearchOutput {
  kind: 'search';
  searchId: string;
  /** Trial indices of the Pareto front among the trials within budget. */
  front: number[];
  trials: number;
}

/** What the worker sends as each trial ends: the trial and, when it reached the board, its int8 model. */
export interface SearchTrialRecord {
  searchId: string;
  trial: TrialRecord;
  modelBytes?: Uint8Array;
}

export interface SearchJobResult {
  searchId: string;
  trials: number;
  /** Trials by status. */
  counts: Record<TrialStatus, number>;
  /** Trial indices of the Pareto front. */
  front: number[];
}

const statuses: readonly TrialStatus[] = ['ok', 'over-budget', 'rejected', 'failed'];

/** The space a search job explores: the built-in space, with the precision as one more choice when several are asked for. */
export function searchSpaceOf(params: Pick<SearchJobParams, 'space' | 'precisions'>): SearchSpace {
  const space = builtinSpaces[params.space];
  if (!space) throw new UsageError(`search space ${JSON.stringify(params.space)} is not a built-in space (${Object.keys(builtinSpaces).join(', ')})`, { space: params.space });
  const precisions = params.precisions ?? ['int8-ptq'];
  return precisions.length === 1 && precisions[0] === 'int8-ptq' ? space : withPrecisions(space, precisions);
}

/** The search's settings as the search module keys them (so the app and the CLI agree on what a search is). */
function settingsOf(params: SearchJobParams, board: Board, datasetPath: string): SearchSettings {
  return {
    space: searchSpaceOf(params),
    datasetPath,
    board,
    budget: { flashBytes: params.budgetFlash, ramBytes: params.budgetRam, latency: params.maxLatency },
    trials: params.trials,
    epochs: params.epochs,
    optimizer: params.optimizer,
    seed: params.seed,
    ...(params.limit !== undefined ? { limit: params.limit } : {}),
    ...(params.maxSteps !== undefined ? { maxSteps: params.maxSteps } : {}),
  };
}

/** The key of a project's search: the search's own key within the project. */
export function projectSearchKey(projectId: string, settings: SearchSettings): string {
  return createHash('sha256').update(`${projectId}:${searchKey(settings)}`).digest('hex');
}

function checkTrialRecord(value: Record<string, unknown>): SearchTrialRecord {
  const trial = value.trial as TrialRecord | undefined;
  if (
    typeof value.searchId !== 'string' ||
    !trial ||
    typeof trial !== 'object' ||
    !Number.isSafeInteger(trial.index) ||
    trial.index < 0 ||
    typeof trial.params !== 'object' ||
    !statuses.includes(trial.status) ||
    (value.modelBytes !== undefined && !(value.modelBytes instanceof Uint8Array))
  ) {
    throw new UsageError('a search worker sent a trial record of the wrong shape');
  }
  return value as unknown as SearchTrialRecord;
}

/**
 * Architecture search as a job of a project: the host opens (or finds again) the project's search
 * with these settings and sends the worker its stored trials; the worker runs the remaining
 * trials and sends each as it ends, which the host stores at once with its int8 model (so a
 * cancelled, failed or crashed search keeps every finished trial, and starting it again
 * continues). A real board is lent to the job while it runs.
 */
export const searchJob: JobKindDescriptor<'search', SearchJobParams, SearchTask, SearchOutput> = {
  kind: 'search',
  accept(store, request) {
    const project = store.getProject(request.projectId);
    const dataset = store.getDataset(request.datasetId);
    if (dataset.projectId !== project.id) throw new UsageError(`dataset ${dataset.id} (${dataset.name}) belongs to another project than ${project.id} (${project.name})`, { datasetId: dataset.id });
    const board = storeBoard(store, request.boardId);
    const unreachable = unreachableReason(board);
    if (unreachable) throw unreachable;
    const params: SearchJobParams = {
      projectId: project.id,
      space: request.space,
      datasetId: dataset.id,
      boardId: board.id,
      trials: request.trials,
      epochs: request.epochs ?? jobDefaults.search.epochs,
      optimizer: (request.optimizer ?? jobDefaults.search.optimizer) as OptimizerKind,
      seed: request.seed ?? jobDefaults.search.seed,
      ...(request.budgetFlash !== undefined ? { budgetFlash: request.budgetFlash } : {}),
      ...(request.budgetRam !== undefined ? { budgetRam: request.budgetRam } : {}),
      ...(request.maxLatency !== undefined ? { maxLatency: request.maxLatency } : {}),
      ...(request.limit !== undefined ? { limit: request.limit } : {}),
      ...(request.maxSteps !== undefined ? { maxSteps: request.maxSteps } : {}),
      ...(request.workers !== undefined ? { workers: request.workers } : {}),
      ...(request.precisions !== undefined ? { precisions: [...new Set(request.precisions)] } : {}),
    };
    // Refused now rather than as N failed trials: an unknown space.
    searchSpaceOf(params);
    return { projectId: project.id, params, ...(board.qemu ? {} : { boardId: board.id }) };
  },
  prepare(store, job, params) {
    const dataset = store.getDataset(params.datasetId);
    const board = storeBoard(store, params.boardId);
    if (!board.qemu) lendBoardToJob(store, board, `search job ${job.id}`, job.id);
    const settings = settingsOf(params, board, dataset.path);
    const searches = new SearchStore(store);
    const opened = searches.openSearch(projectSearchKey(params.projectId, settings), { ...searchConfig(settings), datasetId: dataset.id, spaceName: params.space, precisions: params.precisions ?? ['int8-ptq'] }, {
      projectId: params.projectId,
      jobId: job.id,
    });
    return {
      kind: 'search',
      searchId: opened.id,
      space: settings.space,
      datasetPath: dataset.path,
      board,
      budget: settings.budget,
      trials: params.trials,
      epochs: params.epochs,
      optimizer: params.optimizer,
      seed: params.seed,
      ...(params.limit !== undefined ? { limit: params.limit } : {}),
      ...(params.maxSteps !== undefined ? { maxSteps: params.maxSteps } : {}),
      ...(params.workers !== undefined ? { workers: params.workers } : {}),
      stored: searches.trials(opened.id),
    };
  },
  record(store, _job, params, value) {
    const { searchId, trial, modelBytes } = checkTrialRecord(value);
    const searches = new SearchStore(store);
    const search = searches.findSearch(searchId);
    if (!search || search.projectId !== params.projectId) throw new UsageError(`search ${searchId} is not a search of project ${params.projectId}`, { searchId });
    const modelHash = modelBytes ? searches.keepModel(modelBytes) : undefined;
    searches.addTrial(searchId, { ...trial, ...(modelHash ? { modelHash } : {}) });
  },
  complete(store, _job, _params, output): SearchJobResult {
    const trials = new SearchStore(store).trials(output.searchId);
    const counts = Object.fromEntries(statuses.map((status) => [status, trials.filter((trial) => trial.status === status).length])) as Record<TrialStatus, number>;
    return { searchId: output.searchId, trials: trials.length, counts, front: output.front };
  },
};
