/**
 * 16x8 recurrent models end to end (int16 activations, int8 weights, int64 biases): ../shared's
 * float MNIST LSTM (its softmax at int16 too) and the PyTorch GRU fixture (test/fixtures/onnx/gru.onnx) quantized by the
 * quantizer's 16x8 mode, then run by the interpreter, the generated C on the host (portable and
 * DSP kernels) and the virtual Cortex-M4F: the output bytes are the same everywhere.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { gruOpType } from '../../src/core/common/ops/gru-layout.js';
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

/** The float MNIST LSTM with every op at 16x8 (the softmax too), and three held-out digits as int8 input bytes. */
async function lstm16x8(): Promise<{ graph: Graph; inputs: Uint8Array[] }> {
  const float = await loadModelFile(sharedModels.trained_lstm);
  const mnist = await openDataset(sharedPath('datasets/mnist'));
  const int16Layers = float.ops.map((_, index) => index).join(',');
  const { graph } = await quantizeModel(float, { modelName: 'trained_lstm.tflite', calibration: { kind: 'dataset', dataset: mnist }, passOptions: { samples: 20, int16Layers }, evaluationLimit: 0 });
  const { scale: [scale], zeroPoint: [zeroPoint] } = graph.tensors[graph.inputs[0]].quantization!;
  const samples = await loadDatasetSlice(mnist, float, { start: 300, count: 3 });
  const inputs: Uint8Array[] = [];
  for (let index = 0; index < samples.count; index++) {
    const values = (await samples.sample(index))[0] as Float32Array;
    inputs.push(new Uint8Array(Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint))).buffer));
  }
  return { graph, inputs };
}

/** gru.onnx (two stacked GRU layers, the second bidirectional, and a classifier) with its three GRUs and the classifier at 16x8. */
async function gru16x8(): Promise<{ graph: Graph; inputs: Uint8Array[] }> {
  const float = await loadModelFile(fileURLToPath(new URL('../fixtures/onnx/gru.onnx', import.meta.url)));
  // Op indices after the quantize pipeline's cleanup: the three TD_GRUs and the FULLY_CONNECTED.
  const { graph } = await quantizeModel(float, { modelName: 'gru.onnx', calibration: { kind: 'synthetic', seed: 1, range: [-1, 1] }, passOptions: { samples: 8, int16Layers: '0,1,2,10' }, evaluationLimit: 0 });
  const count = graph.tensors[graph.inputs[0]].shape.reduce((a, b) => a * b, 1);
  const inputs = [7, 8].map((seed) => {
    let state = seed;
    return new Uint8Array(Int8Array.from({ length: count }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24) - 128).buffer);
  });
  return { graph, inputs };
}

async function expectEverywhereTheSame(name: string, graph: Graph, inputs: Uint8Array[]): Promise<void> {
  const interpreter = new Interpreter(graph, { state: 'reset' });
  const expected = inputs.map((input) => bytesOf(interpreter.run([new Int8Array(input.buffer)]).outputs[0]));
  expect(new Set(expected.map(hex)).size, 'the inputs are told apart').toBeGreaterThan(1);
  await withTemporaryDirectory(name, async (directory) => {
    for (const variant of ['portable', 'dsp'] as const) {
      const runner = await buildHostRunner(generateModel(graph, { modelName: name, dsp: variant === 'dsp' }), join(directory, variant), { variant });
      for (const [index, input] of inputs.entries()) {
        const [output] = await runHostRunner(runner, [input]);
        expect(hex(output), `host ${variant}, input ${index}`).toBe(hex(expected[index]));
      }
    }
  });
  for (const [index, input] of inputs.entries()) {
    const result = await deployGraph(graph, { name, hash: `${name}-${index}`, board: virtualM4f, inputs: [input], estimate: false });
    expect(result.bitExact, `board, input ${index}`).toBe(true);
    expect(hex(result.outputBytes[0]), `board, input ${index}`).toBe(hex(expected[index]));
  }
}

describe('16x8 recurrent models', () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);

  it('MNIST LSTM: byte-identical between the interpreter, host C (portable and DSP) and the virtual Cortex-M4F', async () => {
    const { graph, inputs } = await lstm16x8();
    const lstm = graph.ops.find((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    expect(`${graph.tensors[lstm.inputs[0]].dtype}→${graph.tensors[lstm.outputs[0]].dtype}`).toBe('int16→int16');
    expect([12, 13, 14, 15].map((slot) => graph.tensors[lstm.inputs[slot]].dtype)).toEqual(['int64', 'int64', 'int64', 'int64']);
    const softmax = graph.ops.find((op) => op.type === 'SOFTMAX')!;
    expect(`${graph.tensors[softmax.inputs[0]].dtype}→${graph.tensors[softmax.outputs[0]].dtype}`).toBe('int16→int16');
    await expectEverywhereTheSame('lstm16x8', graph, inputs);
  }, 600_000);

  it('GRU (gru.onnx): byte-identical between the interpreter, host C (portable and DSP) and the virtual Cortex-M4F', async () => {
    const { graph, inputs } = await gru16x8();
    const grus = graph.ops.filter((op) => op.type === gruOpType);
    expect(grus.map((op) => `${graph.tensors[op.inputs[0]].dtype}→${graph.tensors[op.outputs[0]].dtype}`)).toEqual(['int16→int16', 'int16→int16', 'int16→int16']);
    await expectEverywhereTheSame('gru16x8', graph, inputs);
  }, 600_000);
});
