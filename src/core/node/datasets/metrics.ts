/**
 * The figures of a classification beyond top-1: per-class precision and recall from the
 * confusion matrix, top-k hits from the ranks of the true class, and the comparison of a board's
 * outputs with the host's over many samples (the metrics of ST Edge AI's `validate`).
 *
 * Conventions: `confusion[actual][predicted]`; a class that was never predicted has no precision
 * (null, not 0: nothing was wrong, nothing was right), a class with no sample has no recall.
 */

import type { ClassMetrics, OutputAgreement, TopKAccuracy } from '../../../shared/services/types.js';
import type { TensorData } from '../../common/ir/types.js';

/** Precision, recall and F1 of each class of `confusion` (rows actual, columns predicted). */
export function perClassMetrics(confusion: readonly (readonly number[])[], classes: readonly string[]): ClassMetrics[] {
  return classes.map((name, k) => {
    const truePositives = confusion[k]?.[k] ?? 0;
    const support = (confusion[k] ?? []).reduce((sum, count) => sum + count, 0);
    const predicted = confusion.reduce((sum, row) => sum + (row[k] ?? 0), 0);
    const precision = predicted === 0 ? null : truePositives / predicted;
    const recall = support === 0 ? null : truePositives / support;
    const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall);
    return { name, support, predicted, precision, recall, f1 };
  });
}

/**
 * The rank of class `label` in `scores`: how many classes come before it when sorted by score,
 * ties broken by index (so rank 0 is exactly `argmax`'s answer, the first maximum).
 */
export function rankOf(scores: TensorData, label: number): number {
  const own = Number(scores[label]);
  let rank = 0;
  for (let i = 0; i < scores.length; i++) {
    const value = Number(scores[i]);
    if (value > own || (value === own && i < label)) rank++;
  }
  return rank;
}

/** The k values reported for `classCount` classes: 1, 2, 3 and 5 (those below the class count). */
export function topKValues(classCount: number): number[] {
  return [1, 2, 3, 5].filter((k) => k === 1 || k < classCount);
}

/** Counts top-k hits from the true classes' ranks, one counter per k. */
export class TopKCounter {
  private readonly hits: number[];
  private samples = 0;

  constructor(readonly ks: readonly number[]) {
    this.hits = ks.map(() => 0);
  }

  add(rank: number): void {
    this.samples++;
    this.ks.forEach((k, i) => {
      if (rank < k) this.hits[i]++;
    });
  }

  result(): TopKAccuracy[] {
    return this.ks.map((k, i) => ({ k, correct: this.hits[i], accuracy: this.samples === 0 ? 0 : this.hits[i] / this.samples }));
  }
}

/**
 * Accumulates how far a board's outputs are from the host's, over every element of every sample
 * (ST's validate metrics, computed on real values: quantized outputs are dequantized first):
 * max |Δ|, RMSE, MAE, cosine similarity of the two output vectors and the L2 relative error
 * ‖board − host‖ / ‖host‖. Byte-identical samples are counted separately by the caller.
 */
export class OutputAgreementAccumulator {
  private elements = 0;
  private maxAbs = 0;
  private sumSquares = 0;
  private sumAbs = 0;
  private dot = 0;
  private boardNorm = 0;
  private hostNorm = 0;

  add(host: ArrayLike<number>, board: ArrayLike<number>): void {
    for (let i = 0; i < host.length; i++) {
      const h = host[i];
      const b = board[i];
      const difference = Number.isNaN(h) && Number.isNaN(b) ? 0 : Math.abs(b - h);
      this.elements++;
      this.maxAbs = Math.max(this.maxAbs, Number.isNaN(difference) ? Infinity : difference);
      this.sumSquares += difference * difference;
      this.sumAbs += difference;
      this.dot += h * b;
      this.boardNorm += b * b;
      this.hostNorm += h * h;
    }
  }

  result(): OutputAgreement {
    const n = this.elements;
    // sqrt(x·x) is exactly x in binary floating point, so identical outputs give a cosine of exactly 1.
    const product = this.boardNorm * this.hostNorm;
    const norms = Number.isFinite(product) ? Math.sqrt(product) : Math.sqrt(this.boardNorm) * Math.sqrt(this.hostNorm);
    const hostNorm = Math.sqrt(this.hostNorm);
    const difference = Math.sqrt(this.sumSquares);
    return {
      elements: n,
      maxAbsDiff: this.maxAbs,
      rmse: n === 0 ? 0 : Math.sqrt(this.sumSquares / n),
      mae: n === 0 ? 0 : this.sumAbs / n,
      // Two zero vectors point the same way; one zero vector and another do not.
      cosine: norms === 0 ? (this.boardNorm === this.hostNorm ? 1 : 0) : Math.max(-1, Math.min(1, this.dot / norms)),
      l2r: hostNorm === 0 ? (difference === 0 ? 0 : Infinity) : difference / hostNorm,
    };
  }
}
