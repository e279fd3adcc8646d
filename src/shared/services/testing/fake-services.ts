/**
 * A test double of `AppServices`: projects, variants, datasets and jobs kept in memory, events
 * emitted as the real services do. Transport tests (proxy, IPC, WebSocket) use it so that they
 * test the carrying of calls, not the store; UI component tests may use it too. It never touches
 * a model's contents (a variant's summary is zeros) and its jobs never run: `finishJob` ends one.
 */

import { TinyDeployError } from '../../../core/common/errors.js';
import { Emitter } from '../emitter.js';
import type { AppServices, Dataset, DeviceListing, Job, MenuCommand, Measurement, ModelDetail, ModelVariant, Project } from '../types.js';

export interface FakeServices extends AppServices {
  /** Ends a job as the worker would, emitting `onJobChanged`. */
  finishJob(jobId: string, status: 'succeeded' | 'failed', result?: unknown): Job;
  /** Simulates a board plugged or unplugged. */
  setDevices(listing: DeviceListing): void;
  /** Simulates a menu command. */
  chooseMenu(command: MenuCommand): void;
  /** Listener counts per event, to check that subscriptions are released. */
  listenerCounts(): { jobs: number; devices: number; menu: number };
}

/** Not found in the fake store (the real store throws its own error class). */
export class NotFoundError extends TinyDeployError {}

export function createFakeServices(): FakeServices {
  let counter = 0;
  const newId = (prefix: string) => `${prefix}-${++counter}`;
  const now = () => new Date(Date.UTC(2025, 0, 1, 0, 0, counter)).toISOString();
  const projects = new Map<string, Project>();
  const variants = new Map<string, ModelVariant>();
  const datasets = new Map<string, Dataset>();
  const jobs = new Map<string, Job>();
  const measurements: Measurement[] = [];
  const jobChanged = new Emitter<Job>();
  const devicesChanged = new Emitter<DeviceListing>();
  const menuChosen = new Emitter<MenuCommand>();
  let devices: DeviceListing = {
    boards: [{ id: 'virtual-m4f', name: 'Virtual M4F', kind: 'virtual', core: 'cortex-m4f', flashBytes: 4 << 20, ramBytes: 4 << 20, timerUnit: 'instructions', deployable: true }],
    serial: [],
  };

  const find = <T>(map: Map<string, T>, id: string, what: string): T => {
    const found = map.get(id);
    if (!found) throw new NotFoundError(`${what} ${id} not found`, { id });
    return found;
  };
  const variantCount = (projectId: string) => [...variants.values()].filter((variant) => variant.projectId === projectId).length;
  const startJob = (projectId: string, kind: Job['kind'], params: Record<string, unknown>): Job => {
    const job: Job = { id: newId('job'), projectId, kind, params, status: 'queued', progress: 0, step: 'queued', log: [], createdAt: now() };
    jobs.set(job.id, job);
    jobChanged.emit(structuredClone(job));
    return structuredClone(job);
  };

  return {
    projects: {
      async list() {
        return [...projects.values()].map((project) => ({ ...project, variantCount: variantCount(project.id) }));
      },
      async create({ name }) {
        const project: Project = { id: newId('project'), name, createdAt: now(), updatedAt: now(), variantCount: 0 };
        projects.set(project.id, project);
        return { ...project };
      },
      async rename({ id, name }) {
        const project = find(projects, id, 'project');
        Object.assign(project, { name, updatedAt: now() });
        return { ...project, variantCount: variantCount(id) };
      },
      async remove({ id }) {
        find(projects, id, 'project');
        projects.delete(id);
        for (const [variantId, variant] of variants) if (variant.projectId === id) variants.delete(variantId);
      },
    },
    models: {
      async list({ projectId }) {
        return [...variants.values()].filter((variant) => variant.projectId === projectId);
      },
      async importModel({ projectId, fileName, bytes }) {
        find(projects, projectId, 'project');
        let checksum = 0;
        for (const byte of bytes) checksum = (checksum * 31 + byte) >>> 0;
        const variant: ModelVariant = {
          id: newId('variant'),
          projectId,
          parentId: null,
          name: fileName.replace(/\.[^.]*$/, ''),
          origin: { kind: 'import', fileName },
          fileHash: `fake:${checksum.toString(16)}`,
          fileBytes: bytes.length,
          createdAt: now(),
          summary: { ops: 0, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' },
        };
        variants.set(variant.id, variant);
        return { ...variant };
      },
      async get({ variantId }): Promise<ModelDetail> {
        return { ...find(variants, variantId, 'variant'), layers: [], inputs: [], outputs: [] };
      },
      async remove({ variantId }) {
        find(variants, variantId, 'variant');
        variants.delete(variantId);
      },
    },
    datasets: {
      async list({ projectId }) {
        return [...datasets.values()].filter((dataset) => dataset.projectId === projectId);
      },
      async add({ projectId, path, name }) {
        find(projects, projectId, 'project');
        const dataset: Dataset = { id: newId('dataset'), projectId, name: name ?? path.split(/[\\/]/).pop()!, path, format: 'files', sampleCount: 0, createdAt: now() };
        datasets.set(dataset.id, dataset);
        return { ...dataset };
      },
      async remove({ datasetId }) {
        find(datasets, datasetId, 'dataset');
        datasets.delete(datasetId);
      },
    },
    jobs: {
      async list({ projectId }) {
        return [...jobs.values()].filter((job) => projectId === undefined || job.projectId === projectId).map((job) => structuredClone(job));
      },
      async get({ jobId }) {
        return structuredClone(find(jobs, jobId, 'job'));
      },
      async startDeploy({ variantId, boardId, runs }) {
        const variant = find(variants, variantId, 'variant');
        return startJob(variant.projectId, 'deploy', { variantId, boardId, runs: runs ?? 1 });
      },
      async startEvaluate({ variantId, datasetId, limit }) {
        const variant = find(variants, variantId, 'variant');
        find(datasets, datasetId, 'dataset');
        return startJob(variant.projectId, 'evaluate', { variantId, datasetId, ...(limit === undefined ? {} : { limit }) });
      },
      async startOptimize({ variantId, pipeline, datasetId, samples, evaluationLimit }) {
        const variant = find(variants, variantId, 'variant');
        if (datasetId !== undefined) find(datasets, datasetId, 'dataset');
        return startJob(variant.projectId, 'optimize', {
          variantId,
          pipeline: pipeline ?? 'quantize-int8',
          ...(datasetId === undefined ? {} : { datasetId }),
          ...(samples === undefined ? {} : { samples }),
          ...(evaluationLimit === undefined ? {} : { evaluationLimit }),
        });
      },
      async cancel({ jobId }) {
        const job = find(jobs, jobId, 'job');
        if (job.status === 'queued' || job.status === 'running') {
          Object.assign(job, { status: 'cancelled', finishedAt: now() });
          jobChanged.emit(structuredClone(job));
        }
      },
      onJobChanged: (listener) => jobChanged.on(listener),
    },
    devices: {
      async list() {
        return structuredClone(devices);
      },
      onDevicesChanged: (listener) => devicesChanged.on(listener),
    },
    measurements: {
      async list({ projectId, variantId }) {
        return measurements.filter((measurement) => measurement.projectId === projectId && (variantId === undefined || measurement.variantId === variantId));
      },
    },
    menu: {
      onCommand: (listener) => menuChosen.on(listener),
    },
    finishJob(jobId, status, result) {
      const job = find(jobs, jobId, 'job');
      Object.assign(job, { status, progress: 1, step: status, finishedAt: now(), ...(result === undefined ? {} : { result }) });
      jobChanged.emit(structuredClone(job));
      return structuredClone(job);
    },
    setDevices(listing) {
      devices = structuredClone(listing);
      devicesChanged.emit(structuredClone(devices));
    },
    chooseMenu(command) {
      menuChosen.emit(command);
    },
    listenerCounts() {
      return { jobs: jobChanged.size, devices: devicesChanged.size, menu: menuChosen.size };
    },
  };
}
