/**
 * The training engine: TensorFlow.js in the process that trains (the worker, the CLI), on the
 * fastest back end that loads, chosen once at start-up and reported in the job log and result:
 *
 * 1. `tensorflow`: `@tensorflow/tfjs-node` (native TensorFlow), an optional dependency that
 *    downloads libtensorflow when installed, so it is there on users' workstations only;
 * 2. `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK), with the gradient kernels it lacks for
 *    convolution training registered from `wasm-kernels.ts`;
 * 3. `cpu`: tfjs' plain JavaScript back end, always there, slowest.
 *
 * Asking for a back end by name (`--backend`, tests, benches) uses it or fails saying why.
 */

import type * as tfType from '@tensorflow/tfjs';
import { UsageError } from '../../common/errors.js';
import { registerWasmTrainingKernels } from './wasm-kernels.js';

export type Tf = typeof tfType;

export type TrainingBackend = 'tensorflow' | 'wasm' | 'cpu';
export const trainingBackends: readonly TrainingBackend[] = ['tensorflow', 'wasm', 'cpu'];

export interface TrainingEngine {
  tf: Tf;
  backend: TrainingBackend;
  /** Why faster back ends were not used ("tensorflow: @tensorflow/tfjs-node is not installed"). */
  notes: string[];
}

let tfjs: Promise<Tf> | undefined;
let nativeTried: Promise<string | undefined> | undefined;
let wasmLoaded: Promise<string | undefined> | undefined;

/**
 * The engine on `backend` ('auto', the default: the first of tensorflow, wasm, cpu that loads).
 * The back end is process-wide in tfjs: the last call decides which one runs.
 */
export async function loadTrainingEngine(backend: TrainingBackend | 'auto' = 'auto'): Promise<TrainingEngine> {
  if (backend !== 'auto' && !trainingBackends.includes(backend)) {
    throw new UsageError(`training back end "${String(backend)}" is not one of auto, ${trainingBackends.join(', ')}`, { backend });
  }
  tfjs ??= import('@tensorflow/tfjs');
  const tf = await tfjs;
  const notes: string[] = [];
  const candidates = backend === 'auto' ? trainingBackends : [backend];
  for (const candidate of candidates) {
    const problem = await prepare(tf, candidate);
    if (problem === undefined && (await tf.setBackend(candidate))) {
      await tf.ready();
      return { tf, backend: candidate, notes };
    }
    const reason = problem ?? 'it did not initialise';
    if (backend !== 'auto') throw new UsageError(`training back end ${candidate} is not available: ${reason}`, { backend: candidate });
    notes.push(`${candidate}: ${reason}`);
  }
  throw new UsageError(`no training back end loaded (${notes.join('; ')})`);
}

/** Loads what a back end needs; the reason it cannot run, or undefined. */
async function prepare(tf: Tf, backend: TrainingBackend): Promise<string | undefined> {
  if (backend === 'cpu') return undefined;
  if (backend === 'tensorflow') {
    nativeTried ??= (async () => {
      // A name in a variable: the package is optional, and bundlers must not try to resolve it.
      const name = '@tensorflow/tfjs-node';
      try {
        await import(name);
        return tf.findBackend('tensorflow') ? undefined : `${name} loaded but registered no back end`;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        return /Cannot find (package|module)/.test(message) ? `${name} is not installed` : `${name} did not load (${message.split('\n')[0]})`;
      }
    })();
    return nativeTried;
  }
  wasmLoaded ??= (async () => {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmTrainingKernels(tf);
      return undefined;
    } catch (error) {
      return `@tensorflow/tfjs-backend-wasm did not load (${((error as Error).message ?? String(error)).split('\n')[0]})`;
    }
  })();
  return wasmLoaded;
}
