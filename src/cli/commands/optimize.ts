import { basename } from 'node:path';
import { UsageError } from '../../core/common/errors.js';
import type { Graph } from '../../core/common/ir/types.js';
import { printableName } from '../../core/common/printable.js';
import { findPipeline, listPasses, listPipelines, runPipeline, type PassLogEntry, type PassStep } from '../../core/common/passes/index.js';
import { type GraphEvaluation, type QuantizeInt8Options, type SensitivityReport, observerKinds } from '../../core/common/passes/quantize/index.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { loadModelFile, saveModelFile } from '../../core/node/model-file.js';
import { inputLayoutOption, inputLayoutOptionSpec } from '../model-options.js';
import {
  type CalibrationRecord,
  type CalibrationSource,
  type QuantizeProgress,
  type QuantizeReport,
  quantizationSensitivity,
  quantizeModel,
} from '../../core/node/quantize/index.js';
import { isTrainingPipeline } from '../../core/node/train/optimize-training.js';
import { type ParsedArgs, booleanOption, integerOption, stringOption } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { formatPercent, formatTable } from '../format.js';
import { type ProgressReporter, progressReporter, stepReporter } from '../progress.js';
import { runTrainingPipeline, trainingOptionSpecs } from './optimize-training.js';

/**
 * The `optimize --json` document. `pipeline`, `model`, `out`, `steps` and `log` are always
 * there; `calibration` and `evaluation` for quantizing pipelines, `sensitivity` with
 * `--sensitivity`. SQNR is in dB, `null` when the outputs are identical (infinite SQNR).
 */
export interface OptimizeJson {
  model: string;
  pipeline: string;
  out: string | null;
  steps: { pass: string; changed: boolean; opsBefore: number; opsAfter: number; milliseconds: number }[];
  log: PassLogEntry[];
  milliseconds: number;
  calibration?: CalibrationRecord;
  evaluation?: QuantizeReport['evaluation'];
  sensitivity?: {
    calibration: CalibrationRecord;
    parent: GraphEvaluation;
    layers: { op: number; type: string; output: string; accuracy?: number; accuracyDrop?: number; sqnrDb: number | null; agreement?: number }[];
  };
}

/** `--list`: every pipeline with its passes, then every pass with its options. */
export function listText(): string {
  const pipelines = listPipelines();
  const passes = listPasses();
  const lines = ['pipelines:'];
  const width = Math.max(...pipelines.map((p) => p.name.length));
  for (const pipeline of pipelines) {
    lines.push(`  ${pipeline.name.padEnd(width)}  ${pipeline.description}`, `  ${''.padEnd(width)}  passes: ${pipeline.passes.join(' → ')}`);
  }
  lines.push('', 'passes:');
  for (const pass of passes) {
    lines.push(`  ${pass.name}: ${pass.description}`, `    requires: ${pass.requires}${pass.resources.length ? ` (resources: ${pass.resources.join(', ')})` : ''}`);
    for (const option of pass.options) {
      const detail = [option.choices ? `one of ${option.choices.join(', ')}` : option.type, option.default !== undefined ? `default ${option.default}` : ''].filter(Boolean);
      lines.push(`    ${option.name}: ${option.description} (${detail.join(', ')})`);
    }
  }
  return lines.join('\n') + '\n';
}

function parseNumber(text: string, option: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${option} must be a number, got "${text}"`);
  return value;
}

/** `--synthetic-range 0,255` → [0, 255]. */
function parseRange(text: string): [number, number] {
  const parts = text.split(',');
  if (parts.length !== 2) throw new UsageError(`--synthetic-range must be "min,max", got "${text}"`);
  const [min, max] = parts.map((part) => parseNumber(part, 'synthetic-range'));
  if (!(min < max)) throw new UsageError(`--synthetic-range must have min < max, got "${text}"`);
  return [min, max];
}

/** The quantize-int8 pass options the command line sets. */
function passOptions(args: ParsedArgs): QuantizeInt8Options {
  const percentile = stringOption(args, 'percentile');
  return {
    ...(integerOption(args, 'samples') !== undefined ? { samples: integerOption(args, 'samples') } : {}),
    ...(stringOption(args, 'observer') ? { observer: stringOption(args, 'observer') } : {}),
    ...(percentile !== undefined ? { percentile: parseNumber(percentile, 'percentile') } : {}),
    ...(stringOption(args, 'int16-layers') ? { int16Layers: stringOption(args, 'int16-layers') } : {}),
    ...(stringOption(args, 'float32-layers') ? { float32Layers: stringOption(args, 'float32-layers') } : {}),
  };
}

/**
 * Progress on stderr: a line per pass as it starts, and a bar (a new one per phase) for the long
 * steps inside a pass (calibration) and for the evaluation.
 */
function phaseProgress(io: CliIo): { update(progress: QuantizeProgress): void; finish(): void } {
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
        else if (phase === 'step') show(`${pass}${detail ? ` (${detail})` : ''}`, done ?? 0, total ?? 1);
      } else if (progress.stage === 'evaluating') {
        const layers = progress.detail === undefined || progress.detail.startsWith('op ');
        show(layers ? 'evaluating layers' : `evaluating ${progress.detail ?? ''}`.trim(), progress.done ?? 0, progress.total ?? 1, layers ? progress.detail : undefined);
      }
    },
    finish: () => {
      reporter?.finish();
      passes.finish();
    },
  };
}

const formatDb = (value: number | undefined) => (value === undefined ? '-' : Number.isFinite(value) ? `${value.toFixed(1)} dB` : 'exact');
const formatAccuracy = (value: number | undefined) => (value === undefined ? '-' : formatPercent(value));

function stepsJson(steps: PassStep[]): OptimizeJson['steps'] {
  return steps.map(({ pass, changed, opsBefore, opsAfter, milliseconds }) => ({ pass, changed, opsBefore, opsAfter, milliseconds: Math.round(milliseconds) }));
}

function describeCalibration(record: CalibrationRecord): string {
  return record.kind === 'dataset'
    ? `dataset ${record.dataset}, samples ${record.first}-${record.first + record.samples - 1} (${record.observer} observer)`
    : `synthetic, ${record.samples} seeded uniform samples in [${record.range.join(', ')}] (seed ${record.seed}; ${record.observer} observer)`;
}

function stepsText(steps: PassStep[], log: PassLogEntry[]): string {
  const table = formatTable(
    [{ header: 'pass' }, { header: 'changed' }, { header: 'ops', align: 'right' }, { header: 'ms', align: 'right' }],
    steps.map((step) => [step.pass, step.changed ? 'yes' : 'no', `${step.opsBefore} → ${step.opsAfter}`, String(Math.round(step.milliseconds))]),
  );
  // Pass messages name tensors of the model: one printable line each.
  const notes = log.map((entry) => `  ${entry.level === 'warning' ? 'warning: ' : ''}${entry.pass}: ${printableName(entry.message)}`);
  return table + (notes.length ? `\n${notes.join('\n')}\n` : '');
}

function evaluationText(evaluation: NonNullable<QuantizeReport['evaluation']>): string {
  const rows = [['calibration samples', evaluation.calibration] as const, ...(evaluation.heldOut ? [['held-out samples', evaluation.heldOut] as const] : [])].map(
    ([name, { parent, variant }]) => [
      name,
      String(variant.samples),
      formatAccuracy(parent.accuracy),
      formatAccuracy(variant.accuracy),
      formatDb(variant.sqnrDb),
      formatAccuracy(variant.agreement),
    ],
  );
  return formatTable(
    [
      { header: '' },
      { header: 'samples', align: 'right' },
      { header: 'parent accuracy', align: 'right' },
      { header: 'variant accuracy', align: 'right' },
      { header: 'SQNR', align: 'right' },
      { header: 'top-1 agreement', align: 'right' },
    ],
    rows,
  );
}

function sensitivityText(report: SensitivityReport): string {
  const rows = report.layers.map((layer) => [
    String(layer.op),
    layer.type,
    formatAccuracy(layer.evaluation.accuracy),
    layer.accuracyDrop === undefined ? '-' : `${(layer.accuracyDrop * 100).toFixed(2)}`,
    formatDb(layer.evaluation.sqnrDb),
    printableName(layer.output.length > 48 ? `${layer.output.slice(0, 45)}...` : layer.output),
  ]);
  return (
    `per-layer sensitivity (each op quantized alone; ${report.float.samples} samples, float accuracy ${formatAccuracy(report.float.accuracy)}):\n` +
    formatTable(
      [
        { header: 'op', align: 'right' },
        { header: 'type' },
        { header: 'accuracy', align: 'right' },
        { header: 'drop (points)', align: 'right' },
        { header: 'SQNR', align: 'right' },
        { header: 'output' },
      ],
      rows,
    )
  );
}

async function calibrationSource(args: ParsedArgs): Promise<CalibrationSource | undefined> {
  const dataset = stringOption(args, 'calibration');
  const synthetic = booleanOption(args, 'synthetic');
  if (dataset && synthetic) throw new UsageError('give either --calibration <dataset> or --synthetic, not both');
  if (dataset) return { kind: 'dataset', dataset: await openDataset(dataset) };
  if (synthetic) {
    const range = stringOption(args, 'synthetic-range');
    return { kind: 'synthetic', seed: integerOption(args, 'seed') ?? 1, ...(range ? { range: parseRange(range) } : {}) };
  }
  if (stringOption(args, 'synthetic-range') || integerOption(args, 'seed') !== undefined) {
    throw new UsageError('--synthetic-range and --seed go with --synthetic');
  }
  return undefined;
}

export const optimizeCommand: Command = {
  spec: {
    name: 'optimize',
    summary: 'Run a pipeline of graph passes on a model (post-training int8 quantization, cleanups) and save the variant.',
    positionals: [{ name: 'model', description: 'model file (.tflite); not needed with --list', optional: true }],
    options: {
      pipeline: { type: 'string', value: 'name', description: 'pipeline to run (default quantize-int8; see --list)' },
      'input-layout': inputLayoutOptionSpec,
      out: { type: 'string', value: 'file.tflite', description: 'where to save the variant' },
      calibration: { type: 'string', value: 'dataset', description: 'dataset folder whose first samples calibrate the quantization (the rest are held out)' },
      synthetic: { type: 'boolean', description: 'calibrate on seeded random inputs instead (for a model without a dataset; recorded in the variant)' },
      'synthetic-range': { type: 'string', value: 'min,max', description: 'range of the synthetic inputs (default -1,1; e.g. 0,255 for raw pixels)' },
      seed: { type: 'integer', value: 'n', description: 'seed of the synthetic inputs (default 1)' },
      samples: { type: 'integer', value: 'n', description: 'calibration samples: the first n (default 200)' },
      observer: { type: 'string', value: 'kind', description: 'range estimate: min-max (default), moving-average, percentile', choices: observerKinds },
      percentile: { type: 'string', value: 'p', description: 'percentile observer: keep the p-th percentile (default 99.99)' },
      'int16-layers': { type: 'string', value: 'ops', description: 'ops run with int16 activations (16x8): indices or output tensor names, comma-separated' },
      'float32-layers': { type: 'string', value: 'ops', description: 'ops kept in float32: indices or output tensor names, comma-separated' },
      'eval-limit': { type: 'integer', value: 'n', description: 'evaluate on at most n held-out samples (default: all of them)' },
      'no-eval': { type: 'boolean', description: 'skip the accuracy and SQNR evaluation' },
      sensitivity: { type: 'boolean', description: 'also quantize each layer alone and report its accuracy drop (on up to --eval-limit, default 200, held-out samples)' },
      ...trainingOptionSpecs,
      list: { type: 'boolean', description: 'list the pipelines and passes and exit' },
      json: { type: 'boolean', description: 'print the result as JSON' },
    },
    notes:
      'Training pipelines are comma-separated pass lists with a training pass, e.g. --pipeline prune-channels,finetune\n' +
      '(add quantize-int8 last for an int8 model); they need --dataset <dir>, and report accuracy on its last --holdout part.\n' +
      'Quantizing pipelines need --calibration <dataset> or --synthetic. Layer indices for --int16-layers and\n' +
      '--float32-layers are those of the graph quantize-int8 receives; --sensitivity lists them.\n' +
      'The variant records its calibration (dataset or synthetic) in the model description.\n\n' +
      listText(),
  },
  async run(args, io) {
    if (booleanOption(args, 'list')) {
      io.stdout.write(listText());
      return 0;
    }
    const modelPath = args.positionals.model;
    if (modelPath === undefined) throw new UsageError('missing <model> (the model file to optimize)');
    const pipeline = stringOption(args, 'pipeline') ?? 'quantize-int8';
    if (pipeline.includes(',') || isTrainingPipeline([pipeline])) return runTrainingPipeline(args, io, modelPath, pipeline);
    const trainingOnly = Object.keys(trainingOptionSpecs).filter((name) => args.options.has(name));
    if (trainingOnly.length) throw new UsageError(`${trainingOnly.map((name) => `--${name}`).join(', ')}: only for training pipelines (e.g. --pipeline prune-channels,finetune)`);
    const definition = findPipeline(pipeline);
    if (!definition) throw new UsageError(`unknown pipeline "${pipeline}" (pipelines: ${listPipelines().map((p) => p.name).join(', ')})`);
    const quantizing = definition.passes.some((entry) => (typeof entry === 'string' ? entry : entry.pass) === 'quantize-int8');
    const out = stringOption(args, 'out');
    const sensitivity = booleanOption(args, 'sensitivity');
    if (!out && !sensitivity) throw new UsageError('missing --out <file.tflite> (where to save the variant)');
    const source = await calibrationSource(args);
    if (quantizing && !source) throw new UsageError(`pipeline ${pipeline} quantizes: give --calibration <dataset> or --synthetic`);
    if (!quantizing && (source || sensitivity)) throw new UsageError(`pipeline ${pipeline} does not quantize: --calibration, --synthetic and --sensitivity do not apply`);

    const graph = await loadModelFile(modelPath, undefined, inputLayoutOption(args));
    const modelName = basename(modelPath);
    const progress = phaseProgress(io);
    const started = performance.now();
    const evalLimit = booleanOption(args, 'no-eval') ? 0 : integerOption(args, 'eval-limit');
    const json: OptimizeJson = { model: modelName, pipeline, out: out ?? null, steps: [], log: [], milliseconds: 0 };
    let text = '';
    let variant: Graph | undefined;
    try {
      if (!quantizing) {
        const result = await runPipeline(graph, definition.name, { onProgress: (pipelineProgress) => progress.update({ stage: 'pipeline', pipeline: pipelineProgress }) });
        variant = result.graph;
        json.steps = stepsJson(result.steps);
        json.log = result.log;
        text += stepsText(result.steps, result.log);
      } else {
        if (out) {
          const { graph: quantized, report } = await quantizeModel(graph, {
            modelName,
            pipeline,
            calibration: source!,
            passOptions: passOptions(args),
            evaluationLimit: evalLimit,
            onProgress: (update) => progress.update(update),
          });
          variant = quantized;
          Object.assign(json, { steps: stepsJson(report.steps), log: report.log, calibration: report.calibration, evaluation: report.evaluation });
          text += `calibration: ${describeCalibration(report.calibration)}\n\n${stepsText(report.steps, report.log)}`;
          if (report.evaluation) text += `\n${evaluationText(report.evaluation)}`;
        }
        if (sensitivity) {
          const result = await quantizationSensitivity(graph, {
            pipeline,
            calibration: source!,
            passOptions: passOptions(args),
            evaluationLimit: evalLimit || undefined,
            onProgress: (update) => progress.update(update),
          });
          json.sensitivity = {
            calibration: result.calibration,
            parent: result.report.float,
            layers: result.report.layers.map((layer) => ({
              op: layer.op,
              type: layer.type,
              output: layer.output,
              ...(layer.evaluation.accuracy !== undefined ? { accuracy: layer.evaluation.accuracy, accuracyDrop: layer.accuracyDrop } : {}),
              sqnrDb: Number.isFinite(layer.evaluation.sqnrDb) ? layer.evaluation.sqnrDb! : null,
              agreement: layer.evaluation.agreement,
            })),
          };
          if (!out) text += `calibration: ${describeCalibration(result.calibration)}\n`;
          text += `\n${sensitivityText(result.report)}`;
        }
      }
    } finally {
      progress.finish();
    }
    if (out && variant) {
      await saveModelFile(variant, out);
      text = `${modelName} → ${out} (${pipeline}, ${((performance.now() - started) / 1000).toFixed(1)} s)\n${text}`;
    }
    json.milliseconds = Math.round(performance.now() - started);
    io.stdout.write(booleanOption(args, 'json') ? JSON.stringify(json, (_, value) => (value === Infinity ? null : value)) + '\n' : text);
    return 0;
  },
};
