/**
 * A fuzzing worker thread: prepares one target, then runs the cases it is sent, reporting when
 * each starts (so the driver can call a hang) and how it ended. Started by campaign.ts through
 * worker-entry.mjs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { TinyDeployError } from '../../src/core/common/errors.js';
import { Random } from './mutate.js';
import { targets, type FuzzTarget, type TargetName } from './targets.js';

export interface WorkerRequest {
  first: number;
  count: number;
}

export type WorkerReport =
  | { kind: 'ready' }
  | { kind: 'start'; index: number }
  | { kind: 'done'; index: number; outcome: 'accepted' | 'clean' | 'crash' | 'oom'; errorName?: string; message?: string; stack?: string }
  | { kind: 'escaped'; errorName: string; message: string; stack?: string }
  | { kind: 'idle' };

const { target: name, seed, arrayBufferLimitBytes } = workerData as { target: TargetName; seed: number; arrayBufferLimitBytes: number };
const target = targets[name] as FuzzTarget;
const port = parentPort!;
const scratch = mkdtempSync(join(tmpdir(), `tinydeploy-fuzz-${name}-`));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// An exception thrown outside a case's promise (from a timer or an event handler) is reported here, against the
// case the driver saw start, rather than left to end the thread: the driver records it and starts a new worker.
// Left uncaught, it reached the driver only as the Worker's 'error' event, which under load was reported in the
// test process itself.
process.on('uncaughtException', (error: Error) => {
  port.postMessage({ kind: 'escaped', errorName: error.name, message: error.message, stack: error.stack } satisfies WorkerReport);
});

const context = await target.prepare();
port.on('message', async ({ first, count }: WorkerRequest) => {
  for (let index = first; index < first + count; index++) {
    port.postMessage({ kind: 'start', index } satisfies WorkerReport);
    const random = new Random(seed, index);
    const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
    const overAllocated = () => {
      // Array buffers live outside the V8 heap limit, and untouched pages outside the resident size:
      // a case that allocated gigabytes it never wrote would pass both. They are freed only by a later GC.
      const grown = process.memoryUsage().arrayBuffers - arrayBuffersBefore;
      if (grown <= (arrayBufferLimitBytes ?? 2 ** 31)) return false;
      port.postMessage({ kind: 'done', index, outcome: 'oom', errorName: 'array-buffers', message: `the case allocated ${grown} bytes of array buffers, more than ${arrayBufferLimitBytes}` } satisfies WorkerReport);
      return true;
    };
    try {
      const input = target.generate(context, random);
      await target.run(context, input, random, scratch);
      if (!overAllocated()) port.postMessage({ kind: 'done', index, outcome: 'accepted' } satisfies WorkerReport);
    } catch (error) {
      if (overAllocated()) continue;
      if (error instanceof TinyDeployError) {
        port.postMessage({ kind: 'done', index, outcome: 'clean', errorName: error.name } satisfies WorkerReport);
      } else {
        const e = error instanceof Error ? error : new Error(String(error));
        port.postMessage({ kind: 'done', index, outcome: 'crash', errorName: e.name, message: e.message, stack: e.stack } satisfies WorkerReport);
      }
    }
  }
  port.postMessage({ kind: 'idle' } satisfies WorkerReport);
});
port.postMessage({ kind: 'ready' } satisfies WorkerReport);
