/**
 * The generated C of the int8 models, compiled with the host's gcc, gives outputs byte-identical
 * to TFLite Micro's (../shared/vectors) and to the host interpreter, with the portable kernels
 * and with the DSP kernels (their host emulation), including the real kws01 and MNIST inputs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf } from '../../src/core/common/ir/tensor.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildHostRunner, compile, firmwareRoot, hostCompilerFlags, requireCompiler, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { int8Models, missingHostCompiler, modelPath, vector, withTemporaryDirectory } from './testing/codegen.js';
import { requireTools } from '../testing/tools.js';
import { sharedPath } from '../testing/shared-data.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('generated C on the host, int8 models', () => {
  requireTools(missingHostCompiler);
  for (const { name, file } of int8Models) {
    it(`${name}: bit-exact with TFLite Micro and the interpreter (portable and DSP kernels)`, async () => {
      const graph = await loadModelFile(modelPath(file));
      const model = generateModel(graph, { modelName: name });
      const input = vector(`${name}.input.bin`);
      const expected = vector(`${name}.output.bin`);
      const interpreted = new Interpreter(graph).run([new Int8Array(input.buffer)]).outputs[0];
      expect(hex(bytesOf(interpreted))).toBe(hex(expected));

      await withTemporaryDirectory(`host-${name}`, async (directory) => {
        for (const variant of ['portable', 'dsp'] as const) {
          const runner = await buildHostRunner(model, join(directory, variant), { variant });
          const [output] = await runHostRunner(runner, [input]);
          expect(hex(output), `${variant} kernels`).toBe(hex(expected));
        }
        // The generated file itself compiles without a single warning.
        await compile(await requireCompiler('host'), {
          sources: [join(directory, 'portable/model.c')],
          output: join(directory, 'model.o'),
          includeDirs: [join(directory, 'portable'), join(firmwareRoot(), 'kernels/include')],
          flags: [...hostCompilerFlags, '-Wpedantic', '-Wshadow', '-Wconversion', '-Werror', '-c'],
        });
      });
    });
  }

  for (const name of ['kws_ref_model', 'trained_lstm_int8'] as const) {
    it(`${name}: bit-exact on every real input of TFLite Micro`, async () => {
      const entry = int8Models.find((model) => model.name === name)!;
      const model = generateModel(await loadModelFile(modelPath(entry.file)), { modelName: name });
      const inputs = readdirSync(sharedPath('vectors/real', name)).filter((file) => file.startsWith('in_'));
      expect(inputs.length).toBeGreaterThanOrEqual(10);
      await withTemporaryDirectory(`real-${name}`, async (directory) => {
        const runner = await buildHostRunner(model, directory);
        for (const file of inputs) {
          const [output] = await runHostRunner(runner, [vector(`real/${name}/${file}`)]);
          expect(hex(output), file).toBe(hex(vector(`real/${name}/${file.replace('in_', 'out_')}`)));
        }
      });
    });
  }
});
