import { requireBoard } from '../../common/boards/index.js';
import { DeviceError, UsageError } from '../../common/errors.js';
import { requireQuantizingPipeline } from '../../common/passes/pipelines.js';
import { checkSameProject } from '../../../shared/services/checks.js';
import type { JobService } from '../../../shared/services/types.js';
import type { DeployJobParams, EvaluateJobParams, JobHost, OptimizeJobParams } from '../jobs/index.js';
import { defaultOptimizeEvaluationLimit, defaultOptimizeSamples } from '../jobs/job-kinds.js';
import type { Store } from '../store/index.js';
import { realBoardReason } from './devices.js';

/** Most runs one Deploy & Profile may ask for (the profiler's protocol counts them in 16 bits). */
const maxRuns = 65535;

/**
 * Jobs: what is checked before a job is queued (the variant, board and dataset exist and fit
 * together) so that a request that cannot work is refused at once with a clear error instead
 * of becoming a failed job; the rest is the job host's.
 */
export function createJobService(store: Store, host: JobHost): JobService {
  return {
    async list({ projectId }) {
      if (projectId !== undefined) store.getProject(projectId);
      return store.listJobs(projectId !== undefined ? { projectId } : {});
    },
    async get({ jobId }) {
      return store.getJob(jobId);
    },
    async startDeploy({ variantId, boardId, runs = 1 }) {
      const variant = store.getVariant(variantId);
      const board = requireBoard(boardId);
      if (board.kind !== 'virtual') throw new DeviceError(`board ${board.id} is real hardware: ${realBoardReason}`, { board: board.id });
      if (!Number.isInteger(runs) || runs < 1 || runs > maxRuns) throw new UsageError(`runs must be an integer from 1 to ${maxRuns}, got ${runs}`, { runs });
      const params: DeployJobParams = { variantId: variant.id, boardId: board.id, runs };
      return host.enqueue({ projectId: variant.projectId, kind: 'deploy', params: { ...params }, boardId: board.id });
    },
    async startEvaluate({ variantId, datasetId, limit }) {
      const variant = store.getVariant(variantId);
      const dataset = store.getDataset(datasetId);
      checkSameProject(dataset, variant);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`limit must be a positive integer, got ${limit}`, { limit });
      const params: EvaluateJobParams = { variantId: variant.id, datasetId: dataset.id, ...(limit !== undefined ? { limit } : {}) };
      return host.enqueue({ projectId: variant.projectId, kind: 'evaluate', params: { ...params } });
    },
    async startOptimize({ variantId, pipeline = 'quantize-int8', datasetId, samples = defaultOptimizeSamples, evaluationLimit = defaultOptimizeEvaluationLimit }) {
      const variant = store.getVariant(variantId);
      const definition = requireQuantizingPipeline(pipeline);
      if (datasetId !== undefined) checkSameProject(store.getDataset(datasetId), variant);
      if (!Number.isInteger(samples) || samples < 1) throw new UsageError(`samples must be a positive integer, got ${samples}`, { samples });
      if (!Number.isInteger(evaluationLimit) || evaluationLimit < 1) throw new UsageError(`evaluationLimit must be a positive integer, got ${evaluationLimit}`, { evaluationLimit });
      const params: OptimizeJobParams = { variantId: variant.id, pipeline: definition.name, ...(datasetId !== undefined ? { datasetId } : {}), samples, evaluationLimit };
      return host.enqueue({ projectId: variant.projectId, kind: 'optimize', params: { ...params } });
    },
    async cancel({ jobId }) {
      await host.cancel(jobId);
    },
    onJobChanged(listener) {
      return host.onJobChanged(listener);
    },
  };
}
