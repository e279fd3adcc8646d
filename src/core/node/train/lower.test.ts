import { describe, expect, it } from 'vitest';
import { sharedModels, type SharedModelName } from '../../../../test/testing/shared-data.js';
import { Interpreter } from '../../common/interp/interpreter.js';
import { runPipeline } from '../../common/passes/run-pipeline.js';
import { syntheticSamples } from '../../common/passes/quantize/synthetic.js';
import { exportTflite } from '../../common/exporters/index.js';
import { loadModelFile, readModelBytes } from '../model-file.js';
import { loadTrainingEngine } from './engine.js';
import { lowerGraph, trainableTensorIds } from './lower.js';

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
          // And through the TFLite writer: the file holds the same model.
          const reread = readModelBytes(exportTflite(written), `${name}.tflite`);
          expect(new Interpreter(reread).run([inputs[1]]).outputs[0]).toEqual(interpreter.run([inputs[1]]).outputs[0]);
        } finally {
          lowered.dispose();
        }
      });
    }
  }
});
