import { checkName } from '../../../shared/services/checks.js';
import type { ModelService } from '../../../shared/services/types.js';
import { ModelFileStore } from '../store/index.js';
import { readModelBytes } from '../model-file.js';
import { describeModel } from '../model-summary.js';
import type { JobHost } from '../jobs/index.js';
import type { Store } from '../store/index.js';

/** The variant's name from its file name: the base name without a known model extension. */
export function variantName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() || fileName;
  return base.replace(/\.tflite$/i, '') || base;
}

export function createModelService(store: Store, jobs: JobHost): ModelService {
  return {
    async list({ projectId }) {
      store.getProject(projectId);
      return store.listVariants(projectId);
    },
    async importModel({ projectId, fileName, bytes }) {
      store.getProject(projectId);
      // The same bytes imported again are the variant the project already has, not a second copy
      // of it (the caller sees its id among the variants it knew and says so).
      const existing = store.findVariantByHash(projectId, ModelFileStore.hashOf(bytes));
      if (existing) return existing;
      const graph = readModelBytes(bytes, fileName);
      const { summary, detail } = describeModel(graph);
      return store.addVariant({ projectId, name: variantName(fileName), origin: { kind: 'import', fileName }, bytes, summary, detail });
    },
    async rename({ variantId, name }) {
      return store.renameVariant(variantId, checkName('variant', name));
    },
    async get({ variantId }) {
      return store.getVariantDetail(variantId);
    },
    async remove({ variantId }) {
      store.getVariant(variantId);
      await jobs.cancelWhere((job) => job.params.variantId === variantId);
      store.removeVariant(variantId);
    },
  };
}
