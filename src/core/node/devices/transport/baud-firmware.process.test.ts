import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';
import { sharedModels } from '../../../../../test/testing/shared-data.js';
import { virtualStm32f405 } from '../../../common/boards/stm32f4.js';
import { loadModelFile } from '../../model-file.js';
import { buildModelGraph } from '../../toolchain/build-model.js';
import { connectBoard, type BoardConnectProgress } from '../board-connection.js';
import { virtualBoardTestsUnavailable } from '../qemu/testing/qemu.js';

/**
 * The firmware's SET_BAUD (firmware/runtime/src/td_server.c and the STM32F4 USART driver, as the
 * NUCLEO-F446RE runs them) on virtual-stm32f405 through the real-board back end: QEMU leaves RCC
 * out, so the USART runs from HSI's 16 MHz, where 921600 baud is 2.1 % off (BRR 17: refused) and
 * 460800 is 0.8 % off (BRR 35: taken). A pty has no rate, so the ECHO at the new rate gets through.
 * Without `fasterLine` (the default for QEMU boards) nothing is asked.
 */
describe('SET_BAUD in the firmware, on virtual-stm32f405', () => {
  requireTools(virtualBoardTestsUnavailable());
  let directory: string;
  let elf: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tinydeploy-baud-firmware-'));
    const graph = await loadModelFile(sharedModels.kws_ref_model);
    const { build } = await buildModelGraph(graph, { board: virtualStm32f405, out: join(directory, 'stm32f405'), application: 'profiler', name: 'kws', hash: 'sha256:00' });
    elf = build!.elf;
  }, 240_000);
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('refuses 921600 (its divisor is 2.1 % off at 16 MHz), takes 460800, and runs the model at it', async () => {
    const steps: BoardConnectProgress[] = [];
    const connection = await connectBoard(virtualStm32f405, elf, { fasterLine: { rates: [921_600, 460_800] }, onProgress: (step) => steps.push(step) });
    try {
      expect(connection.baudRate).toBe(460_800);
      expect(steps[steps.length - 1]).toEqual({ step: 'hello', message: 'the line runs at 460800 baud from now on' });
      await connection.client.run({ runs: 1 });
      expect(await connection.client.readOutput(0)).toHaveLength(12);
      await connection.client.echo(Uint8Array.from({ length: 400 }, (_, i) => i & 0xff || 1));
    } finally {
      await connection.close();
    }
  }, 120_000);

  it('a virtual board is not asked: the line stays as it is', async () => {
    const connection = await connectBoard(virtualStm32f405, elf, {});
    try {
      expect(connection.baudRate).toBeUndefined();
      await connection.client.echo(Uint8Array.of(1, 2, 3));
    } finally {
      await connection.close();
    }
  }, 120_000);
});
