import { describe, expect, it } from 'vitest';
import { bytesOf } from '../ir/tensor.js';
import { compareTensorBytes, comparisonPasses } from './compare.js';

describe('compareTensorBytes', () => {
  it('finds the first and the largest int8 difference and fails any difference', () => {
    const host = Int8Array.of(1, -5, 100, 7);
    const board = Int8Array.of(1, -4, 97, 7);
    const comparison = compareTensorBytes('int8', bytesOf(host), bytesOf(board));
    expect(comparison).toMatchObject({ equal: false, differing: 2, firstDifference: 1, maxAbsDifference: 3, maxAbsReference: 100, elements: 4 });
    expect(comparisonPasses(comparison)).toBe(false);
    expect(comparisonPasses(compareTensorBytes('int8', bytesOf(host), bytesOf(host.slice())))).toBe(true);
  });

  it('passes float values within 1e-4 of the largest host value, and not beyond', () => {
    const host = Float32Array.of(10, -2, 0.5);
    const close = Float32Array.of(10, -2 + 9e-4, 0.5);
    const far = Float32Array.of(10, -2 + 2e-3, 0.5);
    expect(comparisonPasses(compareTensorBytes('float32', bytesOf(host), bytesOf(close)))).toBe(true);
    const comparison = compareTensorBytes('float32', bytesOf(host), bytesOf(far));
    expect(comparison.equal).toBe(false);
    expect(comparisonPasses(comparison)).toBe(false);
  });

  it('treats a NaN on one side only as an infinite difference', () => {
    const comparison = compareTensorBytes('float32', bytesOf(Float32Array.of(1)), bytesOf(Float32Array.of(Number.NaN)));
    expect(comparison.maxAbsDifference).toBe(Infinity);
    expect(comparisonPasses(comparison)).toBe(false);
  });

  it('refuses tensors of different sizes', () => {
    expect(() => compareTensorBytes('int8', new Uint8Array(3), new Uint8Array(4))).toThrow(/int8 tensor of 3 bytes compared with 4 bytes/);
  });
});
