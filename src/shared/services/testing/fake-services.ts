/**
 * A test double of `AppServices`: projects, variants, datasets, jobs and measurements kept in
 * memory, with the checks the real services make (ids that name nothing, names trimmed, a board
 * that cannot deploy, a dataset of another project, a pipeline that does not quantize; the
 * checks of shared/services/checks.ts are theirs), thrown as the real error classes with the real
 * messages, lists in the store's order, and events emitted as the real services do. Like the
 * real services it expects requests that passed the proxy's schema check.
 *
 * Transport tests (proxy, IPC, WebSocket) use it as it is: it never looks inside a model (a
 * variant's summary is zeros), its jobs never run (`finishJob` ends one) and it knows one virtual
 * board. The renderer's UI fake (src/renderer/src/testing/fake-services.ts) builds on it through
 * the options: it reads models, knows the catalog's boards, accepts dataset folders it cannot
 * read, and runs jobs through `onJobQueued` with a `FakeJobRun`.
 */

import { DeviceError, NotFoundError, UsageError } from '../../../core/common/errors.js';
import { requireQuantizingPipeline } from '../../../core/common/passes/pipelines.js';
import { checkName, checkSameProject } from '../checks.js';
import { Emitter } from '../emitter.js';
import type { AppServices, BoardDescription, ComparisonRow, Dataset, DeviceListing, Evaluation, Job, MenuCommand, Measurement, ModelDetail, ModelVariant, Project } from '../types.js';

/** What reading a model file yields: everything of a variant the file decides. */
export type ModelContents = Pick<ModelDetail, 'summary' | 'layers' | 'inputs' | 'outputs'>;

/** A queued job, handed to `onJobQueued` so that a simulation can move it along. */
export interface FakeJobRun {
  /** The job as it is now (a copy). */
  readonly job: Job;
  /** False once the job ended: finished, cancelled, or its project or variant removed. */
  readonly active: boolean;
  /** Changes a running job and appends log lines; emits `onJobChanged`. Ignored once inactive. */
  update(changes: Partial<Pick<Job, 'status' | 'step' | 'progress' | 'startedAt' | 'result'>>, ...logLines: string[]): void;
  /** Ends the job with its last changes (a result or an error) and log lines; emits `onJobChanged`. Ignored once inactive. */
  finish(status: 'succeeded' | 'failed', changes?: Partial<Pick<Job, 'step' | 'progress' | 'startedAt' | 'result' | 'error'>>, ...logLines: string[]): void;
}

export interface FakeServicesOptions {
  /** Reads an imported model (default: zeros and no layers; the transport tests never look inside). Throw to refuse the file. */
  readModel?: (bytes: Uint8Array, fileName: string) => ModelContents;
  /** Reads a dataset folder's description (default: a folder of files with no samples). Throw to refuse the folder. */
  readDataset?: (path: string) => Pick<Dataset, 'name' | 'format' | 'sampleCount'>;
  /** The boards `devices.list` shows (default: one virtual Cortex-M4F). */
  boards?: BoardDescription[];
  /** Called once a job is queued (default: nothing; the job stays queued until `finishJob` or `cancel`). */
  onJobQueued?: (run: FakeJobRun) => void;
  /** Timestamps (default: a clock that moves one second per record, from 2025-01-01, so tests are repeatable). */
  now?: () => string;
}

export interface FakeServices extends AppServices {
  /** Ends a job as the worker would, emitting `onJobChanged`. */
  finishJob(jobId: string, status: 'succeeded' | 'failed', result?: unknown): Job;
  /** Adds a variant (as an optimize job does); its id, project's update time and creation time are set here. */
  addVariant(variant: Omit<ModelDetail, 'id' | 'createdAt'>): ModelDetail;
  /** Stores a measurement (as a deploy or evaluate job does). */
  addMeasurement(measurement: Omit<Measurement, 'id' | 'createdAt'>): Measurement;
  /** Stores an evaluation or validation as the evaluate and validate jobs record them. */
  addEvaluation(evaluation: Omit<Evaluation, 'id' | 'createdAt'>): Evaluation;
  /** Simulates a board plugged or unplugged. */
  setDevices(listing: DeviceListing): void;
  /** Simulates a menu command. */
  chooseMenu(command: MenuCommand): void;
  /** Listener counts per event, to check that subscriptions are released. */
  listenerCounts(): { jobs: number; devices: number; menu: number };
}

const virtualM4f: BoardDescription = { id: 'virtual-m4f', name: 'Virtual M4F', kind: 'virtual', core: 'cortex-m4f', flashBytes: 4 << 20, ramBytes: 4 << 20, timerUnit: 'instructions', deployable: true };
const noContents = (): ModelContents => ({ summary: { ops: 0, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' }, layers: [], inputs: [], outputs: [] });
const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop() ?? path;
/** The real services' defaults of an optimize job (core/node/jobs/job-kinds.ts). */
const defaultSamples = 200;
const defaultEvaluationLimit = 500;

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return 'sha256:' + [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function createFakeServices(options: FakeServicesOptions = {}): FakeServices {
  const readModel = options.readModel ?? noContents;
  const readDataset = options.readDataset ?? ((path: string) => ({ name: baseName(path), format: 'files' as const, sampleCount: 0 }));
  const boards = structuredClone(options.boards ?? [virtualM4f]);
  let counter = 0;
  const newId = (prefix: string) => `${prefix}-${++counter}`;
  const now = options.now ?? (() => new Date(Date.UTC(2025, 0, 1, 0, 0, counter)).toISOString());
  const projects = new Map<string, Project>();
  const variants = new Map<string, ModelDetail>();
  const datasets = new Map<string, Dataset>();
  const jobs = new Map<string, Job>();
  const measurements = new Map<string, Measurement>();
  const evaluations = new Map<string, Evaluation>();
  const jobChanged = new Emitter<Job>();
  const devicesChanged = new Emitter<DeviceListing>();
  const menuChosen = new Emitter<MenuCommand>();
  let devices: DeviceListing = { boards, serial: [] };

  const find = <T>(map: Map<string, T>, id: string, what: string): T => {
    const found = map.get(id);
    if (!found) throw new NotFoundError(`${what} ${id} not found`, { [`${what}Id`]: id });
    return found;
  };
  const projectView = (project: Project): Project => ({ ...project, variantCount: [...variants.values()].filter((variant) => variant.projectId === project.id).length });
  const variantView = ({ layers: _layers, inputs: _inputs, outputs: _outputs, ...variant }: ModelDetail): ModelVariant => structuredClone(variant);
  const touch = (projectId: string) => Object.assign(find(projects, projectId, 'project'), { updatedAt: now() });
  const active = (job: Job) => job.status === 'queued' || job.status === 'running';
  const emitJob = (job: Job) => jobChanged.emit(structuredClone(job));
  const end = (job: Job, status: Job['status'], changes: Partial<Job>, logLines: string[]) => {
    Object.assign(job, { status, finishedAt: now() }, changes);
    job.log.push(...logLines);
    emitJob(job);
  };
  /** Jobs stop before what they work on goes, as the real services cancel them first. */
  const cancelWhere = (matches: (job: Job) => boolean) => {
    for (const job of jobs.values()) if (active(job) && matches(job)) end(job, 'cancelled', {}, ['cancelled by the user']);
  };
  const enqueue = (projectId: string, kind: Job['kind'], params: Record<string, unknown>): Job => {
    const job: Job = { id: newId('job'), projectId, kind, params, status: 'queued', progress: 0, step: 'queued', log: [], createdAt: now() };
    jobs.set(job.id, job);
    emitJob(job);
    const running = () => active(job) && jobs.get(job.id) === job;
    options.onJobQueued?.({
      get job() {
        return structuredClone(job);
      },
      get active() {
        return running();
      },
      update(changes, ...logLines) {
        if (!running()) return;
        Object.assign(job, changes);
        job.log.push(...logLines);
        emitJob(job);
      },
      finish(status, changes = {}, ...logLines) {
        if (running()) end(job, status, changes, logLines);
      },
    });
    return structuredClone(job);
  };

  const services: FakeServices = {
    projects: {
      async list() {
        return [...projects.values()].map(projectView);
      },
      async create({ name }) {
        const time = now();
        const project: Project = { id: newId('project'), name: checkName('project', name), createdAt: time, updatedAt: time, variantCount: 0, optimizeFor: 'size' };
        projects.set(project.id, project);
        return projectView(project);
      },
      async rename({ id, name }) {
        const project = find(projects, id, 'project');
        Object.assign(project, { name: checkName('project', name), updatedAt: now() });
        return projectView(project);
      },
      async setOptimizeFor({ id, optimizeFor }) {
        const project = find(projects, id, 'project');
        Object.assign(project, { optimizeFor, updatedAt: now() });
        return projectView(project);
      },
      async remove({ id }) {
        find(projects, id, 'project');
        cancelWhere((job) => job.projectId === id);
        for (const map of [variants, datasets, jobs, measurements, evaluations] as Map<string, { projectId: string }>[]) {
          for (const [key, value] of map) if (value.projectId === id) map.delete(key);
        }
        projects.delete(id);
      },
    },
    models: {
      async list({ projectId }) {
        find(projects, projectId, 'project');
        return [...variants.values()].filter((variant) => variant.projectId === projectId).map(variantView);
      },
      async importModel({ projectId, fileName, bytes }) {
        find(projects, projectId, 'project');
        const contents = readModel(bytes, fileName);
        const fileHash = await sha256(bytes);
        const same = [...variants.values()].find((variant) => variant.projectId === projectId && variant.fileHash === fileHash);
        if (same) return variantView(same);
        const name = baseName(fileName).replace(/\.tflite$/i, '') || fileName;
        return variantView(services.addVariant({ projectId, parentId: null, name, origin: { kind: 'import', fileName }, fileHash, fileBytes: bytes.length, ...contents }));
      },
      async rename({ variantId, name }) {
        const variant = find(variants, variantId, 'variant');
        variant.name = checkName('variant', name);
        return variantView(variant);
      },
      async get({ variantId }) {
        return structuredClone(find(variants, variantId, 'variant'));
      },
      async remove({ variantId }) {
        const variant = find(variants, variantId, 'variant');
        cancelWhere((job) => job.params.variantId === variantId);
        variants.delete(variantId);
        for (const [key, measurement] of measurements) if (measurement.variantId === variantId) measurements.delete(key);
        touch(variant.projectId);
      },
    },
    datasets: {
      async list({ projectId }) {
        find(projects, projectId, 'project');
        return structuredClone([...datasets.values()].filter((dataset) => dataset.projectId === projectId));
      },
      async add({ projectId, path, name }) {
        find(projects, projectId, 'project');
        const read = readDataset(path);
        const dataset: Dataset = { id: newId('dataset'), projectId, ...read, name: name === undefined ? read.name : checkName('dataset', name), path, createdAt: now() };
        datasets.set(dataset.id, dataset);
        return structuredClone(dataset);
      },
      async remove({ datasetId }) {
        find(datasets, datasetId, 'dataset');
        datasets.delete(datasetId);
      },
      async preview({ datasetId }) {
        const dataset = find(datasets, datasetId, 'dataset');
        // The fake reads no samples: the format as `readDataset` gave it, no sample values.
        return { name: dataset.name, layout: dataset.format, sample: { dtype: 'int8', shape: [1], scale: 1, zeroPoint: 0 }, classes: [], sampleCount: dataset.sampleCount, kind: 'tensor', dimensions: [1], samples: [] };
      },
      async upload({ projectId, name }) {
        find(projects, projectId, 'project');
        const path = `/data/datasets/${name}`;
        const dataset: Dataset = { id: newId('dataset'), projectId, ...readDataset(path), path, createdAt: now() };
        datasets.set(dataset.id, dataset);
        return structuredClone(dataset);
      },
      async chooseFolder() {
        throw new UsageError('datasets.chooseFolder: there is no folder dialog here; the desktop app has one, browser mode uploads the folder instead');
      },
    },
    jobs: {
      async list({ projectId }) {
        if (projectId !== undefined) find(projects, projectId, 'project');
        return structuredClone([...jobs.values()].filter((job) => projectId === undefined || job.projectId === projectId).reverse());
      },
      async get({ jobId }) {
        return structuredClone(find(jobs, jobId, 'job'));
      },
      async startDeploy({ variantId, boardId, runs = 1, optimizeFor }) {
        const variant = find(variants, variantId, 'variant');
        const board = devices.boards.find((candidate) => candidate.id === boardId);
        if (!board) throw new DeviceError(`unknown board "${boardId}"; known boards: ${devices.boards.map((known) => known.id).join(', ')}`, { board: boardId });
        if (!board.deployable) throw new DeviceError(`board ${board.id}: ${board.reason ?? 'cannot be deployed to'}`, { board: board.id });
        // As the backend stores it: the project's setting unless the request overrides it.
        return enqueue(variant.projectId, 'deploy', { variantId, boardId, runs, optimizeFor: optimizeFor ?? find(projects, variant.projectId, 'project').optimizeFor });
      },
      async startEvaluate({ variantId, datasetId, limit }) {
        const variant = find(variants, variantId, 'variant');
        checkSameProject(find(datasets, datasetId, 'dataset'), variant);
        return enqueue(variant.projectId, 'evaluate', { variantId, datasetId, ...(limit === undefined ? {} : { limit }) });
      },
      async startValidate({ variantId, boardId, datasetId, samples = 100 }) {
        const variant = find(variants, variantId, 'variant');
        checkSameProject(find(datasets, datasetId, 'dataset'), variant);
        const board = devices.boards.find((candidate) => candidate.id === boardId);
        if (!board) throw new DeviceError(`unknown board "${boardId}"; known boards: ${devices.boards.map((known) => known.id).join(', ')}`, { board: boardId });
        if (!board.deployable) throw new DeviceError(`board ${board.id}: ${board.reason ?? 'cannot be deployed to'}`, { board: board.id });
        return enqueue(variant.projectId, 'validate', { variantId, boardId, datasetId, samples });
      },
      async startOptimize({ variantId, pipeline = 'quantize-int8', datasetId, samples = defaultSamples, evaluationLimit = defaultEvaluationLimit }) {
        const variant = find(variants, variantId, 'variant');
        const definition = requireQuantizingPipeline(pipeline);
        if (datasetId !== undefined) checkSameProject(find(datasets, datasetId, 'dataset'), variant);
        return enqueue(variant.projectId, 'optimize', { variantId, pipeline: definition.name, ...(datasetId === undefined ? {} : { datasetId }), samples, evaluationLimit });
      },
      async startSearch({ projectId, space, datasetId, boardId, trials, epochs = 10, optimizer = 'bo', seed = 1, ...rest }) {
        find(projects, projectId, 'project');
        const dataset = find(datasets, datasetId, 'dataset');
        if (dataset.projectId !== projectId) throw new UsageError(`dataset ${dataset.id} (${dataset.name}) belongs to another project than ${projectId}`, { datasetId });
        const board = devices.boards.find((candidate) => candidate.id === boardId);
        if (!board) throw new DeviceError(`unknown board "${boardId}"; known boards: ${devices.boards.map((known) => known.id).join(', ')}`, { board: boardId });
        return enqueue(projectId, 'search', { projectId, space, datasetId, boardId, trials, epochs, optimizer, seed, ...rest });
      },
      async cancel({ jobId }) {
        find(jobs, jobId, 'job');
        cancelWhere((job) => job.id === jobId);
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
        find(projects, projectId, 'project');
        if (variantId !== undefined) find(variants, variantId, 'variant');
        return structuredClone([...measurements.values()].filter((measurement) => measurement.projectId === projectId && (variantId === undefined || measurement.variantId === variantId)));
      },
    },
    evaluations: {
      async list({ projectId, variantId }) {
        find(projects, projectId, 'project');
        if (variantId !== undefined) find(variants, variantId, 'variant');
        const matching = [...evaluations.values()].filter((evaluation) => evaluation.projectId === projectId && (variantId === undefined || evaluation.variantId === variantId));
        return structuredClone(matching.reverse());
      },
    },
    compare: {
      // The newest deploy of each variant on each board, with the figures the measurement holds.
      async table({ projectId }) {
        find(projects, projectId, 'project');
        const rows: ComparisonRow[] = [];
        const all = [...measurements.values()].filter((entry) => entry.projectId === projectId);
        for (const variant of [...variants.values()].filter((entry) => entry.projectId === projectId)) {
          const accuracy = all.filter((entry) => entry.variantId === variant.id && entry.accuracy !== undefined).pop();
          const base: ComparisonRow = { variantId: variant.id, variantName: variant.name, parentId: variant.parentId, dtype: variant.summary.dtype, parameters: variant.summary.parameters, macs: variant.summary.macs, peakActivationBytes: variant.summary.peakActivationBytes, ...(accuracy ? { accuracy: { value: accuracy.accuracy!, samples: accuracy.samples, measuredAt: accuracy.createdAt } } : {}) };
          const deploys = all.filter((entry) => entry.variantId === variant.id && entry.kind === 'deploy' && entry.boardId);
          const boardIds = [...new Set(deploys.map((entry) => entry.boardId!))];
          if (boardIds.length === 0) rows.push(base);
          for (const boardId of boardIds) {
            const newest = deploys.filter((entry) => entry.boardId === boardId).pop()!;
            const board = devices.boards.find((entry) => entry.id === boardId);
            rows.push({
              ...base,
              board: { id: boardId, name: board?.name ?? boardId, core: board?.core ?? 'unknown', flashBytes: board?.flashBytes ?? 0, ramBytes: board?.ramBytes ?? 0 },
              measurementId: newest.id,
              measuredAt: newest.createdAt,
              ...(newest.latency ? { latency: { value: newest.latency.value, unit: newest.latency.unit, ...(newest.runs ? { min: newest.runs.min, max: newest.runs.max, runs: newest.runs.count } : {}) } } : {}),
              ...(newest.arenaBytes !== undefined ? { arenaBytes: newest.arenaBytes } : {}),
              ...(newest.stackBytes !== undefined ? { stackBytes: newest.stackBytes } : {}),
              ...(newest.ramBytes !== undefined ? { ramBytes: newest.ramBytes } : {}),
              ...(newest.flashBytes !== undefined ? { flash: { total: newest.flashBytes } } : {}),
            });
          }
        }
        return { rows };
      },
      async layerDiff({ measurementA, measurementB }) {
        const [a, b] = [find(measurements, measurementA, 'measurement'), find(measurements, measurementB, 'measurement')];
        const side = (m: Measurement) => ({ measurementId: m.id, variantId: m.variantId, variantName: find(variants, m.variantId, 'variant').name, ...(m.boardId ? { boardId: m.boardId } : {}), ...(m.latency ? { unit: m.latency.unit } : {}), total: m.latency?.value ?? 0 });
        const count = Math.max(a.layers?.length ?? 0, b.layers?.length ?? 0);
        const rows = Array.from({ length: count }, (_, i) => {
          const [x, y] = [a.layers?.[i], b.layers?.[i]];
          return { ...(x ? { a: x } : {}), ...(y ? { b: y } : {}), ...(x && y ? { delta: y.latency - x.latency } : {}) };
        });
        return { a: side(a), b: side(b), matching: 'index' as const, rows };
      },
    },
    graphs: {
      async get({ variantId }) {
        find(variants, variantId, 'variant');
        throw new NotFoundError(`the fake services keep no graph of variant ${variantId}`, { variant: variantId });
      },
    },
    exports: {
      async cProject({ variantId }) {
        return { fileName: `${find(variants, variantId, 'variant').name}.zip`, mimeType: 'application/zip', bytes: new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)]) };
      },
      async firmware({ variantId }) {
        return { fileName: `${find(variants, variantId, 'variant').name}-firmware.zip`, mimeType: 'application/zip', bytes: new Uint8Array([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)]) };
      },
      async model({ variantId }) {
        return { fileName: `${find(variants, variantId, 'variant').name}.tflite`, mimeType: 'application/octet-stream', bytes: new Uint8Array(8) };
      },
      async report({ measurementId, format }) {
        const measurement = find(measurements, measurementId, 'measurement');
        const text = format === 'json' ? JSON.stringify(measurement) : format === 'csv' ? 'index,op,latency\n' : `<!doctype html><title>report ${measurement.id}</title>`;
        return { fileName: `report.${format}`, mimeType: format === 'html' ? 'text/html' : format === 'csv' ? 'text/csv' : 'application/json', bytes: new TextEncoder().encode(text) };
      },
    },
    searches: {
      // The fake runs no search: a project has none.
      async list({ projectId }) {
        find(projects, projectId, 'project');
        return [];
      },
      async get({ searchId }) {
        throw new NotFoundError(`search ${searchId} not found`, { searchId });
      },
      async makeVariant({ searchId }) {
        throw new NotFoundError(`search ${searchId} not found`, { searchId });
      },
    },
    menu: {
      onCommand: (listener) => menuChosen.on(listener),
    },
    finishJob(jobId, status, result) {
      const job = find(jobs, jobId, 'job');
      end(job, status, { progress: 1, step: status, ...(result === undefined ? {} : { result }) }, []);
      return structuredClone(job);
    },
    addVariant(contents) {
      const variant: ModelDetail = { id: newId('variant'), createdAt: now(), ...structuredClone(contents) };
      touch(variant.projectId);
      variants.set(variant.id, variant);
      return structuredClone(variant);
    },
    addMeasurement(contents) {
      const measurement: Measurement = { id: newId('measurement'), createdAt: now(), ...structuredClone(contents) };
      measurements.set(measurement.id, measurement);
      return structuredClone(measurement);
    },
    addEvaluation(contents) {
      const evaluation: Evaluation = { id: newId('evaluation'), createdAt: now(), ...structuredClone(contents) };
      evaluations.set(evaluation.id, evaluation);
      return structuredClone(evaluation);
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
  return services;
}
