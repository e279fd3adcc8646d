import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../test/testing/tools.js';
import { sharedModels } from '../../../test/testing/shared-data.js';
import { virtualBoardTestsUnavailable } from '../../core/node/devices/qemu/testing/qemu.js';
import { fileSha256 } from '../../core/node/toolchain/build-model.js';
import { runDeployTask } from './deploy.js';

/**
 * The app's Deploy & Profile is the worker's deploy task, and it goes through the same deploy
 * service and board back-ends as the CLI: here onto virtual-stm32f405 (the real-board path with
 * QEMU as the probe), reporting the back-end's steps as progress.
 */
describe('worker deploy task', () => {
  requireTools(virtualBoardTestsUnavailable());

  it('deploys the int8 LSTM to virtual-stm32f405 bit-exact, with the connection steps in its progress', async () => {
    const logs: string[] = [];
    const output = await runDeployTask(
      { kind: 'deploy', modelPath: sharedModels.trained_lstm_int8, modelName: 'trained_lstm_int8.tflite', modelHash: await fileSha256(sharedModels.trained_lstm_int8), boardId: 'virtual-stm32f405', runs: 2 },
      { signal: new AbortController().signal, progress: (update) => logs.push(...(update.log ?? [])) },
    );
    expect(output.result).toMatchObject({ board: 'virtual-stm32f405', bitExact: true, passed: true, runsIdentical: true });
    expect(logs.some((line) => /^flash: opening the serial line \/dev\/pts\/\d+$/.test(line))).toBe(true);
  }, 120_000);
});
