import type { Measurement, MeasurementService } from '../../../shared/services/types.js';
import type { MeasurementRecord, Store } from '../store/index.js';

/** The service's view of a stored measurement (the store keeps more: deployment id, details). */
function measurementView(record: MeasurementRecord): Measurement {
  const { deploymentId: _deploymentId, details: _details, ...measurement } = record;
  return measurement;
}

export function createMeasurementService(store: Store): MeasurementService {
  return {
    async list({ projectId, variantId }) {
      store.getProject(projectId);
      if (variantId !== undefined) store.getVariant(variantId);
      return store.listMeasurements({ projectId, ...(variantId !== undefined ? { variantId } : {}) }).map(measurementView);
    },
  };
}
