import type { Measurement, MeasurementService, MemoryParts } from '../../../shared/services/types.js';
import type { Deployment, MeasurementRecord, Store } from '../store/index.js';

/** The parts of a stored build report, when its build recorded them (memory-parts.ts). */
export function memoryPartsOf(build: Record<string, unknown> | undefined): MemoryParts | undefined {
  const flash = build?.flashParts as MemoryParts['flash'] | undefined;
  const ram = build?.ramParts as MemoryParts['ram'] | undefined;
  if (!flash || !ram || typeof flash.weights !== 'number' || typeof ram.arena !== 'number') return undefined;
  return {
    flash: { weights: flash.weights, model: flash.model, kernels: flash.kernels, runtime: flash.runtime, startup: flash.startup, other: flash.other },
    ram: { arena: ram.arena, stack: ram.stack, runtime: ram.runtime, other: ram.other },
  };
}

/** The service's view of a stored measurement (the store keeps more: deployment id, details). */
function measurementView(record: MeasurementRecord, deployment?: Deployment): Measurement {
  const { deploymentId: _deploymentId, details, ...measurement } = record;
  const memory = memoryPartsOf(deployment?.build);
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
    ...(memory ? { memory } : {}),
  };
}

export function createMeasurementService(store: Store): MeasurementService {
  return {
    async list({ projectId, variantId }) {
      store.getProject(projectId);
      if (variantId !== undefined) store.getVariant(variantId);
      const records = store.listMeasurements({ projectId, ...(variantId !== undefined ? { variantId } : {}) });
      // The deployments of the variants measured, for the build reports' memory parts.
      const deployments = new Map<string, Deployment>();
      for (const id of new Set(records.filter((record) => record.deploymentId).map((record) => record.variantId))) {
        for (const deployment of store.listDeployments(id)) deployments.set(deployment.id, deployment);
      }
      return records.map((record) => measurementView(record, record.deploymentId ? deployments.get(record.deploymentId) : undefined));
    },
  };
}
