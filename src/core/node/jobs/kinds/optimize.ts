import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { requireQuantizingPipeline } from '../../../common/passes/pipelines.js';
import type { PassLogEntry } from '../../../common/passes/pass.js';
import type { PassStep } from '../../../common/passes/run-pipeline.js';
import { checkSameProject } from '../../../../shared/services/checks.js';
import { type JobRequest, jobDefaults } from '../../../../shared/services/job-kinds.js';
import type { Job } from '../../../../shared/services/types.js';
import { UsageError } from '../../../common/errors.js';
import type { Store } from '../../store/index.js';
import { type TrainingReport, isTrainingPipeline, parsePassList, trainingPasses } from '../../train/optimize-training.js';
import { readModelBytes } from '../../model-file.js';
import { describeModel } from '../../model-summary.js';
import type { CalibrationRecord, SampleSetEvaluation } from '../../quantize/quantize-model.js';
import type { JobKindDescriptor } from './descriptor.js';

/** Where a training job's checkpoints go: one folder per model, dataset and settings, under the data folder. */
function checkpointFolder(store: Store, modelHash: string, params: OptimizeJobParams): string {
  const key = createHash('sha256').update(JSON.stringify({ modelHash, datasetId: params.datasetId, training: params.training })).digest('hex').slice(0, 32);
  return join(store.dataDirectory, 'checkpoints', key);
}

/** Parameters of an optimize job, as it is stored. */
export interface OptimizeJobParams {
  variantId: string;
  pipeline: string;
  /** Absent: synthetic calibration. */
  datasetId?: string;
  samples: number;
  evaluationLimit: number;
  /** A training job (passes such as prune-channels, finetune): its settings. */
  training?: TrainingJobSettings;
}

/** What a training optimize job runs: the passes in order and their settings. */
export interface TrainingJobSettings {
  passes: string[];
  /** Fraction of the dataset held out at its end (never trained on). */
  holdout: number;
  ratio?: number;
  targetParams?: number;
  targetMacs?: number;
  epochs?: number;
  seed?: number;
  maxSteps?: number;
  /** Read the dataset from disk a batch at a time (true), hold it in memory (false); absent: by its size. */
  stream?: boolean;
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
  /** Present: a training pipeline on the dataset (required then) instead of quantization. */
  training?: TrainingJobSettings;
  /**
   * A training job's checkpoint folder, the same for every job that trains the same model on the
   * same dataset with the same settings: a job cancelled or crashed part way and run again resumes
   * from the last finished epoch.
   */
  checkpointDir?: string;
}

export interface OptimizeOutput {
  kind: 'optimize';
  /** The variant as a .tflite file (the host stores it content-addressed). */
  modelBytes: Uint8Array;
  /** How a quantizing pipeline calibrated (absent for a training job). */
  calibration?: CalibrationRecord;
  steps: PassStep[];
  log: PassLogEntry[];
  /** Wall time of the pipeline, calibration included. */
  quantizeMs: number;
  /** Parent and variant on the calibration samples and on held-out samples. */
  evaluation?: { calibration: SampleSetEvaluation; heldOut?: SampleSetEvaluation };
  /** A training job's figures: held-out accuracy, parameters and MACs before and after, back end, epochs, wall time. */
  training?: Omit<TrainingReport, 'steps' | 'log'>;
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
  /** A training job: accuracy (held out), parameters and MACs before and after, the back end, epochs and wall time. */
  training?: Pick<TrainingReport, 'accuracy' | 'params' | 'macs' | 'backend' | 'epochs' | 'wallMs' | 'heldOutSamples'>;
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
  accept(store, request) {
    const { variantId, pipeline = jobDefaults.optimize.pipeline, datasetId, samples = jobDefaults.optimize.samples, evaluationLimit = jobDefaults.optimize.evaluationLimit } = request;
    const variant = store.getVariant(variantId);
    if (request.passes !== undefined) {
      const training = trainingSettings(request);
      if (datasetId === undefined) throw new UsageError(`a training job (${training.passes.join(', ')}) needs a dataset`);
      checkSameProject(store.getDataset(datasetId), variant);
      return { projectId: variant.projectId, params: { variantId: variant.id, pipeline: training.passes.join('-'), datasetId, samples, evaluationLimit, training } };
    }
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
      ...(params.training ? { training: params.training, checkpointDir: checkpointFolder(store, variant.fileHash, params) } : {}),
    };
  },
  complete(store, job, params, output): OptimizeJobResult {
    if (params.training && output.training) return completeTraining(store, job, params, params.training, output.modelBytes, output.training);
    const { modelBytes, evaluation, quantizeMs } = output;
    const calibration = output.calibration!;
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

/** The training settings of a request, checked: known passes with a training pass among them, one pruning target. */
function trainingSettings(request: JobRequest<'optimize'>): TrainingJobSettings {
  const passes = parsePassList((request.passes ?? []).join(','));
  if (!isTrainingPipeline(passes)) throw new UsageError(`passes ${passes.join(', ')}: none of them trains (training passes: ${trainingPasses.join(', ')})`);
  const targets = [request.ratioPercent, request.targetParams, request.targetMacs].filter((value) => value !== undefined);
  if (targets.length > 1) throw new UsageError('give one of ratioPercent, targetParams, targetMacs');
  const settings: TrainingJobSettings = {
    passes,
    holdout: (request.holdoutPercent ?? 20) / 100,
    ratio: request.ratioPercent !== undefined ? request.ratioPercent / 100 : undefined,
    targetParams: request.targetParams,
    targetMacs: request.targetMacs,
    epochs: request.epochs,
    seed: request.seed,
    maxSteps: request.maxSteps,
    stream: request.stream === 'on' ? true : request.stream === 'off' ? false : undefined,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as unknown as TrainingJobSettings;
}

/** Stores a training job's variant (origin optimize, with the passes and settings) and parent and variant accuracies on the held-out part. */
function completeTraining(
  store: Store,
  job: Job,
  params: OptimizeJobParams,
  settings: TrainingJobSettings,
  modelBytes: Uint8Array,
  report: NonNullable<OptimizeOutput['training']>,
): OptimizeJobResult {
  const parent = store.getVariant(params.variantId);
  const name = `${parent.name}-${settings.passes.join('-')}`;
  const graph = readModelBytes(modelBytes, `${name}.tflite`);
  const { summary, detail } = describeModel(graph);
  const variant = store.addVariant({
    projectId: parent.projectId,
    parentId: parent.id,
    name,
    origin: { kind: 'optimize', pipeline: settings.passes.join(','), options: { ...settings, backend: report.backend, epochsTrained: report.epochs, split: report.split } },
    bytes: modelBytes,
    summary,
    detail,
  });
  const record = (variantId: string, accuracy: number, extra: Record<string, unknown>) =>
    store.addMeasurement({
      projectId: parent.projectId,
      variantId,
      jobId: job.id,
      kind: 'evaluate',
      accuracy,
      samples: report.heldOutSamples,
      details: { datasetId: params.datasetId, correct: Math.round(accuracy * report.heldOutSamples), samplesFrom: report.split.heldOut[0], heldOutFromTraining: true, ...extra },
    });
  const parentMeasurement = record(parent.id, report.accuracy.before, { role: 'parent', variantMadeId: variant.id });
  const variantMeasurement = record(variant.id, report.accuracy.after, { role: 'variant', parentId: parent.id });
  return {
    variantId: variant.id,
    parentId: parent.id,
    quantizeMs: report.wallMs,
    heldOut: {
      samples: report.heldOutSamples,
      parentAccuracy: report.accuracy.before,
      variantAccuracy: report.accuracy.after,
      parentMeasurementId: parentMeasurement.id,
      variantMeasurementId: variantMeasurement.id,
      sqnrDb: null,
    },
    training: { accuracy: report.accuracy, params: report.params, macs: report.macs, backend: report.backend, epochs: report.epochs, wallMs: report.wallMs, heldOutSamples: report.heldOutSamples },
  };
}
