import type { EvaluationService } from '../../../shared/services/types.js';
import { EvaluationRecords } from '../datasets/evaluation-records.js';
import type { Store } from '../store/index.js';

/** Evaluations and validations of a project's variants (recorded by the evaluate and validate jobs). */
export function createEvaluationService(store: Store): EvaluationService {
  const records = new EvaluationRecords(store);
  return {
    async list({ projectId, variantId }) {
      store.getProject(projectId);
      if (variantId !== undefined) store.getVariant(variantId);
      return records.list({ projectId, ...(variantId !== undefined ? { variantId } : {}) });
    },
  };
}
