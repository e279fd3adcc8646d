import type { JobKind } from '../../shared/services/job-kinds.js';
import type { OutputOf, TaskOf } from '../../core/node/jobs/job-kinds.js';
import type { TaskContext } from './task-context.js';

/** Runs one task of kind `K` in the worker to its output. */
export type TaskRunner<K extends JobKind> = (task: TaskOf<K>, context: TaskContext) => Promise<OutputOf<K>>;

/**
 * The worker's task for each kind of job, one file each; the compiler checks that every kind of
 * shared/services/job-kinds.ts has one. A kind's module is loaded when a task of that kind
 * comes, so a worker is ready quickly and loads only what its job needs.
 */
export const workerTasks: { [K in JobKind]: () => Promise<TaskRunner<K>> } = {
  deploy: async () => (await import('./deploy.js')).runDeployTask,
  evaluate: async () => (await import('./evaluate.js')).runEvaluateTask,
  validate: async () => (await import('./validate.js')).runValidateTask,
  optimize: async () => (await import('./optimize.js')).runOptimizeTask,
  search: async () => (await import('./search.js')).runSearchTask,
};
