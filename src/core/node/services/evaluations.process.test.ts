import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Services } from '../../../shared/services/types.js';
import { requireTools } from '../../../../test/testing/tools.js';
import { virtualBoardTestsUnavailable } from '../devices/qemu/testing/qemu.js';
import { startBackend, type Backend } from './backend.js';

/**
 * Evaluate and Validate as the app runs them: jobs through the services, in worker processes,
 * recorded in the store's evaluations and read back through the evaluation service. Validate
 * builds for and runs on virtual-m4f (QEMU).
 */

const resources = new URL('../../../../resources/', import.meta.url);
const modelBytes = new Uint8Array(readFileSync(new URL('models/kws_ref_model.tflite', resources)));
const datasetPath = new URL('datasets/kws01', resources).pathname;

let directory: string;
let backend: Backend;
let services: Services;
let projectId: string;
let variantId: string;
let datasetId: string;

function jobEnds(jobId: string, onChange: (job: Job) => void = () => undefined): Promise<Job> {
  return new Promise((resolve) => {
    const unsubscribe = services.jobs.onJobChanged((job) => {
      if (job.id !== jobId) return;
      onChange(job);
      if (['succeeded', 'failed', 'cancelled', 'interrupted'].includes(job.status)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-evaluations-'));
  backend = startBackend({ dataDirectory: join(directory, 'data') });
  services = backend.services;
  projectId = (await services.projects.create({ name: 'keyword spotting' })).id;
  variantId = (await services.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes: modelBytes })).id;
  datasetId = (await services.datasets.add({ projectId, path: datasetPath })).id;
});

afterAll(async () => {
  await backend.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('evaluations through the services', () => {
  it('an evaluate job stores accuracy, confusion matrix, per-class precision/recall and top-k', async () => {
    const job = await services.jobs.startEvaluate({ variantId, datasetId, limit: 100 });
    const done = await jobEnds(job.id);
    expect(done.status, done.log.join('\n')).toBe('succeeded');
    const [evaluation] = await services.evaluations.list({ projectId, variantId });
    expect(evaluation).toMatchObject({ kind: 'evaluate', variantId, datasetId, datasetName: 'kws01', jobId: job.id, samples: 100 });
    const report = evaluation.evaluation!;
    expect(evaluation.accuracy).toBe(report.accuracy);
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100);
    expect(report.perClass).toHaveLength(12);
    // Supports are the confusion matrix's rows; recall is the diagonal over them.
    report.perClass.forEach((entry, k) => {
      expect(entry.support).toBe(report.confusion[k].reduce((a, b) => a + b, 0));
      if (entry.recall !== null) expect(entry.recall).toBeCloseTo(report.confusion[k][k] / entry.support, 12);
    });
    expect(report.topK.map((entry) => entry.k)).toEqual([1, 2, 3, 5]);
    expect(report.topK[0].correct).toBe(report.correct);
    // Top-k never falls as k grows.
    for (let i = 1; i < report.topK.length; i++) expect(report.topK[i].correct).toBeGreaterThanOrEqual(report.topK[i - 1].correct);
    expect(done.result).toMatchObject({ evaluationId: evaluation.id });
  }, 120_000);

  describe('validate on virtual-m4f', () => {
    requireTools(virtualBoardTestsUnavailable());

    it('20 kws01 samples: 20 of 20 identical, stored with the board, both accuracies and the "optimize for" setting it was built with, progress per sample', async () => {
      const steps = new Set<string>();
      // Built for the project's setting: speed here, so that the size default cannot pass for it.
      await services.projects.setOptimizeFor({ id: projectId, optimizeFor: 'speed' });
      const job = await services.jobs.startValidate({ variantId, boardId: 'virtual-m4f', datasetId, samples: 20 });
      await services.projects.setOptimizeFor({ id: projectId, optimizeFor: 'size' });
      expect(job.params).toEqual({ variantId, boardId: 'virtual-m4f', datasetId, samples: 20, optimizeFor: 'speed' });
      const done = await jobEnds(job.id, (changed) => steps.add(changed.step));
      expect(done.status, done.log.join('\n')).toBe('succeeded');
      expect(steps).toContain('build');
      // Progress without log lines is coalesced: some of the samples' steps arrive, not necessarily the last.
      expect([...steps].some((step) => /^sample \d+ of 20: \d+ identical$/.test(step))).toBe(true);
      expect(done.log.some((line) => line.startsWith('20 of 20 samples byte-identical; max |Δ| 0.00, '))).toBe(true);
      expect(done.log.filter((line) => line.startsWith('validating '))).toEqual([expect.stringMatching(/ against the host: 20 samples of kws01, optimized for speed$/)]);
      const validation = (await services.evaluations.list({ projectId })).find((entry) => entry.kind === 'validate')!;
      expect(validation).toMatchObject({ kind: 'validate', boardId: 'virtual-m4f', samples: 20, accuracy: 0.9, datasetName: 'kws01' });
      expect(validation.validation).toMatchObject({ boardId: 'virtual-m4f', samples: 20, equal: 20, passed: 20, maxAbsDiff: 0, accuracy: { board: 0.9, host: 0.9 }, optimizeFor: 'speed' });
      expect(done.result).toEqual({ evaluationId: validation.id, boardId: 'virtual-m4f', samples: 20, equal: 20, accuracy: { board: 0.9, host: 0.9 }, optimizeFor: 'speed' });
    }, 180_000);

    it('cancel stops a validation between samples; nothing is stored', async () => {
      const before = (await services.evaluations.list({ projectId })).length;
      const job = await services.jobs.startValidate({ variantId, boardId: 'virtual-m4f', datasetId, samples: 1000 });
      let cancelled = false;
      const done = await jobEnds(job.id, (changed) => {
        if (!cancelled && changed.step.startsWith('sample ')) {
          cancelled = true;
          void services.jobs.cancel({ jobId: job.id });
        }
      });
      expect(done.status).toBe('cancelled');
      expect(await services.evaluations.list({ projectId })).toHaveLength(before);
    }, 180_000);
  });
});
