import { requireQuantizingPipeline } from '../../../common/passes/pipelines.js';
import type { PassLogEntry } from '../../../common/passes/pass.js';
import type { PassStep } from '../../../common/passes/run-pipeline.js';
import { checkSameProject } from '../../../../shared/services/checks.js';
import { jobDefaults } from '../../../../shared/services/job-kinds.js';
import { readModelBytes } from '../../model-file.js';
import { describeModel } from '../../model-summary.js';
import type { CalibrationRecord, SampleSetEvaluation } from '../../quantize/quantize-model.js';
import type { JobKindDescriptor } from './descriptor.js';

/** Parameters of an optimize job, as it is stored. */
export interface OptimizeJobParams {
  variantId: string;
  pipeline: string;
  /** Absent: synthetic calibration. */
  datasetId?: string;
  samples: number;
  evaluationLimit: number;
}

/** Post-training quantization of a variant's model in the worker (src/worker/tasks/optimize.ts). */
export interface OptimizeTask {
  kind: 'optimize';
  modelPath: string;
  modelName: string;
  /** A pipeline that ends in quantize-int8. */
  pipeline: string;
  /** The calibration dataset's folder; absent: synthetic inputs (seed 1, uniform in [-1, 1]). */
  datasetPath?: string;
  /** Calibration samples. */
  samples: number;
  /** Held-out samples parent and variant are evaluated on. */
  evaluationLimit: number;
}

export interface OptimizeOutput {
  kind: 'optimize';
  /** The variant as a .tflite file (the host stores it content-addressed). */
  modelBytes: Uint8Array;
  calibration: CalibrationRecord;
  steps: PassStep[];
  log: PassLogEntry[];
  /** Wall time of the pipeline, calibration included. */
  quantizeMs: number;
  /** Parent and variant on the calibration samples and on held-out samples. */
  evaluation?: { calibration: SampleSetEvaluation; heldOut?: SampleSetEvaluation };
}

/** What a finished optimize job reports: the new variant and, with a labelled dataset, both accuracies. */
export interface OptimizeJobResult {
  variantId: string;
  parentId: string;
  /** Accuracy of parent and variant on the held-out samples (absent without labelled held-out samples). */
  heldOut?: {
    samples: number;
    parentAccuracy: number;
    variantAccuracy: number;
    parentMeasurementId: string;
    variantMeasurementId: string;
    /** The variant's SQNR against the parent, dB (null when the outputs are identical). */
    sqnrDb: number | null;
    agreement?: number;
  };
  quantizeMs: number;
}

/**
 * Post-training quantization as a job: the worker quantizes the variant's model file and sends
 * the new model's bytes back; `complete` stores them as a new variant of the same project
 * (parent = the variant, origin `optimize` with the pipeline, its options and the calibration),
 * and, when the held-out samples are labelled, one accuracy measurement for the parent and one
 * for the variant, both on the same samples, so the UI can show them side by side.
 */
export const optimizeJob: JobKindDescriptor<'optimize', OptimizeJobParams, OptimizeTask, OptimizeOutput> = {
  kind: 'optimize',
  accept(store, { variantId, pipeline = jobDefaults.optimize.pipeline, datasetId, samples = jobDefaults.optimize.samples, evaluationLimit = jobDefaults.optimize.evaluationLimit }) {
    const variant = store.getVariant(variantId);
    const definition = requireQuantizingPipeline(pipeline);
    if (datasetId !== undefined) checkSameProject(store.getDataset(datasetId), variant);
    return { projectId: variant.projectId, params: { variantId: variant.id, pipeline: definition.name, ...(datasetId !== undefined ? { datasetId } : {}), samples, evaluationLimit } };
  },
  prepare(store, _job, params) {
    const variant = store.getVariant(params.variantId);
    const dataset = params.datasetId !== undefined ? store.getDataset(params.datasetId) : undefined;
    return {
      kind: 'optimize',
      modelPath: store.modelFiles.pathOf(variant.fileHash),
      modelName: variant.name,
      pipeline: params.pipeline,
      ...(dataset ? { datasetPath: dataset.path } : {}),
      samples: params.samples,
      evaluationLimit: params.evaluationLimit,
    };
  },
  complete(store, job, params, { modelBytes, calibration, evaluation, quantizeMs }): OptimizeJobResult {
    const parent = store.getVariant(params.variantId);
    const name = `${parent.name}-${params.pipeline === 'quantize-int8' ? 'int8' : params.pipeline}`;
    const graph = readModelBytes(modelBytes, `${name}.tflite`);
    const { summary, detail } = describeModel(graph);
    const variant = store.addVariant({
      projectId: parent.projectId,
      parentId: parent.id,
      name,
      origin: {
        kind: 'optimize',
        pipeline: params.pipeline,
        options: { samples: params.samples, evaluationLimit: params.evaluationLimit, observer: calibration.observer },
        calibration: { ...(params.datasetId !== undefined ? { datasetId: params.datasetId } : {}), synthetic: calibration.kind === 'synthetic', samples: calibration.samples },
      },
      bytes: modelBytes,
      summary,
      detail,
    });
    const result: OptimizeJobResult = { variantId: variant.id, parentId: parent.id, quantizeMs: Math.round(quantizeMs) };
    const heldOut = evaluation?.heldOut;
    if (params.datasetId !== undefined && heldOut && heldOut.parent.accuracy !== undefined && heldOut.variant.accuracy !== undefined) {
      const first = calibration.samples;
      const sqnrDb = heldOut.variant.sqnrDb !== undefined && Number.isFinite(heldOut.variant.sqnrDb) ? heldOut.variant.sqnrDb : null;
      const record = (variantId: string, evaluated: typeof heldOut.parent, extra: Record<string, unknown>) =>
        store.addMeasurement({
          projectId: parent.projectId,
          variantId,
          jobId: job.id,
          kind: 'evaluate',
          accuracy: evaluated.accuracy,
          samples: evaluated.samples,
          details: { datasetId: params.datasetId, correct: evaluated.correct, samplesFrom: first, heldOutFromCalibration: true, ...extra },
        });
      const parentMeasurement = record(parent.id, heldOut.parent, { role: 'parent', variantMadeId: variant.id });
      const variantMeasurement = record(variant.id, heldOut.variant, { role: 'variant', parentId: parent.id, sqnrDb, agreement: heldOut.variant.agreement });
      result.heldOut = {
        samples: heldOut.variant.samples,
        parentAccuracy: heldOut.parent.accuracy,
        variantAccuracy: heldOut.variant.accuracy,
        parentMeasurementId: parentMeasurement.id,
        variantMeasurementId: variantMeasurement.id,
        sqnrDb,
        ...(heldOut.variant.agreement !== undefined ? { agreement: heldOut.variant.agreement } : {}),
      };
    }
    return result;
  },
};
