import { basename } from 'node:path';
import { printableName } from '../../core/common/printable.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { defaultValidationSamples, validateGraph, type ValidateResult } from '../../core/node/deploy/validate.js';
import { fileSha256 } from '../../core/node/toolchain/build-model.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { inputLayoutOption, inputLayoutOptionSpec } from '../model-options.js';
import { UsageError } from '../../core/common/errors.js';
import { booleanOption, integerOption, stringOption } from '../args.js';
import { boardOption, boardOptionSpec } from '../board-option.js';
import { optimizeOption, optimizeOptionSpec } from '../optimize-option.js';
import type { Command } from '../command.js';
import type { OptimizeFor } from '../../core/common/codegen/index.js';
import { formatPercent } from '../format.js';
import { progressReporter, stepReporter } from '../progress.js';

/**
 * The `validate --json` document, a contract for users' scripts: `samples`, `equal` (samples
 * whose outputs are byte-identical on the board and the host), `accuracy` (top-1 on the board and
 * on the host; null when the first output is not one score per class of the dataset), and the
 * error figures over every output element on real values: `maxAbsDiff`, `rmse`, `mae`, `cosine`,
 * `l2r` (‖board − host‖ / ‖host‖). More keys may be added.
 */
export interface ValidateJson {
  board: string;
  model: string;
  dataset: string;
  samples: number;
  equal: number;
  /** Samples that pass deploy's check (integer outputs identical, float outputs within 1e-4·max |host|). */
  passed: number;
  accuracy: { board: number | null; host: number | null };
  maxAbsDiff: number;
  rmse: number;
  mae: number;
  cosine: number;
  l2r: number;
  outputDType: string;
  disagreements: number;
  differing: { index: number; source: string; maxAbsDiff: number }[];
  /** What the firmware was generated for: `size` or `speed` (`--optimize`), the key build and deploy use. */
  optimize: OptimizeFor;
  wallMs: number;
}

export function validateJson(result: ValidateResult): ValidateJson {
  return {
    board: result.boardId,
    model: result.model.name,
    dataset: result.datasetName,
    samples: result.samples,
    equal: result.equal,
    passed: result.passed,
    accuracy: result.accuracy,
    maxAbsDiff: result.maxAbsDiff,
    rmse: result.rmse,
    mae: result.mae,
    cosine: result.cosine,
    l2r: result.l2r,
    outputDType: result.outputDType,
    disagreements: result.disagreements,
    differing: result.differing,
    optimize: result.optimizeFor,
    wallMs: Math.round(result.timings.totalMs),
  };
}

/** A figure for people: integers as they are, others with 4 significant digits. */
function figure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

export function validateText(result: ValidateResult): string {
  const lines = [
    `${printableName(result.model.name)} on ${result.boardId} against the host, ${result.samples} samples of ${printableName(result.datasetName)}:`,
    `  optimized for      ${result.optimizeFor}`,
    `  identical outputs  ${result.equal} of ${result.samples}${result.outputDType === 'float32' ? `; ${result.passed} within the float tolerance` : ''}`,
    `  max |Δ|            ${figure(result.maxAbsDiff)}`,
    `  RMSE               ${figure(result.rmse)}`,
    `  MAE                ${figure(result.mae)}`,
    `  cosine             ${result.cosine.toFixed(6)}`,
    `  L2 relative error  ${figure(result.l2r)}`,
  ];
  if (result.accuracy.board !== null && result.accuracy.host !== null) {
    lines.push(`  accuracy           board ${formatPercent(result.accuracy.board)}, host ${formatPercent(result.accuracy.host)} (${result.disagreements} samples classified differently)`);
  } else {
    lines.push('  accuracy           – (the first output is not one score per class of the dataset)');
  }
  if (result.differing.length > 0) {
    lines.push(`  first differing samples: ${result.differing.slice(0, 5).map((entry) => `${entry.index} (${printableName(entry.source)}, max |Δ| ${figure(entry.maxAbsDiff)})`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

export const validateCommand: Command = {
  spec: {
    name: 'validate',
    summary: "Run N samples of a dataset on a board and on the host, and compare the board's outputs with the host's sample by sample.",
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      board: boardOptionSpec,
      optimize: optimizeOptionSpec,
      'input-layout': inputLayoutOptionSpec,
      dataset: { type: 'string', value: 'dir', required: true, description: 'dataset folder with a dataset.json' },
      samples: { type: 'integer', value: 'N', description: `samples to run, the first ones of the dataset (default ${defaultValidationSamples})` },
      json: { type: 'boolean', description: 'print {"samples","equal","accuracy":{"board","host"},"maxAbsDiff","rmse","mae","cosine","l2r","optimize",…} as JSON' },
      'gdb-server': { type: 'string', value: 'host:port', description: 'real boards: the GDB server to flash through (OpenOCD, pyOCD: localhost:3333)' },
      port: { type: 'string', value: 'path', description: "real boards: the probe's serial port, e.g. /dev/ttyACM0 (default $TINYDEPLOY_BOARD_PORT)" },
    },
    notes:
      'The firmware is built and flashed once; each sample is then loaded, run and read back. Integer outputs\n' +
      'must be byte-identical (exit code 1 otherwise); for float outputs max |Δ|, RMSE, MAE, cosine and the L2\n' +
      'relative error say how close they are (exit code 1 when a float output is off by more than 1e-4 of the\n' +
      "host's largest value). Error figures are on real values: quantized outputs are dequantized first.",
  },
  async run(args, io) {
    const board = boardOption(args, 'validate');
    const samples = integerOption(args, 'samples');
    if (samples !== undefined && samples < 1) throw new UsageError(`--samples must be at least 1, got ${samples}`);
    const modelPath = args.positionals.model;
    const [graph, dataset, hash] = await Promise.all([loadModelFile(modelPath, undefined, inputLayoutOption(args)), openDataset(stringOption(args, 'dataset')!), fileSha256(modelPath)]);
    const label = `validate ${printableName(dataset.name)} on ${board.id}`;
    // Build and flash as named steps, then the samples as a bar.
    const steps = stepReporter(io.stderr, label);
    const progress = progressReporter(io.stderr, label);
    let running = false;
    let result: ValidateResult;
    try {
      result = await validateGraph(graph, dataset, {
        board,
        name: basename(modelPath),
        hash,
        optimize: optimizeOption(args),
        ...(samples !== undefined ? { samples } : {}),
        connection: { gdbServer: stringOption(args, 'gdb-server'), serialPort: stringOption(args, 'port') ?? (process.env.TINYDEPLOY_BOARD_PORT || undefined) },
        onProgress: ({ step, message, done, equal }) => {
          if (done === undefined) return steps.update(printableName(`${step}: ${message}`));
          if (!running) steps.finish();
          running = true;
          progress.update(done, Math.min(samples ?? defaultValidationSamples, dataset.size), `${equal} identical`);
        },
      });
    } finally {
      if (!running) steps.finish();
      progress.finish();
    }
    io.stdout.write(booleanOption(args, 'json') ? JSON.stringify(validateJson(result)) + '\n' : validateText(result));
    return validationPasses(result) ? 0 : 1;
  },
};

/** Every sample passes deploy's check: integer outputs byte-identical, float outputs within max |Δ| ≤ 1e-4·max |host|. */
export function validationPasses(result: ValidateResult): boolean {
  return result.passed === result.samples;
}
