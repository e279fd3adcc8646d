import { describe, expect, it } from 'vitest';
import { highestInUseMeaning, memoryLabels, noReuseMeaning } from './memory-words.js';

describe('memory words', () => {
  it('give each memory figure its own label, saying what sets it apart', () => {
    expect(new Set(Object.values(memoryLabels)).size).toBe(3);
    expect(memoryLabels.noReuse).toContain('no sharing');
    expect(memoryLabels.arena).toContain('alignment/scratch');
    expect(memoryLabels.highestInUse).toBe('highest point in use at any op');
    expect(Object.values(memoryLabels).some((label) => /\bpeak\b/i.test(label))).toBe(false);
  });

  it('explain in one line each why the figures differ', () => {
    expect(noReuseMeaning).toMatch(/^No-reuse bound: all activations of the worst op's live set, each in a buffer of its own \(no sharing, no alignment or scratch\)\./);
    expect(highestInUseMeaning).toContain('at most the arena');
  });
});
