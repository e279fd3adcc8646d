import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../../shared/services/types.js';
import { requireTools } from '../../../../../test/testing/tools.js';
import { repoRoot, sharedModels } from '../../../../../test/testing/shared-data.js';
import { openDataset } from '../../datasets/dataset.js';
import { virtualBoardTestsUnavailable } from '../../devices/qemu/testing/qemu.js';
import { deviceManagerOf } from '../../devices/device-manager.js';
import { createJobService } from '../../services/jobs.js';
import { CustomBoards } from '../../store/custom-boards.js';
import { openStore, type Store } from '../../store/index.js';
import { JobHost } from '../job-host.js';
import { addImportedVariant, customF4Board, jobFinished } from '../testing/job-fixtures.js';

/**
 * Validate on the board through the job host and a worker process, on the real-board back end
 * Deploy uses: the backend prepares the task with the board's entry (custom boards included) and
 * lends a real board to the job; the worker plans the board (port, flashing) before building.
 * Stand-in for a real board: virtual-stm32f405 (QEMU's gdbstub as the GDB server, its USART pty
 * opened through the serialport transport).
 */
describe('validate job through the job host and a worker process', () => {
  requireTools(virtualBoardTestsUnavailable());
  let directory: string;
  let store: Store;
  let host: JobHost;
  let jobs: ReturnType<typeof createJobService>;
  let projectId: string;
  let variantId: string;
  let datasetId: string;

  const finished = (jobId: string): Promise<Job> => jobFinished(store, host, jobId);

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-validate-job-'));
    store = openStore(join(directory, 'data'));
    host = new JobHost(store, { cancelGraceMs: 5_000 });
    jobs = createJobService(store, host);
    projectId = store.createProject('keyword spotting').id;
    variantId = addImportedVariant(store, projectId, sharedModels.kws_ref_model);
    const dataset = await openDataset(join(repoRoot, 'resources/datasets/kws01'));
    datasetId = store.addDataset({ projectId, name: dataset.name, path: dataset.directory, format: dataset.layout, sampleCount: dataset.size }).id;
  });
  afterAll(async () => {
    await host.close();
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('KWS on virtual-stm32f405 through the real-board path: 10 kws01 samples byte-identical, stored with the board', async () => {
    const started = await jobs.startValidate({ variantId, boardId: 'virtual-stm32f405', datasetId, samples: 10 });
    expect(started.params).toEqual({ variantId, boardId: 'virtual-stm32f405', datasetId, samples: 10, optimizeFor: 'size' });
    const done = await finished(started.id);
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    // The line is the board's USART pty, opened through the serialport transport (not the virtual-board shortcut).
    expect(done.log.some((line) => /^flash: opening the serial line \/dev\/pts\/\d+$/.test(line))).toBe(true);
    expect(done.log.some((line) => line.startsWith("flash: starting QEMU netduinoplus2 as virtual-stm32f405's probe"))).toBe(true);
    expect(done.log.some((line) => line.startsWith('10 of 10 samples byte-identical; max |Δ| 0.00, '))).toBe(true);
    expect(done.result).toMatchObject({ boardId: 'virtual-stm32f405', samples: 10, equal: 10 });
  }, 300_000);

  it('a real board is accepted, and one that is not plugged in fails in the worker before building, naming it; its loan ends with the job', async () => {
    const env = process.env.TINYDEPLOY_BOARD_PORT;
    delete process.env.TINYDEPLOY_BOARD_PORT;
    try {
      const started = await jobs.startValidate({ variantId, boardId: 'nucleo-h743zi2', datasetId, samples: 2 });
      const done = await finished(started.id);
      expect(done.status).toBe('failed');
      expect(done.error?.message).toMatch(/^board nucleo-h743zi2 (is not plugged in: no serial port with its probe's USB id|: nothing to flash it with)/);
      expect(done.log.some((line) => line.startsWith('build: generating C'))).toBe(false);
      expect(deviceManagerOf(store).ownerOf('board:nucleo-h743zi2')).toBeUndefined();
    } finally {
      if (env !== undefined) process.env.TINYDEPLOY_BOARD_PORT = env;
    }
  }, 120_000);

  it('a custom board reaches the worker (which never opens the store); one TinyDeploy cannot flash is refused at once', async () => {
    new CustomBoards(store).add(customF4Board('my-f4', 'bin-drive'));
    const started = await jobs.startValidate({ variantId, boardId: 'my-f4', datasetId, samples: 2 });
    const done = await finished(started.id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/^board my-f4: its drive a BIN drive is not mounted; looked in /);
    new CustomBoards(store).add(customF4Board('my-openocd', 'openocd'));
    await expect(jobs.startValidate({ variantId, boardId: 'my-openocd', datasetId, samples: 2 })).rejects.toThrow(
      'board my-openocd is real hardware that TinyDeploy cannot start a GDB server for',
    );
  }, 120_000);
});
