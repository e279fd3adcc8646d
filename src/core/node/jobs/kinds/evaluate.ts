import { checkSameProject } from '../../../../shared/services/checks.js';
import { EvaluationRecords } from '../../datasets/evaluation-records.js';
import type { EvaluationResult } from '../../datasets/evaluate.js';
import type { JobKindDescriptor } from './descriptor.js';

/** Parameters of an evaluate job, as it is stored. */
export interface EvaluateJobParams {
  variantId: string;
  datasetId: string;
  limit?: number;
}

/** Host accuracy in the worker (src/worker/tasks/evaluate.ts). */
export interface EvaluateTask {
  kind: 'evaluate';
  modelPath: string;
  modelName: string;
  datasetPath: string;
  limit?: number;
}

export interface EvaluateOutput {
  kind: 'evaluate';
  result: EvaluationResult;
}

export interface EvaluateJobResult {
  measurementId: string;
  evaluationId: string;
  accuracy: number;
  samples: number;
  correct: number;
}

/**
 * Accuracy of a variant on a dataset of its project, with the host interpreter; records a
 * measurement (the accuracy beside latency and memory) and the evaluation (per class, top-k,
 * confusion matrix).
 */
export const evaluateJob: JobKindDescriptor<'evaluate', EvaluateJobParams, EvaluateTask, EvaluateOutput> = {
  kind: 'evaluate',
  accept(store, { variantId, datasetId, limit }) {
    const variant = store.getVariant(variantId);
    const dataset = store.getDataset(datasetId);
    checkSameProject(dataset, variant);
    return { projectId: variant.projectId, params: { variantId: variant.id, datasetId: dataset.id, ...(limit !== undefined ? { limit } : {}) } };
  },
  prepare(store, _job, params) {
    const variant = store.getVariant(params.variantId);
    const dataset = store.getDataset(params.datasetId);
    return {
      kind: 'evaluate',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      datasetPath: dataset.path,
      ...(params.limit !== undefined ? { limit: params.limit } : {}),
    };
  },
  complete(store, job, params, { result }): EvaluateJobResult {
    const variant = store.getVariant(params.variantId);
    const measurement = store.addMeasurement({
      projectId: variant.projectId,
      variantId: variant.id,
      jobId: job.id,
      kind: 'evaluate',
      accuracy: result.accuracy,
      samples: result.samples,
      details: { datasetId: params.datasetId, correct: result.correct, classes: result.classes, confusion: result.confusion },
    });
    // The dataset may have been removed while the job ran: its id then names nothing.
    const dataset = store.findDataset(params.datasetId);
    const evaluation = new EvaluationRecords(store).add({
      projectId: variant.projectId,
      variantId: variant.id,
      jobId: job.id,
      datasetId: dataset ? dataset.id : null,
      datasetName: dataset?.name ?? params.datasetId,
      kind: 'evaluate',
      evaluation: result,
    });
    return { measurementId: measurement.id, evaluationId: evaluation.id, accuracy: result.accuracy, samples: result.samples, correct: result.correct };
  },
};
