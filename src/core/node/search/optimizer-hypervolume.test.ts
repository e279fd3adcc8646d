/**
 * BO against random search on a synthetic stand-in for the recurrent search: the `lstm` space,
 * four objectives (error, latency, RAM, flash) with the costs computed from the shapes as the board
 * measures them (MACs, weights, state), an error that falls with the hidden size and has a best
 * window, stride and head, a little deterministic noise, and the benchmark's budgets as hard limits
 * and as the hypervolume's reference. The benchmark's goal, over seeds: BO's hypervolume after 25
 * trials at least random search's after 50.
 */
import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../common/search/pareto.js';
import type { Candidate } from '../../common/search/space.js';
import { lstmSpace } from '../../common/search/spaces/lstm.js';
import { type Observation, type OptimizerKind, createOptimizer } from './optimizer.js';

const reference = [1, 20_000_000, 64 * 1024, 256 * 1024];

/** A deterministic value in [0, 1) from the candidate (training noise that a rerun repeats). */
function jitter(candidate: Candidate): number {
  let hash = 2166136261;
  for (const char of JSON.stringify(candidate)) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return ((hash >>> 0) % 10_000) / 10_000;
}

function measure(candidate: Candidate): Observation {
  const layers = Number(candidate.layers);
  const hidden = Number(candidate.hidden);
  const window = Number(candidate.window);
  const head = Number(candidate.head);
  let macs = 0;
  let weights = 0;
  let inputs = 3;
  for (let layer = 0; layer < layers; layer++) {
    macs += window * 4 * hidden * (inputs + hidden);
    weights += 4 * hidden * (inputs + hidden) + 16 * hidden;
    inputs = hidden;
  }
  macs += hidden * head + (head || hidden) * 3;
  weights += hidden * head + (head || hidden) * 3;
  const latency = 2 * macs + 20_000;
  const flash = 17_000 + weights;
  const ram = 1_000 + 2 * window * hidden + 16 * hidden * layers;
  const windowLoss: Record<number, number> = { 16: 0.05, 24: 0.02, 32: 0, 48: 0, 64: 0.01 };
  const strideLoss: Record<number, number> = { 0.25: 0, 0.5: 0.01, 1: 0.04 };
  const accuracy =
    0.96 - 0.3 * Math.exp(-hidden / 20) - (layers === 1 ? 0.03 : layers === 3 ? 0.01 : 0) - windowLoss[window] - strideLoss[Number(candidate.stride)] - (head === 0 ? 0.015 : head === 64 ? 0.005 : 0) + 0.03 * (jitter(candidate) - 0.5);
  const feasible = latency <= reference[1] && ram <= reference[2] && flash <= reference[3];
  return { candidate, objectives: [1 - accuracy, latency, ram, flash], feasible };
}

/** Hypervolume after each of `checkpoints` trials. */
function run(kind: OptimizerKind, seed: number, checkpoints: number[]): number[] {
  const optimizer = createOptimizer(kind, lstmSpace, { seed, reference, pool: 300, samples: 8 });
  const history: Observation[] = [];
  const volumes: number[] = [];
  while (history.length < Math.max(...checkpoints)) {
    history.push(measure(optimizer.suggest(history)));
    if (checkpoints.includes(history.length)) {
      const points = history.filter((o) => o.feasible).map((o) => o.objectives!.map((value, i) => value / reference[i]));
      volumes.push(hypervolume(points, [1, 1, 1, 1]));
    }
  }
  return volumes;
}

describe('BO on the recurrent search stand-in', () => {
  it('reaches random search’s 50-trial hypervolume in 25 trials (mean over seeds)', () => {
    const seeds = [1, 2, 3];
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const bo = mean(seeds.map((seed) => run('bo', seed, [25])[0]));
    const random = seeds.map((seed) => run('random', seed, [25, 50]));
    expect(bo).toBeGreaterThan(mean(random.map((volumes) => volumes[0])));
    expect(bo).toBeGreaterThanOrEqual(mean(random.map((volumes) => volumes[1])));
  }, 600_000);
});
