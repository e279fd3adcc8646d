import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../test/testing/shared-data.js';
import { importModel } from '../../../core/common/importers/index.js';
import { describeGraph } from '../../../shared/services/model-graph.js';
import type { LayerRow } from '../../../shared/services/types.js';
import { attributeLine, layoutGraph, opsFromLayers, opsFromModel, searchOps, type GraphLayout } from './graph-layout.js';

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

const node = (layout: GraphLayout, key: string) => layout.nodes.find((candidate) => candidate.key === key)!;
const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function modelOps(path: string) {
  return opsFromModel(describeGraph(importModel(new Uint8Array(readFileSync(path)), path), 'v'));
}

describe('graph layout (ELK layered)', () => {
  it('stacks a chain top to bottom, input above and output below, edges labelled with shape and dtype', async () => {
    const layout = await layoutGraph(opsFromLayers([layer(0, 'CONV_2D', [0], [1]), layer(1, 'RELU', [1], [2]), layer(2, 'SOFTMAX', [2], [3])]));
    const order = ['in:0', 'op:0', 'op:1', 'op:2', 'out:3'].map((key) => node(layout, key).y);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(5);
    expect(layout.edges.map((edge) => `${edge.from}>${edge.to}`)).toEqual(['in:0>op:0', 'op:0>op:1', 'op:1>op:2', 'op:2>out:3']);
    expect(layout.edges.find((edge) => edge.from === 'op:0')!.label?.text).toBe('1×8 int8');
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  });

  it('puts the branches of a residual block side by side and joins them below', async () => {
    const layout = await layoutGraph(opsFromLayers([layer(0, 'CONV_2D', [0], [1]), layer(1, 'CONV_2D', [1], [2]), layer(2, 'DEPTHWISE_CONV_2D', [1], [3]), layer(3, 'ADD', [2, 3], [4])]));
    expect(node(layout, 'op:1').y).toBe(node(layout, 'op:2').y);
    expect(node(layout, 'op:1').x).not.toBe(node(layout, 'op:2').x);
    expect(node(layout, 'op:3').y).toBeGreaterThan(node(layout, 'op:1').y);
    expect(layout.width).toBeGreaterThanOrEqual(Math.max(node(layout, 'op:1').x + node(layout, 'op:1').width, node(layout, 'op:2').x + node(layout, 'op:2').width));
  });

  it('lays out ResNet-8: every add joins two branches, no two boxes overlap, every edge runs down', async () => {
    const ops = modelOps(sharedModels.pretrainedResnet_quant);
    const layout = await layoutGraph(ops);
    const adds = ops.filter((op) => op.op === 'ADD');
    expect(adds).toHaveLength(3);
    for (const add of adds) expect(layout.edges.filter((edge) => edge.to === `op:${add.index}` && edge.from.startsWith('op:'))).toHaveLength(2);
    for (let i = 0; i < layout.nodes.length; i++) for (let j = i + 1; j < layout.nodes.length; j++) expect(overlaps(layout.nodes[i], layout.nodes[j])).toBe(false);
    for (const edge of layout.edges) expect(edge.points[edge.points.length - 1].y).toBeGreaterThan(edge.points[0].y);
    // Weights are in the boxes, not drawn as inputs: one input pill (the image), one output pill.
    expect(layout.nodes.filter((entry) => entry.kind === 'input')).toHaveLength(1);
    expect(layout.nodes.filter((entry) => entry.kind === 'output')).toHaveLength(1);
    const conv = ops.find((op) => op.op === 'CONV_2D')!;
    expect(attributeLine(conv)).toMatch(/^3×3 .*same/);
    expect(node(layout, `op:${conv.index}`).lines.some((line) => /^W \d+×3×3×\d+ · B \d+$/.test(line))).toBe(true);
  });

  it('shows the LSTM state as state pills beside the op, not as model inputs', async () => {
    const ops = modelOps(sharedModels.trained_lstm_int8);
    const layout = await layoutGraph(ops);
    const lstm = ops.find((op) => op.op === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    const state = layout.nodes.filter((entry) => entry.kind === 'state');
    expect(state).toHaveLength(2);
    expect(layout.edges.filter((edge) => edge.state && edge.to === `op:${lstm.index}`)).toHaveLength(2);
    expect(layout.nodes.filter((entry) => entry.kind === 'input')).toHaveLength(1);
  });

  it('finds ops by index, type and tensor name', () => {
    const ops = modelOps(sharedModels.pretrainedResnet_quant);
    expect(searchOps(ops, 'add')).toEqual(expect.arrayContaining(ops.filter((op) => op.op === 'ADD').map((op) => op.index)));
    expect(searchOps(ops, 'average_pool')).toEqual(expect.arrayContaining(ops.filter((op) => op.op === 'AVERAGE_POOL_2D').map((op) => op.index)));
    expect(searchOps(ops, '3')).toContain(3);
    expect(searchOps(ops, '  ')).toEqual([]);
    const named = ops[0].outputs[0].name;
    expect(searchOps(ops, named)).toContain(0);
  });
});
