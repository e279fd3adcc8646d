/**
 * IF and WHILE: the subgraphs live in the op's attributes; the writer puts them in subgraphs
 * 1… of the file and the importer reads them back; the interpreter runs them and agrees with
 * TFLite (tfjs-tflite) on the written file.
 */
import { describe, expect, it } from 'vitest';
import { createTfliteRunner } from '../../../../../bench/interp/tflite-node.js';
import { exportTflite } from '../../exporters/index.js';
import { importModel } from '../../importers/index.js';
import type { Graph, Op, Tensor, TensorData } from '../../ir/types.js';
import { Interpreter } from '../interpreter.js';
import { runPipeline } from '../../passes/run-pipeline.js';
import { syntheticSamples } from '../../passes/quantize/synthetic.js';

const f32 = (id: number, shape: number[], data?: number[]): Tensor => ({ id, name: `t${id}`, shape, dtype: 'float32', ...(data ? { data: Float32Array.from(data) } : {}) });
const op = (type: string, inputs: number[], outputs: number[], attrs: object = {}): Op => ({ type, inputs, outputs, attrs }) as Op;

/** y = flag ? x * 2 : relu(x + 1). */
function ifGraph(): Graph {
  const then: Graph = { name: 'then', tensors: [f32(0, [4]), f32(1, [4], [2, 2, 2, 2]), f32(2, [4])], ops: [op('MUL', [0, 1], [2], { activation: 'none' })], inputs: [0], outputs: [2] };
  const otherwise: Graph = { name: 'else', tensors: [f32(0, [4]), f32(1, [4], [1, 1, 1, 1]), f32(2, [4])], ops: [op('ADD', [0, 1], [2], { activation: 'relu' })], inputs: [0], outputs: [2] };
  return {
    name: 'if',
    tensors: [f32(0, [1]), f32(1, [4]), { id: 2, name: 'condition', shape: [1], dtype: 'bool' }, f32(3, [4])],
    ops: [op('CAST', [0], [2]), op('IF', [2, 1], [3], { then, else: otherwise })],
    inputs: [0, 1],
    outputs: [3],
  };
}

/** n = 3; while (n) { n -= 1; x = x * 0.5 + 1 } */
function whileGraph(): Graph {
  const cond: Graph = { name: 'cond', tensors: [f32(0, [1]), f32(1, [4]), { id: 2, name: 'go', shape: [1], dtype: 'bool' }], ops: [op('CAST', [0], [2])], inputs: [0, 1], outputs: [2] };
  const body: Graph = {
    name: 'body',
    tensors: [f32(0, [1]), f32(1, [4]), f32(2, [1], [1]), f32(3, [1]), f32(4, [4], [0.5, 0.5, 0.5, 0.5]), f32(5, [4]), f32(6, [4], [1, 1, 1, 1]), f32(7, [4])],
    ops: [op('SUB', [0, 2], [3], { activation: 'none' }), op('MUL', [1, 4], [5], { activation: 'none' }), op('ADD', [5, 6], [7], { activation: 'none' })],
    inputs: [0, 1],
    outputs: [3, 7],
  };
  return { name: 'while', tensors: [f32(0, [4]), f32(1, [1], [3]), f32(2, [1]), f32(3, [4])], ops: [op('WHILE', [1, 0], [2, 3], { cond, body })], inputs: [0], outputs: [3] };
}

async function tflite(file: Uint8Array, inputs: readonly Float32Array[]): Promise<number[]> {
  const runner = await createTfliteRunner(file);
  try {
    runner.getInputs().forEach((tensor, i) => tensor.data().set(inputs[i]));
    expect(runner.infer()).toBe(true);
    return Array.from(runner.getOutputs()[0].data());
  } finally {
    runner.cleanUp();
  }
}

const run = (graph: Graph, inputs: TensorData[]) => Array.from(new Interpreter(graph).run(inputs).outputs[0] as Float32Array);

describe('IF and WHILE', () => {
  it('IF: export → import keeps both branches; each branch runs as in TFLite', async () => {
    const file = exportTflite(ifGraph());
    const graph = importModel(file, 'if.tflite');
    const attrs = graph.ops[1].attrs as { then: Graph; else: Graph };
    expect([attrs.then.name, attrs.else.name]).toEqual(['then', 'else']);
    expect(attrs.then.ops.map((o) => o.type)).toEqual(['MUL']);
    const x = Float32Array.from([-3, -0.5, 0.25, 2]);
    expect(run(graph, [Float32Array.from([1]), x])).toEqual([-6, -1, 0.5, 4]);
    expect(run(graph, [Float32Array.from([0]), x])).toEqual([0, 0.5, 1.25, 3]);
    for (const flag of [1, 0]) expect(await tflite(file, [Float32Array.from([flag]), x])).toEqual(run(graph, [Float32Array.from([flag]), x]));
  });

  it('WHILE: runs the body until cond is false, as TFLite does', async () => {
    const file = exportTflite(whileGraph());
    const graph = importModel(file, 'while.tflite');
    const x = Float32Array.from([8, 0, -8, 1]);
    // Three iterations of x * 0.5 + 1.
    expect(run(graph, [x])).toEqual([2.75, 1.75, 0.75, 1.875]);
    expect(await tflite(file, [x])).toEqual(run(graph, [x]));
  });

  it('int8 quantization keeps IF and WHILE (and their subgraphs) in float32', async () => {
    for (const graph of [ifGraph(), whileGraph()]) {
      const calibration = syntheticSamples(graph, { count: 4, seed: 1, min: -1, max: 1 });
      const { graph: quantized } = await runPipeline(graph, [{ pass: 'quantize-int8', options: { io: 'float32' } }], { validate: true, resources: { calibration } });
      const op = quantized.ops.find((candidate) => candidate.type === 'IF' || candidate.type === 'WHILE')!;
      expect(op.inputs.every((id) => quantized.tensors[id].dtype !== 'int8')).toBe(true);
      const inputs = await calibration.sample(0);
      expect(run(quantized, [...inputs])).toEqual(run(graph, [...inputs]));
    }
  });

  it('refuses a branch whose signature differs from the op, naming the subgraph', () => {
    const graph = ifGraph();
    const attrs = graph.ops[1].attrs as { then: Graph };
    attrs.then.tensors[0] = f32(0, [5]);
    expect(() => new Interpreter(graph)).toThrow('op 1 (IF): then subgraph then input 0 tensor 0 (t0) is float32 [5], argument 0 tensor 1 (t1) is float32 [4] (shapes must be static)');
  });

  it('refuses a WHILE that never ends instead of hanging', () => {
    const graph = whileGraph();
    const body = (graph.ops[0].attrs as { body: Graph }).body;
    body.tensors[2] = f32(2, [1], [0]);
    expect(() => new Interpreter(graph).run([Float32Array.from([1, 2, 3, 4])])).toThrow('op 0 (WHILE): ran 100000 iterations without its condition turning false');
  });
});
