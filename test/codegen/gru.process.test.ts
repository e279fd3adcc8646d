/**
 * TD_GRU in generated C: the int8 GRU byte-identical between the interpreter, the host C
 * (portable and DSP kernels) and the virtual Cortex-M4F under QEMU; the float GRU within 1e-6
 * of the interpreter on the host. Small seeded models built with the IR (test helper gru-model).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { runPipeline } from '../../src/core/common/passes/run-pipeline.js';
import { syntheticSamples } from '../../src/core/common/passes/quantize/synthetic.js';
import { buildFirmwareProject, buildHostRunner, runHostRunner, writeFirmwareProject } from '../../src/core/node/toolchain/index.js';
import {
  bidirectionalGru,
  floatGruGraph,
  gruWeights,
  int8GruGraph,
  int8Parameters,
  seededRandom,
  type GruSpec,
} from '../../src/core/common/interp/kernels/testing/gru-model.js';
import { missingArmToolchain, missingHostCompiler, missingQemu, runOnQemu, withTemporaryDirectory } from './testing/codegen.js';
import { requireTools } from '../testing/tools.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

const base: GruSpec = {
  batch: 2,
  time: 6,
  inputSize: 10,
  units: 12,
  seed: 3,
  linearBeforeReset: true,
  timeMajor: false,
  reverse: false,
  returnSequences: true,
  recurrentNBias: true,
};

const variants: [string, Partial<GruSpec>][] = [
  ['linear_before_reset', {}],
  ['reset before the recurrent product', { linearBeforeReset: false, recurrentNBias: false }],
  ['reverse, last step only, time-major, 13 units', { reverse: true, returnSequences: false, timeMajor: true, units: 13 }],
  ['reset before the recurrent product, reverse, last step only, time-major, 13 units, 7 inputs', { linearBeforeReset: false, recurrentNBias: false, reverse: true, returnSequences: false, timeMajor: true, units: 13, inputSize: 7 }],
];

function floatInput(spec: GruSpec, seed = 5): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: spec.batch * spec.time * spec.inputSize }, () => (random() * 2 - 1) * 2);
}

function int8Model(spec: GruSpec): { graph: Graph; input: Int8Array } {
  const inputRange = { min: -2, max: 2 };
  const graph = int8GruGraph(spec, gruWeights(spec), inputRange, { min: -1, max: 1 });
  const q = int8Parameters(inputRange);
  const input = Int8Array.from(floatInput(spec), (v) => Math.max(-128, Math.min(127, Math.round(v / q.scale) + q.zeroPoint)));
  return { graph, input };
}

describe('TD_GRU generated C on the host', () => {
  requireTools(missingHostCompiler);
  for (const [name, change] of variants) {
    it(`${name}: int8 byte-identical to the interpreter (portable and DSP kernels)`, async () => {
      const spec = { ...base, ...change };
      const { graph, input } = int8Model(spec);
      const expected = bytesOf(new Interpreter(graph).run([input]).outputs[0]);
      const model = generateModel(graph, { modelName: 'gru' });
      await withTemporaryDirectory('gru-host', async (directory) => {
        for (const variant of ['portable', 'dsp'] as const) {
          const runner = await buildHostRunner(model, join(directory, variant), { variant });
          const [output] = await runHostRunner(runner, [new Uint8Array(input.buffer)]);
          expect(hex(output), variant).toBe(hex(expected));
        }
      });
    });

    it(`${name}: float within 1e-6 of the interpreter`, async () => {
      const spec = { ...base, ...change };
      const graph = floatGruGraph(spec);
      const input = floatInput(spec);
      const expected = new Interpreter(graph).run([input]).outputs[0] as Float32Array;
      const model = generateModel(graph, { modelName: 'gru_f32' });
      await withTemporaryDirectory('gru-host-f32', async (directory) => {
        const runner = await buildHostRunner(model, directory);
        const [output] = await runHostRunner(runner, [new Uint8Array(input.buffer)]);
        const actual = new Float32Array(output.slice().buffer);
        expect(actual.length).toBe(expected.length);
        const worst = Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i])));
        expect(worst).toBeLessThan(1e-6);
      });
    });
  }
});

describe('bidirectional TD_GRU generated C on the host', () => {
  requireTools(missingHostCompiler);
  for (const join of ['concat', 'add'] as const) {
    it(`${join}: int8 byte-identical to the interpreter`, async () => {
      const { input } = int8Model(base);
      const graph = bidirectionalGru(base, join);
      const expected = bytesOf(new Interpreter(graph).run([input]).outputs[0]);
      await withTemporaryDirectory('bigru-host', async (directory) => {
        const runner = await buildHostRunner(generateModel(graph, { modelName: 'bigru' }), directory);
        const [output] = await runHostRunner(runner, [new Uint8Array(input.buffer)]);
        expect(hex(output)).toBe(hex(expected));
      });
    });
  }
});

describe('TD_GRU on the virtual Cortex-M4F', () => {
  requireTools(missingArmToolchain ?? missingQemu);
  it('int8: byte-identical to the interpreter under QEMU', async () => {
    const spec = { ...base, linearBeforeReset: false, recurrentNBias: false };
    const { graph, input } = int8Model(spec);
    const expected = bytesOf(new Interpreter(graph).run([input]).outputs[0]);
    const model = generateModel(graph, { modelName: 'gru', dsp: true });
    await withTemporaryDirectory('gru-m4f', async (directory) => {
      const project = await writeFirmwareProject(model, directory, { board: virtualM4f, inputs: [new Uint8Array(input.buffer)] });
      const build = await buildFirmwareProject(project);
      const result = await runOnQemu(build.elf);
      expect(result.status).toBe(0);
      expect(hex(result.outputs[0])).toBe(hex(expected));
    });
  });

  it('streaming: the board keeps the GRU state across runs, each run equal to the streaming interpreter', async () => {
    const { graph, input } = int8Model(base);
    const result = await deployGraph(graph, { name: 'gru_stream', hash: 'gru_stream', board: virtualM4f, runs: 3, streaming: true, inputs: [new Uint8Array(input.buffer)], estimate: false });
    expect(result.bitExact).toBe(true);
    expect(result.runsIdentical).toBe(false);
    const interpreter = new Interpreter(graph, { state: 'streaming' });
    let last: Uint8Array = new Uint8Array();
    for (let run = 0; run < 3; run++) last = bytesOf(interpreter.run([input]).outputs[0]);
    expect(hex(result.outputBytes[0])).toBe(hex(last));
  });

  it('bidirectional int8 without linear_before_reset (added, every step, 13 units, 7 inputs): byte-identical to the interpreter under QEMU', async () => {
    const spec = { ...base, linearBeforeReset: false, recurrentNBias: false, units: 13, inputSize: 7 };
    const { input } = int8Model(spec);
    const graph = bidirectionalGru(spec, 'add');
    const expected = bytesOf(new Interpreter(graph).run([input]).outputs[0]);
    const model = generateModel(graph, { modelName: 'bigru_reset_first', dsp: true });
    // Both directions take the packed kernel of the GRU without linear_before_reset.
    expect(model.source.match(/td_gru_s8_packed_reset_first\(/g)).toHaveLength(2);
    await withTemporaryDirectory('bigru-reset-first-m4f', async (directory) => {
      const project = await writeFirmwareProject(model, directory, { board: virtualM4f, inputs: [new Uint8Array(input.buffer)] });
      const result = await runOnQemu((await buildFirmwareProject(project)).elf);
      expect(result.status).toBe(0);
      expect(hex(result.outputs[0])).toBe(hex(expected));
    });
  });

  it('bidirectional int8 (concatenated, last step): byte-identical to the interpreter under QEMU', async () => {
    const spec = { ...base, returnSequences: false };
    const { input } = int8Model(spec);
    const graph = bidirectionalGru(spec, 'concat');
    const expected = bytesOf(new Interpreter(graph).run([input]).outputs[0]);
    await withTemporaryDirectory('bigru-m4f', async (directory) => {
      const project = await writeFirmwareProject(generateModel(graph, { modelName: 'bigru', dsp: true }), directory, { board: virtualM4f, inputs: [new Uint8Array(input.buffer)] });
      const result = await runOnQemu((await buildFirmwareProject(project)).elf);
      expect(result.status).toBe(0);
      expect(hex(result.outputs[0])).toBe(hex(expected));
    });
  });
});

describe('PyTorch GRU via ONNX, quantized to int8', () => {
  requireTools(missingArmToolchain ?? missingQemu);
  it('gru.onnx (a GRU, then a bidirectional GRU): quantized, byte-identical between the interpreter, host C and the virtual Cortex-M4F', async () => {
    const source = await loadModelFile(join(repositoryRoot, 'test/fixtures/onnx/gru.onnx'));
    expect(source.ops.filter((op) => op.type === 'TD_GRU').map((op) => (op.attrs as { reverse: boolean }).reverse)).toEqual([false, false, true]);
    const samples = syntheticSamples(source, { count: 16, seed: 1, min: -1, max: 1 });
    const { graph } = await runPipeline(source, [{ pass: 'quantize-int8', options: { io: 'int8' } }], { validate: true, resources: { calibration: samples } });
    const gruOp = graph.ops.find((op) => op.type === 'TD_GRU')!;
    expect(graph.tensors[gruOp.inputs[0]].dtype).toBe('int8');
    const inputTensor = graph.tensors[graph.inputs[0]];
    const random = seededRandom(8);
    const input = Int8Array.from({ length: inputTensor.shape.reduce((a, b) => a * b, 1) }, () => Math.floor(random() * 256) - 128);
    const expected = bytesOf(new Interpreter(graph).run([input]).outputs[0]);
    await withTemporaryDirectory('onnx-gru', async (directory) => {
      const runner = await buildHostRunner(generateModel(graph, { modelName: 'onnx_gru' }), join(directory, 'host'));
      const [hostOutput] = await runHostRunner(runner, [new Uint8Array(input.buffer)]);
      expect(hex(hostOutput)).toBe(hex(expected));
      const project = await writeFirmwareProject(generateModel(graph, { modelName: 'onnx_gru', dsp: true }), join(directory, 'm4f'), { board: virtualM4f, inputs: [new Uint8Array(input.buffer)] });
      const result = await runOnQemu((await buildFirmwareProject(project)).elf);
      expect(result.status).toBe(0);
      expect(hex(result.outputs[0])).toBe(hex(expected));
    });
  });
});
