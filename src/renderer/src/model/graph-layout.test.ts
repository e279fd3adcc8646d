import { describe, expect, it } from 'vitest';
import type { LayerRow } from '../../../shared/services/types.js';
import { layoutGraph } from './graph-layout.js';

const tensor = (id: number, shape = [1, 8]) => ({ tensor: id, shape, dtype: 'int8' });
const layer = (index: number, op: string, inputs: number[], outputs: number[]): LayerRow => ({
  index,
  op,
  inputs: inputs.map((id) => tensor(id)),
  outputs: outputs.map((id) => tensor(id)),
  macs: 0,
  parameters: 0,
  liveBytes: 0,
});

describe('graph layout', () => {
  it('stacks a chain in one column, input above and output below', () => {
    const layout = layoutGraph([layer(0, 'CONV_2D', [0], [1]), layer(1, 'RELU', [1], [2]), layer(2, 'SOFTMAX', [2], [3])]);
    expect(layout.nodes.map((node) => `${node.key}@${node.rank}`)).toEqual(['in:0@0', 'op:0@1', 'op:1@2', 'op:2@3', 'out:3@4']);
    const xs = new Set(layout.nodes.map((node) => node.x));
    expect(xs.size).toBe(1);
    const ys = layout.nodes.map((node) => node.y);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(layout.edges.map((edge) => `${edge.from}>${edge.to}`)).toEqual(['in:0>op:0', 'op:0>op:1', 'op:1>op:2', 'op:2>out:3']);
    expect(layout.nodes.find((node) => node.key === 'op:0')?.detail).toBe('1×8 int8');
  });

  it('puts the branches of a residual block side by side and joins them below', () => {
    // 0: conv → t1; 1: conv(t1) → t2; 2: conv(t1) → t3; 3: add(t2, t3) → t4
    const layout = layoutGraph([layer(0, 'CONV_2D', [0], [1]), layer(1, 'CONV_2D', [1], [2]), layer(2, 'DEPTHWISE_CONV_2D', [1], [3]), layer(3, 'ADD', [2, 3], [4])]);
    const node = (key: string) => layout.nodes.find((candidate) => candidate.key === key)!;
    expect(node('op:1').rank).toBe(2);
    expect(node('op:2').rank).toBe(2);
    expect(node('op:3').rank).toBe(3);
    expect(node('op:1').y).toBe(node('op:2').y);
    expect(node('op:1').x).toBeLessThan(node('op:2').x);
    expect(layout.width).toBeGreaterThanOrEqual(node('op:2').x + node('op:2').width);
    expect(layout.edges.filter((edge) => edge.to === 'op:3').map((edge) => edge.from)).toEqual(['op:1', 'op:2']);
    // Every edge runs downwards.
    for (const edge of layout.edges) expect(node(edge.from).y).toBeLessThan(node(edge.to).y);
  });

  it('draws a graph input used by two ops once', () => {
    const layout = layoutGraph([layer(0, 'MUL', [0, 0], [1]), layer(1, 'ADD', [0, 1], [2])]);
    expect(layout.nodes.filter((node) => node.kind === 'input')).toHaveLength(1);
    expect(layout.edges.filter((edge) => edge.from === 'in:0')).toHaveLength(3);
  });
});

describe('graph layout of skip connections', () => {
  it('routes an edge that skips ranks beside the boxes it passes, not through them', () => {
    // 0 → 1 → 2 → 3(add of 2 and 0): the edge 0 → 3 skips ops 1 and 2 of the same column.
    const layout = layoutGraph([layer(0, 'CONV_2D', [0], [1]), layer(1, 'CONV_2D', [1], [2]), layer(2, 'CONV_2D', [2], [3]), layer(3, 'ADD', [3, 1], [4])]);
    const skip = layout.edges.find((edge) => edge.from === 'op:0' && edge.to === 'op:3')!;
    const box = layout.nodes.find((node) => node.key === 'op:1')!;
    const laneX = Number(/L([\d.]+),/.exec(skip.path)?.[1]);
    expect(laneX).toBeGreaterThan(box.x + box.width);
    expect(layout.width).toBeGreaterThan(laneX);
    // Neighbouring ranks keep a plain curve.
    expect(layout.edges.find((edge) => edge.from === 'op:0' && edge.to === 'op:1')!.path).not.toContain('L');
  });
});
