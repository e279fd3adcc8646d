import { UsageError } from '../../common/errors.js';
import type { ProjectService } from '../../../shared/services/types.js';
import type { JobHost } from '../jobs/index.js';
import type { Store } from '../store/index.js';

/** Longest project or dataset name kept. */
export const maxNameLength = 200;

/** A name people typed, trimmed; empty or too long is a UsageError naming `what`. */
export function checkName(what: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError(`${what} name must not be empty`);
  if (trimmed.length > maxNameLength) throw new UsageError(`${what} name has ${trimmed.length} characters, at most ${maxNameLength} are allowed`, { length: trimmed.length });
  return trimmed;
}

export function createProjectService(store: Store, jobs: JobHost): ProjectService {
  return {
    async list() {
      return store.listProjects();
    },
    async create({ name }) {
      return store.createProject(checkName('project', name));
    },
    async rename({ id, name }) {
      return store.renameProject(id, checkName('project', name));
    },
    async remove({ id }) {
      store.getProject(id);
      // Its jobs stop first: a worker must not report into a project that is gone.
      await jobs.cancelWhere((job) => job.projectId === id);
      store.removeProject(id);
    },
  };
}
