import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../test/testing/shared-data.js';
import { requireBoard } from '../../core/common/boards/index.js';
import { findBoardIn } from '../../core/node/store/custom-boards.js';
import { fileSha256 } from '../../core/node/toolchain/build-model.js';
import { runDeployTask } from './deploy.js';

/**
 * The hardware lane of the app's path (see src/core/node/deploy/hardware.process.test.ts and the
 * README's "Checking a real board"): with `TINYDEPLOY_BOARD` and `TINYDEPLOY_BOARD_PORT` set, the
 * worker's deploy task finds the board on that port, flashes it the way TinyDeploy chooses and
 * gets KWS bit-exact in cycles.
 */
const boardId = process.env.TINYDEPLOY_BOARD;
const port = process.env.TINYDEPLOY_BOARD_PORT;

describe.runIf(Boolean(boardId && port))(`hardware lane, worker deploy task: ${boardId ?? 'TINYDEPLOY_BOARD'} on ${port ?? 'TINYDEPLOY_BOARD_PORT'}`, () => {
  it('KWS deploys bit-exact, timed in cycles', async () => {
    const board = (process.env.TINYDEPLOY_DATA_DIR && findBoardIn(process.env.TINYDEPLOY_DATA_DIR, boardId!).board) || requireBoard(boardId!);
    const logs: string[] = [];
    const output = await runDeployTask(
      { kind: 'deploy', modelPath: sharedModels.kws_ref_model, modelName: 'kws_ref_model.tflite', modelHash: await fileSha256(sharedModels.kws_ref_model), boardId: board.id, board, runs: 2 },
      { signal: new AbortController().signal, progress: (update) => logs.push(...(update.log ?? [])) },
    );
    expect(output.result, logs.join('\n')).toMatchObject({ board: board.id, bitExact: true, passed: true, runsIdentical: true, latency: { unit: 'cycles' } });
  }, 600_000);
});
