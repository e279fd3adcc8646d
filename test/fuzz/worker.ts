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
  | { kind: 'done'; index: number; outcome: 'accepted' | 'clean' | 'crash'; errorName?: string; message?: string; stack?: string }
  | { kind: 'idle' };

const { target: name, seed } = workerData as { target: TargetName; seed: number };
const target = targets[name] as FuzzTarget;
const port = parentPort!;
const scratch = mkdtempSync(join(tmpdir(), `tinydeploy-fuzz-${name}-`));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const context = await target.prepare();
port.on('message', async ({ first, count }: WorkerRequest) => {
  for (let index = first; index < first + count; index++) {
    port.postMessage({ kind: 'start', index } satisfies WorkerReport);
    const random = new Random(seed, index);
    try {
      const input = target.generate(context, random);
      await target.run(context, input, random, scratch);
      port.postMessage({ kind: 'done', index, outcome: 'accepted' } satisfies WorkerReport);
    } catch (error) {
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
