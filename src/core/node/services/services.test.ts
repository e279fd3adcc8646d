import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { virtualM4f, realTemplate, boards } from '../../common/boards/index.js';
import { DatasetError, DeviceError, ImportError, UsageError } from '../../common/errors.js';
import { servicesSchema, validateRequest } from '../../../shared/services/schemas.js';
import type { DeviceListing, Job, Services } from '../../../shared/services/types.js';
import type { SerialPortEntry, VirtualBoardEntry } from '../devices/discovery.js';
import type { WorkerExit, WorkerPort } from '../jobs/index.js';
import { startBackend, type Backend } from './backend.js';
import { exportTflite } from '../../common/exporters/index.js';
import { mixedDepthwiseGraph } from '../../../../test/codegen/testing/mixed-depthwise.js';

/**
 * The services over a real store (SQLite in a temporary folder). Deploy & Profile runs for real:
 * kws_ref_model imported through the model service, deployed to virtual-m4f by a worker process
 * through the job host, read back through the measurement service. The other cases run the job
 * host with a stand-in worker, so they test the services, not processes.
 */

const resources = new URL('../../../../resources/', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(new URL('models/kws_ref_model.tflite', resources)));
const datasetPath = new URL('datasets/kws01', resources).pathname;

/** kws_ref_model as `tinydeploy inspect` reports it. */
const kwsFigures = { ops: 13, macs: 2_656_768, parameters: 22_604, peakActivationBytes: 16_000, dtype: 'int8' };

const virtualEntries: VirtualBoardEntry[] = boards.filter((board) => board.kind === 'virtual').map((board) => ({ board, available: true }));

/** A worker that says it is ready and then does nothing until killed. */
function idleWorker(): WorkerPort {
  const exitListeners: ((exit: WorkerExit) => void)[] = [];
  let exited = false;
  return {
    pid: 4321,
    send: () => undefined,
    onMessage: (listener) => setImmediate(() => listener({ type: 'ready', pid: 4321 })),
    onExit: (listener) => exitListeners.push(listener),
    kill: () =>
      setImmediate(() => {
        if (exited) return;
        exited = true;
        for (const listener of exitListeners) listener({ code: null, signal: 'SIGKILL' });
      }),
  };
}

let directory: string;

/** Expects `promise` to reject with an error of `errorClass` and exactly `message`. */
async function rejectsWith(promise: Promise<unknown>, errorClass: new (...args: never[]) => Error, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(errorClass);
  expect((error as Error).message).toBe(message);
}

function jobEnds(services: Services, jobId: string): Promise<Job> {
  return new Promise((resolve) => {
    const unsubscribe = services.jobs.onJobChanged((job) => {
      if (job.id === jobId && !['queued', 'running'].includes(job.status)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

describe('services with a stand-in worker', () => {
  let backend: Backend;
  let services: Services;
  let serialPorts: SerialPortEntry[];
  /** How many times the device service has listed the serial ports. */
  let serialListings: number;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-services-'));
    serialPorts = [];
    serialListings = 0;
    backend = startBackend({
      dataDirectory: join(directory, 'data'),
      jobs: { launchWorker: idleWorker, cancelGraceMs: 20 },
      devices: { pollIntervalMs: 10, listSerialPorts: async () => (serialListings++, serialPorts), listVirtualBoards: async () => virtualEntries },
    });
    services = backend.services;
  });

  afterEach(async () => {
    await backend.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('projects: create, list, rename, remove; names are trimmed and must not be empty', async () => {
    const project = await services.projects.create({ name: '  keyword spotting ' });
    expect(project).toMatchObject({ name: 'keyword spotting', variantCount: 0 });
    await services.models.importModel({ projectId: project.id, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    expect(await services.projects.list()).toEqual([expect.objectContaining({ id: project.id, variantCount: 1 })]);
    expect((await services.projects.rename({ id: project.id, name: 'KWS' })).name).toBe('KWS');
    await rejectsWith(services.projects.create({ name: '   ' }), UsageError, 'project name must not be empty');
    await expect(services.projects.rename({ id: 'p-404', name: 'x' })).rejects.toThrow('project p-404 not found');
    await services.projects.remove({ id: project.id });
    expect(await services.projects.list()).toEqual([]);
    expect(backend.store.modelFiles.list()).toEqual([]);
    await expect(services.projects.remove({ id: project.id })).rejects.toThrow(`project ${project.id} not found`);
  });

  it('models: an import is analysed as inspect does, its bytes kept; bad bytes are an ImportError naming the file', async () => {
    const { id: projectId } = await services.projects.create({ name: 'p' });
    const variant = await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    expect(variant).toMatchObject({ projectId, parentId: null, name: 'kws_ref_model', origin: { kind: 'import', fileName: 'kws_ref_model.tflite' }, fileBytes: modelBytes.length, summary: kwsFigures });
    expect(variant.fileHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([...backend.store.readVariantBytes(variant.id)]).toEqual([...modelBytes]);

    const detail = await services.models.get({ variantId: variant.id });
    expect(detail.inputs).toEqual([{ name: expect.any(String), shape: [1, 49, 10, 1], dtype: 'int8' }]);
    expect(detail.outputs).toEqual([{ name: expect.any(String), shape: [1, 12], dtype: 'int8' }]);
    expect(detail.layers.map((layer) => layer.op)).toEqual([
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'CONV_2D',
      'AVERAGE_POOL_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
    expect(detail.layers.reduce((sum, layer) => sum + layer.macs, 0)).toBe(kwsFigures.macs);
    expect(detail.layers[0]).toMatchObject({ index: 0, inputs: [{ tensor: expect.any(Number), shape: [1, 49, 10, 1], dtype: 'int8' }], parameters: expect.any(Number) });
    expect(Math.max(...detail.layers.map((layer) => layer.liveBytes))).toBe(kwsFigures.peakActivationBytes);
    expect(await services.models.list({ projectId })).toEqual([variant]);

    const truncated = modelBytes.slice(0, 20_000);
    await rejectsWith(
      services.models.importModel({ projectId, fileName: 'truncated.tflite', bytes: truncated }),
      ImportError,
      'truncated.tflite: tflite: operator codes: read of 4 bytes at offset 53808 is outside the file (20000 bytes) (file truncated or corrupt)',
    );
    const error = await services.models.importModel({ projectId, fileName: 'notes.txt', bytes: new TextEncoder().encode('hello') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toMatch(/^notes\.txt: not a model TinyDeploy can read \(5 bytes, starting 68 65 6c 6c 6f\)/);
    expect(await services.models.list({ projectId })).toHaveLength(1);
    expect(backend.store.modelFiles.list()).toEqual([variant.fileHash]);

    await services.models.remove({ variantId: variant.id });
    expect(await services.models.list({ projectId })).toEqual([]);
    await expect(services.models.get({ variantId: variant.id })).rejects.toThrow(`variant ${variant.id} not found`);
    await expect(services.models.list({ projectId: 'p-404' })).rejects.toThrow('project p-404 not found');
  });

  it('models: the same file imported twice is the variant the project has, not a duplicate; variants are renamed with the names’ limits', async () => {
    const { id: projectId } = await services.projects.create({ name: 'p' });
    const first = await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    const again = await services.models.importModel({ projectId, fileName: 'copy of kws.tflite', bytes: modelBytes });
    expect(again).toEqual(first);
    expect(await services.models.list({ projectId })).toHaveLength(1);
    // Another project gets its own variant of the same bytes (one file on disk).
    const { id: otherId } = await services.projects.create({ name: 'q' });
    const other = await services.models.importModel({ projectId: otherId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    expect(other.id).not.toBe(first.id);
    expect(backend.store.modelFiles.list()).toEqual([first.fileHash]);

    const renamed = await services.models.rename({ variantId: first.id, name: '  kws, int8 baseline ' });
    expect(renamed).toEqual({ ...first, name: 'kws, int8 baseline' });
    expect((await services.models.list({ projectId }))[0]!.name).toBe('kws, int8 baseline');
    await rejectsWith(services.models.rename({ variantId: first.id, name: ' ' }), UsageError, 'variant name must not be empty');
    expect(() => validateRequest(servicesSchema, 'models', 'rename', { variantId: first.id, name: 'x'.repeat(339) })).toThrow(/at most 200 characters/);
    await expect(services.models.rename({ variantId: 'v-404', name: 'x' })).rejects.toThrow('variant v-404 not found');
  });

  it('datasets: a dataset folder is read and referenced; anything else is refused naming it', async () => {
    const { id: projectId } = await services.projects.create({ name: 'p' });
    const dataset = await services.datasets.add({ projectId, path: datasetPath });
    expect(dataset).toMatchObject({ projectId, name: 'kws01', path: datasetPath.replace(/\/$/, ''), format: 'files', sampleCount: 1000 });
    expect((await services.datasets.add({ projectId, path: datasetPath, name: ' samples ' })).name).toBe('samples');
    await expect(services.datasets.add({ projectId, path: join(directory, 'nothing') })).rejects.toThrow(DatasetError);
    // Missing, a file, a folder without dataset.json: one message, so that a browser-mode client
    // cannot use datasets.add to learn which paths exist on the machine.
    const notAFolder = (path: string) => `dataset ${basename(path)}: ${path} is not a readable dataset folder (a folder holding a readable dataset.json)`;
    for (const path of [join(directory, 'nothing'), join(directory, 'nothing', 'deeper'), '/etc/passwd', '/etc/passwd/x', directory]) {
      await expect(services.datasets.add({ projectId, path })).rejects.toMatchObject({ name: 'DatasetError', message: notAFolder(path) });
    }
    expect(await services.datasets.list({ projectId })).toHaveLength(2);
    await services.datasets.remove({ datasetId: dataset.id });
    expect(await services.datasets.list({ projectId })).toHaveLength(1);
    await expect(services.datasets.remove({ datasetId: dataset.id })).rejects.toThrow(`dataset ${dataset.id} not found`);
  });

  it('jobs: refuses what cannot work before queueing it, with the thing named', async () => {
    const { id: projectId } = await services.projects.create({ name: 'p' });
    const { id: otherProjectId } = await services.projects.create({ name: 'other' });
    const variant = await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    const foreignDataset = await services.datasets.add({ projectId: otherProjectId, path: datasetPath });
    await expect(services.jobs.startDeploy({ variantId: 'v-404', boardId: 'virtual-m4f' })).rejects.toThrow('variant v-404 not found');
    await expect(services.jobs.startDeploy({ variantId: variant.id, boardId: 'nucleo' })).rejects.toThrow(DeviceError);
    await expect(services.jobs.startDeploy({ variantId: variant.id, boardId: 'nucleo' })).rejects.toThrow(/^unknown board "nucleo"; known boards: virtual-m4f/);
    await rejectsWith(
      services.jobs.startDeploy({ variantId: variant.id, boardId: realTemplate.id }),
      DeviceError,
      'board real-template is real hardware that TinyDeploy cannot start a GDB server for: start OpenOCD for it and give its address (--gdb-server localhost:3333)',
    );
    // Ranges are checked once, by the request's schema where it enters the serving process (shared/services/job-kinds.ts).
    expect(() => validateRequest(servicesSchema, 'jobs', 'startDeploy', { variantId: variant.id, boardId: 'virtual-m4f', runs: 0 })).toThrow('runs must be a whole number from 1 to 1000, got 0');
    await expect(services.jobs.startEvaluate({ variantId: variant.id, datasetId: foreignDataset.id })).rejects.toThrow(
      `dataset ${foreignDataset.id} (kws01) belongs to another project than variant ${variant.id} (kws_ref_model)`,
    );
    await expect(services.jobs.startEvaluate({ variantId: variant.id, datasetId: 'd-404' })).rejects.toThrow('dataset d-404 not found');
    await expect(services.jobs.get({ jobId: 'j-404' })).rejects.toThrow('job j-404 not found');
    await expect(services.jobs.cancel({ jobId: 'j-404' })).rejects.toThrow('job j-404 not found');
    expect(await services.jobs.list({})).toEqual([]);
  });

  it('jobs: start, list, cancel; removing a variant or a project stops its jobs first', async () => {
    const { id: projectId } = await services.projects.create({ name: 'p' });
    const variant = await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    const dataset = await services.datasets.add({ projectId, path: datasetPath });
    const changes: Job[] = [];
    const unsubscribe = services.jobs.onJobChanged((job) => changes.push(job));
    const deploy = await services.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f', runs: 3 });
    expect(deploy).toMatchObject({ projectId, kind: 'deploy', status: 'queued', params: { variantId: variant.id, boardId: 'virtual-m4f', runs: 3 } });
    const evaluate = await services.jobs.startEvaluate({ variantId: variant.id, datasetId: dataset.id, limit: 10 });
    expect(evaluate.params).toEqual({ variantId: variant.id, datasetId: dataset.id, limit: 10 });
    expect((await services.jobs.list({ projectId })).map((job) => job.id)).toEqual([evaluate.id, deploy.id]);
    expect(await services.jobs.list({ projectId: 'p-404' }).catch((error: Error) => error.message)).toBe('project p-404 not found');

    await services.jobs.cancel({ jobId: evaluate.id });
    expect((await services.jobs.get({ jobId: evaluate.id })).status).toBe('cancelled');
    expect((await services.jobs.get({ jobId: deploy.id })).status).toBe('running');

    // The stand-in worker ignores the cancel: the host kills it after the grace period.
    await services.models.remove({ variantId: variant.id });
    expect(changes.filter((job) => job.id === deploy.id).at(-1)!.status).toBe('cancelled');
    unsubscribe();

    const next = await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    const running = await services.jobs.startDeploy({ variantId: next.id, boardId: 'virtual-m4f' });
    // Removed while its job runs (a trigger, not a guessed delay): the job goes with the project.
    await vi.waitFor(async () => expect((await services.jobs.get({ jobId: running.id })).status).toBe('running'), { timeout: 5_000 });
    await services.projects.remove({ id: projectId });
    expect(backend.store.listJobs()).toEqual([]);
    expect(await services.projects.list()).toEqual([]);
  });

  it('devices: catalog boards with what can deploy, serial devices by USB id, and a poller that announces plug and unplug', async () => {
    const listing = await services.devices.list();
    expect(listing.boards.map((board) => [board.id, board.kind, board.deployable])).toEqual([
      ['virtual-m4f', 'virtual', true],
      ['virtual-m7', 'virtual', true],
      ['virtual-m55', 'virtual', true],
      ['real-template', 'real', false],
      ['virtual-stm32f405', 'virtual', true],
      ['nucleo-l4r5zi', 'real', false],
      ['nucleo-f446re', 'real', false],
      ['nucleo-h743zi2', 'real', false],
      ['stm32f746g-disco', 'real', false],
      ['nrf52840-dk', 'real', false],
      ['rpi-pico', 'real', false],
      ['rpi-pico2', 'real', false],
    ]);
    expect(listing.boards[0]).toEqual({
      id: 'virtual-m4f',
      name: virtualM4f.name,
      kind: 'virtual',
      core: 'cortex-m4',
      flashBytes: 4 * 1024 * 1024,
      ramBytes: 4 * 1024 * 1024,
      timerUnit: 'instructions',
      cpuHz: virtualM4f.cpuHz,
      deployable: true,
    });
    expect(listing.boards[3]).toMatchObject({ timerUnit: 'cycles', reason: 'board real-template is real hardware that TinyDeploy cannot start a GDB server for: start OpenOCD for it and give its address (--gdb-server localhost:3333)' });
    expect(listing.boards[6]).toMatchObject({ id: 'nucleo-f446re', reason: 'not plugged in: no serial port of its probe (ST-LINK/V2-1)' });
    expect(listing.serial).toEqual([]);

    // The poller (every 10 ms here) runs on a faked clock: what it announces follows from the
    // polls that happened, not from how many fit in a sleep on this machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const announced: DeviceListing[] = [];
      const unsubscribe = services.devices.onDevicesChanged((current) => announced.push(current));
      const listedBefore = serialListings;
      await vi.advanceTimersByTimeAsync(50);
      expect(serialListings).toBeGreaterThanOrEqual(listedBefore + 5);
      expect(announced).toEqual([]);
      serialPorts = [{ path: '/dev/ttyACM0', vendorId: '0d28', productId: '0204', serialNumber: 'A1', manufacturer: 'Arm', boards: [realTemplate], probe: { vendorId: '0d28', productId: '0204', name: 'Arm DAPLink CMSIS-DAP' } }];
      await vi.advanceTimersByTimeAsync(10);
      expect(announced).toHaveLength(1);
      expect(announced[0].serial).toEqual([
        { path: '/dev/ttyACM0', vendorId: '0d28', productId: '0204', manufacturer: 'Arm', serialNumber: 'A1', boardIds: ['real-template'], probe: 'Arm DAPLink CMSIS-DAP' },
      ]);
      expect(backend.store.listBoardsSeen()).toEqual([expect.objectContaining({ id: 'usb:0d28:0204:A1', kind: 'serial', name: 'real-template' })]);
      serialPorts = [];
      await vi.advanceTimersByTimeAsync(10);
      expect(announced.map((current) => current.serial.length)).toEqual([1, 0]);

      // Nobody listens: the poller stops, and lists nothing more however long it waits.
      unsubscribe();
      serialPorts = [{ path: '/dev/ttyUSB0', boards: [] }];
      const listedAtUnsubscribe = serialListings;
      await vi.advanceTimersByTimeAsync(1_000);
      expect(serialListings).toBe(listedAtUnsubscribe);
      expect(announced).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
    expect((await services.devices.list()).serial).toEqual([{ path: '/dev/ttyUSB0', boardIds: [] }]);
  });

  it('measurements: an unknown project or variant is named', async () => {
    await expect(services.measurements.list({ projectId: 'p-404' })).rejects.toThrow('project p-404 not found');
    const { id: projectId } = await services.projects.create({ name: 'p' });
    expect(await services.measurements.list({ projectId })).toEqual([]);
    await expect(services.measurements.list({ projectId, variantId: 'v-404' })).rejects.toThrow('variant v-404 not found');
  });
});

describe('Deploy & Profile through the services, in a worker process', () => {
  let backend: Backend;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-deploy-job-'));
    backend = startBackend({ dataDirectory: join(directory, 'data') });
  });

  afterAll(async () => {
    await backend.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('deploys kws_ref_model to virtual-m4f and stores a bit-exact measurement with per-layer figures and the arena timeline', async () => {
    const { services } = backend;
    const { id: projectId } = await services.projects.create({ name: 'keyword spotting' });
    const variant = await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes });
    const steps = new Set<string>();
    const unsubscribe = services.jobs.onJobChanged((job) => steps.add(job.step));
    const job = await services.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f', runs: 2 });
    const done = await jobEnds(services, job.id);
    unsubscribe();
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(['build', 'flash', 'run 1 of 2', 'run 2 of 2', 'verify'].every((step) => steps.has(step))).toBe(true);
    expect(done.log.some((line) => line.startsWith('build: generating C for kws_ref_model'))).toBe(true);
    expect(done.log.some((line) => line.startsWith('flash: starting Virtual Cortex-M4F'))).toBe(true);
    expect(done.log).toContain('verify: bit-exact');

    const [measurement] = await services.measurements.list({ projectId, variantId: variant.id });
    expect(measurement).toMatchObject({
      projectId,
      variantId: variant.id,
      jobId: job.id,
      kind: 'deploy',
      boardId: 'virtual-m4f',
      latency: { unit: 'instructions' },
      bitExact: true,
      passed: true,
      boardFlashBytes: virtualM4f.memory.flash.size,
      boardRamBytes: virtualM4f.memory.ram.size,
    });
    expect(measurement.latency!.milliseconds).toBeUndefined();
    expect(measurement.latency!.value).toBeGreaterThan(kwsFigures.macs);
    expect(measurement.instructionsPerMac).toBeCloseTo(measurement.latency!.value / kwsFigures.macs, 9);
    expect(measurement).not.toHaveProperty('details');
    // Beside the instructions, cycles and ms estimated for the board's own core and clock.
    expect(measurement.estimate).toMatchObject({ board: 'virtual-m4f', core: 'cortex-m4', cpuHz: virtualM4f.cpuHz });
    expect(Math.abs(measurement.estimate!.instructions - measurement.latency!.value)).toBeLessThan(400);
    // Two runs on QEMU: the same instruction count and the same output both times.
    expect(measurement.runs).toEqual({ count: 2, min: measurement.latency!.value, max: measurement.latency!.value, identical: true });
    expect(measurement).not.toHaveProperty('firstDifference');
    // Flash and RAM by part, adding up to the totals shown beside them.
    const { flash, ram } = measurement.memory!;
    expect(flash.weights + flash.model + flash.kernels + flash.runtime + flash.startup + flash.other).toBe(measurement.flashBytes);
    expect(ram.arena + ram.stack + ram.runtime + ram.other).toBe(measurement.ramBytes);
    expect(ram.arena).toBe(measurement.arenaBytes);
    const layers = measurement.layers!;
    expect(layers.map((layer) => layer.index)).toEqual([...Array(13).keys()]);
    expect(layers.reduce((sum, layer) => sum + layer.macs, 0)).toBe(kwsFigures.macs);
    expect(layers.filter((layer) => layer.op === 'CONV_2D').every((layer) => layer.latency > 0)).toBe(true);
    expect(layers.reduce((sum, layer) => sum + layer.latency, 0)).toBeLessThanOrEqual(measurement.latency!.value);
    const timeline = measurement.memoryTimeline!;
    expect(timeline.map((point) => point.index)).toEqual([...Array(13).keys()]);
    expect(Math.max(...timeline.map((point) => point.liveBytes))).toBeLessThanOrEqual(measurement.arenaBytes!);
    expect(timeline[0].liveBytes).toBeGreaterThanOrEqual(490 + 8000);
    expect(measurement.flashBytes).toBeGreaterThan(24_376);
    expect(measurement.stackBytes).toBeGreaterThan(0);
    expect(measurement.ramBytes).toBeGreaterThanOrEqual(measurement.arenaBytes!);

    const [deployment] = backend.store.listDeployments(variant.id);
    expect(deployment).toMatchObject({ boardId: 'virtual-m4f', jobId: job.id, flashBytes: measurement.flashBytes, arenaBytes: measurement.arenaBytes, ramBytes: measurement.ramBytes });
    expect(deployment.toolchainVersion).toMatch(/arm-none-eabi-gcc/);
    expect(deployment.buildId).not.toBe('');
    expect(done.result).toEqual({
      measurementId: measurement.id,
      deploymentId: deployment.id,
      boardId: 'virtual-m4f',
      latency: measurement.latency,
      bitExact: true,
      passed: true,
    });
    expect(backend.store.listBoardsSeen().map((board) => board.id)).toEqual(['virtual-m4f']);
    // Built for the project's setting, size by default, and recorded so.
    expect(measurement.optimizeFor).toBe('size');
    expect(deployment.optimizeFor).toBe('size');
    expect(done.params).toMatchObject({ optimizeFor: 'size' });
  });

  it("deploys with the project's \"optimize for\" setting, or the request's: a model of mixed depthwise layers links three kernels for speed, one for size, bit-exact both ways", async () => {
    const { services } = backend;
    const { id: projectId } = await services.projects.create({ name: 'mixed depthwise' });
    expect((await services.projects.setOptimizeFor({ id: projectId, optimizeFor: 'speed' })).optimizeFor).toBe('speed');
    const variant = await services.models.importModel({ projectId, fileName: 'mixed_depthwise.tflite', bytes: exportTflite(mixedDepthwiseGraph()) });
    const speedJob = await services.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f' });
    expect(speedJob.params).toMatchObject({ optimizeFor: 'speed' });
    const speedDone = await jobEnds(services, speedJob.id);
    expect(speedDone.status, speedDone.log.join('\n')).toBe('succeeded');
    expect(speedDone.log.some((line) => line.endsWith('optimized for speed'))).toBe(true);
    const sizeJob = await services.jobs.startDeploy({ variantId: variant.id, boardId: 'virtual-m4f', optimizeFor: 'size' });
    expect(sizeJob.params).toMatchObject({ optimizeFor: 'size' });
    expect((await jobEnds(services, sizeJob.id)).status).toBe('succeeded');
    const [speed, size] = await services.measurements.list({ projectId, variantId: variant.id });
    expect([speed!.optimizeFor, size!.optimizeFor]).toEqual(['speed', 'size']);
    expect([speed!.bitExact, size!.bitExact]).toEqual([true, true]);
    expect(speed!.latency!.value).toBeLessThan(size!.latency!.value);
    expect(speed!.memory!.flash.kernels).toBeGreaterThan(size!.memory!.flash.kernels);
    expect(backend.store.listDeployments(variant.id).map((deployment) => deployment.optimizeFor)).toEqual(['speed', 'size']);
    // The project keeps its setting.
    expect((await services.projects.list()).find((project) => project.id === projectId)!.optimizeFor).toBe('speed');
  });
});
