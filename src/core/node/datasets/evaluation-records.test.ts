import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvaluationReport, ValidationReport } from '../../../shared/services/types.js';
import { repoRoot } from '../../../../test/testing/shared-data.js';
import { openStore, type Store } from '../store/index.js';
import { EvaluationRecords } from './evaluation-records.js';

/** Evaluations and validations in the store: kept whole, listed newest first, gone with their project, variant or job. */

const modelBytes = new Uint8Array(readFileSync(join(repoRoot, 'resources/models/kws_ref_model.tflite')));
const report: EvaluationReport = {
  samples: 4,
  correct: 3,
  accuracy: 0.75,
  classes: ['a', 'b'],
  confusion: [
    [2, 1],
    [0, 1],
  ],
  perClass: [
    { name: 'a', support: 3, predicted: 2, precision: 1, recall: 2 / 3, f1: 0.8 },
    { name: 'b', support: 1, predicted: 2, precision: 0.5, recall: 1, f1: 2 / 3 },
  ],
  topK: [{ k: 1, correct: 3, accuracy: 0.75 }],
};
const validation: ValidationReport = {
  boardId: 'virtual-m4f',
  samples: 4,
  equal: 4,
  passed: 4,
  outputDType: 'int8',
  accuracy: { board: null, host: null },
  disagreements: 0,
  differing: [],
  elements: 48,
  maxAbsDiff: 0,
  rmse: 0,
  mae: 0,
  cosine: 1,
  l2r: 0,
};

let directory: string;
let store: Store;
let records: EvaluationRecords;
let ids: { projectId: string; variantId: string; datasetId: string; jobId: string };

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-evaluations-store-'));
  store = openStore(directory);
  records = new EvaluationRecords(store);
  const projectId = store.createProject('p').id;
  const summary = { ops: 13, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' };
  const variantId = store.addVariant({ projectId, name: 'kws', origin: { kind: 'import', fileName: 'kws.tflite' }, bytes: modelBytes, summary, detail: { layers: [], inputs: [], outputs: [] } }).id;
  const datasetId = store.addDataset({ projectId, name: 'kws01', path: '/data/kws01', format: 'files', sampleCount: 4 }).id;
  const jobId = store.createJob({ projectId, kind: 'evaluate', params: {} }).id;
  ids = { projectId, variantId, datasetId, jobId };
});

afterEach(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('EvaluationRecords', () => {
  it('keeps the whole report and lists newest first, per project or variant', () => {
    const first = records.add({ ...ids, datasetName: 'kws01', kind: 'evaluate', evaluation: report });
    const second = records.add({ ...ids, datasetName: 'kws01', kind: 'validate', boardId: 'virtual-m4f', validation });
    expect(first).toMatchObject({ kind: 'evaluate', accuracy: 0.75, samples: 4, evaluation: report, datasetId: ids.datasetId });
    expect(first.validation).toBeUndefined();
    // A validation of a model that is not a classifier of the dataset has no accuracy.
    expect(second).toMatchObject({ kind: 'validate', boardId: 'virtual-m4f', accuracy: null, validation });
    expect(records.list({ projectId: ids.projectId }).map((entry) => entry.id)).toEqual([second.id, first.id]);
    expect(records.list({ projectId: ids.projectId, variantId: 'other' })).toEqual([]);
    expect(records.get(first.id)).toEqual(first);
    expect(() => records.get('nope')).toThrow('evaluation nope not found');
  });

  it('a validation keeps what its firmware was built for; one stored before it was recorded reads without it', () => {
    const speed = records.add({ ...ids, datasetName: 'kws01', kind: 'validate', boardId: 'virtual-m4f', validation: { ...validation, optimizeFor: 'speed' } });
    expect(records.get(speed.id).validation?.optimizeFor).toBe('speed');
    // The report JSON of an older TinyDeploy: no optimizeFor key.
    const older = records.add({ ...ids, datasetName: 'kws01', kind: 'validate', boardId: 'virtual-m4f', validation });
    expect(JSON.parse((store.sqlite.prepare('SELECT report FROM evaluations WHERE id = ?').get(older.id) as { report: string }).report)).not.toHaveProperty('optimizeFor');
    expect(records.get(older.id).validation).not.toHaveProperty('optimizeFor');
    expect(records.get(older.id).validation).toEqual(validation);
  });

  it('a removed dataset leaves its name; a removed variant or project takes its evaluations', () => {
    const evaluation = records.add({ ...ids, datasetName: 'kws01', kind: 'evaluate', evaluation: report });
    store.removeDataset(ids.datasetId);
    expect(records.get(evaluation.id)).toMatchObject({ datasetId: null, datasetName: 'kws01' });
    store.removeVariant(ids.variantId);
    expect(records.list({ projectId: ids.projectId })).toEqual([]);
    records.add({ ...ids, variantId: store.addVariant({ projectId: ids.projectId, name: 'v', origin: { kind: 'import', fileName: 'v.tflite' }, bytes: modelBytes, summary: { ops: 1, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' }, detail: { layers: [], inputs: [], outputs: [] } }).id, datasetId: null, datasetName: 'gone', kind: 'evaluate', evaluation: report });
    store.removeProject(ids.projectId);
    expect(store.sqlite.prepare('SELECT COUNT(*) AS n FROM evaluations').get()).toEqual({ n: 0 });
  });
});
