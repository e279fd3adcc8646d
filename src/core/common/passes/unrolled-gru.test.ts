/**
 * unroll-gru and fold-unrolled-gru: a TD_GRU written as builtin ops runs in TFLite itself
 * (@tensorflow/tfjs-tflite) with the fused GRU's float outputs, and reading that file back folds
 * the unrolled steps into one TD_GRU with the same weights, bit for bit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTfliteRunner } from '../../../../bench/interp/tflite-node.js';
import { exportTflite } from '../exporters/index.js';
import { importModel } from '../importers/index.js';
import { readOnnx } from '../importers/onnx/index.js';
import { Interpreter } from '../interp/interpreter.js';
import { bidirectionalGru, floatGruGraph, type GruSpec } from '../interp/kernels/testing/gru-model.js';
import { elementCount } from '../ir/tensor.js';
import type { Graph } from '../ir/types.js';
import { gruOpType } from '../ops/gru-layout.js';
import './builtin-passes.js';
import { runPipeline } from './run-pipeline.js';
import { foldUnrolledGru, unrollGru } from './unrolled-gru.js';

function seededInput(graph: Graph, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: elementCount(graph.tensors[graph.inputs[0]].shape) }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  });
}

async function runInTflite(model: Uint8Array, input: Float32Array): Promise<Float32Array[]> {
  const runner = await createTfliteRunner(model);
  try {
    runner.getInputs()[0].data().set(input);
    expect(runner.infer()).toBe(true);
    return runner.getOutputs().map((output) => Float32Array.from(output.data()));
  } finally {
    runner.cleanUp();
  }
}

/** Largest |a − b| over the largest |b|. */
function relative(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    largest = Math.max(largest, Math.abs(b[i]));
  }
  return worst / largest;
}

const weightsOf = (graph: Graph) =>
  graph.ops.filter((op) => op.type === gruOpType).map((op) => op.inputs.slice(1, 11).map((id) => (id < 0 ? [] : Array.from(graph.tensors[id].data as Float32Array))));

async function roundTrip(graph: Graph, what: string): Promise<void> {
  const gruCount = graph.ops.filter((op) => op.type === gruOpType).length;
  const unrolled = unrollGru(graph);
  expect(unrolled.ops.some((op) => op.type === gruOpType)).toBe(false);
  const file = exportTflite(graph, { gru: 'unrolled' });
  expect(new TextDecoder().decode(file).includes(gruOpType)).toBe(false);
  const folded = importModel(file, `${what}.tflite`);
  expect(folded.ops.filter((op) => op.type === gruOpType)).toHaveLength(gruCount);
  expect(folded.ops.map((op) => op.type)).toEqual(graph.ops.map((op) => op.type));
  expect(folded.ops.map((op) => op.attrs)).toEqual(graph.ops.map((op) => op.attrs));
  expect(weightsOf(folded)).toEqual(weightsOf(graph));
  let worstTflite = 0;
  for (const seed of [1, 2]) {
    const input = seededInput(graph, seed);
    const fused = new Interpreter(graph, { state: 'reset' }).run([input]).outputs as Float32Array[];
    const ours = new Interpreter(unrolled).run([input]).outputs as Float32Array[];
    const tflite = await runInTflite(file, input);
    const back = new Interpreter(folded, { state: 'reset' }).run([input]).outputs as Float32Array[];
    fused.forEach((expected, i) => {
      expect(relative(ours[i], expected)).toBeLessThan(1e-5);
      worstTflite = Math.max(worstTflite, relative(tflite[i], expected));
      // The folded TD_GRU is the original op with the original weights: the same bytes.
      expect(Buffer.from(back[i].buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    });
  }
  console.info(`${what}: ${unrolled.ops.length} builtin ops; TFLite within ${worstTflite.toExponential(1)} of TD_GRU`);
  expect(worstTflite).toBeLessThan(1e-5);
}

describe('a GRU as builtin TFLite ops and back', () => {
  const base: GruSpec = { batch: 2, time: 5, inputSize: 3, units: 4, seed: 21, recurrentNBias: true, linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true };
  const cases: [string, Partial<GruSpec>][] = [
    ['linear_before_reset, batch-major, sequences', {}],
    ['reset before the recurrent product (Keras reset_after=False), time-major', { linearBeforeReset: false, recurrentNBias: false, timeMajor: true }],
    ['reverse, last state only', { reverse: true, returnSequences: false }],
    ['one step, batch 1', { time: 1, batch: 1 }],
  ];
  for (const [what, change] of cases) {
    it(`${what}: TFLite runs the unrolled form with TD_GRU's outputs; reading it folds it back`, async () => {
      await roundTrip(floatGruGraph({ ...base, ...change }), what.split(',')[0]);
    });
  }

  it('a bidirectional GRU (forward and reverse TD_GRU, concatenated) round-trips', async () => {
    await roundTrip(bidirectionalGru(base, 'concat', 'float32'), 'bidirectional');
  });

  it("PyTorch's GRU and bidirectional GRU (ONNX fixture) round-trip", async () => {
    const source = readOnnx(new Uint8Array(readFileSync(join(import.meta.dirname, '../../../../test/fixtures/onnx/gru.onnx'))));
    await roundTrip(source, 'gru.onnx');
  });

  it('the gru-to-builtin pipeline (tinydeploy optimize --pipeline gru-to-builtin) unrolls every GRU', async () => {
    const { graph } = await runPipeline(bidirectionalGru(base, 'concat', 'float32'), 'gru-to-builtin', { validate: true });
    expect(graph.ops.some((op) => op.type === gruOpType)).toBe(false);
    expect(graph.ops.filter((op) => op.type === 'PACK')).toHaveLength(2);
  });

  it('leaves an int8 GRU fused and a pattern that is not a whole GRU alone', () => {
    const notes: string[] = [];
    const graph = floatGruGraph(base);
    const int8 = { ...graph, tensors: graph.tensors.map((t) => (t.id === graph.inputs[0] ? { ...t, dtype: 'int8' as const } : t)) };
    expect(unrollGru(int8, { notes })).toBe(int8);
    expect(notes[0]).toContain('only float32 GRUs are unrolled');
    // The unrolled form with one step's output read elsewhere is not a GRU any more: nothing folds.
    const unrolled = unrollGru(graph);
    const inner = unrolled.ops.find((op) => op.type === 'LOGISTIC')!.outputs[0];
    const tapped = { ...unrolled, outputs: [...unrolled.outputs, inner] };
    expect(foldUnrolledGru(tapped)).toBe(tapped);
    expect(foldUnrolledGru(unrolled).ops.map((op) => op.type)).toEqual([gruOpType]);
  });
});
