/**
 * A 16x8 keyword-spotting model end to end: ../shared's float KWS (DS-CNN) quantized by the
 * quantizer's 16x8 mode (int16 activations, int8 weights, int64 biases for every layer but the
 * softmax), then run by the interpreter, the generated C on the host (portable and DSP kernels)
 * and the virtual Cortex-M4F: the output bytes are the same everywhere, on real dataset samples.
 * And ../shared's float ResNet-8 (IC) at 16x8 on the host: residual ADDs, strided convolutions and
 * patches too long for the DSP conv's int32 sums (3x3x64, the 64-bit portable loop).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { openDataset } from '../../src/core/node/datasets/index.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { loadDatasetSlice } from '../../src/core/node/quantize/dataset-samples.js';
import { quantizeModel } from '../../src/core/node/quantize/quantize-model.js';
import { buildHostRunner, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { sharedModels, sharedPath } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { missingArmToolchain, missingHostCompiler, missingQemu, withTemporaryDirectory } from './testing/codegen.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The float KWS quantized with every op but the softmax at 16x8, and three held-out samples as int8 input bytes. */
async function kws16x8(): Promise<{ graph: Graph; inputs: Uint8Array[] }> {
  const float = await loadModelFile(sharedModels.kws_ref_model_float32);
  const dataset = await openDataset(sharedPath('datasets/kws01'));
  const int16Layers = float.ops.flatMap((op, index) => (op.type === 'SOFTMAX' ? [] : [index])).join(',');
  const { graph } = await quantizeModel(float, { modelName: 'kws_ref_model_float32.tflite', calibration: { kind: 'dataset', dataset }, passOptions: { samples: 20, int16Layers }, evaluationLimit: 0 });
  const input = graph.tensors[graph.inputs[0]];
  const { scale: [scale], zeroPoint: [zeroPoint] } = input.quantization!;
  const samples = await loadDatasetSlice(dataset, float, { start: 200, count: 3 });
  const inputs: Uint8Array[] = [];
  for (let index = 0; index < samples.count; index++) {
    const values = (await samples.sample(index))[0] as Float32Array;
    const quantized = Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint)));
    inputs.push(new Uint8Array(quantized.buffer));
  }
  return { graph, inputs };
}

describe('16x8 keyword spotting', () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);

  it('deploys byte-identical between the interpreter, host C (portable and DSP kernels) and the virtual Cortex-M4F', async () => {
    const { graph, inputs } = await kws16x8();
    // Every convolution, depthwise convolution, the pool and the fully connected layer run at 16x8.
    const weighted = graph.ops.filter((op) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'FULLY_CONNECTED'].includes(op.type));
    expect(weighted.map((op) => `${op.type} ${graph.tensors[op.inputs[0]].dtype}→${graph.tensors[op.outputs[0]].dtype}`)).toEqual(
      weighted.map((op) => `${op.type} int16→int16`),
    );
    expect(weighted.filter((op) => op.type !== 'AVERAGE_POOL_2D').map((op) => graph.tensors[op.inputs[2]].dtype)).toEqual(new Array(10).fill('int64'));
    expect(inputs.length).toBe(3);

    const interpreter = new Interpreter(graph);
    const expected = inputs.map((input) => bytesOf(interpreter.run([new Int8Array(input.buffer)]).outputs[0]));
    // The samples are told apart: not one output repeated.
    expect(new Set(expected.map(hex)).size).toBeGreaterThan(1);

    await withTemporaryDirectory('kws-16x8', async (directory) => {
      for (const variant of ['portable', 'dsp'] as const) {
        const runner = await buildHostRunner(generateModel(graph, { modelName: 'kws16x8', dsp: variant === 'dsp' }), join(directory, variant), { variant });
        for (const [index, input] of inputs.entries()) {
          const [output] = await runHostRunner(runner, [input]);
          expect(hex(output), `host ${variant}, sample ${index}`).toBe(hex(expected[index]));
        }
      }
    });

    for (const [index, input] of inputs.entries()) {
      const result = await deployGraph(graph, { name: 'kws16x8', hash: `kws16x8-${index}`, board: virtualM4f, inputs: [input], estimate: false });
      expect(result.bitExact, `board, sample ${index}`).toBe(true);
      expect(hex(result.outputBytes[0]), `board, sample ${index}`).toBe(hex(expected[index]));
    }
  }, 600_000);
});

describe('16x8 image classification (ResNet-8)', () => {
  requireTools(missingHostCompiler);

  it('runs byte-identical between the interpreter and host C (portable and DSP kernels)', async () => {
    const float = await loadModelFile(sharedModels.pretrainedResnet);
    const int16Layers = float.ops.flatMap((op, index) => (op.type === 'SOFTMAX' ? [] : [index])).join(',');
    const { graph } = await quantizeModel(float, { modelName: 'pretrainedResnet.tflite', calibration: { kind: 'synthetic', seed: 1, range: [0, 1] }, passOptions: { samples: 8, int16Layers }, evaluationLimit: 0 });
    const adds = graph.ops.filter((op) => op.type === 'ADD');
    expect(adds.map((op) => graph.tensors[op.outputs[0]].dtype)).toEqual(['int16', 'int16', 'int16']);
    const input = graph.tensors[graph.inputs[0]];
    const count = input.shape.reduce((a, b) => a * b, 1);
    const inputs = [3, 4].map((seed) => {
      let state = seed;
      return new Uint8Array(Int8Array.from({ length: count }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24) - 128).buffer);
    });
    const interpreter = new Interpreter(graph);
    const expected = inputs.map((bytes) => bytesOf(interpreter.run([new Int8Array(bytes.buffer)]).outputs[0]));
    expect(hex(expected[0])).not.toBe(hex(expected[1]));
    await withTemporaryDirectory('ic-16x8', async (directory) => {
      for (const variant of ['portable', 'dsp'] as const) {
        const runner = await buildHostRunner(generateModel(graph, { modelName: 'ic16x8', dsp: variant === 'dsp' }), join(directory, variant), { variant });
        for (const [index, bytes] of inputs.entries()) {
          const [output] = await runHostRunner(runner, [bytes]);
          expect(hex(output), `host ${variant}, input ${index}`).toBe(hex(expected[index]));
        }
      }
    });
  }, 600_000);
});
