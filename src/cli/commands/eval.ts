import { basename } from 'node:path';
import { printableName } from '../../core/common/printable.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { evaluate } from '../../core/node/datasets/evaluate.js';
import type { EvaluationResult } from '../../core/node/datasets/evaluate.js';
import { loadModelFile } from '../../core/node/model-file.js';
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
}

export function evalJson(result: EvaluationResult): EvalJson {
  return {
    samples: result.samples,
    correct: result.correct,
    accuracy: Math.round(result.accuracy * 10_000) / 10_000,
    confusion: result.confusion,
    classes: result.classes,
  };
}

/**
 * Accuracy line and the confusion matrix (rows: actual class, columns: predicted class). The
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
  return (
    `${printableName(basename(modelPath))} on ${printableName(datasetName)}: ${result.correct} of ${result.samples} correct, ` +
    `top-1 accuracy ${formatPercent(result.accuracy)}\n\n${table}`
  );
}

export const evalCommand: Command = {
  spec: {
    name: 'eval',
    summary: 'Measure top-1 accuracy (argmax of the first output) of a model on a dataset with the host reference interpreter.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      dataset: { type: 'string', value: 'dir', required: true, description: 'dataset folder with a dataset.json' },
      limit: { type: 'integer', value: 'N', description: 'evaluate only the first N samples' },
      json: { type: 'boolean', description: 'print {"samples","correct","accuracy","confusion","classes"} as JSON' },
    },
    notes:
      'Samples are quantized with the model input\'s scale and zero point (or fed as float to a float model).\n' +
      'Progress goes to stderr: a bar on a terminal, a line per 10% otherwise.',
  },
  async run(args, io) {
    const modelPath = args.positionals.model;
    const [graph, dataset] = await Promise.all([loadModelFile(modelPath), openDataset(stringOption(args, 'dataset')!)]);
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
