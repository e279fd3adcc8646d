/**
 * An in-memory `Services` for developing and testing the UI without the back end: the Vite dev
 * page `fake.html` and the UI test in Chromium (test/e2e/ui.test.ts) run the app against it.
 *
 * Models are really read (the TFLite importer and `analyzeModel` of core/common run in the
 * browser), so the model page shows true layers, shapes and MACs. Deploy jobs are *simulated*:
 * they walk through build, flash, run and verify on timers, log what they would do, and store a
 * measurement whose figures are derived from the model (a fixed cost per MAC and per op), so
 * charts and tables have plausible data. Optimize jobs are simulated the same way (passes and
 * calibration on timers, then an "int8" copy of the parent with fixed accuracies), and adding a
 * dataset accepts any path (the browser cannot read the folder). Nothing here is ever bundled into the app: only
 * `fake.html` imports it.
 *
 * `control` lets a test act as the world: plug and unplug serial devices, make the next deploy
 * fail at a given step, or change how long each step takes.
 */

import { analyzeModel } from '../../../core/common/analysis/model-analysis.js';
import { boards as catalogBoards } from '../../../core/common/boards/catalog.js';
import type { Board } from '../../../core/common/boards/catalog.js';
import { importModel } from '../../../core/common/importers/index.js';
import type {
  AppServices,
  BoardDescription,
  Dataset,
  DeviceListing,
  Job,
  JobError,
  LayerRow,
  Measurement,
  MenuCommand,
  ModelDetail,
  ModelVariant,
  Project,
  SerialDevice,
  Unsubscribe,
} from '../../../shared/services/types.js';

export type DeployStepName = 'build' | 'flash' | 'run' | 'verify';

export interface FakeControl {
  plug(device: SerialDevice): void;
  unplug(path: string): void;
  /** The next deploy job fails when it reaches `step`, with this error. */
  failNextDeploy(step: DeployStepName, error: JobError): void;
  /** Milliseconds each deploy step takes (default 400). */
  setStepMilliseconds(milliseconds: number): void;
  /** The user chose a command in the native menu. */
  chooseMenu(command: MenuCommand): void;
}

export interface FakeServices extends AppServices {
  control: FakeControl;
}

/** A service error as the proxy rebuilds it: the class name and a message naming the thing. */
class FakeServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const now = () => new Date().toISOString();
/** Sample count of every dataset the fake "adds" (it cannot read the folder). */
const simulatedDatasetSamples = 1000;
const clone = <T>(value: T): T => structuredClone(value);

/** Simulated cost model of a virtual board: instructions per MAC and per op (see the module comment). */
const instructionsPerMac = 3.1;
const instructionsPerOp = 2_400;

function describeBoard(board: Board): BoardDescription {
  const real = board.kind === 'real';
  return {
    id: board.id,
    name: board.name,
    kind: board.kind,
    core: board.core,
    flashBytes: board.memory.flash.size,
    ramBytes: board.memory.ram.size,
    timerUnit: board.timer.unit,
    deployable: !real,
    ...(real ? { reason: 'deploying to real boards arrives in a later release; use a virtual board meanwhile' } : {}),
  };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return 'sha256:' + [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The variant's detail from the model bytes, as the store's model service derives it. */
function analyzeBytes(bytes: Uint8Array, fileName: string): Pick<ModelDetail, 'layers' | 'inputs' | 'outputs' | 'summary'> & { weightBytes: number } {
  let analysis;
  try {
    analysis = analyzeModel(importModel(bytes, fileName));
  } catch (error) {
    const cause = error as Error;
    throw new FakeServiceError(cause.name || 'ImportError', cause.message);
  }
  const layers: LayerRow[] = analysis.layers.map((layer) => ({
    index: layer.index,
    op: layer.customCode ? `CUSTOM:${layer.customCode}` : layer.op,
    inputs: layer.inputs.map((tensor) => ({ tensor: tensor.id, shape: tensor.shape, dtype: tensor.dtype })),
    outputs: layer.outputs.map((tensor) => ({ tensor: tensor.id, shape: tensor.shape, dtype: tensor.dtype })),
    macs: layer.macs,
    parameters: layer.params,
    liveBytes: layer.liveBytes,
  }));
  const dtypeCounts = new Map<string, number>();
  for (const layer of analysis.layers) for (const output of layer.outputs) dtypeCounts.set(output.dtype, (dtypeCounts.get(output.dtype) ?? 0) + 1);
  const dtype = [...dtypeCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
  return {
    layers,
    inputs: analysis.inputs.map((tensor) => ({ name: tensor.name, shape: tensor.shape, dtype: tensor.dtype })),
    outputs: analysis.outputs.map((tensor) => ({ name: tensor.name, shape: tensor.shape, dtype: tensor.dtype })),
    summary: {
      ops: layers.length,
      macs: analysis.totals.macs,
      parameters: analysis.totals.params,
      peakActivationBytes: analysis.totals.peakActivationBytes,
      dtype,
    },
    weightBytes: analysis.totals.weightBytes,
  };
}

/** Creates an empty fake with the catalog's boards and, optionally, some serial devices. */
export function createFakeServices(options: { serial?: SerialDevice[]; stepMilliseconds?: number } = {}): FakeServices {
  const projects = new Map<string, Project>();
  const variants = new Map<string, ModelDetail & { weightBytes: number }>();
  const datasets = new Map<string, Dataset>();
  const jobs = new Map<string, Job>();
  const measurements = new Map<string, Measurement>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const jobListeners = new Set<(job: Job) => void>();
  const deviceListeners = new Set<(listing: DeviceListing) => void>();
  const menuListeners = new Set<(command: MenuCommand) => void>();
  let serial = [...(options.serial ?? [])];
  let stepMilliseconds = options.stepMilliseconds ?? 400;
  let pendingFailure: { step: DeployStepName; error: JobError } | undefined;

  const boards = catalogBoards.map(describeBoard);
  const listing = (): DeviceListing => clone({ boards, serial });
  const requireProject = (id: string) => {
    const project = projects.get(id);
    if (!project) throw new FakeServiceError('NotFoundError', `project ${id} does not exist`);
    return project;
  };
  const requireVariant = (id: string) => {
    const variant = variants.get(id);
    if (!variant) throw new FakeServiceError('NotFoundError', `model variant ${id} does not exist`);
    return variant;
  };
  const touch = (project: Project) => {
    project.updatedAt = now();
    project.variantCount = [...variants.values()].filter((variant) => variant.projectId === project.id).length;
  };
  const emitJob = (job: Job) => {
    for (const listener of jobListeners) listener(clone(job));
  };
  const emitDevices = () => {
    for (const listener of deviceListeners) listener(listing());
  };
  const checkName = (name: string) => {
    const trimmed = name.trim();
    if (!trimmed) throw new FakeServiceError('ValidationError', 'a project name cannot be empty');
    return trimmed;
  };

  function finishJob(job: Job, status: Job['status'], error?: JobError) {
    job.status = status;
    job.finishedAt = now();
    if (error) job.error = error;
    timers.delete(job.id);
    emitJob(job);
  }

  /** Walks a deploy job through its steps on timers, then stores its measurement. */
  function runDeploy(job: Job, variant: ModelDetail & { weightBytes: number }, board: BoardDescription, runs: number) {
    const failure = pendingFailure;
    pendingFailure = undefined;
    const stages: { step: DeployStepName; fraction: number; line: string }[] = [
      { step: 'build', fraction: 0, line: `build: generating C for ${variant.name} and compiling it for ${board.id} (simulated)` },
      { step: 'flash', fraction: 0.3, line: `flash: starting ${board.name} and flashing the firmware (simulated)` },
      ...Array.from({ length: runs }, (_, run) => ({ step: 'run' as const, fraction: 0.45 + (0.4 * run) / runs, line: `run ${run + 1} of ${runs} (simulated)` })),
      { step: 'verify', fraction: 0.85, line: 'verify: comparing the outputs with the host interpreter (simulated)' },
    ];
    let stage = 0;
    const advance = () => {
      if (job.status !== 'running') return;
      if (stage === stages.length) {
        const measurement = measure(job, variant, board, runs);
        measurements.set(measurement.id, measurement);
        job.progress = 1;
        job.step = 'verify';
        job.log.push('verify: bit-exact (simulated)');
        job.result = { measurementId: measurement.id };
        finishJob(job, 'succeeded');
        return;
      }
      const current = stages[stage++];
      job.step = current.step;
      job.progress = current.fraction;
      if (failure && failure.step === current.step) {
        job.log.push(`${failure.error.name}: ${failure.error.message}`);
        finishJob(job, 'failed', failure.error);
        return;
      }
      job.log.push(current.line);
      emitJob(job);
      timers.set(job.id, setTimeout(advance, stepMilliseconds));
    };
    // A moment in the queue, as a worker process takes to start.
    timers.set(
      job.id,
      setTimeout(() => {
        job.status = 'running';
        job.startedAt = now();
        advance();
      }, 50),
    );
  }

  /**
   * Walks an optimize job through its passes and calibration on timers, then stores a simulated
   * int8 variant (the parent's layers, int8, a quarter of its bytes) and, with a dataset, the
   * accuracies of parent and variant on the held-out samples (simulated figures).
   */
  function runOptimize(job: Job, parent: ModelDetail & { weightBytes: number }, dataset: Dataset | undefined, samples: number, evaluationLimit: number) {
    const passes = ['dequantize-hybrid-weights', 'fold-constants', 'quantize-int8'];
    const stages = [
      ...passes.map((pass, index) => ({ fraction: 0.05 + (0.6 * index) / passes.length, step: pass, line: `pass ${index + 1} of ${passes.length}: ${pass}` })),
      ...[1, 2, 3, 4].map((quarter) => ({ fraction: 0.45 + 0.05 * quarter, step: `quantize-int8: calibrating ${Math.round((samples * quarter) / 4)} of ${samples}`, line: '' })),
      { fraction: 0.7, step: 'evaluating parent and variant on held-out samples', line: '' },
    ];
    let stage = 0;
    const advance = () => {
      if (job.status !== 'running') return;
      if (stage === stages.length) {
        const time = now();
        const variant = { ...clone(parent), id: crypto.randomUUID(), parentId: parent.id, name: `${parent.name}-int8`, createdAt: time, fileBytes: Math.round(parent.fileBytes / 4) };
        variant.origin = { kind: 'optimize', pipeline: 'quantize-int8', options: { samples, evaluationLimit, observer: 'min-max' }, calibration: { ...(dataset ? { datasetId: dataset.id } : {}), synthetic: !dataset, samples } };
        variant.summary = { ...variant.summary, dtype: 'int8' };
        variant.layers = variant.layers.map((layer) => ({ ...layer, outputs: layer.outputs.map((output) => ({ ...output, dtype: 'int8' })) }));
        variant.fileHash = `sha256:${crypto.randomUUID().replace(/-/g, '')}${crypto.randomUUID().replace(/-/g, '')}`;
        variants.set(variant.id, variant);
        touch(requireProject(job.projectId));
        const result: Record<string, unknown> = { variantId: variant.id, parentId: parent.id, quantizeMs: 480 };
        if (dataset) {
          const held = Math.min(evaluationLimit, dataset.sampleCount - samples);
          const accuracy = (variantId: string, value: number): Measurement => ({ id: crypto.randomUUID(), projectId: job.projectId, variantId, jobId: job.id, kind: 'evaluate', createdAt: time, accuracy: value, samples: held });
          const [parentMeasurement, variantMeasurement] = [accuracy(parent.id, 0.91), accuracy(variant.id, 0.905)];
          measurements.set(parentMeasurement.id, parentMeasurement);
          measurements.set(variantMeasurement.id, variantMeasurement);
          result.heldOut = { samples: held, parentAccuracy: 0.91, variantAccuracy: 0.905, parentMeasurementId: parentMeasurement.id, variantMeasurementId: variantMeasurement.id, sqnrDb: 21.4 };
          job.log.push(`held-out samples (${held}): accuracy 90.50% (parent 91.00%) (simulated)`);
        }
        job.progress = 1;
        job.step = 'done';
        job.result = result;
        finishJob(job, 'succeeded');
        return;
      }
      const current = stages[stage++];
      job.step = current.step;
      job.progress = current.fraction;
      if (current.line) job.log.push(`${current.line} (simulated)`);
      emitJob(job);
      timers.set(job.id, setTimeout(advance, stepMilliseconds));
    };
    timers.set(
      job.id,
      setTimeout(() => {
        job.status = 'running';
        job.startedAt = now();
        job.log.push(`quantize-int8 of ${parent.name}: calibrating on ${dataset ? `the first ${samples} samples of ${dataset.name}` : `${samples} synthetic samples`} (simulated)`);
        advance();
      }, 50),
    );
  }

  function measure(job: Job, variant: ModelDetail & { weightBytes: number }, board: BoardDescription, runs: number): Measurement {
    const layers = variant.layers.map((layer) => ({ index: layer.index, op: layer.op, latency: Math.round(layer.macs * instructionsPerMac + instructionsPerOp), macs: layer.macs }));
    const latency = layers.reduce((sum, layer) => sum + layer.latency, 0);
    const arenaBytes = Math.ceil(variant.summary.peakActivationBytes / 16) * 16;
    const stackBytes = 1_184;
    const flashBytes = variant.weightBytes + 26_112 + 1_536 * variant.layers.length;
    return {
      id: crypto.randomUUID(),
      projectId: job.projectId,
      variantId: variant.id,
      jobId: job.id,
      kind: 'deploy',
      boardId: board.id,
      createdAt: now(),
      latency: { value: latency, unit: board.timerUnit },
      instructionsPerMac: variant.summary.macs > 0 ? latency / variant.summary.macs : null,
      arenaBytes,
      stackBytes,
      flashBytes,
      ramBytes: arenaBytes + stackBytes + 2_048,
      boardFlashBytes: board.flashBytes,
      boardRamBytes: board.ramBytes,
      bitExact: true,
      passed: true,
      layers,
      memoryTimeline: variant.layers.map((layer) => ({ index: layer.index, liveBytes: layer.liveBytes })),
      samples: runs,
    };
  }

  const services: FakeServices = {
    projects: {
      async list() {
        return clone([...projects.values()].sort((a, b) => a.name.localeCompare(b.name)));
      },
      async create({ name }) {
        const time = now();
        const project: Project = { id: crypto.randomUUID(), name: checkName(name), createdAt: time, updatedAt: time, variantCount: 0 };
        projects.set(project.id, project);
        return clone(project);
      },
      async rename({ id, name }) {
        const project = requireProject(id);
        project.name = checkName(name);
        touch(project);
        return clone(project);
      },
      async remove({ id }) {
        requireProject(id);
        for (const job of jobs.values()) {
          if (job.projectId === id && (job.status === 'running' || job.status === 'queued')) clearTimeout(timers.get(job.id));
        }
        for (const map of [variants, datasets, jobs, measurements] as Map<string, { projectId: string }>[]) {
          for (const [key, value] of map) if (value.projectId === id) map.delete(key);
        }
        projects.delete(id);
      },
    },
    models: {
      async list({ projectId }) {
        requireProject(projectId);
        return clone(
          [...variants.values()]
            .filter((variant) => variant.projectId === projectId)
            .map((variant): ModelVariant => {
              const { layers: _layers, inputs: _inputs, outputs: _outputs, weightBytes: _weightBytes, ...summary } = variant;
              return summary;
            }),
        );
      },
      async importModel({ projectId, fileName, bytes }) {
        const project = requireProject(projectId);
        const detail = analyzeBytes(bytes, fileName);
        const variant = {
          id: crypto.randomUUID(),
          projectId,
          parentId: null,
          name: fileName.replace(/\.tflite$/i, ''),
          origin: { kind: 'import' as const, fileName },
          fileHash: await sha256(bytes),
          fileBytes: bytes.length,
          createdAt: now(),
          ...detail,
        };
        variants.set(variant.id, variant);
        touch(project);
        const { layers: _layers, inputs: _inputs, outputs: _outputs, weightBytes: _weightBytes, ...summary } = variant;
        return clone(summary);
      },
      async get({ variantId }) {
        const { weightBytes: _weightBytes, ...detail } = requireVariant(variantId);
        return clone(detail);
      },
      async remove({ variantId }) {
        const variant = requireVariant(variantId);
        variants.delete(variantId);
        for (const [key, measurement] of measurements) if (measurement.variantId === variantId) measurements.delete(key);
        touch(requireProject(variant.projectId));
      },
    },
    datasets: {
      async list({ projectId }) {
        return clone([...datasets.values()].filter((dataset) => dataset.projectId === projectId));
      },
      /** Simulated: the fake cannot read a folder, so any path whose name does not start with "missing" is a dataset of 1000 samples. */
      async add({ projectId, path, name }) {
        requireProject(projectId);
        const base = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
        if (base.startsWith('missing')) throw new FakeServiceError('DatasetError', `${path}: no such dataset folder (simulated)`);
        const dataset: Dataset = { id: crypto.randomUUID(), projectId, name: name ?? base, path, format: 'files', sampleCount: simulatedDatasetSamples, createdAt: now() };
        datasets.set(dataset.id, dataset);
        return clone(dataset);
      },
      async remove({ datasetId }) {
        datasets.delete(datasetId);
      },
    },
    jobs: {
      async list({ projectId }) {
        return clone([...jobs.values()].filter((job) => projectId === undefined || job.projectId === projectId).sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      },
      async get({ jobId }) {
        const job = jobs.get(jobId);
        if (!job) throw new FakeServiceError('NotFoundError', `job ${jobId} does not exist`);
        return clone(job);
      },
      async startDeploy({ variantId, boardId, runs = 1 }) {
        const variant = requireVariant(variantId);
        const board = boards.find((candidate) => candidate.id === boardId);
        if (!board) throw new FakeServiceError('DeviceError', `unknown board "${boardId}"; known boards: ${boards.map((b) => b.id).join(', ')}`);
        if (!board.deployable) throw new FakeServiceError('DeviceError', `board ${boardId}: ${board.reason}`);
        const job: Job = {
          id: crypto.randomUUID(),
          projectId: variant.projectId,
          kind: 'deploy',
          params: { variantId, boardId, runs },
          status: 'queued',
          progress: 0,
          step: 'queued',
          log: [],
          createdAt: now(),
        };
        jobs.set(job.id, job);
        emitJob(job);
        runDeploy(job, variant, board, runs);
        return clone(job);
      },
      async startEvaluate({ datasetId }) {
        throw new FakeServiceError('DatasetError', `dataset ${datasetId}: the fake services cannot evaluate`);
      },
      async startOptimize({ variantId, pipeline = 'quantize-int8', datasetId, samples = 200, evaluationLimit = 500 }) {
        const variant = requireVariant(variantId);
        if (pipeline !== 'quantize-int8') throw new FakeServiceError('UsageError', `pipeline "${pipeline}" is not a quantizing pipeline (quantizing pipelines: quantize-int8)`);
        if (datasetId !== undefined && !datasets.has(datasetId)) throw new FakeServiceError('NotFoundError', `dataset ${datasetId} not found`);
        const job: Job = {
          id: crypto.randomUUID(),
          projectId: variant.projectId,
          kind: 'optimize',
          params: { variantId, pipeline, ...(datasetId !== undefined ? { datasetId } : {}), samples, evaluationLimit },
          status: 'queued',
          progress: 0,
          step: 'queued',
          log: [],
          createdAt: now(),
        };
        jobs.set(job.id, job);
        emitJob(job);
        runOptimize(job, variant, datasetId !== undefined ? datasets.get(datasetId) : undefined, samples, evaluationLimit);
        return clone(job);
      },
      async cancel({ jobId }) {
        const job = jobs.get(jobId);
        if (!job) throw new FakeServiceError('NotFoundError', `job ${jobId} does not exist`);
        if (job.status !== 'running' && job.status !== 'queued') return;
        clearTimeout(timers.get(jobId));
        job.log.push('cancelled by the user');
        finishJob(job, 'cancelled');
      },
      onJobChanged(listener): Unsubscribe {
        jobListeners.add(listener);
        return () => jobListeners.delete(listener);
      },
    },
    devices: {
      async list() {
        return listing();
      },
      onDevicesChanged(listener): Unsubscribe {
        deviceListeners.add(listener);
        return () => deviceListeners.delete(listener);
      },
    },
    measurements: {
      async list({ projectId, variantId }) {
        return clone(
          [...measurements.values()]
            .filter((measurement) => measurement.projectId === projectId && (variantId === undefined || measurement.variantId === variantId))
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
        );
      },
    },
    menu: {
      onCommand(listener): Unsubscribe {
        menuListeners.add(listener);
        return () => menuListeners.delete(listener);
      },
    },
    control: {
      chooseMenu(command) {
        for (const listener of menuListeners) listener(command);
      },
      plug(device) {
        serial = [...serial.filter((existing) => existing.path !== device.path), device];
        emitDevices();
      },
      unplug(path) {
        serial = serial.filter((existing) => existing.path !== path);
        emitDevices();
      },
      failNextDeploy(step, error) {
        pendingFailure = { step, error };
      },
      setStepMilliseconds(milliseconds) {
        stepMilliseconds = milliseconds;
      },
    },
  };
  return services;
}
