import { describe, expect, it } from 'vitest';
import { argmax } from './evaluate.js';
import { OutputAgreementAccumulator, perClassMetrics, rankOf, TopKCounter, topKValues } from './metrics.js';

describe('perClassMetrics', () => {
  it('precision over the column, recall over the row; null where nothing was predicted or no sample exists', () => {
    // Rows actual, columns predicted: a: 3 right, 1 taken for b; b: 2 right; c: no samples, never predicted.
    const confusion = [
      [3, 1, 0],
      [0, 2, 0],
      [0, 0, 0],
    ];
    const [a, b, c] = perClassMetrics(confusion, ['a', 'b', 'c']);
    expect(a).toEqual({ name: 'a', support: 4, predicted: 3, precision: 1, recall: 0.75, f1: (2 * 0.75) / 1.75 });
    expect(b).toMatchObject({ support: 2, predicted: 3, precision: 2 / 3, recall: 1 });
    expect(c).toEqual({ name: 'c', support: 0, predicted: 0, precision: null, recall: null, f1: null });
  });

  it('a class predicted but never right has precision 0 and F1 null when recall is 0 too', () => {
    const [, b] = perClassMetrics([[0, 2], [0, 0]], ['a', 'b']);
    expect(b).toMatchObject({ precision: 0, recall: null, f1: null });
    const [a] = perClassMetrics([[0, 2], [1, 0]], ['a', 'b']);
    expect(a).toMatchObject({ precision: 0, recall: 0, f1: null });
  });
});

describe('rankOf and top-k', () => {
  it('rank 0 is exactly argmax, also on ties (the first maximum)', () => {
    const scores = new Int8Array([5, 9, 9, -3]);
    expect(argmax(scores)).toBe(1);
    expect(rankOf(scores, 1)).toBe(0);
    expect(rankOf(scores, 2)).toBe(1);
    expect(rankOf(scores, 0)).toBe(2);
    expect(rankOf(scores, 3)).toBe(3);
  });

  it('counts top-k hits for k = 1, 2, 3, 5 below the class count', () => {
    expect(topKValues(12)).toEqual([1, 2, 3, 5]);
    expect(topKValues(3)).toEqual([1, 2]);
    expect(topKValues(1)).toEqual([1]);
    const counter = new TopKCounter([1, 2, 3, 5]);
    for (const rank of [0, 0, 1, 4, 7]) counter.add(rank);
    expect(counter.result()).toEqual([
      { k: 1, correct: 2, accuracy: 0.4 },
      { k: 2, correct: 3, accuracy: 0.6 },
      { k: 3, correct: 3, accuracy: 0.6 },
      { k: 5, correct: 4, accuracy: 0.8 },
    ]);
  });
});

describe('OutputAgreementAccumulator', () => {
  it('max |Δ|, RMSE, MAE, cosine and L2 relative error over every element of every sample', () => {
    const accumulator = new OutputAgreementAccumulator();
    accumulator.add([1, 0], [1, 0.5]);
    accumulator.add([0, 2], [0, 2]);
    const result = accumulator.result();
    expect(result.elements).toBe(4);
    expect(result.maxAbsDiff).toBe(0.5);
    expect(result.mae).toBe(0.125);
    expect(result.rmse).toBeCloseTo(Math.sqrt(0.25 / 4), 15);
    expect(result.l2r).toBeCloseTo(0.5 / Math.sqrt(5), 15);
    expect(result.cosine).toBeCloseTo(5 / (Math.sqrt(5) * Math.sqrt(5.25)), 15);
  });

  it('identical outputs: zero error and cosine exactly 1; zero vectors agree with zero vectors only', () => {
    const same = new OutputAgreementAccumulator();
    same.add([0.1, 0.2, 0.7], [0.1, 0.2, 0.7]);
    expect(same.result()).toEqual({ elements: 3, maxAbsDiff: 0, rmse: 0, mae: 0, cosine: 1, l2r: 0 });
    // Outputs whose norm is not exact in floating point still give exactly 1.
    const softmax = new OutputAgreementAccumulator();
    const scores = [0.1, 0.3, 0.05, 0.55, 1e-3, 0.7];
    softmax.add(scores, scores);
    expect(softmax.result().cosine).toBe(1);
    const zeros = new OutputAgreementAccumulator();
    zeros.add([0, 0], [0, 0]);
    expect(zeros.result()).toMatchObject({ cosine: 1, l2r: 0 });
    const fromZero = new OutputAgreementAccumulator();
    fromZero.add([0, 0], [1, 0]);
    expect(fromZero.result()).toMatchObject({ cosine: 0, l2r: Infinity, maxAbsDiff: 1 });
  });

  it('a NaN on one side only is an infinite difference; on both sides, none', () => {
    const accumulator = new OutputAgreementAccumulator();
    accumulator.add([NaN, 1], [NaN, 1]);
    expect(accumulator.result().maxAbsDiff).toBe(0);
    accumulator.add([1], [NaN]);
    expect(accumulator.result().maxAbsDiff).toBe(Infinity);
  });
});
