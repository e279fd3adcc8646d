import { checkName } from '../../../shared/services/checks.js';
import type { ProjectService } from '../../../shared/services/types.js';
import type { JobHost } from '../jobs/index.js';
import type { Store } from '../store/index.js';

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
    async setOptimizeFor({ id, optimizeFor }) {
      return store.setProjectOptimizeFor(id, optimizeFor);
    },
    async remove({ id }) {
      store.getProject(id);
      // Its jobs stop first: a worker must not report into a project that is gone.
      await jobs.cancelWhere((job) => job.projectId === id);
      store.removeProject(id);
    },
  };
}
