/**
 * `tinydeploy optimize` with a training pipeline (`--pipeline prune-channels,finetune`, any list
 * with a training pass): the dataset split in file order with the last `--holdout` fraction never
 * trained on, the passes run on the training back end, and parent and variant compared on the
 * held-out part. `--json` prints `{ accuracy, params, macs, backend, epochs, wallMs, … }`, each of
 * the first three as `{ before, after }`.
 */

import { basename } from 'node:path';
import { UsageError } from '../../core/common/errors.js';
import { printableName } from '../../core/common/printable.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { loadModelFile, saveModelFile } from '../../core/node/model-file.js';
import { inputLayoutOption } from '../model-options.js';
import { type TrainingBackend, trainingBackends } from '../../core/node/train/engine.js';
import { type TrainingPipelineOptions, type TrainingProgress, type TrainingReport, optimizeWithTraining, parsePassList } from '../../core/node/train/optimize-training.js';
import { type ParsedArgs, booleanOption, integerOption, stringOption } from '../args.js';
import type { CliIo } from '../command.js';
import { formatPercent, formatTable } from '../format.js';
import { type ProgressReporter, progressReporter, stepReporter } from '../progress.js';

/** The options only training pipelines take (the command's spec lists them). */
export const trainingOptionSpecs = {
  dataset: { type: 'string', value: 'dir', description: 'training pipelines: dataset folder to train on (its last --holdout fraction is never trained on)' },
  holdout: { type: 'string', value: 'f', description: 'training pipelines: fraction held out at the end of the dataset for the accuracy report (default 0.2)' },
  ratio: { type: 'string', value: 'r', description: 'prune-channels: fraction of every prunable group to remove (default 0.5)' },
  'target-params': { type: 'integer', value: 'n', description: 'prune-channels: prune to at most n parameters' },
  'target-macs': { type: 'integer', value: 'n', description: 'prune-channels: prune to at most n MACs' },
  importance: { type: 'string', value: 'kind', description: 'prune-channels: l1 (default), l2 or taylor', choices: ['l1', 'l2', 'taylor'] },
  'fit-board': { type: 'string', value: 'id', description: "prune-channels: prune until the model's weights and arena fit --budget of this board's flash and RAM" },
  budget: { type: 'string', value: 'f', description: "prune-channels with --fit-board: the fraction of the board's flash and RAM the model may use (default 0.5)" },
  iterations: { type: 'integer', value: 'n', description: 'prune-channels: reach the target in n steps, fine-tuning --step-epochs between them (default 1)' },
  window: { type: 'integer', value: 'n', description: 'training on time series: --dataset is a folder of CSV files, samples are windows of n rows' },
  stride: { type: 'integer', value: 'n', description: 'time series: rows between window starts (default: the window)' },
  'label-column': { type: 'string', value: 'name', description: 'time series: the CSV column holding the label (default: the class folder each file is in)' },
  'step-epochs': { type: 'integer', value: 'n', description: 'prune-channels with --iterations: epochs of fine-tuning between steps (default 2)' },
  epochs: { type: 'integer', value: 'n', description: 'finetune: epochs (default 5)' },
  'batch-size': { type: 'integer', value: 'n', description: 'finetune: samples per step (default 64)' },
  'learning-rate': { type: 'string', value: 'lr', description: 'finetune, distill: initial learning rate (default 0.001, 0.01 after prune-channels; cosine schedule)' },
  'max-steps': { type: 'integer', value: 'n', description: 'finetune: stop after n steps (quick runs)' },
  patience: { type: 'string', value: 'n', description: 'finetune, distill: epochs without a better validation accuracy before stopping (default 3; 0: never stop, the best epoch is kept either way)' },
  teacher: { type: 'string', value: 'file', description: 'distill: the teacher model (default: the model being optimized)' },
  alpha: { type: 'string', value: 'a', description: 'distill: weight of the soft targets against the labels, in [0, 1] (default 0.5)' },
  temperature: { type: 'string', value: 't', description: 'distill: softmax temperature of teacher and student (default 4)' },
  shift: { type: 'integer', value: 'n', description: 'finetune, distill: augmentation, every training sample moved by up to n positions along its first two axes (image rows and columns; default 0)' },
  'label-smoothing': { type: 'string', value: 'e', description: 'finetune, distill: cross-entropy against (1 - e)·one-hot + e/classes (default 0)' },
  backend: { type: 'string', value: 'name', description: 'training back end: auto (default), tensorflow, wasm, cpu', choices: ['auto', ...trainingBackends] },
  stream: { type: 'boolean', description: 'read the dataset from disk a batch at a time (default: when its samples take more than 256 MiB as float32)' },
  'no-stream': { type: 'boolean', description: 'hold the dataset in memory, however large' },
} as const;

function fraction(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value < 1)) throw new UsageError(`--${name} must be a fraction in [0, 1), got "${text}"`);
  return value;
}

/** The training options of the command line. */
export function trainingOptions(args: ParsedArgs): Omit<TrainingPipelineOptions, 'passes' | 'dataset'> {
  const targets = ['ratio', 'target-params', 'target-macs', 'fit-board'].filter((name) => args.options.has(name));
  if (targets.length > 1) throw new UsageError(`give one of --ratio, --target-params, --target-macs, --fit-board (got ${targets.map((name) => `--${name}`).join(', ')})`);
  const budget = stringOption(args, 'budget');
  if (budget !== undefined && !(Number(budget) > 0 && Number(budget) <= 1)) throw new UsageError(`--budget must be a fraction in (0, 1], got "${budget}"`);
  const learningRate = stringOption(args, 'learning-rate');
  if (learningRate !== undefined && !(Number(learningRate) > 0)) throw new UsageError(`--learning-rate must be a positive number, got "${learningRate}"`);
  const alpha = stringOption(args, 'alpha');
  if (alpha !== undefined && !(Number(alpha) >= 0 && Number(alpha) <= 1)) throw new UsageError(`--alpha must be a number in [0, 1], got "${alpha}"`);
  const temperature = stringOption(args, 'temperature');
  if (temperature !== undefined && !(Number(temperature) > 0)) throw new UsageError(`--temperature must be a positive number, got "${temperature}"`);
  const patience = stringOption(args, 'patience');
  if (patience !== undefined && !/^\d+$/.test(patience.trim())) throw new UsageError(`--patience must be a whole number >= 0, got "${patience}"`);
  if (booleanOption(args, 'stream') && booleanOption(args, 'no-stream')) throw new UsageError('give one of --stream, --no-stream');
  const options: Omit<TrainingPipelineOptions, 'passes' | 'dataset'> = {
    stream: booleanOption(args, 'stream') ? true : booleanOption(args, 'no-stream') ? false : undefined,
    holdout: fraction(args, 'holdout'),
    ratio: fraction(args, 'ratio'),
    targetParams: integerOption(args, 'target-params'),
    targetMacs: integerOption(args, 'target-macs'),
    importance: stringOption(args, 'importance') as TrainingPipelineOptions['importance'],
    board: stringOption(args, 'fit-board'),
    budget: budget === undefined ? undefined : Number(budget),
    iterations: integerOption(args, 'iterations'),
    stepEpochs: integerOption(args, 'step-epochs'),
    epochs: integerOption(args, 'epochs'),
    batchSize: integerOption(args, 'batch-size'),
    learningRate: learningRate === undefined ? undefined : Number(learningRate),
    maxSteps: integerOption(args, 'max-steps'),
    patience: patience === undefined ? undefined : Number(patience),
    alpha: alpha === undefined ? undefined : Number(alpha),
    temperature: temperature === undefined ? undefined : Number(temperature),
    shift: integerOption(args, 'shift'),
    labelSmoothing: fraction(args, 'label-smoothing'),
    seed: integerOption(args, 'seed'),
    backend: (stringOption(args, 'backend') ?? 'auto') as TrainingBackend | 'auto',
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as typeof options;
}

/** The `--json` document of a training pipeline. */
export function trainingJson(model: string, out: string, report: TrainingReport): Record<string, unknown> {
  const { accuracy, params, macs, backend, epochs, wallMs, split, heldOutSamples, pipeline, steps, log } = report;
  return {
    model,
    out,
    pipeline: pipeline.join(','),
    accuracy,
    params,
    macs,
    backend,
    epochs,
    wallMs,
    heldOutSamples,
    split,
    steps: steps.map(({ pass, changed, opsBefore, opsAfter, milliseconds }) => ({ pass, changed, opsBefore, opsAfter, milliseconds: Math.round(milliseconds) })),
    log,
  };
}

function progressView(io: CliIo): { update(progress: TrainingProgress): void; finish(): void } {
  const passes = stepReporter(io.stderr, 'optimize');
  let label = '';
  let reporter: ProgressReporter | undefined;
  const show = (next: string, done: number, total: number, detail?: string) => {
    if (next !== label) {
      reporter?.finish();
      label = next;
      reporter = progressReporter(io.stderr, label);
    }
    reporter!.update(done, total, detail);
  };
  return {
    update(progress) {
      if (progress.stage === 'pipeline' && progress.pipeline) {
        const { pass, index, count, phase, done, total, detail } = progress.pipeline;
        if (phase === 'start') passes.update(`pass ${index + 1} of ${count}: ${pass}`);
        else if (phase === 'step') show(pass, done ?? 0, total ?? 1, detail);
      } else if (progress.stage === 'evaluating') {
        show(`evaluating ${progress.detail ?? ''}`.trim(), progress.done ?? 0, progress.total ?? 1);
      }
    },
    finish() {
      reporter?.finish();
      passes.finish();
    },
  };
}

/** Runs the training pipeline `pipeline` (a comma-separated pass list) for `optimize`. */
export async function runTrainingPipeline(args: ParsedArgs, io: CliIo, modelPath: string, pipeline: string): Promise<number> {
  const out = stringOption(args, 'out');
  if (!out) throw new UsageError('missing --out <file.tflite> (where to save the variant)');
  const datasetPath = stringOption(args, 'dataset') ?? stringOption(args, 'calibration');
  if (!datasetPath) throw new UsageError(`pipeline ${pipeline} trains: give --dataset <dir>`);
  const passes = parsePassList(pipeline);
  const options = trainingOptions(args);
  const teacherPath = stringOption(args, 'teacher');
  if (teacherPath && !passes.includes('distill')) throw new UsageError('--teacher goes with a pipeline that has distill');
  if ((options.alpha !== undefined || options.temperature !== undefined) && !passes.includes('distill')) throw new UsageError('--alpha and --temperature go with a pipeline that has distill');
  const window = integerOption(args, 'window');
  const labelColumn = stringOption(args, 'label-column');
  if (window === undefined && (args.options.has('stride') || labelColumn !== undefined)) throw new UsageError('--stride and --label-column go with --window (time series)');
  const timeSeries = window === undefined ? undefined : { directory: datasetPath, window, stride: integerOption(args, 'stride') ?? window, ...(labelColumn !== undefined ? { labelColumn } : {}) };
  const [graph, dataset, teacher] = await Promise.all([
    loadModelFile(modelPath, undefined, inputLayoutOption(args)),
    timeSeries ? undefined : openDataset(datasetPath),
    teacherPath ? loadModelFile(teacherPath, undefined, inputLayoutOption(args)) : undefined,
  ]);
  const modelName = basename(modelPath);
  const view = progressView(io);
  let result: Awaited<ReturnType<typeof optimizeWithTraining>>;
  try {
    result = await optimizeWithTraining(graph, { ...options, passes, ...(dataset ? { dataset } : {}), ...(timeSeries ? { timeSeries } : {}), ...(teacher ? { teacher } : {}), onProgress: (progress) => view.update(progress) });
  } finally {
    view.finish();
  }
  const { report } = result;
  await saveModelFile(result.graph, out);
  if (booleanOption(args, 'json')) {
    io.stdout.write(JSON.stringify(trainingJson(modelName, out, report)) + '\n');
    return 0;
  }
  const table = formatTable(
    [{ header: '' }, { header: 'parent', align: 'right' }, { header: 'variant', align: 'right' }],
    [
      [`held-out accuracy (${report.heldOutSamples} samples)`, formatPercent(report.accuracy.before), formatPercent(report.accuracy.after)],
      ['parameters', String(report.params.before), String(report.params.after)],
      ['MACs', String(report.macs.before), String(report.macs.after)],
    ],
  );
  const notes = report.log.map((entry) => `  ${entry.level === 'warning' ? 'warning: ' : ''}${entry.pass}: ${printableName(entry.message)}`);
  io.stdout.write(
    `${modelName} → ${out} (${passes.join(' → ')}, ${report.epochs} epoch(s) on ${report.backend}, ${(report.wallMs / 1000).toFixed(1)} s)\n${notes.join('\n')}\n\n${table}`,
  );
  return 0;
}
