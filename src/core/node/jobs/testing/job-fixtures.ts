import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Job } from '../../../../shared/services/types.js';
import type { CustomBoardSpec } from '../../../common/boards/index.js';
import type { Store } from '../../store/index.js';
import type { JobHost } from '../job-host.js';

/** The job once `predicate` holds for it (now, or at a change the host reports). */
export function jobReaches(store: Store, host: JobHost, jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  const current = store.getJob(jobId);
  if (predicate(current)) return Promise.resolve(current);
  return new Promise((resolve) => {
    const unsubscribe = host.onJobChanged((job) => {
      if (job.id === jobId && predicate(job)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

/** The job once it has ended (succeeded, failed, cancelled, interrupted), as the host reports it. */
export function jobFinished(store: Store, host: JobHost, jobId: string): Promise<Job> {
  return jobReaches(store, host, jobId, (job) => job.status !== 'queued' && job.status !== 'running');
}

/** A custom STM32F4-like board flashed by `flashMethod` (a drive copy: reached in the worker; OpenOCD: refused at once, TinyDeploy has no config for it). */
export function customF4Board(id: string, flashMethod: 'bin-drive' | 'openocd'): CustomBoardSpec {
  return {
    id,
    core: 'cortex-m4f',
    cpuHz: 84e6,
    flash: { origin: 0x0800_0000, size: 512 * 1024 },
    ram: { origin: 0x2000_0000, size: 96 * 1024 },
    uart: { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 },
    flashMethod,
    ...(flashMethod === 'bin-drive' ? { usb: '0483:374b' } : {}),
  };
}

/**
 * The model file at `path` stored as an imported int8 variant of the project (summary and detail
 * left empty: the job tests read the model's bytes, not its summary). Returns the variant's id.
 */
export function addImportedVariant(store: Store, projectId: string, path: string): string {
  const fileName = basename(path);
  return store.addVariant({
    projectId,
    name: fileName.replace(/\.tflite$/, ''),
    origin: { kind: 'import', fileName },
    bytes: new Uint8Array(readFileSync(path)),
    summary: { ops: 0, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' },
    detail: { layers: [], inputs: [], outputs: [] },
  }).id;
}
