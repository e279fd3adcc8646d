import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { UsageError } from '../../common/errors.js';
import type { OptimizeFor } from '../../../shared/services/fields.js';
import { readModelBytes } from '../model-file.js';
import { describeModel } from '../model-summary.js';
import { openStore, type Store } from '../store/index.js';
import { variantName } from './models.js';
import { alignLayers, createCompareService, type EvaluationSummary } from './compare.js';
import { createExportService } from './export.js';
import { createGraphService, weightStats } from './graph.js';

/**
 * The comparison, graph and export services over a real store holding real models (kws_ref_model
 * and its float parent, the MLPerf Tiny ResNet-8, the int8 LSTM). Deploy measurements are
 * recorded as the deploy job records them, with figures chosen here, so every number the services
 * answer can be checked exactly.
 */

let directory: string;
let store: Store;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-compare-'));
  store = openStore(directory);
});

afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

function importFile(projectId: string, path: string, parentId?: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const fileName = path.split('/').pop()!;
  const { summary, detail } = describeModel(readModelBytes(bytes, fileName));
  return store.addVariant({
    projectId,
    name: variantName(fileName),
    ...(parentId ? { parentId, origin: { kind: 'optimize' as const, pipeline: 'quantize-int8' } } : { origin: { kind: 'import' as const, fileName } }),
    bytes,
    summary,
    detail,
  });
}

/** Records a deploy of `variantId` on virtual-m4f as the deploy job does: a deployment with its build report, then the measurement. */
function recordDeploy(projectId: string, variantId: string, figures: { latency: number; min: number; max: number; layers: number[]; ops: string[]; optimizeFor?: OptimizeFor }) {
  store.recordBoardSeen({ id: 'virtual-m4f', kind: 'virtual', name: 'Virtual Cortex-M4F' });
  const job = store.createJob({ projectId, kind: 'deploy', params: { variantId, boardId: 'virtual-m4f', runs: 3 } });
  const deployment = store.addDeployment({
    projectId,
    variantId,
    boardId: 'virtual-m4f',
    jobId: job.id,
    buildId: '0123456789abcdef',
    flashBytes: 60_000,
    ramBytes: 20_000,
    arenaBytes: 12_000,
    toolchainVersion: 'arm-none-eabi-gcc 12',
    ...(figures.optimizeFor ? { optimizeFor: figures.optimizeFor } : {}),
    build: { weightBytes: 22_000, codeBytes: 38_000, flashParts: { weights: 22_000, model: 3_000, kernels: 20_000, runtime: 9_000, startup: 5_000, other: 1_000 }, ramParts: { arena: 12_000, stack: 1_500, runtime: 6_000, other: 500 } },
  });
  return store.addMeasurement({
    projectId,
    variantId,
    jobId: job.id,
    deploymentId: deployment.id,
    kind: 'deploy',
    boardId: 'virtual-m4f',
    ...(figures.optimizeFor ? { optimizeFor: figures.optimizeFor } : {}),
    latency: { value: figures.latency, unit: 'instructions' },
    arenaBytes: 12_000,
    stackBytes: 1_500,
    flashBytes: 60_000,
    ramBytes: 20_000,
    bitExact: true,
    passed: true,
    layers: figures.layers.map((latency, index) => ({ index, op: figures.ops[index], latency, macs: 1000 * (index + 1) })),
    memoryTimeline: figures.layers.map((_, index) => ({ index, liveBytes: 1000 + index })),
    details: {
      runs: 3,
      latencyMin: figures.min,
      latencyMax: figures.max,
      runsIdentical: true,
      estimate: { cycles: 2 * figures.latency, ms: (2 * figures.latency) / 25_000, core: 'cortex-m4', cpuHz: 25_000_000, board: 'virtual-m4f', instructions: figures.latency, source: 'test' },
    },
  });
}

describe('compare service', () => {
  it('lists each variant on each board with its newest figures, and a variant never deployed with its model figures', async () => {
    const project = store.createProject('Compare');
    const parent = importFile(project.id, sharedModels.kws_ref_model_float32);
    const child = importFile(project.id, sharedModels.kws_ref_model, parent.id);
    recordDeploy(project.id, child.id, { latency: 900, min: 890, max: 950, layers: [300, 600], ops: ['CONV_2D', 'SOFTMAX'] });
    const newest = recordDeploy(project.id, child.id, { latency: 800, min: 790, max: 820, layers: [300, 500], ops: ['CONV_2D', 'SOFTMAX'] });
    const evaluations: EvaluationSummary[] = [
      { variantId: child.id, datasetId: 'd1', datasetName: 'kws01', kind: 'evaluate', samples: 100, accuracy: 0.87, createdAt: '2026-01-01T00:00:00.000Z' },
      { variantId: child.id, datasetId: 'd1', datasetName: 'kws01', kind: 'evaluate', samples: 200, accuracy: 0.9, createdAt: '2026-01-02T00:00:00.000Z' },
      { variantId: child.id, datasetId: 'd1', datasetName: 'kws01', kind: 'validate', boardId: 'virtual-m4f', samples: 20, accuracy: 0.5, createdAt: '2026-01-03T00:00:00.000Z' },
    ];
    const service = createCompareService(store, { listEvaluations: async () => evaluations });
    const { rows } = await service.table({ projectId: project.id });
    expect(rows.map((row) => [row.variantName, row.board?.id])).toEqual([
      ['kws_ref_model_float32', undefined],
      ['kws_ref_model', 'virtual-m4f'],
    ]);
    expect(rows[0].accuracy).toBeUndefined();
    expect(rows[0].macs).toBe(parent.summary.macs);
    const row = rows[1];
    expect(row.measurementId).toBe(newest.id);
    expect(row.deployCount).toBe(2);
    expect(row.accuracy).toMatchObject({ value: 0.9, samples: 200, datasetName: 'kws01' });
    expect(row.latency).toEqual({ value: 800, unit: 'instructions', min: 790, max: 820, runs: 3, cycles: 1600, milliseconds: 1600 / 25_000, cpuHz: 25_000_000, cyclesSource: 'estimate' });
    expect(row.flash).toEqual({ total: 60_000, weights: 22_000, code: 38_000, model: 3_000, kernels: 20_000, runtime: 9_000, startup: 5_000, other: 1_000 });
    expect(row.ram).toEqual({ arena: 12_000, stack: 1_500, runtime: 6_000, other: 500 });
    expect([row.arenaBytes, row.stackBytes, row.ramBytes]).toEqual([12_000, 1_500, 20_000]);
    expect(row.board).toMatchObject({ name: 'Virtual Cortex-M4F (QEMU mps2-an386)', core: 'cortex-m4' });
  });

  it('keeps the builds for code size and for speed of one variant on one board apart, each with its newest deploy', async () => {
    const project = store.createProject('Size and speed');
    const variant = importFile(project.id, sharedModels.kws_ref_model);
    recordDeploy(project.id, variant.id, { latency: 900, min: 900, max: 900, layers: [900], ops: ['CONV_2D'] });
    recordDeploy(project.id, variant.id, { latency: 800, min: 800, max: 800, layers: [800], ops: ['CONV_2D'], optimizeFor: 'size' });
    recordDeploy(project.id, variant.id, { latency: 700, min: 700, max: 700, layers: [700], ops: ['CONV_2D'], optimizeFor: 'speed' });
    const newestSpeed = recordDeploy(project.id, variant.id, { latency: 650, min: 650, max: 650, layers: [650], ops: ['CONV_2D'], optimizeFor: 'speed' });
    const { rows } = await createCompareService(store, { listEvaluations: async () => [] }).table({ projectId: project.id });
    expect(rows.map((row) => [row.board?.id, row.optimizeFor, row.latency?.value, row.deployCount])).toEqual([
      ['virtual-m4f', undefined, 900, 1],
      ['virtual-m4f', 'size', 800, 1],
      ['virtual-m4f', 'speed', 650, 2],
    ]);
    expect(rows[2].measurementId).toBe(newestSpeed.id);
  });

  it('diffs the per-layer latencies of two measurements, aligning different op lists by op type', async () => {
    const project = store.createProject('Diff');
    const parent = importFile(project.id, sharedModels.kws_ref_model_float32);
    const child = importFile(project.id, sharedModels.kws_ref_model, parent.id);
    const a = recordDeploy(project.id, parent.id, { latency: 100, min: 100, max: 100, layers: [40, 60], ops: ['CONV_2D', 'SOFTMAX'] });
    const b = recordDeploy(project.id, child.id, { latency: 50, min: 50, max: 50, layers: [5, 20, 25], ops: ['QUANTIZE', 'CONV_2D', 'SOFTMAX'] });
    const service = createCompareService(store);
    const diff = await service.layerDiff({ measurementA: a.id, measurementB: b.id });
    expect(diff.matching).toBe('aligned');
    expect(diff.a).toMatchObject({ variantName: 'kws_ref_model_float32', unit: 'instructions', total: 100 });
    expect(diff.rows.map((row) => [row.a?.op ?? null, row.b?.op ?? null, row.delta ?? null])).toEqual([
      [null, 'QUANTIZE', null],
      ['CONV_2D', 'CONV_2D', -20],
      ['SOFTMAX', 'SOFTMAX', -35],
    ]);
    const same = await service.layerDiff({ measurementA: a.id, measurementB: a.id });
    expect(same.matching).toBe('index');
    expect(same.rows.every((row) => row.delta === 0)).toBe(true);

    const evaluation = store.addMeasurement({ projectId: project.id, variantId: parent.id, jobId: store.createJob({ projectId: project.id, kind: 'evaluate', params: {} }).id, kind: 'evaluate', accuracy: 0.5, samples: 2 });
    await expect(service.layerDiff({ measurementA: a.id, measurementB: evaluation.id })).rejects.toThrow(UsageError);
    await expect(service.layerDiff({ measurementA: a.id, measurementB: evaluation.id })).rejects.toThrow(`measurement ${evaluation.id} (evaluate) has no per-layer latencies: compare two deploy measurements`);
  });

  it('aligns by longest common subsequence, keeping every op of both sides once', () => {
    const layer = (op: string, index: number) => ({ index, op, latency: index + 1, macs: 0 });
    const a = ['CONV_2D', 'RELU', 'CONV_2D', 'ADD', 'SOFTMAX'].map(layer);
    const b = ['QUANTIZE', 'CONV_2D', 'CONV_2D', 'ADD', 'SOFTMAX', 'DEQUANTIZE'].map(layer);
    const { rows } = alignLayers(a, b);
    expect(rows.filter((row) => row.a).map((row) => row.a!.index)).toEqual([0, 1, 2, 3, 4]);
    expect(rows.filter((row) => row.b).map((row) => row.b!.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.filter((row) => row.a && row.b)).toHaveLength(4);
  });
});

describe('graph service', () => {
  it('describes ResNet-8: its adds read two branches, weights carry per-channel quantization and statistics', async () => {
    const project = store.createProject('Graph');
    const variant = importFile(project.id, sharedModels.pretrainedResnet_quant);
    const graph = await createGraphService(store).get({ variantId: variant.id });
    const adds = graph.nodes.filter((node) => node.op === 'ADD');
    expect(adds.length).toBe(3);
    const producers = new Map(graph.nodes.flatMap((node) => node.outputs.map((tensor) => [tensor, node.index] as const)));
    for (const add of adds) expect(add.inputs.every((tensor) => producers.has(tensor))).toBe(true);
    const conv = graph.nodes.find((node) => node.op === 'CONV_2D')!;
    expect(conv.attrs).toMatchObject({ padding: expect.any(String), strideH: expect.any(Number), activation: expect.any(String) });
    const weights = graph.tensors[conv.inputs[1]];
    expect(weights.kind).toBe('constant');
    expect(weights.quantization!.channels).toBe(weights.shape[0]);
    expect(weights.stats!.count).toBe(weights.shape.reduce((a, b) => a * b, 1));
    expect(weights.stats!.histogram.reduce((a, b) => a + b, 0)).toBe(weights.stats!.count);
    expect(weights.stats!.min).toBeLessThan(0);
    expect(weights.stats!.max).toBeGreaterThan(0);
  });

  it('marks the LSTM state as variable tensors', async () => {
    const project = store.createProject('LSTM');
    const variant = importFile(project.id, sharedModels.trained_lstm_int8);
    const graph = await createGraphService(store).get({ variantId: variant.id });
    const lstm = graph.nodes.find((node) => node.op === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    const variables = lstm.inputs.filter((tensor) => tensor >= 0 && graph.tensors[tensor].kind === 'variable');
    expect(variables.length).toBe(2);
  });

  it('dequantizes per channel for the statistics', () => {
    const stats = weightStats({ id: 0, name: 'w', shape: [2, 2], dtype: 'int8', data: new Int8Array([1, -1, 10, 0]), quantization: { scale: [0.5, 0.1], zeroPoint: [0, 0], axis: 0 } }, 4)!;
    expect(stats.min).toBe(-0.5);
    expect(stats.max).toBe(1);
    expect(stats.zeros).toBe(0.25);
    expect(stats.mean).toBeCloseTo((0.5 - 0.5 + 1 + 0) / 4);
    // Values -0.5, 0, 0.5, 1 over [-0.5, 1] in four bins.
    expect(stats.histogram).toEqual([1, 1, 1, 1]);
  });
});

describe('export service', () => {
  it('zips the C project tinydeploy build writes, gives back the .tflite, and reports a measurement as HTML, CSV and JSON', async () => {
    const project = store.createProject('Export');
    const variant = importFile(project.id, sharedModels.kws_ref_model);
    const measurement = recordDeploy(project.id, variant.id, { latency: 800, min: 790, max: 820, layers: [300, 500], ops: ['CONV_2D', 'SOFTMAX'] });
    const service = createExportService(store);

    const zip = await service.cProject({ variantId: variant.id, boardId: 'virtual-m4f' });
    expect(zip.fileName).toBe('kws_ref_model-virtual-m4f.zip');
    const files = Object.keys(unzipSync(zip.bytes));
    for (const file of ['Makefile', 'CMakeLists.txt', 'model/model.c', 'model/model.h', 'app/main.c']) expect(files).toContain(`kws_ref_model-virtual-m4f/${file}`);
    expect(files.some((file) => file.startsWith('kws_ref_model-virtual-m4f/kernels/'))).toBe(true);
    const source = new TextDecoder().decode(unzipSync(zip.bytes)['kws_ref_model-virtual-m4f/model/model.c']);
    expect(source).toContain(variant.fileHash.slice('sha256:'.length, 'sha256:'.length + 16));

    const model = await service.model({ variantId: variant.id });
    expect(model.fileName).toBe('kws_ref_model.tflite');
    expect(Buffer.from(model.bytes).equals(readFileSync(sharedModels.kws_ref_model))).toBe(true);

    const html = new TextDecoder().decode((await service.report({ measurementId: measurement.id, format: 'html' })).bytes);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('data-chart="latency"');
    expect(html).toContain('data-chart="memory"');
    expect(html).toContain('800 instructions (median, min–max 790–820 over 3 runs)');
    // Flash and RAM by the parts the build report names.
    expect(html).toContain('58.6 KiB = weights 21.5 KiB + model 2.9 KiB + kernels 19.5 KiB + runtime 8.8 KiB + start-up 4.9 KiB + other 1000 B');
    expect(html).toContain('<title>runtime: 5.9 KiB</title>');
    const csv = new TextDecoder().decode((await service.report({ measurementId: measurement.id, format: 'csv' })).bytes);
    expect(csv.trim().split('\n')).toEqual([
      'index,op,latency_instructions,share,macs,instructions_per_mac,arena_live_bytes',
      '0,CONV_2D,300,0.375000,1000,0.3000,1000',
      '1,SOFTMAX,500,0.625000,2000,0.2500,1001',
    ]);
    const json = JSON.parse(new TextDecoder().decode((await service.report({ measurementId: measurement.id, format: 'json' })).bytes));
    expect(json.layers).toHaveLength(2);
    expect(json.measurement.latency).toMatchObject({ value: 800, min: 790, max: 820 });
    expect(json.board.id).toBe('virtual-m4f');
    // Recorded before the "optimize for" setting: the name says nothing of it.
    expect((await service.report({ measurementId: measurement.id, format: 'csv' })).fileName).toBe('kws_ref_model-virtual-m4f-report.csv');
  });

  it("names a report after the setting its build was generated for, so a build for size and one for speed download side by side", async () => {
    const project = store.createProject('Export both ways');
    const variant = importFile(project.id, sharedModels.kws_ref_model);
    const service = createExportService(store);
    const figures = { latency: 800, min: 790, max: 820, layers: [300, 500], ops: ['CONV_2D', 'SOFTMAX'] };
    const size = recordDeploy(project.id, variant.id, { ...figures, optimizeFor: 'size' });
    const speed = recordDeploy(project.id, variant.id, { ...figures, optimizeFor: 'speed' });
    const names = async (measurementId: string) => Promise.all((['html', 'csv', 'json'] as const).map(async (format) => (await service.report({ measurementId, format })).fileName));
    expect(await names(size.id)).toEqual(['kws_ref_model-virtual-m4f-size-report.html', 'kws_ref_model-virtual-m4f-size-report.csv', 'kws_ref_model-virtual-m4f-size-report.json']);
    expect(await names(speed.id)).toEqual(['kws_ref_model-virtual-m4f-speed-report.html', 'kws_ref_model-virtual-m4f-speed-report.csv', 'kws_ref_model-virtual-m4f-speed-report.json']);
  });
});
