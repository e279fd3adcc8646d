/**
 * Quantized ONNX models run byte-identical in the three places a TinyDeploy model runs: the
 * interpreter, the generated C on the host (portable kernels) and the virtual Cortex-M4F (DSP
 * kernels). QDQ/QOperator fixtures import int8 with the model's own scales (float in and out);
 * the recurrent PyTorch fixtures are quantized to int8 by TinyDeploy (synthetic calibration).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingArmToolchain, missingHostCompiler, missingQemu, runOnQemu, withTemporaryDirectory } from '../../../../../test/codegen/testing/codegen.js';
import { requireTools } from '../../../../../test/testing/tools.js';
import { buildFirmwareProject, buildHostRunner, runHostRunner, writeFirmwareProject } from '../../../node/toolchain/index.js';
import { virtualM4f } from '../../boards/index.js';
import { generateModel } from '../../codegen/index.js';
import { Interpreter } from '../../interp/interpreter.js';
import { bytesOf, elementCount } from '../../ir/tensor.js';
import type { Graph, TensorData } from '../../ir/types.js';
import { deployGraph } from '../../../node/deploy/deploy.js';
import { loadModelFile } from '../../../node/model-file.js';
import { syntheticSamples } from '../../passes/quantize/synthetic.js';
import { runPipeline } from '../../passes/run-pipeline.js';
import { seededRandom } from '../../search/random.js';

const fixtures = join(import.meta.dirname, '../../../../../test/fixtures/onnx');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A seeded input of the graph's first input type: int8 values, or floats in [-1.5, 1.5]. */
function seededInput(graph: Graph, seed: number): TensorData {
  const tensor = graph.tensors[graph.inputs[0]];
  const random = seededRandom(seed);
  const count = elementCount(tensor.shape);
  if (tensor.dtype === 'int8') return Int8Array.from({ length: count }, () => Math.floor(random() * 256) - 128);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * 1.5);
}

/** Runs graph on the interpreter, the host C runner and virtual-m4f; returns the interpreter's output bytes, checked equal in all three. */
async function expectBitExact(graph: Graph, name: string, seed = 3): Promise<Uint8Array[]> {
  const input = seededInput(graph, seed);
  const inputBytes = bytesOf(input);
  const expected = new Interpreter(graph).run([input]).outputs.map(bytesOf);
  await withTemporaryDirectory(`onnx-${name}`, async (directory) => {
    const runner = await buildHostRunner(generateModel(graph, { modelName: name }), join(directory, 'host'));
    const hostOutputs = await runHostRunner(runner, [inputBytes]);
    expect(hostOutputs.map(hex)).toEqual(expected.map(hex));
    const project = await writeFirmwareProject(generateModel(graph, { modelName: name, dsp: true }), join(directory, 'm4f'), { board: virtualM4f, inputs: [inputBytes] });
    const result = await runOnQemu((await buildFirmwareProject(project)).elf);
    expect(result.status).toBe(0);
    expect(result.outputs.map(hex)).toEqual(expected.map(hex));
  });
  return expected;
}

describe('quantized ONNX models (QDQ, QOperator) on the interpreter, host C and virtual-m4f', () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);
  for (const name of ['qdq_cnn', 'qlinear', 'qdq_torch']) {
    it(`${name}.onnx imports int8 with its own scales and runs byte-identical in all three`, async () => {
      const graph = await loadModelFile(join(fixtures, `${name}.onnx`));
      expect(graph.ops.filter((op) => graph.tensors[op.outputs[0]].dtype === 'float32').map((op) => op.type)).toEqual(['DEQUANTIZE']);
      const outputs = await expectBitExact(graph, name);
      expect(outputs[0].length).toBeGreaterThan(0);
    }, 300_000);
  }
});

describe('recurrent PyTorch models via ONNX, quantized to int8, on the interpreter, host C and virtual-m4f', () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);
  const recurrent: Record<string, string[]> = {
    gru: ['TD_GRU'],
    bilstm: ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2'],
    recurrent: ['TD_GRU', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'REVERSE_V2'],
    rnn: ['FULLY_CONNECTED', 'TANH', 'PACK'],
  };
  for (const [name, types] of Object.entries(recurrent)) {
    it(`${name}.onnx (${types.join(', ')}) quantized to int8 runs byte-identical in all three`, async () => {
      const source = await loadModelFile(join(fixtures, `${name}.onnx`));
      const samples = syntheticSamples(source, { count: 16, seed: 1, min: -1, max: 1 });
      const { graph } = await runPipeline(source, [{ pass: 'quantize-int8', options: { io: 'int8' } }], { validate: true, resources: { calibration: samples } });
      for (const type of types) {
        const ops = graph.ops.filter((op) => op.type === type);
        expect(ops.length).toBeGreaterThan(0);
        for (const op of ops) expect(graph.tensors[op.outputs[0]].dtype).toBe('int8');
      }
      await expectBitExact(graph, name);
    }, 300_000);
  }
});

describe('streaming: the recurrent state of an imported model stays on the board from one run to the next', () => {
  requireTools(missingArmToolchain ?? missingQemu);
  for (const name of ['gru', 'bilstm']) {
    it(`${name}.onnx int8, 4 runs on virtual-m4f without a reset: each run byte-identical to the interpreter carrying its state`, async () => {
      const source = await loadModelFile(join(fixtures, `${name}.onnx`));
      const samples = syntheticSamples(source, { count: 16, seed: 1, min: -1, max: 1 });
      const { graph } = await runPipeline(source, [{ pass: 'quantize-int8', options: { io: 'int8' } }], { validate: true, resources: { calibration: samples } });
      const result = await deployGraph(graph, { board: virtualM4f, name: `${name}_streaming`, hash: `sha256:streaming-${name}`, runs: 4, streaming: true, estimate: false });
      expect(result.bitExact).toBe(true);
      // The same input every run: the outputs move only because the state is carried.
      expect(result.runsIdentical).toBe(false);
    }, 300_000);
  }
});
