/**
 * The generated C of the float models, compiled with the host's gcc, against the host
 * interpreter: max|Δ| ≤ 1e-4 · max|reference| per output. Inputs are the int8 twin's vector
 * input, dequantized.
 *
 * Hybrid models (int8 weights, float activations) are generated as float models with their
 * weights dequantized (codegen/hybrid.ts), so the C is compared with the interpreter running that
 * same dequantized graph. The interpreter runs the original hybrid graph with TFLite's hybrid
 * kernels, which quantize activations on the fly: a different computation, checked here only
 * for agreeing on the predicted class over the real kws01 inputs.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dequantizeHybridWeights, generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildHostRunner, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { argmax, floatDeviation, floatModels, int8Models, missingHostCompiler, modelPath, vector, withTemporaryDirectory } from './testing/codegen.js';
import { requireTools } from '../testing/tools.js';
import { sharedPath } from '../testing/shared-data.js';

const tolerance = 1e-4;

/** The int8 twin's vector input as the float model's input: scale · (q − zero point) in float32. */
async function dequantizedInput(twin: string, file = `${twin}.input.bin`): Promise<Float32Array> {
  const twinGraph = await loadModelFile(modelPath(int8Models.find((model) => model.name === twin)!.file));
  const q = twinGraph.tensors[twinGraph.inputs[0]].quantization!;
  const raw = new Int8Array(vector(file).buffer);
  return Float32Array.from(raw, (value) => Math.fround(q.scale[0] * (value - q.zeroPoint[0])));
}

describe('generated C on the host, float models', () => {
  requireTools(missingHostCompiler);
  for (const { name, file, twin, hybrid } of floatModels) {
    it(`${name}: within ${tolerance} · max|reference| of the interpreter${hybrid ? ' (weights dequantized)' : ''}`, async () => {
      const graph = await loadModelFile(modelPath(file));
      const model = generateModel(graph, { modelName: name });
      expect(model.dequantizedWeights.length > 0).toBe(hybrid);
      const input = await dequantizedInput(twin);
      const reference = new Interpreter(dequantizeHybridWeights(graph).graph).run([input]).outputs[0] as Float32Array;
      await withTemporaryDirectory(`float-${name}`, async (directory) => {
        const runner = await buildHostRunner(model, directory);
        const [output] = await runHostRunner(runner, [new Uint8Array(input.buffer)]);
        const { maxDelta, maxReference } = floatDeviation(new Float32Array(output.buffer), reference);
        expect(maxReference).toBeGreaterThan(0);
        expect(maxDelta).toBeLessThanOrEqual(tolerance * maxReference);
      });
    });
  }

  it('kws_ref_model_float32: the dequantized-weights C predicts the same class as TFLite hybrid kernels on the real inputs', async () => {
    const graph = await loadModelFile(modelPath('mlperf_tiny/kws_ref_model_float32.tflite'));
    const model = generateModel(graph, { modelName: 'kws_ref_model_float32' });
    const hybridInterpreter = new Interpreter(graph);
    const files = readdirSync(sharedPath('vectors/real/kws_ref_model')).filter((file) => file.startsWith('in_'));
    await withTemporaryDirectory('float-kws-real', async (directory) => {
      const runner = await buildHostRunner(model, directory);
      let agree = 0;
      for (const file of files) {
        const input = await dequantizedInput('kws_ref_model', `real/kws_ref_model/${file}`);
        const [output] = await runHostRunner(runner, [new Uint8Array(input.buffer)]);
        const hybridOutput = hybridInterpreter.run([input]).outputs[0] as Float32Array;
        if (argmax(new Float32Array(output.buffer)) === argmax(hybridOutput)) agree++;
      }
      expect(agree).toBe(files.length);
    });
  });
});
