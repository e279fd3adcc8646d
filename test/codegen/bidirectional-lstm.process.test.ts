/**
 * A bidirectional int8 LSTM (the shared trained_lstm_int8's LSTM forward, and backward between two
 * REVERSE_V2 on the time axis, joined by CONCATENATION or ADD): byte-identical between the
 * interpreter, the generated C on the host and the virtual Cortex-M4F.
 */
import { join as joinPath } from 'node:path';
import { describe, expect, it } from 'vitest';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bidirectionalLstm } from '../../src/core/common/interp/kernels/testing/bidirectional-lstm.js';
import { bytesOf } from '../../src/core/common/ir/tensor.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildFirmwareProject, buildHostRunner, runHostRunner, writeFirmwareProject } from '../../src/core/node/toolchain/index.js';
import { missingArmToolchain, missingHostCompiler, missingQemu, modelPath, runOnQemu, vector, withTemporaryDirectory } from './testing/codegen.js';
import { requireTools } from '../testing/tools.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const source = await loadModelFile(modelPath('rnn/trained_lstm_int8.tflite'));
const input = vector('trained_lstm_int8.input.bin');

describe('bidirectional int8 LSTM in generated C', () => {
  requireTools(missingHostCompiler);
  for (const join of ['concat', 'add'] as const) {
    it(`${join}: host C byte-identical to the interpreter (portable and DSP kernels)`, async () => {
      const graph = bidirectionalLstm(source, join);
      const expected = bytesOf(new Interpreter(graph).run([new Int8Array(input.buffer)]).outputs[0]);
      const model = generateModel(graph, { modelName: 'bilstm' });
      await withTemporaryDirectory('bilstm-host', async (directory) => {
        for (const variant of ['portable', 'dsp'] as const) {
          const runner = await buildHostRunner(model, joinPath(directory, variant), { variant });
          const [output] = await runHostRunner(runner, [input]);
          expect(hex(output), variant).toBe(hex(expected));
        }
      });
    });
  }

  it('concat: byte-identical on the virtual Cortex-M4F', async () => {
    requireTools(missingArmToolchain ?? missingQemu);
    const graph = bidirectionalLstm(source, 'concat');
    const expected = bytesOf(new Interpreter(graph).run([new Int8Array(input.buffer)]).outputs[0]);
    await withTemporaryDirectory('bilstm-m4f', async (directory) => {
      const project = await writeFirmwareProject(generateModel(graph, { modelName: 'bilstm', dsp: true }), directory, { board: virtualM4f, inputs: [input] });
      const result = await runOnQemu((await buildFirmwareProject(project)).elf);
      expect(result.status).toBe(0);
      expect(hex(result.outputs[0])).toBe(hex(expected));
    });
  });
});
