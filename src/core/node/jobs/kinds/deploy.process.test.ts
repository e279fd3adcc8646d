import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../../shared/services/types.js';
import { requireTools } from '../../../../../test/testing/tools.js';
import { sharedModels } from '../../../../../test/testing/shared-data.js';
import { virtualBoardTestsUnavailable } from '../../devices/qemu/testing/qemu.js';
import { deviceManagerOf } from '../../devices/device-manager.js';
import { createJobService } from '../../services/jobs.js';
import { CustomBoards } from '../../store/custom-boards.js';
import { openStore, type Store } from '../../store/index.js';
import { JobHost } from '../job-host.js';
import { addImportedVariant, customF4Board, jobFinished } from '../testing/job-fixtures.js';

/**
 * The app's Deploy & Profile end to end: the jobs service accepts the request, the job host
 * prepares the task (the board's entry, custom boards included, and the estimate target) and
 * runs it in a real worker process, which deploys through the real-board back-end. Stand-in for
 * a real board: virtual-stm32f405 (QEMU's gdbstub as the GDB server, its USART pty opened through
 * the serialport transport). Real boards that cannot be reached fail the job in the worker, before
 * building, with the board's name.
 */
describe('deploy job through the job host and a worker process', () => {
  requireTools(virtualBoardTestsUnavailable());
  let directory: string;
  let store: Store;
  let host: JobHost;
  let jobs: ReturnType<typeof createJobService>;
  let projectId: string;
  let variantId: string;

  const finished = (jobId: string): Promise<Job> => jobFinished(store, host, jobId);

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-deploy-job-'));
    store = openStore(join(directory, 'data'));
    host = new JobHost(store, { cancelGraceMs: 5_000 });
    jobs = createJobService(store, host);
    projectId = store.createProject('keyword spotting').id;
    variantId = addImportedVariant(store, projectId, sharedModels.kws_ref_model);
  });
  afterAll(async () => {
    await host.close();
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('KWS on virtual-stm32f405 through the real-board path, bit-exact, with the cycle estimate for a NUCLEO-L4R5ZI target', async () => {
    const started = await jobs.startDeploy({ variantId, boardId: 'virtual-stm32f405', runs: 2, targetId: 'nucleo-l4r5zi' });
    expect(started.params).toEqual({ variantId, boardId: 'virtual-stm32f405', runs: 2, targetId: 'nucleo-l4r5zi', optimizeFor: 'size' });
    const done = await finished(started.id);
    expect(done.error, done.log.join('\n')).toBeUndefined();
    expect(done.status).toBe('succeeded');
    // The line is the board's USART pty, opened through the serialport transport (not the virtual-board shortcut).
    expect(done.log.some((line) => /^flash: opening the serial line \/dev\/pts\/\d+$/.test(line))).toBe(true);
    expect(done.log.some((line) => line.startsWith("flash: starting QEMU netduinoplus2 as virtual-stm32f405's probe"))).toBe(true);
    const [measurement] = store.listMeasurements({ projectId, variantId });
    expect(measurement).toMatchObject({ boardId: 'virtual-stm32f405', bitExact: true, passed: true, latency: { unit: 'instructions' } });
    expect(measurement.details).toMatchObject({ runs: 2, runsIdentical: true, estimate: { board: 'nucleo-l4r5zi', core: 'cortex-m4', cpuHz: 120_000_000 } });
    const estimate = (measurement.details as { estimate: { cycles: number; ms: number; instructions: number } }).estimate;
    expect(estimate.cycles).toBeGreaterThan(estimate.instructions);
    expect(estimate.ms).toBeCloseTo((estimate.cycles / 120e6) * 1000, 6);
  }, 300_000);

  it('cancel during the flash step stops the job and what it started', async () => {
    const started = await jobs.startDeploy({ variantId, boardId: 'virtual-stm32f405' });
    await new Promise<void>((resolve) => {
      const check = (job: Job) => job.id === started.id && job.log.some((line) => line.startsWith('flash: ')) && (unsubscribe(), resolve());
      const unsubscribe = host.onJobChanged(check);
    });
    await jobs.cancel({ jobId: started.id });
    const done = await finished(started.id);
    expect(done.status).toBe('cancelled');
    expect(store.listMeasurements({ projectId, variantId }).filter((measurement) => measurement.jobId === started.id)).toEqual([]);
  }, 300_000);

  it('a real board that is not plugged in fails in the worker before building, naming it; its loan ends with the job', async () => {
    const env = process.env.TINYDEPLOY_BOARD_PORT;
    delete process.env.TINYDEPLOY_BOARD_PORT;
    try {
      const started = await jobs.startDeploy({ variantId, boardId: 'nucleo-h743zi2' });
      const done = await finished(started.id);
      expect(done.status).toBe('failed');
      expect(done.error?.message).toMatch(/^board nucleo-h743zi2 (is not plugged in: no serial port with its probe's USB id|: nothing to flash it with)/);
      expect(done.log.some((line) => line.startsWith('build: generating C'))).toBe(false);
      expect(deviceManagerOf(store).ownerOf('board:nucleo-h743zi2')).toBeUndefined();
    } finally {
      if (env !== undefined) process.env.TINYDEPLOY_BOARD_PORT = env;
    }
  }, 120_000);

  it('a custom board reaches the worker (which never opens the store) and a target is only for virtual boards', async () => {
    new CustomBoards(store).add(customF4Board('my-f4', 'bin-drive'));
    const started = await jobs.startDeploy({ variantId, boardId: 'my-f4' });
    const done = await finished(started.id);
    expect(done.status).toBe('failed');
    expect(done.error?.message).toMatch(/^board my-f4: its drive a BIN drive is not mounted; looked in /);
    await expect(jobs.startDeploy({ variantId, boardId: 'nucleo-f446re', targetId: 'nucleo-l4r5zi' })).rejects.toThrow(
      'target nucleo-l4r5zi: nucleo-f446re is a real board, which measures cycles itself; a target is for virtual boards',
    );
    // A custom board the user made for the app's own GDB server it cannot start: refused at once.
    new CustomBoards(store).add(customF4Board('my-openocd', 'openocd'));
    await expect(jobs.startDeploy({ variantId, boardId: 'my-openocd' })).rejects.toThrow(
      'board my-openocd is real hardware that TinyDeploy cannot start a GDB server for: start OpenOCD for it and give its address (--gdb-server localhost:3333)',
    );
  }, 120_000);
});
