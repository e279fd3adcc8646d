import { describe, expect, it } from 'vitest';
import { GaussianProcess, expectedImprovement, logMarginalLikelihood, mixedKernel, normalCdf } from './gp.js';

describe('Gaussian process', () => {
  it('interpolates a known smooth function and is uncertain away from the data', () => {
    const f = (x: number) => Math.sin(6 * x) + 0.5 * x;
    const xs = Array.from({ length: 9 }, (_, i) => i / 8);
    const gp = GaussianProcess.fit(
      xs.map((x) => [x]),
      xs.map(f),
      [false],
      { seed: 3 },
    );
    // At the data: the mean reproduces the values and the variance is small.
    for (const [i, prediction] of gp.predict(xs.map((x) => [x])).entries()) {
      expect(prediction.mean).toBeCloseTo(f(xs[i]), 2);
      expect(prediction.variance).toBeLessThan(1e-3);
    }
    // Between the data points: close to the function.
    for (const x of [0.0625, 0.3125, 0.5625, 0.9375]) expect(Math.abs(gp.predict([[x]])[0].mean - f(x))).toBeLessThan(0.05);
    // Far outside: reverts towards the mean with a large variance.
    const far = gp.predict([[4]])[0];
    expect(far.variance).toBeGreaterThan(100 * gp.predict([[0.5]])[0].variance);
  });

  it('gives the closed-form posterior for fixed hyper-parameters', () => {
    // Two points, unit signal variance, noise 0.01, length scale 1: mean = k*ᵀ K⁻¹ y (y standardised to ±1).
    const hyper = { lengthScales: [1], signalVariance: 1, noiseVariance: 0.01 };
    const gp = GaussianProcess.fit([[0], [1]], [1, 3], [false], { hyper });
    const k = (a: number, b: number) => mixedKernel([a], [b], [false], hyper);
    const k01 = k(0, 1);
    const a = 1 + 0.01 + 1e-8;
    const det = a * a - k01 * k01;
    const inverse = [
      [a / det, -k01 / det],
      [-k01 / det, a / det],
    ];
    const star = [k(0.5, 0), k(0.5, 1)];
    const z = [-1, 1];
    const mean = star[0] * (inverse[0][0] * z[0] + inverse[0][1] * z[1]) + star[1] * (inverse[1][0] * z[0] + inverse[1][1] * z[1]);
    const reduction = star[0] * (inverse[0][0] * star[0] + inverse[0][1] * star[1]) + star[1] * (inverse[1][0] * star[0] + inverse[1][1] * star[1]);
    const prediction = gp.predict([[0.5]])[0];
    expect(prediction.mean).toBeCloseTo(2 + mean, 10);
    expect(prediction.variance).toBeCloseTo(1 * (1 - reduction), 10);
  });

  it('fits length scales by marginal likelihood: a categorical that does not matter gets a long one', () => {
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 12; i++) {
      const category = i % 3;
      x.push([i / 11, category]);
      y.push(Math.cos(4 * (i / 11)));
    }
    const gp = GaussianProcess.fit(x, y, [false, true], { seed: 1, restarts: 4 });
    expect(gp.hyper.lengthScales[1]).toBeGreaterThan(gp.hyper.lengthScales[0]);
    const defaults = { lengthScales: [0.5, 0.5], signalVariance: 1, noiseVariance: 0.01 };
    const mean = y.reduce((a, b) => a + b) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length);
    const z = y.map((v) => (v - mean) / sd);
    expect(gp.logLikelihood).toBeGreaterThanOrEqual(logMarginalLikelihood(x, z, [false, true], defaults));
  });

  it('Hamming kernel: equal categories correlate, different ones less', () => {
    const hyper = { lengthScales: [1, 0.5], signalVariance: 2, noiseVariance: 0 };
    expect(mixedKernel([0.3, 1], [0.3, 1], [false, true], hyper)).toBeCloseTo(2, 12);
    expect(mixedKernel([0.3, 1], [0.3, 2], [false, true], hyper)).toBeCloseTo(2 * Math.exp(-2), 12);
  });

  it('expected improvement', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(expectedImprovement({ mean: 0, variance: 0 }, 1)).toBe(1);
    expect(expectedImprovement({ mean: 2, variance: 0 }, 1)).toBe(0);
    // mean = best: σ·φ(0).
    expect(expectedImprovement({ mean: 1, variance: 4 }, 1)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 6);
  });
});
