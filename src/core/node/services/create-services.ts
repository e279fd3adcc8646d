import type { Services } from '../../../shared/services/types.js';
import type { JobHost } from '../jobs/index.js';
import type { Store } from '../store/index.js';
import { createCompareService } from './compare.js';
import { createDatasetService } from './datasets.js';
import { createDeviceService, type DeviceServiceOptions } from './devices.js';
import { createEvaluationService } from './evaluations.js';
import { createExportService } from './export.js';
import { createGraphService } from './graph.js';
import { createJobService } from './jobs.js';
import { createMeasurementService } from './measurements.js';
import { createModelService } from './models.js';
import { createProjectService } from './projects.js';
import { createSearchService } from './searches.js';

export interface ServicesOptions {
  devices?: DeviceServiceOptions;
}

/**
 * The back end of the app's services (src/shared/services/types.ts) over the store and the job
 * host: what Electron main and `tinydeploy serve` hand to the service proxy. Requests are
 * expected to have passed the proxy's schema check; the services check what a schema cannot
 * (ids that name nothing, a board that cannot deploy, a dataset of another project) and throw
 * TinyDeployError subclasses whose messages name the thing and the value.
 *
 * The caller owns the store and the host: close the host, then the store, when the app quits.
 * The services hold no resource of their own beyond the device poller, which runs only while
 * someone listens to onDevicesChanged.
 */
export function createServices(store: Store, jobHost: JobHost, options: ServicesOptions = {}): Services {
  const evaluations = createEvaluationService(store);
  return {
    projects: createProjectService(store, jobHost),
    models: createModelService(store, jobHost),
    datasets: createDatasetService(store),
    jobs: createJobService(store, jobHost),
    devices: createDeviceService(store, options.devices),
    measurements: createMeasurementService(store),
    compare: createCompareService(store, { listEvaluations: (projectId) => evaluations.list({ projectId }) }),
    graphs: createGraphService(store),
    exports: createExportService(store),
    searches: createSearchService(store),
    evaluations,
  };
}
