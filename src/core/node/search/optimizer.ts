/**
 * The architecture search's optimizers, one interface: given the trials so far (candidates, their
 * objectives to minimise, and whether they were feasible), suggest the next candidate. Each is
 * a pure function of (seed, history), so a search that restarts from its stored trials suggests
 * exactly what it would have suggested without the interruption.
 *
 * - `random`: uniform over the space.
 * - `sobol`: point number `history.length` of the Sobol sequence scrambled by the seed, decoded onto the space.
 * - `bo`: after an initial Sobol design, one Gaussian process per objective (latency, RAM and flash,
 *   which span decades, in logs; integers and numeric choices such as the window on the Matérn
 *   kernel, other choices on the Hamming kernel) and one on whether a trial failed, was rejected
 *   or went over a budget. The next candidate maximises the expected hypervolume improvement over
 *   the front so far (Monte Carlo over the objectives' predictions, the hypervolume in the box of
 *   the reference point: the budgets when given) times the chance that it succeeds, over a pool of
 *   random candidates and the one-step neighbours of the front, never one already tried or
 *   running. ParEGO (one GP on a random Chebyshev scalarisation a step) learnt little from a
 *   handful of trials: each step's target is another function of the same points, and the
 *   hypervolume the search is judged by is none of them.
 */

import { UsageError } from '../../common/errors.js';
import { seededRandom, stepSeed } from '../../common/search/random.js';
import { Sobol } from '../../common/search/sobol.js';
import { hypervolume, paretoFront } from '../../common/search/pareto.js';
import { type Candidate, type SearchSpace, candidateIndices, candidateKey, decodePoint, parameterCardinality, spaceSize } from '../../common/search/space.js';
import { GaussianProcess } from './gp.js';

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
  /** ParEGO's augmentation ρ (default 0.05; `chebyshev`). */
  rho?: number;
  /**
   * BO: the hypervolume's reference point, one value per objective (the budgets: error 1, the
   * latency limit, the RAM and flash budgets); a missing or non-finite one is 1.1 × the worst feasible value.
   */
  reference?: readonly (number | undefined)[];
  /** BO: Monte Carlo draws of the expected hypervolume improvement (default 16). */
  samples?: number;
  /** BO: starts of each GP's hyper-parameter fit (default 2). */
  restarts?: number;
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

/**
 * The GP's encoding of a candidate: integers and categoricals whose choices are all numbers
 * (window 16…64, stride, head width: ordered) as their index scaled to [0, 1], under the Matérn
 * kernel; other categoricals (precision) as their index, under the Hamming kernel. A Hamming kernel
 * over window sizes would know nothing of 24 lying between 16 and 32.
 */
export function ordinalEncoding(space: SearchSpace): { encode(candidate: Candidate): number[]; categorical: boolean[] } {
  const ordered = space.parameters.map((parameter) => parameter.type === 'integer' || parameter.choices.every((choice) => typeof choice === 'number'));
  return {
    categorical: ordered.map((value) => !value),
    encode: (candidate) => {
      const indices = candidateIndices(space, candidate);
      return space.parameters.map((parameter, i) => {
        const count = parameterCardinality(parameter);
        return ordered[i] ? (count > 1 ? indices[i] / (count - 1) : 0) : indices[i];
      });
    },
  };
}

/**
 * Hypervolume gained by adding `point` to `front` inside the box [0, reference]: the point's box
 * less what the front already covers of it (the front clipped to the point's box).
 */
export function hypervolumeImprovement(point: readonly number[], front: readonly (readonly number[])[], reference: readonly number[]): number {
  if (point.some((value, i) => value >= reference[i])) return 0;
  const clipped: number[][] = [];
  for (const other of front) {
    if (other.every((value, i) => value <= point[i])) return 0;
    clipped.push(other.map((value, i) => Math.max(value, point[i])));
  }
  const own = point.reduce((product, value, i) => product * (reference[i] - value), 1);
  return own - hypervolume(clipped, reference);
}

/** `count` draws of `dimensions` independent standard normals. */
function normalDraws(random: () => number, count: number, dimensions: number): number[][] {
  // Box–Muller on seeded uniforms (the same draws for every candidate of a step: their comparison is not noise).
  return Array.from({ length: count }, () =>
    Array.from({ length: dimensions }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())),
  );
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
    const measured = history.filter((observation) => !observation.pending && observation.objectives);
    const feasible = measured.filter((observation) => observation.feasible);
    if (history.length < this.initial || feasible.length < 2 || measured.length < 3) {
      return untried(space, history, (attempt) => sobolPoint(space, history.length + attempt * 7919, this.seed));
    }
    const random = seededRandom(stepSeed(this.seed, history.length));
    const { encode, categorical } = ordinalEncoding(space);
    const count = measured[0].objectives!.length;
    const fitSeed = stepSeed(this.seed ^ 0x5bd1e995, history.length);
    const restarts = this.options.restarts ?? 2;

    // One GP per objective over the measured trials (a candidate measured twice: its first
    // measurement); an objective that spans a decade or more (latency, RAM, flash) modelled in logs.
    const seen = new Set<string>();
    const unique = measured.filter((observation) => {
      const key = candidateKey(space, observation.candidate);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const x = unique.map((observation) => encode(observation.candidate));
    const models = Array.from({ length: count }, (_, i) => {
      const values = unique.map((observation) => observation.objectives![i]);
      const low = Math.min(...values);
      const log = low > 0 && Math.max(...values) >= 4 * low;
      const gp = GaussianProcess.fit(x, values.map((value) => (log ? Math.log(value) : value)), categorical, { seed: fitSeed + i, restarts });
      return { gp, log };
    });
    // Where trials fail, are rejected by the planner or go over a budget: a GP on the 0/1 outcome,
    // over every finished trial, its mean taken as the chance of failing.
    const finished = new Map<string, { x: number[]; failed: number }>();
    for (const observation of history) {
      if (observation.pending) continue;
      const key = candidateKey(space, observation.candidate);
      if (!finished.has(key)) finished.set(key, { x: encode(observation.candidate), failed: observation.feasible && observation.objectives ? 0 : 1 });
    }
    const outcomes = [...finished.values()];
    const failures = outcomes.some((outcome) => outcome.failed === 1)
      ? GaussianProcess.fit(outcomes.map((outcome) => outcome.x), outcomes.map((outcome) => outcome.failed), categorical, { seed: fitSeed + count, restarts })
      : undefined;

    // The box the hypervolume is taken in: the given reference (the budgets), else 1.1 × the worst feasible value.
    const reference = Array.from({ length: count }, (_, i) => {
      const given = this.options.reference?.[i];
      return given !== undefined && Number.isFinite(given) ? given : 1.1 * Math.max(...feasible.map((observation) => observation.objectives![i]));
    });
    const scaled = (objectives: readonly number[]) => objectives.map((value, i) => value / reference[i]);
    const unit = reference.map(() => 1);
    const front = paretoFront(feasible.map((observation) => scaled(observation.objectives!))).map((i) => scaled(feasible[i].objectives!));

    const pool = new Map<string, Candidate>();
    const pendingKeys = new Set(history.filter((observation) => observation.pending).map((observation) => candidateKey(space, observation.candidate)));
    const triedKeys = new Set(history.map((observation) => candidateKey(space, observation.candidate)));
    const addToPool = (candidate: Candidate) => {
      const key = candidateKey(space, candidate);
      if (!triedKeys.has(key) && !pendingKeys.has(key)) pool.set(key, candidate);
    };
    for (let i = 0; i < (this.options.pool ?? 1000); i++) addToPool(randomPoint(space, random));
    const frontCandidates = paretoFront(feasible.map((observation) => observation.objectives!)).map((i) => feasible[i].candidate);
    for (const candidate of frontCandidates) for (const neighbour of neighbours(space, candidate)) addToPool(neighbour);
    if (pool.size === 0) return randomPoint(space, random);
    const candidates = [...pool.values()];
    const encoded = candidates.map(encode);
    const predictions = models.map(({ gp }) => gp.predict(encoded));
    const failing = failures?.predict(encoded);
    const draws = normalDraws(random, this.options.samples ?? 16, count);

    // Expected hypervolume improvement (Monte Carlo over the objectives' predictions, the same
    // draws for every candidate) times the chance that the candidate fits and does not fail.
    let chosen = 0;
    let bestScore = -Infinity;
    let bestSpread = -Infinity;
    let spreadChoice = 0;
    candidates.forEach((_, j) => {
      const success = failing ? Math.min(1, Math.max(0, 1 - failing[j].mean)) : 1;
      let gain = 0;
      for (const draw of draws) {
        const point = models.map(({ log }, i) => {
          const value = predictions[i][j].mean + Math.sqrt(predictions[i][j].variance) * draw[i];
          return (log ? Math.exp(value) : value) / reference[i];
        });
        gain += hypervolumeImprovement(point, front, unit);
      }
      const score = (success * gain) / draws.length;
      if (score > bestScore) {
        bestScore = score;
        chosen = j;
      }
      // Where nothing is expected to gain: the most uncertain candidate likely to succeed.
      const spread = success * predictions.reduce((sum, objective) => sum + Math.sqrt(objective[j].variance), 0);
      if (spread > bestSpread) {
        bestSpread = spread;
        spreadChoice = j;
      }
    });
    return candidates[bestScore > 1e-12 ? chosen : spreadChoice];
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
