import { describe, expect, it } from 'vitest';
import { hypervolume, paretoFront } from '../../common/search/pareto.js';
import { type Candidate, type SearchSpace, candidateKey } from '../../common/search/space.js';
import { type Observation, type OptimizerKind, chebyshev, createOptimizer, neighbours, simplexWeights } from './optimizer.js';
import { seededRandom } from '../../common/search/random.js';

// A cheap synthetic two-objective problem over integers and a categorical: the "accuracy" grows
// with size and has a sweet spot in (a, b); "cost" grows with size; one activation is better.
const space: SearchSpace = {
  name: 'synthetic',
  family: 'mlp',
  parameters: [
    { name: 'a', type: 'integer', min: 0, max: 40 },
    { name: 'b', type: 'integer', min: 0, max: 40 },
    { name: 'c', type: 'integer', min: 1, max: 8 },
    { name: 'act', type: 'categorical', choices: ['relu', 'tanh', 'none'] },
  ],
};

function evaluate(candidate: Candidate): Observation {
  const a = Number(candidate.a) / 40;
  const b = Number(candidate.b) / 40;
  const c = Number(candidate.c) / 8;
  const actPenalty = candidate.act === 'relu' ? 0 : candidate.act === 'tanh' ? 0.15 : 0.4;
  const error = 0.8 * Math.exp(-3 * c) + 2 * ((a - 0.7) ** 2 + (b - 0.3) ** 2) + actPenalty;
  const cost = c + 0.3 * a;
  // Constraint: too costly is infeasible.
  const feasible = cost <= 1.2;
  return { candidate, objectives: feasible ? [error, cost] : undefined, feasible };
}

function run(kind: OptimizerKind, seed: number, trials: number): Observation[] {
  const optimizer = createOptimizer(kind, space, { seed, pool: 400 });
  const history: Observation[] = [];
  for (let i = 0; i < trials; i++) history.push(evaluate(optimizer.suggest(history)));
  return history;
}

function volume(history: Observation[]): number {
  const points = history.filter((o) => o.feasible).map((o) => o.objectives!);
  return hypervolume(points, [3, 1.5]);
}

describe('optimizers', () => {
  it('are reproducible: the same seed and history give the same suggestion (a restarted search continues the same way)', () => {
    for (const kind of ['bo', 'random', 'sobol'] as const) {
      const first = run(kind, 5, 9);
      const second = run(kind, 5, 9);
      expect(second.map((o) => o.candidate)).toEqual(first.map((o) => o.candidate));
      const resumed = createOptimizer(kind, space, { seed: 5, pool: 400 }).suggest(first.slice(0, 8));
      expect(resumed).toEqual(first[8].candidate);
      // Never repeats a candidate while untried ones remain.
      expect(new Set(first.map((o) => candidateKey(space, o.candidate))).size).toBe(first.length);
    }
  });

  it('BO beats random search on a cheap synthetic problem (mean hypervolume over seeds)', () => {
    const seeds = [1, 2, 3, 4];
    const mean = (kind: OptimizerKind) => seeds.reduce((sum, seed) => sum + volume(run(kind, seed, 20)), 0) / seeds.length;
    const bo = mean('bo');
    const random = mean('random');
    expect(bo).toBeGreaterThan(random);
  });

  it('tells infeasible trials apart: BO keeps suggesting when everything so far failed', () => {
    const optimizer = createOptimizer('bo', space, { seed: 1, pool: 100 });
    const history: Observation[] = Array.from({ length: 8 }, (_, i) => ({ candidate: { a: i, b: i, c: 8, act: 'none' }, feasible: false }));
    const next = optimizer.suggest(history);
    expect(history.map((o) => candidateKey(space, o.candidate))).not.toContain(candidateKey(space, next));
  });

  it('scalarises by augmented Chebyshev with simplex weights; neighbours step one value', () => {
    const weights = simplexWeights(3, seededRandom(1));
    expect(weights.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(chebyshev([1, 0, 0.5], [0.5, 0.25, 0.25], 0.05)).toBeCloseTo(0.5 + 0.05 * (0.5 + 0.125), 12);
    const around = neighbours(space, { a: 0, b: 5, c: 8, act: 'tanh' });
    expect(around).toContainEqual({ a: 1, b: 5, c: 8, act: 'tanh' });
    expect(around).toContainEqual({ a: 0, b: 5, c: 8, act: 'relu' });
    expect(around).not.toContainEqual({ a: -1, b: 5, c: 8, act: 'tanh' });
    expect(around).toHaveLength(1 + 2 + 1 + 2);
    expect(paretoFront([[1, 2], [2, 1]])).toEqual([0, 1]);
  });
});
