import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModels } from '../../../../../test/testing/shared-data.js';
import { loadModelFile } from '../../../node/model-file.js';
import { analyzeModel } from '../../analysis/model-analysis.js';
import { Interpreter } from '../../interp/interpreter.js';
import type { Graph, Tensor } from '../../ir/types.js';
import { validateGraph } from '../../ir/validate.js';
import { lstmGateInputs } from '../../ops/lstm-layout.js';
import { gruGateNames, gruInputIndex } from '../../ops/gru-layout.js';
import { readOnnx } from '../../importers/onnx/index.js';
import { runPipeline } from '../run-pipeline.js';
import { syntheticSamples } from '../quantize/synthetic.js';
import { analyzeChannels } from './channel-groups.js';
import { pruneToTarget, removeUnits, weightImportance } from './prune.js';

const floatGraph = async (path: string) => (await runPipeline(await loadModelFile(path), 'hybrid-to-float')).graph;

function outputsOf(graph: Graph, count: number, range: [number, number]): Float32Array[] {
  const samples = syntheticSamples(graph, { count, seed: 3, min: range[0], max: range[1] });
  const interpreter = new Interpreter(graph);
  return Array.from({ length: count }, (_, i) => interpreter.run(samples.sample(i) as never).outputs[0] as Float32Array);
}

function worstDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((values, i) => values.forEach((value, j) => (worst = Math.max(worst, Math.abs(value - b[i][j])))));
  return worst;
}

/** A copy of the tensor with rows `rows` (of axis 0) set to 0. */
function zeroRows(tensor: Tensor, rows: number[]): Tensor {
  const data = new Float32Array(tensor.data as Float32Array);
  const width = data.length / tensor.shape[0];
  for (const row of rows) data.fill(0, row * width, (row + 1) * width);
  return { ...tensor, data };
}

describe('channel groups', () => {
  it('KWS DS-CNN: five prunable convolution groups of 64 (depthwise layers follow them), the classifier kept whole', async () => {
    const graph = await floatGraph(sharedModels.kws_ref_model_float32);
    const { groups } = analyzeChannels(graph);
    expect(groups.filter((group) => !group.blocked).map((group) => [group.size, group.producers.map((p) => graph.ops[p.op].type)])).toEqual(
      Array.from({ length: 5 }, () => [64, ['CONV_2D']]),
    );
    expect(groups.filter((group) => group.blocked).map((group) => group.blocked)).toEqual(['op 12 (SOFTMAX) needs all its input channels']);
  });

  it('ResNet: the convolutions an ADD joins form one group', async () => {
    const graph = await floatGraph(sharedModels.pretrainedResnet);
    const { groups } = analyzeChannels(graph);
    expect(groups.some((group) => !group.blocked && group.producers.length >= 2)).toBe(true);
  });
});

describe('removing units', () => {
  it('KWS: units whose weights are zero leave the outputs as they were when removed, and the shapes shrink', async () => {
    const graph = await floatGraph(sharedModels.kws_ref_model_float32);
    const analysis = analyzeChannels(graph);
    // The second convolution (op 2) and the depthwise after it (op 3): channels 1, 5, 40 dead.
    const dead = [1, 5, 40];
    const tensors = [...graph.tensors];
    const [conv, depthwise] = [graph.ops[2], graph.ops[3]];
    tensors[conv.inputs[1]] = zeroRows(tensors[conv.inputs[1]], dead);
    tensors[conv.inputs[2]] = zeroRows(tensors[conv.inputs[2]], dead);
    const dwBias = new Float32Array(tensors[depthwise.inputs[2]].data as Float32Array);
    for (const channel of dead) dwBias[channel] = 0;
    tensors[depthwise.inputs[2]] = { ...tensors[depthwise.inputs[2]], data: dwBias };
    const zeroed = { ...graph, tensors };
    const group = analysis.groups.find((candidate) => candidate.producers.some((p) => p.op === 2))!;
    const base = analysis.groups.slice(0, group.id).reduce((total, g) => total + g.size, 0);
    const pruned = removeUnits(zeroed, analysis, new Set(dead.map((unit) => base + unit)));
    validateGraph(pruned);
    expect(pruned.tensors[conv.outputs[0]].shape).toEqual([1, 25, 5, 61]);
    expect(pruned.tensors[graph.ops[4].inputs[1]].shape).toEqual([64, 1, 1, 61]);
    expect(analyzeModel(pruned).totals.params).toBe(analyzeModel(graph).totals.params - 3 * (64 + 1) - 3 * (9 + 1) - 3 * 64);
    expect(worstDifference(outputsOf(pruned, 3, [-20, 20]), outputsOf(zeroed, 3, [-20, 20]))).toBeLessThan(1e-5);
  });

  it('LSTM: dead hidden units go with their gate rows, recurrent columns, state and the FC columns of every time step', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm);
    const lstm = graph.ops[0];
    const dead = [0, 7, 19];
    const tensors = [...graph.tensors];
    for (const { inputWeights, recurrentWeights, bias } of Object.values(lstmGateInputs)) {
      for (const slot of [inputWeights, recurrentWeights, bias]) tensors[lstm.inputs[slot]] = zeroRows(tensors[lstm.inputs[slot]], dead);
    }
    const zeroed = { ...graph, tensors };
    const analysis = analyzeChannels(zeroed);
    const pruned = removeUnits(zeroed, analysis, new Set(dead));
    validateGraph(pruned);
    expect(pruned.tensors[lstm.outputs[0]].shape).toEqual([1, 28, 17]);
    expect(pruned.tensors[graph.ops[2].inputs[1]].shape).toEqual([10, 28 * 17]);
    expect(worstDifference(outputsOf(pruned, 3, [0, 1]), outputsOf(zeroed, 3, [0, 1]))).toBeLessThan(1e-6);
  });

  it('GRU (gru.onnx): dead hidden units go with their gate rows, recurrent columns, n bias, state and the next GRUs\' input columns', () => {
    const graph = readOnnx(new Uint8Array(readFileSync(join(import.meta.dirname, '../../../../../test/fixtures/onnx/gru.onnx'))));
    const gru = graph.ops[0];
    expect(gru.type).toBe('TD_GRU');
    const dead = [1, 4];
    const tensors = [...graph.tensors];
    const slots = gruGateNames.flatMap((gate) => [gruInputIndex.inputWeights[gate], gruInputIndex.recurrentWeights[gate], gruInputIndex.bias[gate]]);
    for (const slot of [...slots, gruInputIndex.recurrentNBias]) tensors[gru.inputs[slot]] = zeroRows(tensors[gru.inputs[slot]], dead);
    const zeroed = { ...graph, tensors };
    const analysis = analyzeChannels(zeroed);
    const group = analysis.groups.find((candidate) => candidate.producers.some((p) => p.op === 0))!;
    expect(group.producers).toEqual([{ op: 0, kind: 'gru' }]);
    expect(group.blocked).toBeUndefined();
    const base = analysis.groups.slice(0, group.id).reduce((total, g) => total + g.size, 0);
    const pruned = removeUnits(zeroed, analysis, new Set(dead.map((unit) => base + unit)));
    validateGraph(pruned);
    expect(pruned.tensors[gru.outputs[0]].shape).toEqual([1, 8, 4]);
    expect(pruned.tensors[gru.inputs[gruInputIndex.recurrentWeights.n]].shape).toEqual([4, 4]);
    expect(pruned.tensors[gru.inputs[gruInputIndex.hiddenState]].shape).toEqual([1, 4]);
    for (const next of [graph.ops[1], graph.ops[2]]) expect(pruned.tensors[next.inputs[gruInputIndex.inputWeights.z]].shape).toEqual([5, 4]);
    expect(analyzeModel(pruned).totals.params).toBeLessThan(analyzeModel(graph).totals.params);
    expect(worstDifference(outputsOf(pruned, 3, [-2, 2]), outputsOf(zeroed, 3, [-2, 2]))).toBeLessThan(1e-6);
  });

  it('LSTM to a quarter of its parameters: 5 hidden units of 20', async () => {
    const graph = await loadModelFile(sharedModels.trained_lstm);
    const analysis = analyzeChannels(graph);
    const result = pruneToTarget(graph, analysis, weightImportance(graph, analysis, 'l1'), { params: Math.floor(9530 / 4) });
    expect(result.before.params).toBe(9530);
    expect(result.after.params).toBeLessThanOrEqual(2382);
    expect(result.graph.tensors[graph.ops[0].outputs[0]].shape).toEqual([1, 28, 5]);
    new Interpreter(result.graph).run(syntheticSamples(result.graph, { count: 1, seed: 1, min: 0, max: 1 }).sample(0) as never);
  });

  for (const name of ['pretrainedResnet', 'vww_96_int8', 'pretrainedResnet_quant'] as const) {
    it(`${name}: half the channels of every prunable group removed, the graph valid and runnable with fewer MACs`, async () => {
      const graph = await loadModelFile(sharedModels[name]);
      const analysis = analyzeChannels(graph);
      const result = pruneToTarget(graph, analysis, weightImportance(graph, analysis, 'l2'), { ratio: 0.5 });
      validateGraph(result.graph);
      expect(result.after.macs).toBeLessThan(result.before.macs * 0.5);
      const input = graph.tensors[graph.inputs[0]];
      const count = input.shape.reduce((a, b) => a * b, 1);
      const inputData = input.dtype === 'int8' ? Int8Array.from({ length: count }, (_, i) => ((i * 37) % 255) - 128) : Float32Array.from({ length: count }, (_, i) => ((i * 37) % 255) / 255);
      expect(new Interpreter(result.graph).run([inputData]).outputs[0].length).toBe(new Interpreter(graph).run([inputData]).outputs[0].length);
    });
  }
});
