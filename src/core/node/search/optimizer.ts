/**
 * The architecture search's optimizers, one interface: given the trials so far (candidates, their
 * objectives to minimise, and whether they were feasible), suggest the next candidate. Each is
 * a pure function of (seed, history), so a search that restarts from its stored trials suggests
 * exactly what it would have suggested without the interruption.
 *
 * - `random`: uniform over the space.
 * - `sobol`: point number `history.length` of the Sobol sequence scrambled by the seed, decoded onto the space.
 * - `bo`: ParEGO (Knowles 2006). After an initial Sobol design, each step draws a weight vector λ
 *   uniformly from the simplex, normalises each objective to [0, 1] over the feasible trials and
 *   scalarises them by the augmented Chebyshev function max_i λ_i f_i + ρ Σ λ_i f_i (ρ = 0.05);
 *   infeasible trials (over a budget, rejected by the planner, failed) get a value worse than every
 *   feasible one, so the Gaussian process learns where not to go. The next candidate maximises
 *   expected improvement over a pool of random candidates and the one-step neighbours of the best
 *   trials, never one already tried (while untried ones remain).
 */

import { UsageError } from '../../common/errors.js';
import { seededRandom, stepSeed } from '../../common/search/random.js';
import { Sobol } from '../../common/search/sobol.js';
import { type Candidate, type SearchSpace, candidateIndices, candidateKey, categoricalMask, decodePoint, encodeCandidate, parameterCardinality, spaceSize } from '../../common/search/space.js';
import { GaussianProcess, expectedImprovement } from './gp.js';

export type OptimizerKind = 'bo' | 'random' | 'sobol';
export const optimizerKinds: readonly OptimizerKind[] = ['bo', 'random', 'sobol'];

export interface Observation {
  candidate: Candidate;
  /** Objectives to minimise (absent when the trial failed or was rejected). */
  objectives?: number[];
  /** Measured and within every budget. */
  feasible: boolean;
  /** Still running (parallel workers): not suggested again, not yet known to the model. */
  pending?: boolean;
}

export interface SearchOptimizer {
  kind: OptimizerKind;
  suggest(history: readonly Observation[]): Candidate;
}

export interface OptimizerOptions {
  seed?: number;
  /** BO: Sobol points before the Gaussian process takes over (default max(4, ⌈parameters/2⌉ + 1)). */
  initial?: number;
  /** BO: random candidates scored by expected improvement each step (default 1000). */
  pool?: number;
  /** ParEGO's augmentation ρ (default 0.05). */
  rho?: number;
}

/** Point `index` of the Sobol sequence scrambled by `seed` (each seed its own even design), on the space. */
function sobolPoint(space: SearchSpace, index: number, seed: number): Candidate {
  const sobol = new Sobol(space.parameters.length, { scramble: seed });
  sobol.skip(index);
  return decodePoint(space, sobol.next());
}

function randomPoint(space: SearchSpace, random: () => number): Candidate {
  return decodePoint(
    space,
    space.parameters.map(() => random()),
  );
}

/** An untried candidate from `draw` (up to 200 draws; the last draw when the space is exhausted). */
function untried(space: SearchSpace, history: readonly Observation[], draw: (attempt: number) => Candidate): Candidate {
  const tried = new Set(history.map((observation) => candidateKey(space, observation.candidate)));
  let candidate = draw(0);
  if (tried.size >= spaceSize(space)) return candidate;
  for (let attempt = 1; attempt < 200 && tried.has(candidateKey(space, candidate)); attempt++) candidate = draw(attempt);
  return candidate;
}

/** The candidates one step away from `candidate`: each integer ±1 step, each other choice of a categorical. */
export function neighbours(space: SearchSpace, candidate: Candidate): Candidate[] {
  const indices = candidateIndices(space, candidate);
  const result: Candidate[] = [];
  space.parameters.forEach((parameter, i) => {
    const count = parameterCardinality(parameter);
    const options = parameter.type === 'integer' ? [indices[i] - 1, indices[i] + 1] : Array.from({ length: count }, (_, k) => k).filter((k) => k !== indices[i]);
    for (const k of options) {
      if (k < 0 || k >= count) continue;
      result.push({ ...candidate, [parameter.name]: parameter.type === 'integer' ? parameter.min + k * (parameter.step ?? 1) : parameter.choices[k] });
    }
  });
  return result;
}

/** Augmented Chebyshev scalarisation of objectives already normalised to [0, 1]. */
export function chebyshev(objectives: readonly number[], weights: readonly number[], rho: number): number {
  let max = -Infinity;
  let sum = 0;
  objectives.forEach((value, i) => {
    max = Math.max(max, weights[i] * value);
    sum += weights[i] * value;
  });
  return max + rho * sum;
}

/** A weight vector drawn uniformly from the simplex. */
export function simplexWeights(count: number, random: () => number): number[] {
  const draws = Array.from({ length: count }, () => -Math.log(1 - random()));
  const total = draws.reduce((a, b) => a + b, 0);
  return draws.map((value) => value / total);
}

class RandomOptimizer implements SearchOptimizer {
  readonly kind = 'random';
  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
  ) {}
  suggest(history: readonly Observation[]): Candidate {
    const random = seededRandom(stepSeed(this.seed, history.length));
    return untried(this.space, history, () => randomPoint(this.space, random));
  }
}

class SobolOptimizer implements SearchOptimizer {
  readonly kind = 'sobol';
  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
  ) {}
  suggest(history: readonly Observation[]): Candidate {
    // The seed scrambles the sequence: seeds give different, equally even designs.
    return untried(this.space, history, (attempt) => sobolPoint(this.space, history.length + attempt * 7919, this.seed));
  }
}

class BayesianOptimizer implements SearchOptimizer {
  readonly kind = 'bo';
  private readonly initial: number;
  constructor(
    private readonly space: SearchSpace,
    private readonly seed: number,
    private readonly options: OptimizerOptions,
  ) {
    this.initial = options.initial ?? Math.max(4, Math.ceil(space.parameters.length / 2) + 1);
  }

  suggest(history: readonly Observation[]): Candidate {
    const { space } = this;
    const feasible = history.filter((observation) => observation.feasible && observation.objectives);
    if (history.length < this.initial || feasible.length < 2 || history.filter((o) => !o.pending).length < 2) {
      return untried(space, history, (attempt) => sobolPoint(space, history.length + attempt * 7919, this.seed));
    }
    const random = seededRandom(stepSeed(this.seed, history.length));
    const count = feasible[0].objectives!.length;
    const low = Array.from({ length: count }, (_, i) => Math.min(...feasible.map((o) => o.objectives![i])));
    const high = Array.from({ length: count }, (_, i) => Math.max(...feasible.map((o) => o.objectives![i])));
    const weights = simplexWeights(count, random);
    const rho = this.options.rho ?? 0.05;
    const scalar = (objectives: readonly number[]) =>
      chebyshev(
        objectives.map((value, i) => (high[i] > low[i] ? (value - low[i]) / (high[i] - low[i]) : 0)),
        weights,
        rho,
      );
    const feasibleValues = feasible.map((observation) => scalar(observation.objectives!));
    const worst = Math.max(...feasibleValues);
    const spread = worst - Math.min(...feasibleValues);
    const penalty = worst + Math.max(0.2, 0.5 * spread);
    const x: number[][] = [];
    const y: number[] = [];
    // Repeated candidates would make K singular with little noise: keep each candidate once (its best value).
    const seen = new Map<string, number>();
    const pendingKeys = new Set<string>();
    for (const observation of history) {
      if (observation.pending) {
        pendingKeys.add(candidateKey(space, observation.candidate));
        continue;
      }
      const value = observation.feasible && observation.objectives ? scalar(observation.objectives) : penalty;
      const key = candidateKey(space, observation.candidate);
      const previous = seen.get(key);
      if (previous !== undefined) {
        y[previous] = Math.min(y[previous], value);
        continue;
      }
      seen.set(key, x.length);
      x.push(encodeCandidate(space, observation.candidate));
      y.push(value);
    }
    const categorical = categoricalMask(space);
    const gp = GaussianProcess.fit(x, y, categorical, { seed: stepSeed(this.seed ^ 0x5bd1e995, history.length) });
    const best = Math.min(...y);

    const pool = new Map<string, Candidate>();
    const addToPool = (candidate: Candidate) => {
      const key = candidateKey(space, candidate);
      if (!seen.has(key) && !pendingKeys.has(key)) pool.set(key, candidate);
    };
    for (let i = 0; i < (this.options.pool ?? 1000); i++) addToPool(randomPoint(space, random));
    const ranked = feasible.map((observation, i) => ({ observation, value: feasibleValues[i] })).sort((a, b) => a.value - b.value);
    for (const { observation } of ranked.slice(0, 5)) for (const neighbour of neighbours(space, observation.candidate)) addToPool(neighbour);
    if (pool.size === 0) return randomPoint(space, random);
    const candidates = [...pool.values()];
    const predictions = gp.predict(candidates.map((candidate) => encodeCandidate(space, candidate)));
    let chosen = 0;
    let bestGain = -Infinity;
    predictions.forEach((prediction, i) => {
      const gain = expectedImprovement(prediction, best);
      if (gain > bestGain) {
        bestGain = gain;
        chosen = i;
      }
    });
    return candidates[chosen];
  }
}

/** The optimizer of `kind` over `space` (see the module comment). */
export function createOptimizer(kind: OptimizerKind, space: SearchSpace, options: OptimizerOptions = {}): SearchOptimizer {
  const seed = options.seed ?? 1;
  if (kind === 'random') return new RandomOptimizer(space, seed);
  if (kind === 'sobol') return new SobolOptimizer(space, seed);
  if (kind === 'bo') return new BayesianOptimizer(space, seed, options);
  throw new UsageError(`optimizer "${String(kind)}" is not one of ${optimizerKinds.join(', ')}`, { optimizer: kind });
}
