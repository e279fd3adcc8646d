/**
 * Gaussian-process regression over mixed integer/categorical candidates (the architecture
 * search's surrogate). The kernel is a product: Matérn 5/2 over the integer coordinates (scaled to
 * [0, 1], one length scale each) times exp(−Σ mismatch_c / ℓ_c) over the categorical ones (a
 * Hamming kernel, one length scale each), times a signal variance; Gaussian noise on the diagonal.
 * The targets are standardised. Hyper-parameters (log length scales, log signal and noise
 * variance) maximise the log marginal likelihood, by Nelder–Mead from several seeded starts.
 * Linear algebra (Cholesky factor, solves) is ml-matrix's.
 */

import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { seededRandom } from '../../common/search/random.js';

export interface GpHyperParameters {
  /** One length scale per coordinate (integer: Matérn; categorical: Hamming). */
  lengthScales: number[];
  signalVariance: number;
  noiseVariance: number;
}

export interface GpPrediction {
  mean: number;
  variance: number;
}

const sqrt5 = Math.sqrt(5);

/** k(a, b) of the mixed kernel. */
export function mixedKernel(a: readonly number[], b: readonly number[], categorical: readonly boolean[], h: GpHyperParameters): number {
  let squared = 0;
  let mismatch = 0;
  for (let i = 0; i < a.length; i++) {
    if (categorical[i]) {
      if (a[i] !== b[i]) mismatch += 1 / h.lengthScales[i];
    } else {
      const d = (a[i] - b[i]) / h.lengthScales[i];
      squared += d * d;
    }
  }
  const r = Math.sqrt(squared);
  const matern = (1 + sqrt5 * r + (5 / 3) * r * r) * Math.exp(-sqrt5 * r);
  return h.signalVariance * matern * Math.exp(-mismatch);
}

function covariance(x: readonly (readonly number[])[], categorical: readonly boolean[], h: GpHyperParameters): Matrix {
  const n = x.length;
  const k = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = mixedKernel(x[i], x[j], categorical, h);
      k.set(i, j, value);
      k.set(j, i, value);
    }
    k.set(i, i, k.get(i, i) + h.noiseVariance + 1e-8);
  }
  return k;
}

/** Log marginal likelihood of standardised targets y under h (−Infinity when K is not positive definite). */
export function logMarginalLikelihood(x: readonly (readonly number[])[], y: readonly number[], categorical: readonly boolean[], h: GpHyperParameters): number {
  const cholesky = new CholeskyDecomposition(covariance(x, categorical, h));
  if (!cholesky.isPositiveDefinite()) return -Infinity;
  const alpha = cholesky.solve(Matrix.columnVector([...y]));
  const l = cholesky.lowerTriangularMatrix;
  let fit = 0;
  let logDet = 0;
  for (let i = 0; i < y.length; i++) {
    fit += y[i] * alpha.get(i, 0);
    logDet += Math.log(l.get(i, i));
  }
  return -0.5 * fit - logDet - 0.5 * y.length * Math.log(2 * Math.PI);
}

/** Nelder–Mead minimisation of f from x0 (small problems: a few hyper-parameters). */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: { step?: number; iterations?: number } = {}): { x: number[]; value: number } {
  const n = x0.length;
  const step = options.step ?? 0.5;
  let simplex = [x0, ...x0.map((_, i) => x0.map((value, j) => (i === j ? value + step : value)))].map((x) => ({ x, value: f(x) }));
  for (let iteration = 0; iteration < (options.iterations ?? 200 * n); iteration++) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.value - best.value) < 1e-7 * (1 + Math.abs(best.value))) break;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((sum, point) => sum + point.x[j], 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const reflected = { x: along(-1), value: 0 };
    reflected.value = f(reflected.x);
    if (reflected.value < best.value) {
      const expanded = { x: along(-2), value: 0 };
      expanded.value = f(expanded.x);
      simplex[n] = expanded.value < reflected.value ? expanded : reflected;
    } else if (reflected.value < simplex[n - 1].value) {
      simplex[n] = reflected;
    } else {
      const contracted = { x: along(reflected.value < worst.value ? -0.5 : 0.5), value: 0 };
      contracted.value = f(contracted.x);
      if (contracted.value < Math.min(worst.value, reflected.value)) {
        simplex[n] = contracted;
      } else {
        simplex = simplex.map((point, i) => (i === 0 ? point : { x: point.x.map((value, j) => best.x[j] + 0.5 * (value - best.x[j])), value: 0 })).map((point, i) => (i === 0 ? point : { ...point, value: f(point.x) }));
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return simplex[0];
}

// Bounds of the log hyper-parameters: length scales 0.05…20, signal variance 0.05…20, noise 1e-6…1.
const bounds = { lengthScale: [Math.log(0.05), Math.log(20)], signal: [Math.log(0.05), Math.log(20)], noise: [Math.log(1e-6), Math.log(1)] } as const;

function clampTo(value: number, [low, high]: readonly [number, number]): number {
  return Math.min(high, Math.max(low, value));
}

function fromLog(theta: readonly number[], d: number): GpHyperParameters {
  return {
    lengthScales: theta.slice(0, d).map((value) => Math.exp(clampTo(value, bounds.lengthScale))),
    signalVariance: Math.exp(clampTo(theta[d], bounds.signal)),
    noiseVariance: Math.exp(clampTo(theta[d + 1], bounds.noise)),
  };
}

/** A fitted Gaussian process (see the module comment). */
export class GaussianProcess {
  private constructor(
    private readonly x: number[][],
    private readonly categorical: readonly boolean[],
    readonly hyper: GpHyperParameters,
    private readonly cholesky: CholeskyDecomposition,
    private readonly alpha: Matrix,
    private readonly yMean: number,
    private readonly yScale: number,
    readonly logLikelihood: number,
  ) {}

  /** Fits to (x, y): standardised targets, hyper-parameters by maximum marginal likelihood (or `hyper` when given). */
  static fit(x: number[][], y: number[], categorical: readonly boolean[], options: { seed?: number; restarts?: number; hyper?: GpHyperParameters } = {}): GaussianProcess {
    const n = y.length;
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const scale = Math.sqrt(y.reduce((sum, value) => sum + (value - mean) ** 2, 0) / n) || 1;
    const z = y.map((value) => (value - mean) / scale);
    const d = categorical.length;
    let hyper = options.hyper;
    if (!hyper) {
      const random = seededRandom(options.seed ?? 1);
      const objective = (theta: number[]) => {
        const value = logMarginalLikelihood(x, z, categorical, fromLog(theta, d));
        // Outside the bounds the parameters are clamped; a small pull back keeps the simplex near them.
        const excess = theta.slice(0, d).reduce((sum, v) => sum + Math.max(0, Math.abs(v - clampTo(v, bounds.lengthScale))), 0) + Math.abs(theta[d] - clampTo(theta[d], bounds.signal)) + Math.abs(theta[d + 1] - clampTo(theta[d + 1], bounds.noise));
        return Number.isFinite(value) ? -value + excess : 1e10;
      };
      let best: { x: number[]; value: number } | undefined;
      const restarts = options.restarts ?? 3;
      for (let start = 0; start < restarts; start++) {
        const theta0 =
          start === 0
            ? [...Array(d).fill(Math.log(0.5)), 0, Math.log(1e-2)]
            : [...Array.from({ length: d }, () => bounds.lengthScale[0] + random() * (bounds.lengthScale[1] - bounds.lengthScale[0])), Math.log(0.3) + random() * 2, Math.log(1e-4) + random() * 4];
        const result = nelderMead(objective, theta0, { iterations: 60 * (d + 2) });
        if (!best || result.value < best.value) best = result;
      }
      hyper = fromLog(best!.x, d);
    }
    let cholesky = new CholeskyDecomposition(covariance(x, categorical, hyper));
    if (!cholesky.isPositiveDefinite()) {
      hyper = { ...hyper, noiseVariance: Math.max(hyper.noiseVariance, 1e-3) };
      cholesky = new CholeskyDecomposition(covariance(x, categorical, hyper));
    }
    const alpha = cholesky.solve(Matrix.columnVector(z));
    return new GaussianProcess(x, categorical, hyper, cholesky, alpha, mean, scale, logMarginalLikelihood(x, z, categorical, hyper));
  }

  /** Posterior mean and variance of the (unstandardised) latent function at each point. */
  predict(points: readonly (readonly number[])[]): GpPrediction[] {
    if (points.length === 0) return [];
    const cross = new Matrix(this.x.length, points.length);
    for (let i = 0; i < this.x.length; i++) for (let j = 0; j < points.length; j++) cross.set(i, j, mixedKernel(this.x[i], points[j], this.categorical, this.hyper));
    const solved = this.cholesky.solve(cross);
    return points.map((point, j) => {
      let mean = 0;
      let reduction = 0;
      for (let i = 0; i < this.x.length; i++) {
        mean += cross.get(i, j) * this.alpha.get(i, 0);
        reduction += cross.get(i, j) * solved.get(i, j);
      }
      const prior = mixedKernel(point, point, this.categorical, this.hyper);
      const variance = Math.max(prior - reduction, 1e-12);
      return { mean: this.yMean + this.yScale * mean, variance: this.yScale * this.yScale * variance };
    });
  }
}

/** The standard normal's density and distribution function (erf by Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Expected improvement below `best` (minimisation) of a Gaussian prediction. */
export function expectedImprovement(prediction: GpPrediction, best: number, xi = 0): number {
  const sigma = Math.sqrt(prediction.variance);
  const gain = best - prediction.mean - xi;
  if (sigma < 1e-12) return Math.max(gain, 0);
  const z = gain / sigma;
  return gain * normalCdf(z) + sigma * normalPdf(z);
}
