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
import { buildCandidateGraph } from '../search/build-graph.js';
import { gruSpace } from '../search/spaces/gru.js';

/** The largest difference, in steps of the int8 output, between the unrolled int8 GRU's states and TD_GRU's. */
const INT8_BOUND = 12;
/** The largest difference, in output steps, between TFLite's run of the unrolled int8 graph and the interpreter's (XNNPACK's rounding of ties). */
const TFLITE_BOUND = 8;

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

  it('leaves a GRU of another type fused and a pattern that is not a whole GRU alone', () => {
    const notes: string[] = [];
    const graph = floatGruGraph(base);
    const int16 = { ...graph, tensors: graph.tensors.map((t) => (t.id === graph.inputs[0] ? { ...t, dtype: 'int16' as const } : t)) };
    expect(unrollGru(int16, { notes })).toBe(int16);
    expect(notes[0]).toContain('only float32 and int8 GRUs are unrolled');
    // The unrolled form with one step's output read elsewhere is not a GRU any more: nothing folds.
    const unrolled = unrollGru(graph);
    const inner = unrolled.ops.find((op) => op.type === 'LOGISTIC')!.outputs[0];
    const tapped = { ...unrolled, outputs: [...unrolled.outputs, inner] };
    expect(foldUnrolledGru(tapped)).toBe(tapped);
    expect(foldUnrolledGru(unrolled).ops.map((op) => op.type)).toEqual([gruOpType]);
  });
});

/** The graph quantized by quantize-int8, calibrated on seeded inputs. */
async function quantized(graph: Graph): Promise<Graph> {
  const calibration = { count: 32, sample: (i: number) => [seededInput(graph, 100 + i)] };
  return (await runPipeline(graph, [{ pass: 'quantize-int8', options: { samples: 32 } }], { resources: { calibration } })).graph;
}

/** `graph` with the given tensors as its outputs. */
const withOutputs = (graph: Graph, outputs: number[]): Graph => ({ ...graph, outputs });

const quantizeInput = (graph: Graph, real: Float32Array) => {
  const q = graph.tensors[graph.inputs[0]].quantization!;
  return Int8Array.from(real, (v) => Math.max(-128, Math.min(127, Math.round(v / q.scale[0]) + q.zeroPoint[0])));
};

/**
 * An int8 GRU unrolled: TFLite runs the int8 builtin ops byte for byte as TinyDeploy's interpreter
 * runs them, and the outputs of every GRU (every step's state) are within `bound` output steps of
 * the fused int8 TD_GRU's. Returns the largest difference in output steps.
 */
async function int8RoundTrip(source: Graph, what: string, seeds: number[]): Promise<number> {
  const int8 = await quantized(source);
  const grus = int8.ops.filter((op) => op.type === gruOpType);
  expect(grus.length).toBeGreaterThan(0);
  expect(int8.tensors[grus[0].inputs[0]].dtype).toBe('int8');
  const unrolled = unrollGru(int8);
  expect(unrolled.ops.some((op) => op.type === gruOpType)).toBe(false);
  expect(new Set(unrolled.ops.map((op) => op.type))).toEqual(new Set(['STRIDED_SLICE', 'FULLY_CONNECTED', 'ADD', 'LOGISTIC', 'MUL', 'TANH', 'SUB', ...(grus.some((op) => (op.attrs as { returnSequences: boolean }).returnSequences) ? ['PACK'] : []), ...int8.ops.filter((op) => op.type !== gruOpType).map((op) => op.type)]));
  // Every tensor the unrolled steps make is int8 (the biases int32, the slice bounds int32).
  const made = new Set(unrolled.ops.flatMap((op) => op.outputs));
  expect([...made].every((id) => unrolled.tensors[id].dtype === 'int8')).toBe(true);
  const file = exportTflite(int8, { gru: 'unrolled' });
  expect(new TextDecoder().decode(file).includes(gruOpType)).toBe(false);
  // Read back, the int8 builtin graph stays as it is (no TD_GRU computes what it computes).
  const back = importModel(file, `${what}.tflite`);
  expect(back.ops.map((op) => op.type)).toEqual(unrolled.ops.map((op) => op.type));
  const gruOutputs = grus.map((op) => op.outputs[0]);
  let worst = 0;
  let differing = 0;
  let total = 0;
  let tfliteWorst = 0;
  let tfliteDiffering = 0;
  let tfliteTotal = 0;
  for (const seed of seeds) {
    const input = quantizeInput(int8, seededInput(source, seed));
    const ours = new Interpreter(unrolled).run([input]).outputs as Int8Array[];
    const readBack = new Interpreter(back).run([input]).outputs as Int8Array[];
    const runner = await createTfliteRunner(file);
    try {
      runner.getInputs()[0].data().set(input);
      expect(runner.infer()).toBe(true);
      const tflite = runner.getOutputs().map((output) => Int8Array.from(output.data()));
      tflite.forEach((values, i) => {
        // The file read back runs as the graph written, byte for byte.
        expect(Buffer.from(readBack[i].buffer).equals(Buffer.from(ours[i].buffer))).toBe(true);
        // TFLite hands the int8 MULs to XNNPACK, which rounds ties up where TFLite Micro's reference kernels (and the interpreter) round them away from zero.
        values.forEach((v, j) => (tfliteWorst = Math.max(tfliteWorst, Math.abs(v - ours[i][j]))));
        tfliteDiffering += values.filter((v, j) => v !== ours[i][j]).length;
        tfliteTotal += values.length;
      });
    } finally {
      runner.cleanUp();
    }
    // The states of every GRU, fused against unrolled.
    const fused = new Interpreter(withOutputs(int8, gruOutputs), { state: 'reset' }).run([input]).outputs as Int8Array[];
    const steps = new Interpreter(withOutputs(unrolled, gruOutputs)).run([input]).outputs as Int8Array[];
    fused.forEach((values, i) => {
      for (let j = 0; j < values.length; j++) {
        const difference = Math.abs(values[j] - steps[i][j]);
        worst = Math.max(worst, difference);
        if (difference) differing++;
        total++;
      }
    });
  }
  console.info(
    `${what} int8: ${unrolled.ops.length} int8 builtin ops; TFLite (XNNPACK) against the interpreter: worst ${tfliteWorst} steps, ${tfliteDiffering} of ${tfliteTotal} outputs differ; ` +
      `unrolled against fused TD_GRU: worst ${worst} output steps, ${((100 * differing) / total).toFixed(1)}% of ${total} state values differ`,
  );
  expect(tfliteWorst).toBeLessThanOrEqual(TFLITE_BOUND);
  return worst;
}

describe('an int8 GRU as int8 builtin TFLite ops', () => {
  const base: GruSpec = { batch: 2, time: 5, inputSize: 3, units: 4, seed: 21, recurrentNBias: true, linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true };
  const cases: [string, Partial<GruSpec>][] = [
    ['linear_before_reset, batch-major, sequences', {}],
    ['reset before the recurrent product, time-major', { linearBeforeReset: false, recurrentNBias: false, timeMajor: true }],
    ['reverse, last state only', { reverse: true, returnSequences: false }],
  ];
  for (const [what, change] of cases) {
    it(`${what}: TFLite runs it as the interpreter does, within a few output steps of TD_GRU`, async () => {
      expect(await int8RoundTrip(floatGruGraph({ ...base, ...change, time: 12, units: 16 }), what.split(',')[0], [1, 2, 3])).toBeLessThanOrEqual(INT8_BOUND);
    });
  }

  it("PyTorch's GRU and bidirectional GRU (ONNX fixture)", async () => {
    const source = readOnnx(new Uint8Array(readFileSync(join(import.meta.dirname, '../../../../test/fixtures/onnx/gru.onnx'))));
    expect(await int8RoundTrip(source, 'gru.onnx', [1, 2, 3, 4])).toBeLessThanOrEqual(INT8_BOUND);
  });

  it('GRUs of the architecture search (one layer of 32 units, two of 16; 24 steps)', async () => {
    for (const [layers, hidden] of [[1, 32], [2, 16]]) {
      const graph = buildCandidateGraph(gruSpace, { layers, hidden, window: 24, stride: 0.5, head: 0 }, { inputShape: [1, 24, 3], classes: 3, seed: 7 });
      expect(await int8RoundTrip(graph, `search GRU ${layers}x${hidden}`, [1, 2, 3, 4])).toBeLessThanOrEqual(INT8_BOUND);
    }
  });
});
