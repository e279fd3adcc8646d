import { describe, expect, it } from 'vitest';
import { dominates, hypervolume, paretoFront } from './pareto.js';
import { seededRandom } from './random.js';

describe('Pareto front', () => {
  it('keeps the non-dominated points, the first of equal ones', () => {
    const points = [
      [1, 5],
      [2, 2],
      [3, 3],
      [5, 1],
      [2, 2],
      [1, 6],
    ];
    expect(paretoFront(points)).toEqual([0, 1, 3]);
    expect(dominates([1, 1], [1, 2])).toBe(true);
    expect(dominates([1, 2], [1, 2])).toBe(false);
    expect(dominates([0, 3], [1, 2])).toBe(false);
  });
});

describe('hypervolume', () => {
  it('is the area of a staircase in two objectives', () => {
    // (1,3), (2,2), (3,1) against (4,4): 3·1 + 2·1 + 1·1 … computed by rectangles: 1·3 + 1·2 + 1·1 = 6.
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4])).toBeCloseTo(6, 12);
    expect(hypervolume([[1, 1]], [2, 3])).toBeCloseTo(2, 12);
  });

  it('ignores dominated points and points outside the reference box', () => {
    expect(hypervolume([[1, 3], [2, 2], [3, 1], [3, 3], [5, 0]], [4, 4])).toBeCloseTo(6, 12);
    expect(hypervolume([], [1, 1])).toBe(0);
    expect(hypervolume([[1, 1]], [1, 2])).toBe(0);
  });

  it('is the union of boxes in three and four objectives (inclusion–exclusion by hand)', () => {
    // Boxes [a, r]: (0,0,0.5)→ 1·1·0.5 = 0.5; (0.5,0.5,0)→ 0.5·0.5·1 = 0.25; overlap [0.5,1]²×[0.5,1] = 0.125.
    expect(hypervolume([[0, 0, 0.5], [0.5, 0.5, 0]], [1, 1, 1])).toBeCloseTo(0.625, 12);
    expect(hypervolume([[0.5, 0.5, 0.5, 0.5]], [1, 1, 1, 1])).toBeCloseTo(0.0625, 12);
    // Two 4-D boxes: 0.5·1·1·1 + 1·0.5·1·1 − 0.5·0.5·1·1 = 0.75.
    expect(hypervolume([[0.5, 0, 0, 0], [0, 0.5, 0, 0]], [1, 1, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('equals a Monte Carlo estimate on a random 4-objective front', () => {
    const random = seededRandom(7);
    const points = Array.from({ length: 12 }, () => [random(), random(), random(), random()]);
    const exact = hypervolume(points, [1, 1, 1, 1]);
    let inside = 0;
    const samples = 200000;
    for (let i = 0; i < samples; i++) {
      const x = [random(), random(), random(), random()];
      if (points.some((p) => p.every((value, k) => value <= x[k]))) inside++;
    }
    expect(Math.abs(exact - inside / samples)).toBeLessThan(0.005);
  });

  it('refuses mismatched points', () => {
    expect(() => hypervolume([[1, 2, 3]], [4, 4])).toThrow(/3 objectives, the reference 2/);
  });
});
