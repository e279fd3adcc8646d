import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import type { Job, JobService } from '../../../shared/services/types.js';
import { createDatasetService } from '../services/datasets.js';
import { createJobService } from '../services/jobs.js';
import { createModelService } from '../services/models.js';
import { ModelFileStore } from '../store/model-files.js';
import { openStore, type Store } from '../store/index.js';
import { JobHost } from './job-host.js';
import type { OptimizeJobResult } from './kinds/optimize.js';

/**
 * The optimize job through the real job host and a real worker process (src/worker run through
 * tsx): kws_ref_model_float32 quantized to int8 on the first 50 samples of the bundled kws01,
 * parent and variant evaluated on the next 100; a pass that fails; a cancel; and what the
 * service refuses before any job exists.
 */

const datasetPath = new URL('../../../../resources/datasets/kws01', import.meta.url).pathname;

let directory: string;
let store: Store;
let host: JobHost;
let jobs: JobService;
let projectId: string;
let floatId: string;
let int8Id: string;
let datasetId: string;

function jobEnds(jobId: string): Promise<Job> {
  return jobReaches(jobId, (job) => job.status !== 'queued' && job.status !== 'running');
}

function jobReaches(jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  const current = store.getJob(jobId);
  if (predicate(current)) return Promise.resolve(current);
  return new Promise((resolve) => {
    const unsubscribe = host.onJobChanged((job) => {
      if (job.id === jobId && predicate(job)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-optimize-'));
  store = openStore(join(directory, 'data'));
  host = new JobHost(store, { cancelGraceMs: 3_000 });
  jobs = createJobService(store, host);
  const models = createModelService(store, host);
  projectId = store.createProject('keyword spotting').id;
  const read = (path: string) => new Uint8Array(readFileSync(path));
  floatId = (await models.importModel({ projectId, fileName: 'kws_ref_model_float32.tflite', bytes: read(sharedModels.kws_ref_model_float32) })).id;
  int8Id = (await models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: read(sharedModels.kws_ref_model) })).id;
  datasetId = (await createDatasetService(store).add({ projectId, path: datasetPath })).id;
});

afterAll(async () => {
  await host?.close();
  store?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the optimize job in a worker process', () => {
  it('quantizes a float variant into a new int8 variant and stores both accuracies on held-out samples', async () => {
    const started = await jobs.startOptimize({ variantId: floatId, datasetId, samples: 50, evaluationLimit: 100 });
    expect(started).toMatchObject({ kind: 'optimize', status: 'queued', params: { variantId: floatId, pipeline: 'quantize-int8', datasetId, samples: 50, evaluationLimit: 100 } });
    const changes: Job[] = [];
    const unsubscribe = host.onJobChanged((job) => job.id === started.id && changes.push(job));
    const done = await jobEnds(started.id);
    unsubscribe();
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');

    // Progress per pass (a log line each) and per calibration sample (the step), only going up.
    expect(done.log).toContain('quantize-int8 of kws_ref_model_float32: calibrating on the first 50 samples of kws01');
    expect(done.log.filter((line) => /^pass \d+ of \d+: /.test(line)).at(-1)).toMatch(/^pass (\d+) of \1: quantize-int8$/);
    expect(changes.some((change) => /^quantize-int8: calibrating \d+ of \d+$/.test(change.step))).toBe(true);
    expect(changes.some((change) => change.step.startsWith('evaluating parent and variant on held-out samples'))).toBe(true);
    const fractions = changes.filter((change) => change.status === 'running').map((change) => change.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    // The new variant: derived from the float one, int8, its file stored under its own hash.
    const result = done.result as OptimizeJobResult;
    const variant = store.getVariant(result.variantId);
    expect(variant).toMatchObject({
      projectId,
      parentId: floatId,
      name: 'kws_ref_model_float32-int8',
      origin: { kind: 'optimize', pipeline: 'quantize-int8', options: { samples: 50, evaluationLimit: 100, observer: 'min-max' }, calibration: { datasetId, synthetic: false, samples: 50 } },
      summary: { dtype: 'int8' },
    });
    expect(ModelFileStore.hashOf(store.readVariantBytes(variant.id))).toBe(variant.fileHash);
    expect(store.getVariantDetail(variant.id).layers.length).toBe(variant.summary.ops);

    // Parent and variant measured on the same 100 samples that follow the calibration samples.
    const [parentMeasurement] = store.listMeasurements({ projectId, variantId: floatId });
    const [variantMeasurement] = store.listMeasurements({ projectId, variantId: variant.id });
    expect(parentMeasurement).toMatchObject({ kind: 'evaluate', jobId: done.id, samples: 100, details: { datasetId, samplesFrom: 50, role: 'parent' } });
    expect(variantMeasurement).toMatchObject({ kind: 'evaluate', jobId: done.id, samples: 100, details: { datasetId, samplesFrom: 50, role: 'variant', parentId: floatId } });
    expect(result.heldOut).toMatchObject({
      samples: 100,
      parentAccuracy: parentMeasurement.accuracy,
      variantAccuracy: variantMeasurement.accuracy,
      parentMeasurementId: parentMeasurement.id,
      variantMeasurementId: variantMeasurement.id,
    });
    // The float model gets about 90% on kws01; int8 stays within a few points of it on 100 samples.
    expect(parentMeasurement.accuracy!).toBeGreaterThan(0.8);
    expect(Math.abs(variantMeasurement.accuracy! - parentMeasurement.accuracy!)).toBeLessThanOrEqual(0.05);
    expect(result.heldOut!.sqnrDb).toBeGreaterThan(10);
    console.log(
      `optimize job: ${Math.round(Date.parse(done.finishedAt!) - Date.parse(done.startedAt!))} ms, quantize ${result.quantizeMs} ms, ` +
        `accuracy on 100 held-out samples: float ${parentMeasurement.accuracy}, int8 ${variantMeasurement.accuracy}, SQNR ${result.heldOut!.sqnrDb?.toFixed(1)} dB`,
    );
    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('fails with the pass named when a pass refuses the model, and stores nothing', async () => {
    const variants = store.listVariants(projectId).length;
    const job = await jobs.startOptimize({ variantId: int8Id, samples: 4, evaluationLimit: 4 });
    const done = await jobEnds(job.id);
    expect(done.status).toBe('failed');
    expect(done.error?.name).toBe('PassError');
    expect(done.error?.message).toMatch(/^quantize-int8: graph \S+ computes nothing in float32: it is quantized already/);
    expect(store.listVariants(projectId)).toHaveLength(variants);
    expect(store.listMeasurements({ projectId, variantId: int8Id })).toEqual([]);
  });

  it('cancels a running quantization: the job ends cancelled, no variant is made', async () => {
    const variants = store.listVariants(projectId).length;
    const job = await jobs.startOptimize({ variantId: floatId, datasetId, samples: 400, evaluationLimit: 10 });
    await jobReaches(job.id, (current) => current.step.startsWith('quantize-int8: calibrating'));
    await jobs.cancel({ jobId: job.id });
    const cancelled = store.getJob(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.log.slice(-2)).toEqual(['cancel requested', 'cancelled']);
    expect(store.listVariants(projectId)).toHaveLength(variants);
    await host.idle();
  });

  it('refuses a pipeline that does not quantize and a dataset of another project before any job exists', async () => {
    const before = store.listJobs({ projectId }).length;
    await expect(jobs.startOptimize({ variantId: floatId, pipeline: 'cleanup', datasetId })).rejects.toThrow(/pipeline "cleanup" is not a quantizing pipeline \(quantizing pipelines: .*quantize-int8/);
    const otherProject = store.createProject('other').id;
    const otherDataset = store.addDataset({ projectId: otherProject, name: 'kws01', path: datasetPath, format: 'files', sampleCount: 1000 }).id;
    await expect(jobs.startOptimize({ variantId: floatId, datasetId: otherDataset })).rejects.toThrow(/belongs to another project/);
    expect(store.listJobs({ projectId })).toHaveLength(before);
  });
});
