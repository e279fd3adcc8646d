import type { Measurement, MeasurementService } from '../../../shared/services/types.js';
import type { MeasurementRecord, Store } from '../store/index.js';

/** The service's view of a stored measurement (the store keeps more: deployment id, details). */
function measurementView(record: MeasurementRecord): Measurement {
  const { deploymentId: _deploymentId, details, ...measurement } = record;
  const stored = (details ?? {}) as {
    runs?: number;
    latencyMin?: number;
    latencyMax?: number;
    runsIdentical?: boolean;
    firstDifference?: { index: number; op: string; tensorId: number; description: string };
    estimate?: Measurement['estimate'];
  };
  return {
    ...measurement,
    ...(stored.runs !== undefined && stored.latencyMin !== undefined && stored.latencyMax !== undefined
      ? { runs: { count: stored.runs, min: stored.latencyMin, max: stored.latencyMax, identical: stored.runsIdentical ?? true } }
      : {}),
    ...(stored.firstDifference
      ? { firstDifference: { index: stored.firstDifference.index, op: stored.firstDifference.op, tensorId: stored.firstDifference.tensorId, description: stored.firstDifference.description } }
      : {}),
    ...(stored.estimate ? { estimate: stored.estimate } : {}),
  };
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
