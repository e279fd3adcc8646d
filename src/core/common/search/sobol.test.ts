import { describe, expect, it } from 'vitest';
import { Sobol, sobolMaxDimensions } from './sobol.js';

// SciPy's qmc.Sobol(d=21, scramble=False): the first 16 points (×16) and points 100, 511, 1000 (×1024).
const first16 = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8],
  [12, 4, 4, 4, 12, 12, 4, 12, 12, 12, 12, 12, 4, 4, 12, 4, 12, 4, 12, 4, 4],
  [4, 12, 12, 12, 4, 4, 12, 4, 4, 4, 4, 4, 12, 12, 4, 12, 4, 12, 4, 12, 12],
  [6, 6, 10, 14, 6, 2, 6, 14, 14, 10, 14, 6, 6, 10, 6, 14, 6, 14, 14, 2, 2],
  [14, 14, 2, 6, 14, 10, 14, 6, 6, 2, 6, 14, 14, 2, 14, 6, 14, 6, 6, 10, 10],
  [10, 2, 14, 10, 10, 14, 2, 2, 2, 6, 2, 10, 2, 14, 10, 10, 10, 10, 2, 6, 6],
  [2, 10, 6, 2, 2, 6, 10, 10, 10, 14, 10, 2, 10, 6, 2, 2, 2, 2, 10, 14, 14],
  [3, 5, 15, 7, 9, 5, 7, 15, 15, 5, 11, 1, 15, 15, 13, 15, 13, 13, 15, 5, 3],
  [11, 13, 7, 15, 1, 13, 15, 7, 7, 13, 3, 9, 7, 7, 5, 7, 5, 5, 7, 13, 11],
  [15, 1, 11, 3, 5, 9, 3, 3, 3, 9, 7, 13, 11, 11, 1, 11, 1, 9, 3, 1, 7],
  [7, 9, 3, 11, 13, 1, 11, 11, 11, 1, 15, 5, 3, 3, 9, 3, 9, 1, 11, 9, 15],
  [5, 3, 5, 9, 15, 7, 1, 1, 1, 15, 5, 7, 9, 5, 11, 1, 11, 3, 1, 7, 1],
  [13, 11, 13, 1, 7, 15, 9, 9, 9, 7, 13, 15, 1, 13, 3, 9, 3, 11, 9, 15, 9],
  [9, 7, 1, 13, 3, 11, 5, 13, 13, 3, 9, 11, 13, 1, 7, 5, 7, 7, 13, 3, 5],
  [1, 15, 9, 5, 11, 3, 13, 5, 5, 11, 1, 3, 5, 9, 15, 13, 15, 15, 5, 11, 13],
];
const later: Record<number, number[]> = {
  100: [424, 264, 792, 744, 904, 760, 24, 488, 648, 712, 472, 696, 488, 872, 328, 504, 696, 760, 856, 344, 776],
  511: [2, 514, 418, 866, 362, 898, 762, 474, 226, 206, 350, 850, 62, 966, 122, 662, 574, 262, 926, 134, 678],
  1000: [225, 99, 531, 693, 287, 929, 47, 921, 513, 71, 87, 261, 165, 393, 147, 379, 737, 353, 1015, 743, 535],
};

describe('Sobol sequence', () => {
  it('gives the published first points (Joe–Kuo direction numbers, as SciPy)', () => {
    const sobol = new Sobol(21);
    for (const expected of first16) expect(sobol.next().map((value) => value * 16)).toEqual(expected);
  });

  it('gives the published later points, and a lower dimension is a prefix of a higher one', () => {
    const sobol = new Sobol(21);
    const small = new Sobol(3);
    for (let i = 0; i <= 1000; i++) {
      const point = sobol.next();
      expect(small.next()).toEqual(point.slice(0, 3));
      if (later[i]) expect(point.map((value) => value * 1024)).toEqual(later[i]);
    }
  });

  it('scrambled, gives a different design per seed that stays as even: one point per 1/16 in every dimension, one per 1/4 × 1/4 box in the first two', () => {
    const points = (seed: number, count: number) => {
      const sobol = new Sobol(8, { scramble: seed });
      return Array.from({ length: count }, () => sobol.next());
    };
    const a = points(1, 16);
    expect(points(1, 16)).toEqual(a);
    expect(points(2, 16)).not.toEqual(a);
    expect(a[0]).not.toEqual(new Array(8).fill(0));
    for (const seed of [1, 2, 3]) {
      const design = points(seed, 16);
      for (let d = 0; d < 8; d++) expect(new Set(design.map((point) => Math.floor(point[d] * 16))).size).toBe(16);
      expect(new Set(design.map((point) => `${Math.floor(point[0] * 4)},${Math.floor(point[1] * 4)}`)).size).toBe(16);
      for (const point of design) for (const value of point) expect(value >= 0 && value < 1).toBe(true);
    }
  });

  it('refuses dimensions it has no direction numbers for', () => {
    expect(sobolMaxDimensions).toBe(21);
    expect(() => new Sobol(22)).toThrow(/22 dimensions, expected 1 to 21/);
    expect(() => new Sobol(0)).toThrow(/0 dimensions/);
  });
});
