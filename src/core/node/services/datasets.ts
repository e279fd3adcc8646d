import { checkName } from '../../../shared/services/checks.js';
import type { DatasetService } from '../../../shared/services/types.js';
import { openDataset } from '../datasets/dataset.js';
import type { Store } from '../store/index.js';

export function createDatasetService(store: Store): DatasetService {
  return {
    async list({ projectId }) {
      store.getProject(projectId);
      return store.listDatasets(projectId);
    },
    /**
     * Reads the dataset's description (not its samples) so a folder that is not a dataset is
     * refused now. A folder that cannot be read gets one message whatever the reason (missing, a
     * file, no permission: see `openDataset`), so a browser-mode client cannot probe which paths
     * exist; paths inside the dataset's files are confined to its folder.
     */
    async add({ projectId, path, name }) {
      store.getProject(projectId);
      const dataset = await openDataset(path);
      return store.addDataset({
        projectId,
        name: name === undefined ? dataset.name : checkName('dataset', name),
        path: dataset.directory,
        format: dataset.layout,
        sampleCount: dataset.size,
      });
    },
    async remove({ datasetId }) {
      store.removeDataset(datasetId);
    },
  };
}
