import { describe, expect, it } from 'vitest';
import { exportTflite } from '../../exporters/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import type { Graph, Op, Tensor } from '../../ir/types.js';
import { removeDeadCode } from '../../passes/remove-dead-code.js';
import { runPipeline } from '../../passes/run-pipeline.js';
import { syntheticSamples } from '../../passes/quantize/synthetic.js';
import { importModel } from '../index.js';
import { resolveResourceVariables, type RawSubgraph } from './resource-variables.js';

/** y = acc + x; acc = y (the accumulator a streaming model keeps). */
function accumulator(initial?: Float32Array): Graph {
  return {
    name: 'accumulator',
    tensors: [
      { id: 0, name: 'x', shape: [1, 4], dtype: 'float32' },
      { id: 1, name: 'acc', shape: [1, 4], dtype: 'float32', variable: true, ...(initial ? { data: initial } : {}) },
      { id: 2, name: 'read', shape: [1, 4], dtype: 'float32' },
      { id: 3, name: 'sum', shape: [1, 4], dtype: 'float32' },
    ],
    ops: [
      { type: 'READ_VARIABLE', inputs: [1], outputs: [2], attrs: {} },
      { type: 'ADD', inputs: [2, 0], outputs: [3], attrs: { activation: 'none' } },
      { type: 'ASSIGN_VARIABLE', inputs: [1, 3], outputs: [], attrs: {} } as Op,
    ],
    inputs: [0],
    outputs: [3],
  };
}

const ones = Float32Array.from([1, 1, 1, 1]);
const fail = (message: string): never => {
  throw new Error(message);
};

describe('resource variables', () => {
  it('export → import keeps the variable, its initial value and the ops; the interpreter carries it across runs', () => {
    const graph = importModel(exportTflite(accumulator(Float32Array.from([1, 2, 3, 4]))), 'acc.tflite');
    expect(graph.ops.map((op) => op.type)).toEqual(['READ_VARIABLE', 'ADD', 'ASSIGN_VARIABLE']);
    expect(graph.tensors[1]).toMatchObject({ name: 'acc', dtype: 'float32', shape: [1, 4], variable: true });
    expect(Array.from(graph.tensors[1].data as Float32Array)).toEqual([1, 2, 3, 4]);
    const streaming = new Interpreter(graph, { state: 'streaming' });
    expect(Array.from(streaming.run([ones]).outputs[0] as Float32Array)).toEqual([2, 3, 4, 5]);
    expect(Array.from(streaming.run([ones]).outputs[0] as Float32Array)).toEqual([3, 4, 5, 6]);
    streaming.resetState();
    expect(Array.from(streaming.run([ones]).outputs[0] as Float32Array)).toEqual([2, 3, 4, 5]);
    const independent = new Interpreter(graph);
    independent.run([ones]);
    expect(Array.from(independent.run([ones]).outputs[0] as Float32Array)).toEqual([2, 3, 4, 5]);
  });

  it('an initial value equal to what a reset gives is not kept (zeros; the zero point for int8)', () => {
    const graph = importModel(exportTflite(accumulator()), 'acc.tflite');
    expect(graph.tensors[1].data).toBeUndefined();
    expect(Array.from(new Interpreter(graph).run([ones]).outputs[0] as Float32Array)).toEqual([1, 1, 1, 1]);
  });

  it('remove-dead-code keeps ASSIGN_VARIABLE, whose effect is the next run’s state', () => {
    const graph = accumulator();
    const kept = removeDeadCode(graph, { log: () => {} } as never);
    expect(kept.ops.map((op) => op.type)).toEqual(['READ_VARIABLE', 'ADD', 'ASSIGN_VARIABLE']);
  });

  it('int8 quantization leaves the variable and its reads and writes in float32 around the quantized ops', async () => {
    const graph = accumulator(Float32Array.from([1, 2, 3, 4]));
    const calibration = syntheticSamples(graph, { count: 8, seed: 1, min: -1, max: 1 });
    const { graph: quantized } = await runPipeline(graph, [{ pass: 'quantize-int8', options: { io: 'float32' } }], { validate: true, resources: { calibration } });
    expect(quantized.ops.map((op) => op.type)).toEqual(['READ_VARIABLE', 'QUANTIZE', 'QUANTIZE', 'ADD', 'DEQUANTIZE', 'ASSIGN_VARIABLE']);
    expect(quantized.tensors.find((tensor) => tensor.variable)?.dtype).toBe('float32');
    // The first run within a few int8 steps of the float sums; the state then carries the quantized sum on.
    const streaming = new Interpreter(quantized, { state: 'streaming' });
    const first = Array.from(streaming.run([ones]).outputs[0] as Float32Array);
    first.forEach((value, i) => expect(Math.abs(value - [2, 3, 4, 5][i])).toBeLessThan(0.25));
    expect(Array.from(streaming.run([ones]).outputs[0] as Float32Array)).not.toEqual(first);
  });

  it('refuses a variable whose values disagree on the type, naming the variable', () => {
    const graph = accumulator(Float32Array.from([1, 2, 3, 4]));
    graph.tensors[2] = { ...graph.tensors[2], dtype: 'int32' };
    graph.tensors[3] = { ...graph.tensors[3], dtype: 'int32' };
    expect(() => importModel(exportTflite(graph), 'bad.tflite')).toThrow(
      "variable acc is int32 [1,4], but its init subgraph's value gives it float32 [1,4]",
    );
  });

  it('two handles of one variable become one tensor; the other handle is dropped and the tensors renumbered', () => {
    const resource = (id: number): Tensor => ({ id, name: `handle${id}`, shape: [], dtype: 'int32' });
    const main: RawSubgraph = {
      index: 0,
      tensors: [
        resource(0),
        { id: 1, name: 'x', shape: [2], dtype: 'int8', quantization: { scale: [0.5], zeroPoint: [3], axis: 0 } },
        resource(2),
        { id: 3, name: 'read', shape: [2], dtype: 'int8', quantization: { scale: [0.5], zeroPoint: [3], axis: 0 } },
      ],
      ops: [
        { type: 'CALL_ONCE', inputs: [], outputs: [], attrs: { initSubgraphIndex: 1 } },
        { type: 'VAR_HANDLE', inputs: [], outputs: [0], attrs: { container: '', sharedName: 'v' } },
        { type: 'READ_VARIABLE', inputs: [0], outputs: [3], attrs: {} },
        { type: 'VAR_HANDLE', inputs: [], outputs: [2], attrs: { container: '', sharedName: 'v' } },
        { type: 'ASSIGN_VARIABLE', inputs: [2, 1], outputs: [], attrs: {} },
      ],
      inputs: [1],
      outputs: [3],
      resources: new Set([0, 2]),
    };
    const init: RawSubgraph = {
      index: 1,
      tensors: [resource(0), { id: 1, name: 'init', shape: [2], dtype: 'int8', data: Int8Array.from([5, 6]) }],
      ops: [
        { type: 'VAR_HANDLE', inputs: [], outputs: [0], attrs: { container: '', sharedName: 'v' } },
        { type: 'ASSIGN_VARIABLE', inputs: [0, 1], outputs: [], attrs: {} },
      ],
      inputs: [],
      outputs: [],
      resources: new Set([0]),
    };
    const resolved = resolveResourceVariables(main, () => init, fail);
    expect(resolved.tensors.map((tensor) => tensor.name)).toEqual(['v', 'x', 'read']);
    expect(resolved.tensors[0]).toMatchObject({ id: 0, variable: true, dtype: 'int8', shape: [2], quantization: { scale: [0.5], zeroPoint: [3] } });
    expect(Array.from(resolved.tensors[0].data as Int8Array)).toEqual([5, 6]);
    expect(resolved.ops.map((op) => [op.type, op.inputs, op.outputs])).toEqual([
      ['READ_VARIABLE', [0], [2]],
      ['ASSIGN_VARIABLE', [0, 1], []],
    ]);
    expect(resolved.inputs).toEqual([1]);
    expect(resolved.outputs).toEqual([2]);
  });

  it('refuses an init subgraph that computes, and a handle used by another op', () => {
    const init: RawSubgraph = {
      index: 1,
      tensors: [{ id: 0, name: 'a', shape: [1], dtype: 'float32', data: Float32Array.from([1]) }, { id: 1, name: 'b', shape: [1], dtype: 'float32' }],
      ops: [{ type: 'RELU', inputs: [0], outputs: [1], attrs: {} }],
      inputs: [],
      outputs: [],
      resources: new Set(),
    };
    const main: RawSubgraph = {
      index: 0,
      tensors: [{ id: 0, name: 'h', shape: [], dtype: 'int32' }, { id: 1, name: 'y', shape: [1], dtype: 'float32' }],
      ops: [
        { type: 'CALL_ONCE', inputs: [], outputs: [], attrs: { initSubgraphIndex: 1 } },
        { type: 'VAR_HANDLE', inputs: [], outputs: [0], attrs: { sharedName: 'v' } },
        { type: 'RELU', inputs: [0], outputs: [1], attrs: {} },
      ],
      inputs: [],
      outputs: [1],
      resources: new Set([0]),
    };
    expect(() => resolveResourceVariables(main, () => init, fail)).toThrow(
      'subgraph 1 operator 0 (RELU): an init subgraph may only assign constants to variables (VAR_HANDLE, ASSIGN_VARIABLE), TinyDeploy does not run RELU there',
    );
    expect(() => resolveResourceVariables({ ...main, ops: main.ops.slice(1) }, () => init, fail)).toThrow(
      'subgraph 0 operator 1 (RELU) takes resource tensor 0 as input 0: only READ_VARIABLE and ASSIGN_VARIABLE use a variable',
    );
  });
});
