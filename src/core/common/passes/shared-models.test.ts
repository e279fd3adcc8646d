/**
 * The pipelines over every model of ../shared/models, with validation after every pass:
 *
 * - `cleanup` keeps the interpreter's outputs (int8 byte for byte, float32 within 1e-5 · max);
 * - the same model with its fused activations split into standalone RELU ops, a reshape round
 *   trip inserted and two dead branches added comes back from `cleanup` exactly as `cleanup`
 *   leaves the original (same canonical printout), with the same outputs all along;
 * - hybrid models (int8 weights in float ops: kws_ref_model_float32) become float models under
 *   `hybrid-to-float`, without any int8 constant left, predicting the same class as the hybrid
 *   run on the 21 real KWS inputs, within 15% of its largest output. The hybrid kernels round
 *   every layer's input to int8 and the float model does not; over 9 layers and the softmax this
 *   compounds to up to 11.5% of the largest probability (10% of the largest logit), measured
 *   over those inputs. The codegen's own dequantization (codegen/hybrid.ts) gives the same bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { importModel } from '../importers/index.js';
import { elementCount } from '../ir/tensor.js';
import { printGraph } from '../ir/print.js';
import type { Graph, Op, Tensor, TensorData } from '../ir/types.js';
import { expectSameOutputs, floatDeviation, randomInputs, runGraph } from './testing/pass-test.js';
import { runPipeline } from './run-pipeline.js';

const FLOAT_TOLERANCE = 1e-5;
const HYBRID_TOLERANCE = 0.15;
const seeds = [1, 2];

function load(path: string): Graph {
  return importModel(new Uint8Array(readFileSync(path)), basename(path));
}

const standalone: Record<string, string> = { relu: 'RELU', relu6: 'RELU6', relu_n1_to_1: 'RELU_N1_TO_1' };
const fusable = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD']);

/**
 * The model with work for `cleanup`: every fused activation split into the op (activation none,
 * writing a new tensor of the same type and quantization) and a standalone activation op; a
 * RESHAPE to the flat shape and back after the first op; a dead RESHAPE of the graph input
 * and a dead RESHAPE of the first constant (which fold-constants folds first).
 */
function perturb(graph: Graph): Graph {
  const tensors = [...graph.tensors];
  const add = (tensor: Omit<Tensor, 'id'>) => tensors.push({ ...tensor, id: tensors.length }) - 1;
  const ops: Op[] = [];
  for (const op of graph.ops) {
    const activation = (op.attrs as { activation?: string }).activation ?? 'none';
    if (!fusable.has(op.type) || !standalone[activation]) {
      ops.push(op);
      continue;
    }
    const output = tensors[op.outputs[0]];
    const unfused = add({ name: `${output.name}/unfused`, dtype: output.dtype, shape: [...output.shape], quantization: output.quantization });
    ops.push({ ...op, attrs: { ...op.attrs, activation: 'none' }, outputs: [unfused] } as Op);
    ops.push({ type: standalone[activation], attrs: {}, inputs: [unfused], outputs: [op.outputs[0]] });
  }
  const first = graph.ops[0].outputs[0];
  const written = ops.findIndex((op) => op.outputs.includes(first));
  const { name, dtype, shape, quantization } = tensors[first];
  const flat = add({ name: `${name}/flat`, dtype, shape: [elementCount(shape)], ...(quantization?.scale.length === 1 ? { quantization } : {}) });
  const back = add({ name: `${name}/back`, dtype, shape: [...shape], quantization });
  const rewired = ops.map((op, index) => (index > written ? ({ ...op, inputs: op.inputs.map((id) => (id === first ? back : id)) } as Op) : op));
  rewired.splice(written + 1, 0, { type: 'RESHAPE', attrs: {}, inputs: [first], outputs: [flat] }, { type: 'RESHAPE', attrs: {}, inputs: [flat], outputs: [back] });
  const input = tensors[graph.inputs[0]];
  const deadInput = add({ name: 'dead/input', dtype: input.dtype, shape: [elementCount(input.shape)], quantization: input.quantization });
  const constant = graph.tensors.find((tensor) => tensor.data && !tensor.variable && tensor.shape.length > 1)!;
  const deadConstant = add({ name: 'dead/constant', dtype: constant.dtype, shape: [elementCount(constant.shape)] });
  rewired.push({ type: 'RESHAPE', attrs: {}, inputs: [graph.inputs[0]], outputs: [deadInput] });
  rewired.push({ type: 'RESHAPE', attrs: {}, inputs: [constant.id], outputs: [deadConstant] });
  return { ...graph, tensors, ops: rewired, outputs: graph.outputs.map((id) => (id === first ? back : id)) };
}

/** Ops computing in float32 that read an int8 constant: TFLite's hybrid ops. */
function hybridOps(graph: Graph): Op[] {
  return graph.ops.filter(
    (op) =>
      op.outputs.some((id) => graph.tensors[id].dtype === 'float32') &&
      op.type !== 'DEQUANTIZE' &&
      op.inputs.some((id) => id >= 0 && graph.tensors[id].dtype === 'int8' && graph.tensors[id].data !== undefined),
  );
}

function outputsFor(graph: Graph): TensorData[][] {
  return seeds.map((seed) => runGraph(graph, randomInputs(graph, seed)));
}

function expectSameAll(after: TensorData[][], before: TensorData[][]): void {
  after.forEach((outputs, i) => expectSameOutputs(outputs, before[i], FLOAT_TOLERANCE));
}

const names = Object.keys(sharedModels) as (keyof typeof sharedModels)[];

describe('cleanup over the shared models', () => {
  it('finds the hybrid models of the corpus (test/codegen/testing/codegen.ts lists the same one)', () => {
    expect(names.filter((name) => hybridOps(load(sharedModels[name])).length > 0)).toEqual(['kws_ref_model_float32']);
  });

  for (const name of names) {
    it(`${name}: cleanup keeps the outputs, and undoes split activations, reshape round trips and dead code`, async () => {
      const graph = load(sharedModels[name]);
      const reference = outputsFor(graph);
      const cleaned = await runPipeline(graph, 'cleanup', { validate: true });
      expectSameAll(outputsFor(cleaned.graph), reference);

      const perturbed = perturb(graph);
      expectSameAll(outputsFor(perturbed), reference);
      const restored = await runPipeline(perturbed, 'cleanup', { validate: true });
      expect(printGraph(restored.graph)).toBe(printGraph(cleaned.graph));
      expectSameAll(outputsFor(restored.graph), reference);
      const fused = graph.ops.filter((op) => fusable.has(op.type) && standalone[(op.attrs as { activation?: string }).activation ?? 'none']).length;
      expect(perturbed.ops.length).toBe(graph.ops.length + fused + 4);
    });
  }

  it('kws_ref_model_float32: hybrid-to-float leaves no int8 weight, predicts the class of the hybrid run and stays within 15% of its outputs', async () => {
    const graph = load(sharedModels.kws_ref_model_float32);
    const result = await runPipeline(graph, 'hybrid-to-float', { validate: true });
    const float = result.graph;
    expect(hybridOps(float)).toEqual([]);
    expect(float.tensors.filter((tensor) => tensor.data && tensor.dtype === 'int8')).toEqual([]);
    expect(float.ops.map((op) => op.type)).toEqual(graph.ops.map((op) => op.type));
    expect(result.steps[0]).toMatchObject({ pass: 'dequantize-hybrid-weights', changed: true });

    // Inputs: the int8 twin's inputs dequantized (real MFCC features, not noise).
    const twin = load(sharedModels.kws_ref_model);
    const q = twin.tensors[twin.inputs[0]].quantization!;
    const dequantize = (bytes: Uint8Array) => Float32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), (v) => Math.fround(q.scale[0] * (v - q.zeroPoint[0])));
    const directory = sharedPath('vectors/real/kws_ref_model');
    const files = [sharedPath('vectors/kws_ref_model.input.bin'), ...readdirSync(directory).filter((file) => file.startsWith('in_')).map((file) => `${directory}/${file}`)];
    for (const file of files) {
      const input = dequantize(new Uint8Array(readFileSync(file)));
      const hybrid = runGraph(graph, [input])[0] as Float32Array;
      const output = runGraph(float, [input])[0] as Float32Array;
      const { maxDelta, maxReference } = floatDeviation(output, hybrid);
      expect(maxDelta, basename(file)).toBeLessThanOrEqual(HYBRID_TOLERANCE * maxReference);
      expect(output.indexOf(Math.max(...output)), basename(file)).toBe(hybrid.indexOf(Math.max(...hybrid)));
    }
    expect(files).toHaveLength(21);
  });

  it('dequantize-hybrid-weights leaves the non-hybrid models as they are', async () => {
    for (const name of names.filter((n) => n !== 'kws_ref_model_float32')) {
      const graph = load(sharedModels[name]);
      expect((await runPipeline(graph, ['dequantize-hybrid-weights'], { validate: true })).graph, name).toBe(graph);
    }
  });
});
