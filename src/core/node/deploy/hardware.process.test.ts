import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { requireBoard } from '../../common/boards/index.js';
import type { BoardConnectOptions } from '../devices/board-connection.js';
import { findBoardIn } from '../store/custom-boards.js';
import { deployModelFile } from './deploy.js';

/**
 * The hardware lane: a real board on this machine, named by `TINYDEPLOY_BOARD` (a catalog board,
 * or a custom one of `TINYDEPLOY_DATA_DIR`) on the serial port `TINYDEPLOY_BOARD_PORT`. It runs
 * only when both are set (README, "Checking a real board"); then KWS and the int8 LSTM must deploy
 * bit-exact, timed in cycles at the board's clock, from the deploy service (the CLI's path; the
 * worker's, the app's path, is src/worker/tasks/deploy-hardware.process.test.ts). `TINYDEPLOY_GDB_SERVER` (host:port of a GDB server
 * already running) and `TINYDEPLOY_FLASH` (openocd, pyocd or drive) choose how it is flashed;
 * by default TinyDeploy starts OpenOCD or pyOCD itself, or copies to the board's drive.
 */
const boardId = process.env.TINYDEPLOY_BOARD;
const port = process.env.TINYDEPLOY_BOARD_PORT;

describe.runIf(Boolean(boardId && port))(`hardware lane: ${boardId ?? 'TINYDEPLOY_BOARD'} on ${port ?? 'TINYDEPLOY_BOARD_PORT'}`, () => {
  const board = () => {
    if (process.env.TINYDEPLOY_DATA_DIR) {
      const found = findBoardIn(process.env.TINYDEPLOY_DATA_DIR, boardId!).board;
      if (found) return found;
    }
    return requireBoard(boardId!);
  };
  const flash = process.env.TINYDEPLOY_FLASH as BoardConnectOptions['flashMethod'] | undefined;
  const connection: BoardConnectOptions = {
    serialPort: port,
    ...(process.env.TINYDEPLOY_GDB_SERVER ? { gdbServer: process.env.TINYDEPLOY_GDB_SERVER } : {}),
    ...(flash ? { flashMethod: flash } : {}),
  };

  for (const [name, model] of [
    ['KWS', sharedModels.kws_ref_model],
    ['the int8 LSTM', sharedModels.trained_lstm_int8],
  ] as const) {
    it(`${name} deploys bit-exact, timed in cycles at the board's clock`, async () => {
      const target = board();
      const steps: string[] = [];
      const result = await deployModelFile(model, { board: target, runs: 3, connection: { ...connection, onProgress: (step) => steps.push(step.message) } });
      expect(result.bitExact, steps.join('\n')).toBe(true);
      expect(result.runsIdentical).toBe(true);
      expect(result.latency.unit).toBe('cycles');
      expect(result.latency.milliseconds).toBeGreaterThan(0);
      // At the catalog's clock: a clock set-up that fell back would say so in the steps.
      expect(steps.filter((message) => message.includes('its clock set-up fell back'))).toEqual([]);
      expect(result.latency.milliseconds!).toBeCloseTo((result.latency.value / target.cpuHz) * 1000, 6);
    }, 600_000);
  }
});
