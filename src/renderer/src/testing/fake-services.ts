/**
 * The in-memory services the UI is developed and tested against without the back end: the Vite
 * dev page `fake.html` and the UI test in Chromium (test/e2e/ui.test.ts) run the app against it.
 * It is the shared fake (src/shared/services/testing/fake-services.ts: projects, variants,
 * datasets, jobs and measurements with the real checks) plus what only UI development needs:
 *
 * - Models are really read (the TFLite importer and `analyzeModel` of core/common run in the
 *   browser), so the model page shows true layers, shapes and MACs.
 * - The boards are the catalog's (a real one can be deployed to while its probe's port is plugged in); adding a dataset accepts any path whose name does not start
 *   with "missing" (the browser cannot read the folder).
 * - Jobs are *simulated*: deploys walk through build, flash, run and verify on timers, log what
 *   they would do, and store a measurement whose figures are derived from the model (a fixed
 *   cost per MAC and per op), so charts and tables have plausible data; optimize jobs walk
 *   through passes and calibration, then add an "int8" copy of the parent with fixed accuracies.
 *   The fake cannot evaluate or validate: such a job fails at once.
 *
 * Nothing here is ever bundled into the app: only `fake.html` imports it. `control` lets a test
 * act as the world: plug and unplug serial devices, make the next deploy fail at a given step, or
 * change how long each step takes.
 */

import { analyzeModel } from '../../../core/common/analysis/model-analysis.js';
import { boards as catalogBoards } from '../../../core/common/boards/catalog.js';
import type { Board } from '../../../core/common/boards/catalog.js';
import { DatasetError } from '../../../core/common/errors.js';
import { importModel } from '../../../core/common/importers/index.js';
import { createFakeServices as createSharedFake, type FakeJobRun, type FakeServices as SharedFake, type ModelContents } from '../../../shared/services/testing/fake-services.js';
import type { BoardDescription, Dataset, Job, JobError, LayerRow, MenuCommand, ModelDetail, SerialDevice } from '../../../shared/services/types.js';

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

export interface FakeServices extends SharedFake {
  control: FakeControl;
}

/** Sample count of every dataset the fake "adds" (it cannot read the folder). */
const simulatedDatasetSamples = 1000;

/** Simulated cost model of a virtual board: instructions per MAC and per op (see the module comment). */
const instructionsPerMac = 3.1;
const instructionsPerOp = 2_400;

/** A catalog board as the devices service describes it: a real one can be deployed to while a port with its probe's USB id is plugged in. */
function describeBoard(board: Board, serial: readonly SerialDevice[]): BoardDescription {
  const real = board.kind === 'real';
  const plugged = serial.some(
    (device) => device.boardIds.includes(board.id) || (board.usb ?? []).some((usb) => usb.vendorId === device.vendorId?.toLowerCase() && usb.productId === device.productId?.toLowerCase()),
  );
  const probes = [...new Set((board.usb ?? []).map((usb) => usb.name))].join(' or ');
  return {
    id: board.id,
    name: board.name,
    kind: board.kind,
    core: board.core,
    flashBytes: board.memory.flash.size,
    ramBytes: board.memory.ram.size,
    timerUnit: board.timer.unit,
    deployable: !real || plugged,
    ...(real && !plugged ? { reason: `not plugged in: no serial port of its probe${probes ? ` (${probes})` : ''}` } : {}),
  };
}

/** What the variant's page shows from the model bytes, as the store's model service derives it. */
function readModel(bytes: Uint8Array, fileName: string): ModelContents {
  const analysis = analyzeModel(importModel(bytes, fileName));
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
    summary: { ops: layers.length, macs: analysis.totals.macs, parameters: analysis.totals.params, peakActivationBytes: analysis.totals.peakActivationBytes, dtype },
  };
}

/** Simulated: the fake cannot read a folder, so any path whose name does not start with "missing" is a dataset of 1000 samples. */
function readDataset(path: string): Pick<Dataset, 'name' | 'format' | 'sampleCount'> {
  const base = path.split(/[\\/]/).filter(Boolean).pop() ?? path;
  if (base.startsWith('missing')) throw new DatasetError(`${path}: no such dataset folder (simulated)`, { path });
  return { name: base, format: 'files', sampleCount: simulatedDatasetSamples };
}

/** One step of a simulated job: where it is, what it logs, and the error it fails with, if any. */
interface Stage {
  step: string;
  progress: number;
  line?: string;
  failure?: JobError;
}

/** The measurement a simulated deploy stores: figures derived from the model (see the module comment). */
function measure(job: Job, variant: ModelDetail, board: BoardDescription, runs: number) {
  const layers = variant.layers.map((layer) => ({ index: layer.index, op: layer.op, latency: Math.round(layer.macs * instructionsPerMac + instructionsPerOp), macs: layer.macs }));
  const latency = layers.reduce((sum, layer) => sum + layer.latency, 0);
  const arenaBytes = Math.ceil(variant.summary.peakActivationBytes / 16) * 16;
  const stackBytes = 1_184;
  return {
    projectId: job.projectId,
    variantId: variant.id,
    jobId: job.id,
    kind: 'deploy' as const,
    boardId: board.id,
    latency: { value: latency, unit: board.timerUnit },
    instructionsPerMac: variant.summary.macs > 0 ? latency / variant.summary.macs : null,
    arenaBytes,
    stackBytes,
    // The model file stands in for its weights; the rest is the runtime and the generated code.
    flashBytes: variant.fileBytes + 26_112 + 1_536 * variant.layers.length,
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

/** Creates an empty fake with the catalog's boards and, optionally, some serial devices. */
export function createFakeServices(options: { serial?: SerialDevice[]; stepMilliseconds?: number } = {}): FakeServices {
  let serial = [...(options.serial ?? [])];
  let boards = catalogBoards.map((board) => describeBoard(board, serial));
  let stepMilliseconds = options.stepMilliseconds ?? 400;
  let pendingFailure: { step: DeployStepName; error: JobError } | undefined;
  const now = () => new Date().toISOString();

  const services = createSharedFake({ readModel, readDataset, boards, now, onJobQueued: (run) => void simulate(run) });
  services.setDevices({ boards, serial });

  /**
   * Walks a job through its stages on timers, after a moment in the queue (as a worker process
   * takes to start), then calls `done`; stops where a stage fails or the job ends otherwise.
   */
  function walk(run: FakeJobRun, stages: Stage[], done: () => void, startLines: string[] = []) {
    let next = 0;
    const advance = (changes: Partial<Job> = {}, lines: string[] = []) => {
      if (!run.active) return;
      if (next === stages.length) return done();
      const { step, progress, line, failure } = stages[next++];
      if (failure) return run.finish('failed', { ...changes, step, progress, error: failure }, ...lines, `${failure.name}: ${failure.message}`);
      run.update({ ...changes, step, progress }, ...lines, ...(line ? [line] : []));
      setTimeout(advance, stepMilliseconds);
    };
    setTimeout(() => advance({ status: 'running', startedAt: now() }, startLines), 50);
  }

  async function simulate(run: FakeJobRun) {
    const { job } = run;
    if (job.kind === 'evaluate' || job.kind === 'validate') {
      run.finish('failed', { error: { name: 'DatasetError', message: `dataset ${String(job.params.datasetId)}: the fake services cannot ${job.kind}` } });
      return;
    }
    const variant = await services.models.get({ variantId: String(job.params.variantId) });
    if (job.kind === 'deploy') deploy(run, variant);
    else optimize(run, variant, (await services.datasets.list({ projectId: job.projectId })).find((dataset) => dataset.id === job.params.datasetId));
  }

  /** Deploy & Profile: build, flash, each run and verify, then a measurement. */
  function deploy(run: FakeJobRun, variant: ModelDetail) {
    const { job } = run;
    const board = boards.find((candidate) => candidate.id === job.params.boardId)!;
    const runs = Number(job.params.runs);
    const failure = pendingFailure;
    pendingFailure = undefined;
    const stages: Stage[] = [
      { step: 'build', progress: 0, line: `build: generating C for ${variant.name} and compiling it for ${board.id} (simulated)` },
      { step: 'flash', progress: 0.3, line: `flash: starting ${board.name} and flashing the firmware (simulated)` },
      ...Array.from({ length: runs }, (_, index) => ({ step: 'run', progress: 0.45 + (0.4 * index) / runs, line: `run ${index + 1} of ${runs} (simulated)` })),
      { step: 'verify', progress: 0.85, line: 'verify: comparing the outputs with the host interpreter (simulated)' },
    ].map((stage) => (failure?.step === stage.step ? { ...stage, failure: failure.error } : stage));
    walk(run, stages, () => {
      const measurement = services.addMeasurement(measure(job, variant, board, runs));
      run.finish('succeeded', { progress: 1, step: 'verify', result: { measurementId: measurement.id } }, 'verify: bit-exact (simulated)');
    });
  }

  /**
   * quantize-int8: its passes and calibration, then a simulated int8 variant (the parent's
   * layers, int8, a quarter of its bytes) and, with a dataset, the accuracies of parent and
   * variant on the held-out samples (simulated figures).
   */
  function optimize(run: FakeJobRun, parent: ModelDetail, dataset: Dataset | undefined) {
    const { job } = run;
    const samples = Number(job.params.samples);
    const evaluationLimit = Number(job.params.evaluationLimit);
    const passes = ['dequantize-hybrid-weights', 'fold-constants', 'quantize-int8'];
    const stages: Stage[] = [
      ...passes.map((pass, index) => ({ progress: 0.05 + (0.6 * index) / passes.length, step: pass, line: `pass ${index + 1} of ${passes.length}: ${pass} (simulated)` })),
      ...[1, 2, 3, 4].map((quarter) => ({ progress: 0.45 + 0.05 * quarter, step: `quantize-int8: calibrating ${Math.round((samples * quarter) / 4)} of ${samples}` })),
      { progress: 0.7, step: 'evaluating parent and variant on held-out samples' },
    ];
    const start = `quantize-int8 of ${parent.name}: calibrating on ${dataset ? `the first ${samples} samples of ${dataset.name}` : `${samples} synthetic samples`} (simulated)`;
    walk(
      run,
      stages,
      () => {
        const { id: _id, createdAt: _createdAt, ...copy } = parent;
        const variant = services.addVariant({
          ...copy,
          parentId: parent.id,
          name: `${parent.name}-int8`,
          fileBytes: Math.round(parent.fileBytes / 4),
          fileHash: `sha256:${crypto.randomUUID().replace(/-/g, '')}${crypto.randomUUID().replace(/-/g, '')}`,
          origin: { kind: 'optimize', pipeline: 'quantize-int8', options: { samples, evaluationLimit, observer: 'min-max' }, calibration: { ...(dataset ? { datasetId: dataset.id } : {}), synthetic: !dataset, samples } },
          summary: { ...parent.summary, dtype: 'int8' },
          layers: parent.layers.map((layer) => ({ ...layer, outputs: layer.outputs.map((output) => ({ ...output, dtype: 'int8' })) })),
        });
        const result: Record<string, unknown> = { variantId: variant.id, parentId: parent.id, quantizeMs: 480 };
        const lines: string[] = [];
        if (dataset) {
          const held = Math.min(evaluationLimit, dataset.sampleCount - samples);
          const accuracy = (variantId: string, value: number) => services.addMeasurement({ projectId: job.projectId, variantId, jobId: job.id, kind: 'evaluate', accuracy: value, samples: held });
          const [parentMeasurement, variantMeasurement] = [accuracy(parent.id, 0.91), accuracy(variant.id, 0.905)];
          result.heldOut = { samples: held, parentAccuracy: 0.91, variantAccuracy: 0.905, parentMeasurementId: parentMeasurement.id, variantMeasurementId: variantMeasurement.id, sqnrDb: 21.4 };
          lines.push(`held-out samples (${held}): accuracy 90.50% (parent 91.00%) (simulated)`);
        }
        run.finish('succeeded', { progress: 1, step: 'done', result }, ...lines);
      },
      [start],
    );
  }

  const control: FakeControl = {
    chooseMenu: (command) => services.chooseMenu(command),
    plug(device) {
      serial = [...serial.filter((existing) => existing.path !== device.path), device];
      boards = catalogBoards.map((board) => describeBoard(board, serial));
      services.setDevices({ boards, serial });
    },
    unplug(path) {
      serial = serial.filter((existing) => existing.path !== path);
      boards = catalogBoards.map((board) => describeBoard(board, serial));
      services.setDevices({ boards, serial });
    },
    failNextDeploy(step, error) {
      pendingFailure = { step, error };
    },
    setStepMilliseconds(milliseconds) {
      stepMilliseconds = milliseconds;
    },
  };
  return Object.assign(services, { control });
}
