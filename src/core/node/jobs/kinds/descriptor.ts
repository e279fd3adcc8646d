import type { JobKind, JobRequest } from '../../../../shared/services/job-kinds.js';
import type { Job } from '../../../../shared/services/types.js';
import type { Store } from '../../store/index.js';

/**
 * One kind of job on the serving side, in one file: what a request must satisfy beyond its
 * schema, how a stored job becomes a self-contained worker task, and how the worker's output is
 * recorded. Its parameters and their ranges are declared in shared/services/job-kinds.ts and
 * checked there once, where the request enters the serving process; its task runs in the worker
 * (src/worker/tasks/). The list of kinds is job-kinds.ts beside this folder.
 *
 * `Params` is what the job stores (the request with its defaults applied); `Task` and `Output`
 * are the messages to and from the worker (plain data, structured-clone safe).
 */
export interface JobKindDescriptor<K extends JobKind, Params extends object, Task extends { kind: K }, Output extends { kind: K }> {
  readonly kind: K;
  /**
   * Checks what the request's schema cannot (ids that name nothing, a board that cannot deploy,
   * a dataset of another project) so that a request that cannot work is refused at once instead
   * of becoming a failed job. Returns the job to queue: its project, its stored parameters and
   * the board it needs to itself while it runs.
   */
  accept(store: Store, request: JobRequest<K>): { projectId: string; params: Params; boardId?: string };
  /** The self-contained task for a stored job. Throws (naming the id) when what it refers to is gone. */
  prepare(store: Store, job: Job, params: Params): Task;
  /**
   * Records the output (deployment, measurement, …). Runs inside the transaction that also
   * marks the job succeeded, so either all of it is stored or none. Returns the job's result.
   */
  complete(store: Store, job: Job, params: Params, output: Output): unknown;
  /**
   * Records a piece of the result the worker sent while running (a search's trial), at once, so
   * it is kept whatever the job's end. Kinds without it ignore such messages.
   */
  record?(store: Store, job: Job, params: Params, record: Record<string, unknown>): void;
}
