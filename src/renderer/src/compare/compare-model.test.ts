import { describe, expect, it } from 'vitest';
import type { ComparisonRow } from '../../../shared/services/types.js';
import { accuracyDelta, baselineRow, costDelta, latencyAxisUnit, paretoFront, scatterPoints } from './compare-model.js';

const board = (id: string) => ({ id, name: id, core: 'cortex-m4', flashBytes: 1 << 20, ramBytes: 1 << 18 });
function row(variantId: string, boardId: string | undefined, figures: Partial<ComparisonRow> = {}): ComparisonRow {
  return { variantId, variantName: variantId, parentId: null, dtype: 'int8', parameters: 10, macs: 100, peakActivationBytes: 50, ...(boardId ? { board: board(boardId) } : {}), ...figures };
}

describe('compare arithmetic', () => {
  it('compares a row with the baseline variant on the same board, else its model figures', () => {
    const base4 = row('base', 'm4');
    const base7 = row('base', 'm7');
    const child4 = row('child', 'm4');
    const child55 = row('child', 'm55');
    const rows = [base4, base7, child4, child55];
    expect(baselineRow(rows, child4, 'base')).toBe(base4);
    expect(baselineRow(rows, child55, 'base')).toBe(base4);
    expect(baselineRow(rows, base4, 'base')).toBeUndefined();
    expect(baselineRow(rows, base7, 'base')).toBeUndefined();
    expect(baselineRow(rows, child4, undefined)).toBeUndefined();
  });

  it('compares a build for speed with the baseline built for speed on that board, else with its build for size', () => {
    const baseSize = row('base', 'm4', { optimizeFor: 'size' });
    const baseSpeed = row('base', 'm4', { optimizeFor: 'speed' });
    const childSize = row('child', 'm4', { optimizeFor: 'size' });
    const childSpeed = row('child', 'm4', { optimizeFor: 'speed' });
    expect(baselineRow([baseSize, baseSpeed, childSize, childSpeed], childSpeed, 'base')).toBe(baseSpeed);
    expect(baselineRow([baseSize, baseSpeed, childSize, childSpeed], childSize, 'base')).toBe(baseSize);
    expect(baselineRow([baseSize, childSize, childSpeed], childSpeed, 'base')).toBe(baseSize);
    expect(baselineRow([baseSize, baseSpeed], baseSpeed, 'base')).toBeUndefined();
  });

  it('says which way a delta goes: lower cost and higher accuracy are better', () => {
    expect(costDelta(80, 100)).toEqual({ change: -0.2, text: '\u221220.0%', verdict: 'better' });
    expect(costDelta(125, 100)).toMatchObject({ text: '+25.0%', verdict: 'worse' });
    expect(costDelta(100, 100)).toMatchObject({ text: '±0%', verdict: 'same' });
    expect(costDelta(1, undefined)).toBeUndefined();
    expect(accuracyDelta(0.91, 0.9)?.text).toBe('+1.0 pp');
    expect(accuracyDelta(0.85, 0.9)).toMatchObject({ text: '\u22125.0 pp', verdict: 'worse' });
  });

  it('marks the Pareto front of accuracy against cost', () => {
    const points = [
      { name: 'a', cost: 10, accuracy: 0.9 },
      { name: 'b', cost: 5, accuracy: 0.85 },
      { name: 'c', cost: 12, accuracy: 0.88 },
      { name: 'd', cost: 20, accuracy: 0.95 },
      { name: 'e', cost: 5, accuracy: 0.8 },
    ];
    expect(paretoFront(points).map((point) => point.name)).toEqual(['b', 'a', 'd']);
  });

  it('plots latency in ms when every deployed row has it, else in the counted unit', () => {
    const withMs = row('a', 'm4', { latency: { value: 1000, unit: 'instructions', milliseconds: 2 }, accuracy: { value: 0.9, measuredAt: '' } });
    const withoutMs = row('b', 'm4', { latency: { value: 2000, unit: 'instructions' }, accuracy: { value: 0.8, measuredAt: '' } });
    expect(latencyAxisUnit([withMs])).toBe('ms');
    expect(latencyAxisUnit([withMs, withoutMs])).toBe('instructions');
    expect(scatterPoints([withMs, withoutMs, row('c', undefined)], 'latency')).toMatchObject({ unit: 'instructions', points: [{ cost: 1000 }, { cost: 2000 }] });
  });
});
