import { exportTflite } from '../../core/common/exporters/index.js';
import type { PipelineProgress } from '../../core/common/passes/run-pipeline.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import type { OptimizeOutput, OptimizeTask } from '../../core/node/jobs/kinds/optimize.js';
import { type QuantizeProgress, type QuantizeReport, quantizeModel } from '../../core/node/quantize/quantize-model.js';
import { formatPercent } from './format.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { pipelineProgress } from './optimize-progress.js';
import type { TaskContext } from './task-context.js';
import { runTrainingTask } from './optimize-training.js';

/** Shares of the job's progress bar: reading samples, the pipeline (calibration inside), evaluation. */
const loadingShare = 0.05;
const pipelineShare = 0.6;

/**
 * Post-training quantization in the worker (`quantizeModel`, as `tinydeploy optimize` runs it):
 * calibration on the dataset's first samples or on synthetic inputs, the pipeline with a log line
 * per pass and progress per calibration sample, then parent and variant evaluated on the
 * calibration samples and on up to `evaluationLimit` held-out ones. The variant goes back to the
 * host as .tflite bytes, which the host stores. A failing pass fails the job with a PassError
 * whose message starts with the pass name; a cancel aborts between samples.
 */
export async function runOptimizeTask(task: OptimizeTask, context: TaskContext): Promise<OptimizeOutput> {
  if (task.training) return runTrainingTask(task, task.training, context);
  const [graph, dataset] = await Promise.all([loadModelFile(task.modelPath, task.modelName), task.datasetPath !== undefined ? openDataset(task.datasetPath) : undefined]);
  const source = dataset ? `the first ${Math.min(task.samples, dataset.size)} samples of ${dataset.name}` : `${task.samples} synthetic samples (seeded, uniform in [-1, 1])`;
  context.progress({ fraction: 0, step: 'reading calibration samples', log: [`${task.pipeline} of ${task.modelName}: calibrating on ${source}`] });
  const passFraction = pipelineProgress(loadingShare, pipelineShare);
  const { graph: variant, report } = await quantizeModel(graph, {
    modelName: task.modelName,
    pipeline: task.pipeline,
    calibration: dataset ? { kind: 'dataset', dataset } : { kind: 'synthetic' },
    passOptions: { samples: task.samples },
    evaluationLimit: task.evaluationLimit,
    signal: context.signal,
    onProgress: showProgress,
  });
  const modelBytes = exportTflite(variant);
  context.progress({ fraction: 1, step: 'done', log: summaryLines(report, modelBytes.length) });
  return { kind: 'optimize', modelBytes, calibration: report.calibration, steps: report.steps, log: report.log, quantizeMs: report.quantizeMs, ...(report.evaluation ? { evaluation: report.evaluation } : {}) };

  function showProgress(progress: QuantizeProgress): void {
    if (progress.stage === 'loading') context.progress({ fraction: 0, step: progress.detail ?? 'reading calibration samples' });
    else if (progress.stage === 'pipeline' && progress.pipeline) reportPass(progress.pipeline);
    else if (progress.stage === 'evaluating') {
      const { done = 0, total = 1, detail = 'samples' } = progress;
      // Two sets in turn (calibration samples, then held-out ones): the first gets a fifth of the share.
      const heldOut = detail.startsWith('held-out');
      const [start, share] = heldOut ? [loadingShare + pipelineShare + 0.07, 1 - loadingShare - pipelineShare - 0.07] : [loadingShare + pipelineShare, 0.07];
      context.progress({ fraction: start + (share * done) / Math.max(1, total), step: `evaluating parent and variant on ${detail}: ${done} of ${total}` });
    }
  }

  function reportPass(event: PipelineProgress): void {
    const { pass, index, count, phase, done, total, detail } = event;
    const fraction = passFraction(event);
    if (phase === 'start') context.progress({ fraction, step: pass, log: [`pass ${index + 1} of ${count}: ${pass}`] });
    else if (phase === 'end') context.progress({ fraction });
    else context.progress({ fraction, step: `${pass}: ${detail ?? 'step'} ${done ?? 0} of ${total ?? '?'}` });
  }
}

/** The job's closing log lines: what each pass did, its notes, and the accuracies side by side. */
function summaryLines(report: QuantizeReport, bytes: number): string[] {
  const lines = report.steps.map((step) => `${step.pass}: ${step.changed ? 'changed' : 'unchanged'}, ops ${step.opsBefore} → ${step.opsAfter}, ${Math.round(step.milliseconds)} ms`);
  for (const entry of report.log) lines.push(`${entry.level === 'warning' ? 'warning: ' : ''}${entry.pass}: ${entry.message}`);
  lines.push(`variant: ${bytes} bytes, quantized in ${(report.quantizeMs / 1000).toFixed(1)} s`);
  const sets = [['calibration samples', report.evaluation?.calibration], ['held-out samples', report.evaluation?.heldOut]] as const;
  for (const [name, set] of sets) {
    if (!set) continue;
    const accuracy = set.parent.accuracy !== undefined && set.variant.accuracy !== undefined ? `accuracy ${formatPercent(set.variant.accuracy)} (parent ${formatPercent(set.parent.accuracy)}), ` : '';
    const sqnr = set.variant.sqnrDb === undefined ? '' : Number.isFinite(set.variant.sqnrDb) ? `SQNR ${set.variant.sqnrDb.toFixed(1)} dB` : 'outputs identical to the parent';
    lines.push(`${name} (${set.variant.samples}): ${accuracy}${sqnr}`);
  }
  return lines;
}
