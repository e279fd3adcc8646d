/**
 * TFLite Micro's single-op models (../shared/baseline/ops: each `<name>.tflite` with an input and
 * TFLite Micro's output for it) that are not convolutions, depthwise convolutions or fully
 * connected layers: the op coverage oracle. Every one imports, and its output is TFLite Micro's
 * byte for byte on the host interpreter, in the generated C on the host (portable and DSP
 * kernels) and on the virtual Cortex-M4F.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../src/core/common/importers/index.js';
import { sharedPath } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { missingArmToolchain, missingHostCompiler, missingQemu } from '../codegen/testing/codegen.js';
import { runHostC, runInterpreter, runVirtualM4f, splitInputs } from './testing/run-everywhere.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const directory = sharedPath('baseline/ops');
const models = readdirSync(directory)
  .filter((file) => file.endsWith('.tflite') && !/^(conv|dw|fc)_/.test(file))
  .map((file) => file.replace(/\.tflite$/, ''))
  .sort();

describe("TFLite Micro's single-op models, bit-exact everywhere", () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);
  it('covers the ops the issue names', () => {
    for (const prefix of ['leaky_relu', 'transpose', 'svdf', 'quantize_uint8_to_int8', 'pad', 'mean']) {
      expect(models.some((name) => name.startsWith(prefix)), prefix).toBe(true);
    }
  });
  for (const name of models) {
    it(`${name}: interpreter, host C and virtual-m4f equal TFLite Micro`, async () => {
      const graph = importModel(new Uint8Array(readFileSync(`${directory}/${name}.tflite`)), `${name}.tflite`);
      const inputs = splitInputs(graph, new Uint8Array(readFileSync(`${directory}/${name}.input.bin`)));
      const expected = hex(new Uint8Array(readFileSync(`${directory}/${name}.out.bin`)));
      expect(hex(runInterpreter(graph, inputs)[0]), 'interpreter').toBe(expected);
      const host = await runHostC(graph, inputs, name);
      expect(hex(host.portable[0]), 'host C, portable kernels').toBe(expected);
      expect(hex(host.dsp[0]), 'host C, DSP kernels').toBe(expected);
      const board = await runVirtualM4f(graph, inputs, name);
      expect(board.status, 'virtual-m4f status').toBe(0);
      expect(hex(board.outputs[0]), 'virtual-m4f').toBe(expected);
    });
  }
});
