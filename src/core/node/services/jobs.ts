import { startMethodName, type JobKind, type JobRequest } from '../../../shared/services/job-kinds.js';
import type { Job, JobService, StartJobMethods } from '../../../shared/services/types.js';
import type { JobHost } from '../jobs/index.js';
import { jobKinds } from '../jobs/job-kinds.js';
import type { Store } from '../store/index.js';

/**
 * Jobs: one start method per kind of job (`startDeploy`, …). Requests arrive checked against
 * their schema (shared/services/job-kinds.ts, by the proxy); each kind's `accept` checks what a
 * schema cannot (the variant, board and dataset exist and fit together) so that a request that
 * cannot work is refused at once with a clear error instead of becoming a failed job; the rest
 * is the job host's.
 */
export function createJobService(store: Store, host: JobHost): JobService {
  const start = (kind: JobKind) => async (request: JobRequest<typeof kind>): Promise<Job> => {
    const { projectId, params, boardId } = jobKinds[kind].accept(store, request as never);
    return host.enqueue({ projectId, kind, params: { ...params }, ...(boardId !== undefined ? { boardId } : {}) });
  };
  const startMethods = Object.fromEntries(Object.values(jobKinds).map(({ kind }) => [startMethodName(kind), start(kind)])) as StartJobMethods;
  return {
    async list({ projectId }) {
      if (projectId !== undefined) store.getProject(projectId);
      return host.listJobs(projectId !== undefined ? { projectId } : {});
    },
    async get({ jobId }) {
      return host.getJob(jobId);
    },
    ...startMethods,
    async cancel({ jobId }) {
      await host.cancel(jobId);
    },
    onJobChanged(listener) {
      return host.onJobChanged(listener);
    },
  };
}
