/**
 * Training checkpoints: everything a training run needs to go on exactly where it stopped, written
 * after every epoch, so that a run cancelled or killed part way (a worker that crashed, a job the
 * user stopped) and started again with the same settings resumes at the last finished epoch and
 * ends with the same weights as a run that was never interrupted:
 *
 * - the variables (the model's weights) and the best epoch's copy early stopping keeps;
 * - the optimizer's state: its iteration count and slots (Adam's moments, SGD's momentum), and
 *   Adam's running β powers exactly as they were (tfjs' own `setWeights` recomputes them with
 *   `pow`, which differs from the product of the run in the last float bit);
 * - the epoch reached, steps taken, epochs without improvement, the per-epoch history;
 * - the random generator's state: its seed and how many numbers it has given;
 * - what a pass adds (qat-int8's tracked activation ranges), as plain data.
 *
 * A checkpoint holds a fingerprint of the run's settings, the training part's size and the
 * variables' shapes; one that does not match the run (other settings, another model) is ignored
 * and overwritten. The file is JSON with the arrays in base64, written to a temporary name and
 * renamed, so a crash while writing leaves the previous checkpoint whole.
 */

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const CHECKPOINT_VERSION = 1;

export interface SavedArray {
  dtype: 'float32' | 'int32';
  shape: number[];
  /** The values' bytes, little-endian, base64. */
  data: string;
}

export interface TrainingCheckpoint {
  version: number;
  fingerprint: string;
  /** Epochs finished. */
  epoch: number;
  steps: number;
  stale: number;
  /** True when the run ended (all epochs, early stop, or the step limit). */
  finished: boolean;
  stoppedEarly: boolean;
  /** Numbers drawn from the seeded generator so far. */
  draws: number;
  variables: SavedArray[];
  optimizer: { name: string; value: SavedArray }[];
  /** Adam's β1^t and β2^t as the run holds them. */
  betaPowers?: SavedArray[];
  best?: { epoch: number; accuracy: number; weights: SavedArray[] };
  history: unknown[];
  /** What the pass adds (plain data). */
  extra?: unknown;
}

export function saveArray(dtype: 'float32' | 'int32', shape: number[], values: Float32Array | Int32Array): SavedArray {
  return { dtype, shape, data: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') };
}

export function loadArray(saved: SavedArray): Float32Array | Int32Array {
  const bytes = Buffer.from(saved.data, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return saved.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
}

/** The checkpoint at `path` when there is one for this run (same fingerprint), else undefined. */
export async function readCheckpoint(path: string, fingerprint: string): Promise<TrainingCheckpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const checkpoint = JSON.parse(text) as TrainingCheckpoint;
    return checkpoint.version === CHECKPOINT_VERSION && checkpoint.fingerprint === fingerprint ? checkpoint : undefined;
  } catch {
    // A damaged file (cannot happen through writeCheckpoint's rename, but a disk can): start again.
    return undefined;
  }
}

export async function writeCheckpoint(path: string, checkpoint: TrainingCheckpoint): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(checkpoint));
  await rename(temporary, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
