import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../common/errors.js';
import { checkName } from '../../../shared/services/checks.js';
import type { DatasetService } from '../../../shared/services/types.js';
import { openDataset } from '../datasets/dataset.js';
import { previewDataset } from '../datasets/preview.js';
import { writeUploadedFolder } from '../datasets/upload.js';
import { readZip } from '../datasets/zip.js';
import type { Store } from '../store/index.js';

/** Where uploaded datasets go: the data folder's `datasets/` (browser mode may always read it). */
export function uploadedDatasetsFolder(dataDirectory: string): string {
  return join(dataDirectory, 'datasets');
}

export function createDatasetService(store: Store): DatasetService {
  const addFolder = async (projectId: string, path: string, name: string | undefined) => {
    const dataset = await openDataset(path);
    return store.addDataset({
      projectId,
      name: name === undefined ? dataset.name : checkName('dataset', name),
      path: dataset.directory,
      format: dataset.layout,
      sampleCount: dataset.size,
    });
  };
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
      return addFolder(projectId, path, name);
    },
    async remove({ datasetId }) {
      store.removeDataset(datasetId);
    },
    async preview({ datasetId, count }) {
      const dataset = store.getDataset(datasetId);
      return previewDataset(await openDataset(dataset.path), count);
    },
    async upload({ projectId, name, files }) {
      store.getProject(projectId);
      // A single .zip is the folder zipped: its entries are the files.
      const entries = files.length === 1 && /\.zip$/i.test(files[0].path) ? readZip(files[0].bytes, files[0].path) : files;
      const folder = await writeUploadedFolder(uploadedDatasetsFolder(store.dataDirectory), name, entries);
      try {
        return await addFolder(projectId, folder, undefined);
      } catch (error) {
        await rm(folder, { recursive: true, force: true });
        throw error;
      }
    },
    async chooseFolder() {
      throw new UsageError('datasets.chooseFolder: there is no folder dialog here; the desktop app has one, browser mode uploads the folder instead');
    },
  };
}
