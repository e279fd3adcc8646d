import { describe, expect, it } from 'vitest';
import type { ComparisonRow } from '../../../shared/services/types.js';
import { accuracyAxis, instructionAxis, lineageChart, placeLabels } from './lineage-model.js';

const board = (id: string) => ({ id, name: id, core: 'cortex-m4', flashBytes: 1 << 20, ramBytes: 1 << 18 });
function row(variantId: string, parentId: string | null, boardId: string | undefined, figures: { accuracy?: number; instructions?: number; unit?: 'instructions' | 'cycles' } = {}): ComparisonRow {
  return {
    variantId,
    variantName: variantId,
    parentId,
    dtype: 'int8',
    parameters: 10,
    macs: 100,
    peakActivationBytes: 50,
    ...(boardId ? { board: board(boardId) } : {}),
    ...(figures.accuracy !== undefined ? { accuracy: { value: figures.accuracy, samples: 100, datasetName: 'fashion', datasetId: 'd1' } } : {}),
    ...(figures.instructions !== undefined ? { latency: { value: figures.instructions, unit: figures.unit ?? 'instructions', min: figures.instructions, max: figures.instructions, runs: 2 } } : {}),
  } as ComparisonRow;
}

describe('lineage plot arithmetic', () => {
  it('plots variants with an accuracy and an instruction count, joined to their nearest plotted ancestor', () => {
    const rows = [
      row('scratch', null, 'virtual-m4f', { accuracy: 0.88, instructions: 4_000_000 }),
      row('pruned', 'scratch', undefined, { accuracy: 0.86 }), // evaluated, never deployed
      row('pruned-int8', 'pruned', 'virtual-m4f', { accuracy: 0.85, instructions: 900_000 }),
      row('scratch-int8', 'scratch', 'virtual-m4f', { accuracy: 0.87, instructions: 1_500_000 }),
      row('deployed-only', 'scratch', 'virtual-m4f', { instructions: 2_000_000 }),
    ];
    const chart = lineageChart(rows);
    expect(chart.board).toBe('virtual-m4f');
    expect(chart.points.map((point) => [point.name, point.accuracy, point.instructions])).toEqual([
      ['scratch', 0.88, 4_000_000],
      ['pruned-int8', 0.85, 900_000],
      ['scratch-int8', 0.87, 1_500_000],
    ]);
    expect(chart.edges).toEqual([
      { from: 'scratch', to: 'pruned-int8', generations: 2 },
      { from: 'scratch', to: 'scratch-int8', generations: 1 },
    ]);
    expect(chart.unplotted).toEqual([
      { variantId: 'pruned', name: 'pruned', reason: 'not deployed on virtual-m4f' },
      { variantId: 'deployed-only', name: 'deployed-only', reason: 'no accuracy yet (Evaluate, or Optimize with a dataset)' },
    ]);
  });

  it('takes the accuracy from a row of the variant on another board, and counts only instruction boards', () => {
    const rows = [
      row('a', null, 'nucleo', { accuracy: 0.9, instructions: 50_000, unit: 'cycles' }),
      row('a', null, 'virtual-m7', { instructions: 70_000 }),
      row('b', 'a', 'virtual-m7', { accuracy: 0.8, instructions: 30_000 }),
      row('b', 'a', 'virtual-m4f', { instructions: 40_000 }),
    ];
    const chart = lineageChart(rows);
    expect(chart.boards).toEqual(['virtual-m4f', 'virtual-m7']);
    expect(chart.board).toBe('virtual-m7');
    expect(chart.points.map((point) => [point.name, point.accuracy, point.instructions])).toEqual([
      ['a', 0.9, 70_000],
      ['b', 0.8, 30_000],
    ]);
    expect(chart.edges).toEqual([{ from: 'a', to: 'b', generations: 1 }]);
    const m4f = lineageChart(rows, 'virtual-m4f');
    expect(m4f.points.map((point) => point.name)).toEqual(['b']);
    expect(m4f.unplotted).toEqual([{ variantId: 'a', name: 'a', reason: 'not deployed on virtual-m4f' }]);
  });

  it('lists every variant when nothing was deployed on a virtual board', () => {
    const chart = lineageChart([row('a', null, undefined), row('b', 'a', undefined, { accuracy: 0.5 })]);
    expect(chart.board).toBeUndefined();
    expect(chart.points).toEqual([]);
    expect(chart.unplotted.map((entry) => entry.reason)).toEqual(['no accuracy yet (Evaluate, or Optimize with a dataset); not deployed on a virtual board', 'not deployed on a virtual board']);
  });

  it('spreads instructions on a log axis when they span 5x or more, and fits the accuracy axis to the points', () => {
    const ticks = (max: number) => [0, max / 2, max];
    expect(instructionAxis([352_160, 4_689_680], ticks)).toEqual({ log: true, min: 200_000, max: 5_000_000, ticks: [200_000, 500_000, 1_000_000, 2_000_000, 5_000_000] });
    expect(instructionAxis([400_000, 900_000], ticks)).toEqual({ log: false, min: 0, max: 900_000, ticks: [0, 450_000, 900_000] });
    const accuracy = accuracyAxis([0.7169, 0.7363]);
    expect([accuracy.min, accuracy.max]).toEqual([0.71, 0.74]);
    expect(accuracy.ticks).toEqual([0.71, 0.715, 0.72, 0.725, 0.73, 0.735, 0.74]);
    expect(accuracyAxis([0.5, 0.99]).max).toBe(1);
  });

  it('moves a label that would cover another up or down a line, and leaves it out when neither is free', () => {
    const width = (text: string) => text.length * 6;
    const at = (key: string, y: number) => ({ key, x: 100, y, text: 'label', toLeft: false });
    const offsets = placeLabels([at('a', 100), at('b', 101), at('c', 102), at('d', 103), at('e', 300)], width);
    expect([...offsets.values()]).toEqual([-7, -21, 13.8, undefined, -7]);
  });
});
