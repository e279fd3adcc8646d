import { exportTflite } from '../../core/common/exporters/index.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import type { OptimizeOutput, OptimizeTask, TrainingJobSettings } from '../../core/node/jobs/kinds/optimize.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { type TrainingProgress, optimizeWithTraining } from '../../core/node/train/optimize-training.js';
import { formatPercent } from './format.js';
import type { TaskContext } from './task-context.js';

/** Shares of the job's progress bar: loading, the parent's evaluation, the passes, the variant's evaluation. */
const shares = { loading: 0.03, parent: 0.07, pipeline: 0.8 };

/**
 * A training optimize job in the worker (`optimizeWithTraining`, as `tinydeploy optimize
 * --pipeline prune-channels,finetune` runs it): the back end chosen at start-up and named in the
 * first log line, a log line per pass and per epoch (loss, validation accuracy), the step with its
 * loss as the progress step, then parent and variant on the held-out part. A cancel stops between
 * training steps or evaluated samples. Training passes save checkpoints in the task's folder after
 * every epoch: the same job run again after a cancel or a crash resumes from them. A dataset larger
 * than the streaming threshold (or any, with `stream` on) is read from disk a batch at a time.
 */
export async function runTrainingTask(task: OptimizeTask, settings: TrainingJobSettings, context: TaskContext): Promise<OptimizeOutput> {
  const [graph, dataset] = await Promise.all([loadModelFile(task.modelPath, task.modelName), openDataset(task.datasetPath!)]);
  context.progress({ fraction: 0, step: 'loading the training engine', log: [`${settings.passes.join(' → ')} of ${task.modelName} on dataset ${dataset.name}`] });
  const { graph: variant, report } = await optimizeWithTraining(graph, {
    passes: settings.passes,
    dataset,
    holdout: settings.holdout,
    ratio: settings.ratio,
    targetParams: settings.targetParams,
    targetMacs: settings.targetMacs,
    epochs: settings.epochs,
    seed: settings.seed,
    maxSteps: settings.maxSteps,
    ...(settings.stream !== undefined ? { stream: settings.stream } : {}),
    ...(task.checkpointDir ? { checkpointDir: task.checkpointDir } : {}),
    signal: context.signal,
    onProgress: show,
    onLog: (entry) => context.progress({ log: [`${entry.level === 'warning' ? 'warning: ' : ''}${entry.pass}: ${entry.message}`] }),
  });
  const modelBytes = exportTflite(variant);
  const { accuracy, params, macs } = report;
  context.progress({
    fraction: 1,
    step: 'done',
    log: [
      `held-out accuracy (${report.heldOutSamples} samples): ${formatPercent(accuracy.before)} → ${formatPercent(accuracy.after)}`,
      `parameters ${params.before} → ${params.after}, MACs ${macs.before} → ${macs.after}`,
      `${report.epochs} epoch(s) on ${report.backend} in ${(report.wallMs / 1000).toFixed(1)} s; variant ${modelBytes.length} bytes`,
    ],
  });
  const { steps, log, ...figures } = report;
  return { kind: 'optimize', modelBytes, steps, log, quantizeMs: report.wallMs, training: figures };

  function show(progress: TrainingProgress): void {
    const { stage, pipeline, done = 0, total = 1, detail } = progress;
    if (stage === 'loading') context.progress({ fraction: 0, step: detail ?? 'reading the dataset' });
    else if (stage === 'evaluating') {
      const variantSide = detail?.startsWith('variant') ?? false;
      const [start, share] = variantSide ? [shares.loading + shares.parent + shares.pipeline, 1 - shares.loading - shares.parent - shares.pipeline] : [shares.loading, shares.parent];
      context.progress({ fraction: start + (share * done) / Math.max(1, total), step: `evaluating ${detail ?? ''}: ${done} of ${total}` });
    } else if (pipeline) {
      const base = shares.loading + shares.parent;
      const passFraction = (within: number) => base + (shares.pipeline * (pipeline.index + within)) / pipeline.count;
      if (pipeline.phase === 'start') context.progress({ fraction: passFraction(0), step: pipeline.pass, log: [`pass ${pipeline.index + 1} of ${pipeline.count}: ${pipeline.pass}`] });
      else if (pipeline.phase === 'end') context.progress({ fraction: passFraction(1) });
      else context.progress({ fraction: passFraction((pipeline.done ?? 0) / Math.max(1, pipeline.total ?? 1)), step: `${pipeline.pass}: ${pipeline.detail ?? `step ${pipeline.done}`}` });
    }
  }
}
