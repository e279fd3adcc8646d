import { describe, expect, it } from 'vitest';
import { sharedModels, type SharedModelName } from '../../../../test/testing/shared-data.js';
import { Interpreter } from '../../common/interp/interpreter.js';
import { runPipeline } from '../../common/passes/run-pipeline.js';
import { syntheticSamples } from '../../common/passes/quantize/synthetic.js';
import { exportTflite } from '../../common/exporters/index.js';
import { loadModelFile, readModelBytes } from '../model-file.js';
import type { Graph } from '../../common/ir/types.js';
import { bidirectionalGru, floatGruGraph, type GruSpec } from '../../common/interp/kernels/testing/gru-model.js';
import { loadTrainingEngine, type Tf } from './engine.js';
import { gruClassifier, onnxGruSequence } from './testing/gru-models.js';
import { lowerGraph, trainableTensorIds, type QuantizeHooks } from './lower.js';

/**
 * Before any step: the lowered graph gives the interpreter's float outputs within 1e-5 on seeded
 * inputs in `range`, and writes back the model's weights bit for bit, also through the TFLite writer.
 * Returns the worst relative difference.
 */
function expectRoundTrip(tf: Tf, graph: Graph, range: [number, number], name: string, throughWriter = true): number {
  const count = 4;
  const samples = syntheticSamples(graph, { count, seed: 7, min: range[0], max: range[1] });
  const interpreter = new Interpreter(graph);
  const inputShape = graph.tensors[graph.inputs[0]].shape;
  const inputs = Array.from({ length: count }, (_, i) => (samples.sample(i) as readonly Float32Array[])[0]);
  const batch = new Float32Array(inputs.length * inputs[0].length);
  inputs.forEach((input, i) => batch.set(input, i * input.length));
  const lowered = lowerGraph(tf, graph);
  try {
    const outputs = tf.tidy(() => lowered.forward(tf.tensor(batch, [count, ...inputShape.slice(1)])).dataSync() as Float32Array);
    const width = outputs.length / count;
    let worst = 0;
    for (let i = 0; i < count; i++) {
      const expected = interpreter.run([inputs[i]]).outputs[0] as Float32Array;
      expect(expected.length).toBe(width);
      for (let j = 0; j < width; j++) worst = Math.max(worst, Math.abs(outputs[i * width + j] - expected[j]) / Math.max(1, Math.abs(expected[j])));
    }
    expect(worst).toBeLessThan(1e-5);

    const written = lowered.toGraph();
    const ids = trainableTensorIds(graph);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(written.tensors[id].data, `tensor ${id}`).toEqual(graph.tensors[id].data);
    expect(interpreter.run([inputs[0]]).outputs[0]).toEqual(new Interpreter(written).run([inputs[0]]).outputs[0]);
    if (!throughWriter) return worst;
    // And through the TFLite writer: the file holds the same model.
    const reread = readModelBytes(exportTflite(written), `${name}.tflite`);
    expect(new Interpreter(reread).run([inputs[1]]).outputs[0]).toEqual(interpreter.run([inputs[1]]).outputs[0]);
    return worst;
  } finally {
    lowered.dispose();
  }
}

/** The shared float models, each with the range its inputs take. */
const floatModels: { name: SharedModelName; range: [number, number] }[] = [
  { name: 'kws_ref_model_float32', range: [-30, 30] },
  { name: 'trained_lstm', range: [0, 1] },
  { name: 'ad01_fp32', range: [-5, 5] },
  { name: 'pretrainedResnet', range: [0, 1] },
  { name: 'vww_96_float', range: [-1, 1] },
];

describe('IR → tfjs → IR before any training step', () => {
  for (const { name, range } of floatModels) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${name} on ${backend}: the lowered graph gives the interpreter's float outputs within 1e-5, and writes back the model's weights bit for bit`, async () => {
        // KWS "float32" keeps int8 weights (a hybrid model, whose interpreter kernels quantize the
        // input on the fly): training runs in float, so the reference is the model made float.
        const graph = (await runPipeline(await loadModelFile(sharedModels[name]), 'hybrid-to-float')).graph;
        const { tf } = await loadTrainingEngine(backend);
        expectRoundTrip(tf, graph, range, name);
      });
    }
  }
});

const gruSpec: GruSpec = { batch: 1, time: 7, inputSize: 3, units: 5, seed: 11, recurrentNBias: true, linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true };

/** TD_GRU in every form the importers write (PyTorch/ONNX linear_before_reset, Keras without it). */
const gruModels: { name: string; graph: () => Graph; throughWriter?: boolean }[] = [
  { name: 'gru.onnx (a GRU, then a bidirectional GRU, concatenated)', graph: onnxGruSequence },
  { name: 'GRU with linear_before_reset and a recurrent n bias', graph: () => floatGruGraph(gruSpec) },
  { name: 'GRU without linear_before_reset (Keras reset_after=False)', graph: () => floatGruGraph({ ...gruSpec, linearBeforeReset: false, recurrentNBias: false }) },
  { name: 'reverse GRU, last state only', graph: () => floatGruGraph({ ...gruSpec, reverse: true, returnSequences: false }) },
  { name: 'bidirectional GRU joined by ADD', graph: () => bidirectionalGru({ ...gruSpec, linearBeforeReset: false, recurrentNBias: false }, 'add', 'float32') },
  {
    name: 'GRU classifier, bidirectional through REVERSE_V2, initial state',
    graph: () => gruClassifier({ steps: 6, features: 3, units: 4, classes: 3, recurrentNBias: true, initialState: true, reverseV2Bidirectional: true }),
    // A .tflite variable tensor holds no initial value: the TFLite writer drops it.
    throughWriter: false,
  },
  {
    name: 'GRU classifier on the last state without linear_before_reset, bidirectional through REVERSE_V2',
    graph: () => gruClassifier({ steps: 5, features: 2, units: 6, classes: 4, attrs: { linearBeforeReset: false, returnSequences: false }, reverseV2Bidirectional: true }),
  },
];

describe('IR → tfjs → IR before any training step: TD_GRU', () => {
  for (const { name, graph, throughWriter } of gruModels) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`${name} on ${backend}: the interpreter's float outputs within 1e-5, the weights written back bit for bit`, async () => {
        const { tf } = await loadTrainingEngine(backend);
        expectRoundTrip(tf, graph(), [-2, 2], 'gru', throughWriter);
      });
    }
  }

  it('refuses a time-major GRU by name; quantization hooks that change nothing leave the GRU its float outputs', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    expect(() => lowerGraph(tf, floatGruGraph({ ...gruSpec, timeMajor: true }))).toThrow(/op 0 \(TD_GRU\) is time-major/);
    const lowered = lowerGraph(tf, floatGruGraph(gruSpec));
    const fixed: number[] = [];
    const identity: QuantizeHooks = {
      begin: () => {},
      weight: (_id, value) => value,
      input: (_id, value) => value,
      output: (_op, _index, value) => value,
      lstm: () => {
        throw new Error('no LSTM here');
      },
      gru: () => ({
        fixed: (value, exponent) => {
          fixed.push(exponent);
          return value;
        },
      }),
    };
    try {
      const input = () => tf.randomUniform([2, gruSpec.time, gruSpec.inputSize], -1, 1, 'float32', 3);
      const [hooked, plain] = [{ quantize: identity }, {}].map((options) => tf.tidy(() => lowered.forward(input(), options).dataSync() as Float32Array));
      expect(Array.from(hooked)).toEqual(Array.from(plain));
      // Q3.12 for the gate sums and products, Q0.15 for r, z, n and the state.
      expect(new Set(fixed)).toEqual(new Set([-12, -15]));
    } finally {
      lowered.dispose();
    }
  });
});
