import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import type { Job, JobService } from '../../../shared/services/types.js';
import { createDatasetService } from '../services/datasets.js';
import { createJobService } from '../services/jobs.js';
import { createModelService } from '../services/models.js';
import { openStore, type Store } from '../store/index.js';
import { JobHost } from './job-host.js';
import type { OptimizeJobResult } from './kinds/optimize.js';

/**
 * A training optimize job through the real job host and a worker process: the MNIST LSTM pruned
 * to half its hidden units and fine-tuned a few seeded steps on the first 80% of MNIST, the
 * variant and both held-out accuracies stored; a cancel in the middle of training; what the
 * service refuses before a job exists.
 */

let directory: string;
let store: Store;
let host: JobHost;
let jobs: JobService;
let projectId: string;
let lstmId: string;
let datasetId: string;

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

const ended = (job: Job) => job.status !== 'queued' && job.status !== 'running';

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-train-job-'));
  store = openStore(join(directory, 'data'));
  host = new JobHost(store, { cancelGraceMs: 3_000 });
  jobs = createJobService(store, host);
  projectId = store.createProject('digits').id;
  lstmId = (await createModelService(store, host).importModel({ projectId, fileName: 'trained_lstm.tflite', bytes: new Uint8Array(readFileSync(sharedModels.trained_lstm)) })).id;
  datasetId = (await createDatasetService(store).add({ projectId, path: sharedPath('datasets/mnist') })).id;
});

afterAll(async () => {
  await host?.close();
  store?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('a training optimize job in a worker process', () => {
  it('prunes and fine-tunes the LSTM: a smaller variant, parent and variant accuracy on the held-out fifth, progress per step and epoch', async () => {
    const started = await jobs.startOptimize({ variantId: lstmId, datasetId, passes: ['prune-channels', 'finetune'], ratioPercent: 50, epochs: 1, maxSteps: 4, seed: 3 });
    expect(started.params).toMatchObject({ training: { passes: ['prune-channels', 'finetune'], holdout: 0.2, ratio: 0.5, epochs: 1, maxSteps: 4, seed: 3 } });
    const steps: string[] = [];
    const unsubscribe = host.onJobChanged((job) => job.id === started.id && steps.push(job.step));
    const done = await jobReaches(started.id, ended);
    unsubscribe();
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.log.some((line) => /^train: tfjs back end (wasm|tensorflow|cpu)/.test(line))).toBe(true);
    expect(done.log).toContain('train: dataset mnist: training on samples 0-7199, validation 7200-7999, held out 8000-9999 (never trained on)');
    expect(done.log.some((line) => /^finetune: epoch 1\/1: loss \d+\.\d+, validation accuracy \d+\.\d\d%/.test(line))).toBe(true);
    expect(steps.some((step) => /^finetune: epoch 1\/1 step \d+\/\d+ loss \d+\.\d+$/.test(step))).toBe(true);
    const result = done.result as OptimizeJobResult;
    expect(result.training).toMatchObject({ params: { before: 9530, after: 4370 }, epochs: 1, heldOutSamples: 2000, accuracy: { before: 0.9925 } });
    const variant = store.getVariant(result.variantId);
    expect(variant).toMatchObject({ parentId: lstmId, name: 'trained_lstm-prune-channels-finetune', origin: { kind: 'optimize', pipeline: 'prune-channels,finetune' } });
    expect(variant.summary.parameters).toBe(4370);
    const measured = store.listMeasurements({ projectId, variantId: variant.id });
    expect(measured).toHaveLength(1);
    expect(measured[0]).toMatchObject({ kind: 'evaluate', samples: 2000, accuracy: result.training!.accuracy.after });
  });

  it('cancels during training: the job ends cancelled and makes no variant', async () => {
    const variants = store.listVariants(projectId).length;
    const job = await jobs.startOptimize({ variantId: lstmId, datasetId, passes: ['finetune'], epochs: 50 });
    await jobReaches(job.id, (current) => current.step.startsWith('finetune: epoch 1/50 step') || ended(current));
    await jobs.cancel({ jobId: job.id });
    const cancelled = store.getJob(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(store.listVariants(projectId)).toHaveLength(variants);
    await host.idle();
  });

  it('a job cancelled after its training and started again resumes from its checkpoint and makes the model an uninterrupted job makes', async () => {
    // A few steps, cancelled while the variant is evaluated: the checkpoint holds the finished training.
    const request = { variantId: lstmId, datasetId, passes: ['finetune'], epochs: 1, maxSteps: 3, seed: 5 };
    const run = async (cancelAt?: RegExp) => {
      const job = await jobs.startOptimize(request);
      if (cancelAt) {
        await jobReaches(job.id, (current) => cancelAt.test(current.step) || ended(current));
        await jobs.cancel({ jobId: job.id });
        await host.idle();
        return store.getJob(job.id);
      }
      return jobReaches(job.id, ended);
    };
    const uninterrupted = await run();
    expect(uninterrupted.status, uninterrupted.log.join('\n')).toBe('succeeded');
    const checkpoints = join(directory, 'data', 'checkpoints');
    expect(readdirSync(checkpoints)).toEqual([]);
    const cancelled = await run(/^evaluating variant/);
    expect(cancelled.status).toBe('cancelled');
    expect(readdirSync(checkpoints)).toHaveLength(1);
    const resumed = await run();
    expect(resumed.status, resumed.log.join('\n')).toBe('succeeded');
    expect(resumed.log).toContain('finetune: resumed from the checkpoint after epoch 1');
    expect(resumed.log.filter((line) => line.startsWith('finetune: epoch '))).toHaveLength(0);
    const [first, again] = [uninterrupted, resumed].map((job) => store.getVariant((job.result as OptimizeJobResult).variantId));
    expect(again.fileHash).toBe(first.fileHash);
    expect(readdirSync(checkpoints)).toEqual([]);
  }, 400_000);

  it('streams the dataset from disk when asked, and stores the model the same job trained in memory stores', async () => {
    const request = { variantId: lstmId, datasetId, passes: ['finetune'], epochs: 1, maxSteps: 3, seed: 6 };
    const run = async (stream: 'on' | 'off') => jobReaches((await jobs.startOptimize({ ...request, stream })).id, ended);
    const streamed = await run('on');
    expect(streamed.status, streamed.log.join('\n')).toBe('succeeded');
    expect(streamed.params).toMatchObject({ training: { stream: true } });
    expect(streamed.log).toContain('train: dataset streamed from disk in batches: streaming asked for');
    expect(streamed.log.some((line) => /^train: at most \d+ bytes of samples held at once/.test(line))).toBe(true);
    const inMemory = await run('off');
    expect(inMemory.log).toContain('train: dataset held in memory: streaming turned off');
    const [fromDisk, fromMemory] = [streamed, inMemory].map((job) => job.result as OptimizeJobResult);
    expect(fromDisk.training).toEqual(fromMemory.training ? { ...fromMemory.training, wallMs: fromDisk.training!.wallMs } : undefined);
    expect(store.getVariant(fromDisk.variantId).fileHash).toBe(store.getVariant(fromMemory.variantId).fileHash);
  }, 400_000);

  it('refuses a training job without a dataset, with unknown passes or two pruning targets', async () => {
    await expect(jobs.startOptimize({ variantId: lstmId, passes: ['finetune'] })).rejects.toThrow('needs a dataset');
    await expect(jobs.startOptimize({ variantId: lstmId, datasetId, passes: ['fine-tune'] })).rejects.toThrow('unknown pass "fine-tune"');
    await expect(jobs.startOptimize({ variantId: lstmId, datasetId, passes: ['cleanup'] })).rejects.toThrow(/unknown pass "cleanup"|none of them trains/);
    await expect(jobs.startOptimize({ variantId: lstmId, datasetId, passes: ['prune-channels'], ratioPercent: 10, targetParams: 100 })).rejects.toThrow('give one of');
  });
});
