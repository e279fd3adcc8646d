import { NotFoundError, UsageError } from '../../common/errors.js';
import type { SearchDetail, SearchService, SearchSummary, SearchTrial } from '../../../shared/services/types.js';
import { readModelBytes } from '../model-file.js';
import { describeModel } from '../model-summary.js';
import { type SearchRecord, SearchStore, type TrialRecord } from '../search/search-store.js';
import { frontOf } from '../search/search.js';
import type { Store } from '../store/index.js';

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);

function summaryOf(search: SearchRecord, trialsDone: number): SearchSummary {
  const config = search.config;
  const budget = (config.budget ?? {}) as SearchSummary['budget'];
  const space = config.spaceName ?? (config.space as { name?: string } | undefined)?.name ?? '?';
  return {
    id: search.id,
    projectId: search.projectId ?? '',
    space: String(space),
    ...(typeof config.datasetId === 'string' ? { datasetId: config.datasetId } : {}),
    boardId: String(config.board ?? '?'),
    optimizer: String(config.optimizer ?? 'bo'),
    seed: numberOr(config.seed, 1),
    epochs: numberOr(config.epochs, 0),
    trials: numberOr(config.trials, trialsDone),
    trialsDone,
    budget: {
      ...(typeof budget.flashBytes === 'number' ? { flashBytes: budget.flashBytes } : {}),
      ...(typeof budget.ramBytes === 'number' ? { ramBytes: budget.ramBytes } : {}),
      ...(typeof budget.latency === 'number' ? { latency: budget.latency } : {}),
    },
    precisions: Array.isArray(config.precisions) ? (config.precisions as string[]) : ['int8-ptq'],
    jobId: search.jobId,
    createdAt: search.createdAt,
    updatedAt: search.updatedAt,
  };
}

function trialOf(trial: TrialRecord): SearchTrial {
  const timings = trial.details?.timings as SearchTrial['timings'] | undefined;
  return {
    index: trial.index,
    params: trial.params,
    status: trial.status,
    ...(trial.reason !== undefined ? { reason: trial.reason } : {}),
    ...(trial.accuracy !== undefined ? { accuracy: trial.accuracy } : {}),
    ...(trial.latency !== undefined ? { latency: trial.latency } : {}),
    ...(trial.latencyUnit !== undefined ? { latencyUnit: trial.latencyUnit } : {}),
    ...(trial.arenaBytes !== undefined ? { arenaBytes: trial.arenaBytes } : {}),
    ...(trial.stackBytes !== undefined ? { stackBytes: trial.stackBytes } : {}),
    ...(trial.flashBytes !== undefined ? { flashBytes: trial.flashBytes } : {}),
    ...(trial.bitExact !== undefined ? { bitExact: trial.bitExact } : {}),
    hasModel: trial.modelHash !== undefined,
    ...(timings ? { timings } : {}),
    ...(trial.createdAt ? { createdAt: trial.createdAt } : {}),
  };
}

/**
 * A project's architecture searches (run by search jobs, kinds/search.ts): their trials, the
 * Pareto front, and a trial's int8 model made a variant of the project, to deploy it, compare it
 * or optimize it further like any other.
 */
export function createSearchService(store: Store): SearchService {
  const searches = new SearchStore(store);
  const find = (searchId: string): SearchRecord => {
    const search = searches.findSearch(searchId);
    if (!search || search.projectId === null) throw new NotFoundError(`search ${searchId} not found`, { searchId });
    return search;
  };
  return {
    async list({ projectId }) {
      store.getProject(projectId);
      return searches.listSearches(projectId).map((search) => summaryOf(search, searches.trials(search.id).length));
    },
    async get({ searchId }): Promise<SearchDetail> {
      const search = find(searchId);
      const trials = searches.trials(searchId);
      return { ...summaryOf(search, trials.length), trialList: trials.map(trialOf), front: frontOf(trials).map((i) => trials[i].index) };
    },
    async makeVariant({ searchId, trialIndex }) {
      const search = find(searchId);
      const trial = searches.trials(searchId).find((candidate) => candidate.index === trialIndex);
      if (!trial) throw new NotFoundError(`search ${searchId} has no trial ${trialIndex}`, { searchId, trialIndex });
      if (!trial.modelHash) throw new UsageError(`trial ${trialIndex} of search ${searchId} kept no model (it ${trial.status === 'rejected' ? 'was rejected before training' : trial.status === 'failed' ? 'failed' : 'ran before models were kept'})`, { searchId, trialIndex });
      const summary = summaryOf(search, 0);
      const name = `${summary.space}-trial-${trialIndex}`;
      const bytes = searches.readModel(trial.modelHash);
      const existing = store.listVariants(search.projectId!).find((variant) => variant.origin.kind === 'search' && variant.origin.searchId === searchId && variant.origin.trialIndex === trialIndex);
      if (existing) return existing;
      const { summary: modelSummary, detail } = describeModel(readModelBytes(bytes, `${name}.tflite`));
      return store.addVariant({
        projectId: search.projectId!,
        name,
        origin: { kind: 'search', searchId, trialIndex, space: summary.space, params: trial.params, ...(summary.datasetId ? { datasetId: summary.datasetId } : {}) },
        bytes,
        summary: modelSummary,
        detail,
      });
    },
  };
}
