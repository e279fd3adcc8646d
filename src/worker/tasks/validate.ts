import { requireBoard } from '../../core/common/boards/index.js';
import { openDataset } from '../../core/node/datasets/dataset.js';
import { validateGraph } from '../../core/node/deploy/validate.js';
import type { ValidateOutput, ValidateTask } from '../../core/node/jobs/kinds/validate.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { formatPercent } from './format.js';
import type { TaskContext } from './task-context.js';

/** Validate on the board (virtual or real) in the worker: one flash, then each sample on the board and on the host (`tinydeploy validate`). */
export async function runValidateTask(task: ValidateTask, context: TaskContext): Promise<ValidateOutput> {
  const board = task.board ?? requireBoard(task.boardId);
  const [graph, dataset] = await Promise.all([loadModelFile(task.modelPath, task.modelName), openDataset(task.datasetPath)]);
  const total = Math.min(task.samples, dataset.size);
  const optimize = task.optimize ?? 'size';
  context.progress({ fraction: 0, step: 'build', log: [`validating ${task.modelName} on ${board.name} against the host: ${total} samples of ${dataset.name}, optimized for ${optimize}`] });
  const result = await validateGraph(graph, dataset, {
    board,
    name: task.modelName,
    hash: task.modelHash,
    samples: task.samples,
    optimize,
    // A real board: its port is the one with its probe's USB id (or $TINYDEPLOY_BOARD_PORT), as for Deploy.
    ...(board.qemu ? {} : { connection: { serialPort: process.env.TINYDEPLOY_BOARD_PORT || undefined } }),
    signal: context.signal,
    onProgress: ({ step, fraction, message }) => context.progress({ fraction, step: step === 'run' ? message : step, ...(step === 'run' ? {} : { log: [`${step}: ${message}`] }) }),
  });
  const accuracy =
    result.accuracy.board === null || result.accuracy.host === null
      ? 'no accuracy (the first output is not one score per class)'
      : `accuracy on the board ${formatPercent(result.accuracy.board)}, on the host ${formatPercent(result.accuracy.host)}`;
  context.progress({
    fraction: 1,
    step: 'done',
    log: [
      `${result.equal} of ${result.samples} samples byte-identical; max |Δ| ${result.maxAbsDiff.toPrecision(3)}, RMSE ${result.rmse.toPrecision(3)}, ` +
        `MAE ${result.mae.toPrecision(3)}, cosine ${result.cosine.toFixed(6)}, L2r ${result.l2r.toPrecision(3)}; ${accuracy}`,
    ],
  });
  return { kind: 'validate', result };
}
