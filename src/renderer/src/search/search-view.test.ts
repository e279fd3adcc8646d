import { describe, expect, it } from 'vitest';
import type { SearchTrial } from '../../../shared/services/types.js';
import { frontStaircase, paramsText, paretoPoints, ramColour } from './search-view.js';

const trial = (index: number, status: SearchTrial['status'], accuracy?: number, latency?: number): SearchTrial => ({
  index,
  params: { layers: index + 1 },
  status,
  hasModel: status === 'ok',
  ...(accuracy !== undefined ? { accuracy, latency, arenaBytes: 1000 * (index + 1), stackBytes: 100, flashBytes: 5000 } : {}),
});

describe('the Search tab view', () => {
  const trials = [trial(0, 'ok', 0.8, 500), trial(1, 'ok', 0.9, 900), trial(2, 'rejected'), trial(3, 'over-budget', 0.95, 2000), trial(4, 'ok', 0.7, 800), trial(5, 'failed')];

  it('plots the measured trials, rejected and failed ones left out, the front marked', () => {
    const points = paretoPoints(trials, [0, 1]);
    expect(points.map((point) => [point.index, point.front, point.ramBytes])).toEqual([
      [0, true, 1100],
      [1, true, 2100],
      [3, false, 4100],
      [4, false, 5100],
    ]);
  });

  it('draws the front as a staircase by latency, skipping front points the two drawn objectives dominate', () => {
    const points = paretoPoints([...trials, trial(6, 'ok', 0.85, 1200)], [0, 1, 6]);
    expect(frontStaircase(points)).toEqual([
      { latency: 500, accuracy: 0.8 },
      { latency: 900, accuracy: 0.8 },
      { latency: 900, accuracy: 0.9 },
    ]);
  });

  it('colours RAM from light to dark and names parameters', () => {
    expect(ramColour(0, 0, 100)).toBe('hsl(180, 60%, 70%)');
    expect(ramColour(100, 0, 100)).toBe('hsl(285, 60%, 35%)');
    expect(ramColour(7, 7, 7)).toBe(ramColour(50, 0, 100));
    expect(paramsText({ layers: 2, activation: 'relu' })).toBe('layers=2 activation=relu');
  });
});
