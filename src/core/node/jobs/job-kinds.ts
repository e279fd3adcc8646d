import { UsageError } from '../../common/errors.js';
import type { JobKind } from '../../../shared/services/job-kinds.js';
import type { Job } from '../../../shared/services/types.js';
import type { Store } from '../store/index.js';
import { deployJob } from './kinds/deploy.js';
import type { JobKindDescriptor } from './kinds/descriptor.js';
import { evaluateJob } from './kinds/evaluate.js';
import { optimizeJob } from './kinds/optimize.js';
import { searchJob } from './kinds/search.js';
import { validateJob } from './kinds/validate.js';

/**
 * The kinds of job the serving side knows, one descriptor each (kinds/<kind>.ts); the compiler
 * checks that every kind of shared/services/job-kinds.ts has one. The job service starts jobs
 * through them, the job host prepares and records them, and the worker protocol's task and
 * output types are derived from them.
 */
export const jobKinds = { deploy: deployJob, evaluate: evaluateJob, validate: validateJob, optimize: optimizeJob, search: searchJob } satisfies {
  [K in JobKind]: JobKindDescriptor<K, object, { kind: K }, { kind: K }>;
};

/** The task the worker is sent for a job of kind `K`. */
export type TaskOf<K extends JobKind> = ReturnType<(typeof jobKinds)[K]['prepare']>;
/** What the worker sends back for a job of kind `K`. */
export type OutputOf<K extends JobKind> = Parameters<(typeof jobKinds)[K]['complete']>[3];

/** What a worker is asked to do, with everything it needs (no store ids to look up). */
export type WorkerTask = TaskOf<JobKind>;
/** What a finished task produced. */
export type WorkerOutput = OutputOf<JobKind>;

/**
 * What the job host needs of a kind: how a stored job becomes a worker task (`prepare`, which
 * reads the store) and how the worker's output is recorded (`complete`, which writes it, inside
 * the transaction that marks the job succeeded). The work itself happens in the worker.
 */
export interface JobKindHandler {
  /** The self-contained task for a stored job. Throws (naming the id) when what it refers to is gone. */
  prepare(store: Store, job: Job): WorkerTask;
  /** Records the output (deployment, measurement, …) and returns the job's result. */
  complete(store: Store, job: Job, output: WorkerOutput): unknown;
  /** Records a piece of the result sent while the job runs (kinds that declare `record`). */
  record?(store: Store, job: Job, record: Record<string, unknown>): void;
}

/** The job host's view of a descriptor: the stored parameters typed, the output's kind checked. */
function hostHandler(descriptor: JobKindDescriptor<JobKind, object, WorkerTask, WorkerOutput>): JobKindHandler {
  return {
    prepare: (store, job) => descriptor.prepare(store, job, job.params),
    complete(store, job, output) {
      if (output.kind !== descriptor.kind) throw new UsageError(`${job.kind} job ${job.id}: the worker answered with a ${output.kind} output`, { job: job.id });
      return descriptor.complete(store, job, job.params, output);
    },
    ...(descriptor.record ? { record: (store: Store, job: Job, record: Record<string, unknown>) => descriptor.record!(store, job, job.params, record) } : {}),
  };
}

/** The job kinds the worker runs, as the job host uses them. */
export const jobKindHandlers = Object.fromEntries(Object.values(jobKinds).map((descriptor) => [descriptor.kind, hostHandler(descriptor)])) as Record<JobKind, JobKindHandler>;
