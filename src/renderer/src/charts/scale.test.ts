import { describe, expect, it } from 'vitest';
import { compactNumber, linearScale, niceTicks } from './scale.js';

describe('chart scales', () => {
  it('puts ticks on round steps that reach the maximum', () => {
    expect(niceTicks(52_000, 4)).toEqual([0, 20_000, 40_000, 60_000]);
    expect(niceTicks(885_960, 4)).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expect(niceTicks(10, 4)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.3, 3)).toEqual([0, 0.2, 0.4]);
  });

  it('gives an empty axis a length', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });

  it('maps data to pixels linearly, also upside down', () => {
    const x = linearScale(0, 100, 40, 240);
    expect(x(0)).toBe(40);
    expect(x(50)).toBe(140);
    const y = linearScale(0, 10, 200, 0);
    expect(y(10)).toBe(0);
    expect(linearScale(5, 5, 0, 10)(5)).toBe(0);
  });

  it('writes short tick labels', () => {
    expect(compactNumber(20_000)).toBe('20k');
    expect(compactNumber(1_500_000)).toBe('1.5M');
    expect(compactNumber(0)).toBe('0');
    expect(compactNumber(0.1 + 0.2)).toBe('0.3');
  });
});
