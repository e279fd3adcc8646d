import { basename } from 'node:path';
import { printableName } from '../../core/common/printable.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { evaluate } from '../../core/node/datasets/evaluate.js';
import type { EvaluationResult } from '../../core/node/datasets/evaluate.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { inputLayoutOption, inputLayoutOptionSpec } from '../model-options.js';
import { booleanOption, integerOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatPercent, formatTable } from '../format.js';
import { progressReporter } from '../progress.js';

/**
 * The `eval --json` document. `samples`, `correct` and `accuracy` are a contract for users'
 * scripts; `accuracy` is rounded to 4 decimals (the exact value is correct / samples).
 */
export interface EvalJson {
  samples: number;
  correct: number;
  accuracy: number;
  confusion: number[][];
  classes: string[];
  /** Per class: samples (support), predictions, precision, recall, F1 (null when undefined), rounded to 4 decimals. */
  perClass: { name: string; support: number; predicted: number; precision: number | null; recall: number | null; f1: number | null }[];
  /** Top-k accuracy for k = 1, 2, 3, 5 (those below the class count), rounded to 4 decimals. */
  topK: { k: number; correct: number; accuracy: number }[];
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
const round4OrNull = (value: number | null) => (value === null ? null : round4(value));

export function evalJson(result: EvaluationResult): EvalJson {
  return {
    samples: result.samples,
    correct: result.correct,
    accuracy: round4(result.accuracy),
    confusion: result.confusion,
    classes: result.classes,
    perClass: result.perClass.map(({ name, support, predicted, precision, recall, f1 }) => ({
      name,
      support,
      predicted,
      precision: round4OrNull(precision),
      recall: round4OrNull(recall),
      f1: round4OrNull(f1),
    })),
    topK: result.topK.map(({ k, correct, accuracy }) => ({ k, correct, accuracy: round4(accuracy) })),
  };
}

/**
 * Accuracy line, the confusion matrix (rows: actual class, columns: predicted class), precision
 * and recall per class, and the top-k accuracies, separated by blank lines. The
 * class names and the dataset's name come from whoever made the dataset: they are printed with
 * bidi marks, line separators and control characters escaped (`printableName`), so a name cannot
 * reorder or split the table, or act on the terminal.
 */
export function evalText(modelPath: string, datasetName: string, result: EvaluationResult): string {
  const { confusion } = result;
  const classes = result.classes.map(printableName);
  const rows = classes.map((name, actual) => [name, ...confusion[actual].map(String), String(confusion[actual].reduce((a, b) => a + b, 0))]);
  const table = formatTable(
    [{ header: 'actual \\ predicted' }, ...classes.map((name) => ({ header: name, align: 'right' as const })), { header: 'total', align: 'right' }],
    rows,
  );
  const orDash = (value: number | null) => (value === null ? '–' : formatPercent(value));
  const perClass = formatTable(
    [{ header: 'class' }, { header: 'samples', align: 'right' }, { header: 'predicted', align: 'right' }, { header: 'precision', align: 'right' }, { header: 'recall', align: 'right' }, { header: 'F1', align: 'right' }],
    result.perClass.map((entry, i) => [classes[i], String(entry.support), String(entry.predicted), orDash(entry.precision), orDash(entry.recall), orDash(entry.f1)]),
  );
  const topK = result.topK.map(({ k, correct }) => `top-${k} ${formatPercent(result.samples === 0 ? 0 : correct / result.samples)}`).join(', ');
  return (
    `${printableName(basename(modelPath))} on ${printableName(datasetName)}: ${result.correct} of ${result.samples} correct, ` +
    `top-1 accuracy ${formatPercent(result.accuracy)}\n\n${table}\n${perClass}\n${topK}\n`
  );
}

export const evalCommand: Command = {
  spec: {
    name: 'eval',
    summary: 'Measure the accuracy of a model on a dataset with the host reference interpreter: top-1 (argmax of the first output), top-k, per class, confusion matrix.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      dataset: { type: 'string', value: 'dir', required: true, description: 'dataset folder with a dataset.json' },
      'input-layout': inputLayoutOptionSpec,
      limit: { type: 'integer', value: 'N', description: 'evaluate only the first N samples' },
      json: { type: 'boolean', description: 'print {"samples","correct","accuracy","confusion","classes","perClass","topK"} as JSON' },
    },
    notes:
      'Samples are quantized with the model input\'s scale and zero point (or fed as float to a float model).\n' +
      'Progress goes to stderr: a bar on a terminal, a line per 10% otherwise.',
  },
  async run(args, io) {
    const modelPath = args.positionals.model;
    const [graph, dataset] = await Promise.all([loadModelFile(modelPath, undefined, inputLayoutOption(args)), openDataset(stringOption(args, 'dataset')!)]);
    const progress = progressReporter(io.stderr, `eval ${printableName(dataset.name)}`);
    let result: EvaluationResult;
    try {
      result = await evaluate(graph, dataset, {
        limit: integerOption(args, 'limit'),
        onProgress: ({ done, total, correct }) => progress.update(done, total, `accuracy ${formatPercent(correct / done)}`),
      });
    } finally {
      progress.finish();
    }
    io.stdout.write(booleanOption(args, 'json') ? JSON.stringify(evalJson(result)) + '\n' : evalText(modelPath, dataset.name, result));
    return 0;
  },
};
