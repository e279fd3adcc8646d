/**
 * Synthetic calibration samples, for a model that comes without a dataset: seeded uniform random
 * values in a range the user gives (the model's input range: [0, 255] for raw pixels, [0, 1] for
 * normalised ones). Sample `i` depends only on the seed and `i`, so the samples are the same on
 * every run and in any order. Ranges calibrated on such inputs are only as good as the range
 * guess, so a variant calibrated this way must say so (the Node side's `quantizeModel` writes it
 * into the model's description).
 */

import { PassError } from '../../errors.js';
import { elementCount } from '../../ir/tensor.js';
import type { Graph } from '../../ir/types.js';
import type { LabelledSamples } from './metrics.js';

export interface SyntheticOptions {
  count: number;
  seed: number;
  /** Every input value is drawn uniformly from [min, max). */
  min: number;
  max: number;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` seeded uniform samples for the graph's inputs (real values, one Float32Array per input). */
export function syntheticSamples(graph: Graph, options: SyntheticOptions): LabelledSamples {
  const { count, seed, min, max } = options;
  if (!Number.isInteger(count) || count < 1) throw new PassError(`synthetic calibration: sample count ${count} is not a whole number >= 1`);
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    throw new PassError(`synthetic calibration: range [${min}, ${max}] is not a finite interval with min < max`);
  }
  const sizes = graph.inputs.map((id) => elementCount(graph.tensors[id].shape));
  return {
    count,
    sample(index: number) {
      const random = mulberry32(Math.imul(seed, 0x9e3779b1) ^ index);
      return sizes.map((size) => {
        const values = new Float32Array(size);
        for (let i = 0; i < size; i++) values[i] = min + random() * (max - min);
        return values;
      });
    },
  };
}
