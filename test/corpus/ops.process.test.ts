/**
 * The op coverage corpus (test/corpus/ops, written by make-ops.ts from testing/op-models.ts):
 * each single-op model gives TFLite's output (tfjs-tflite: the TFLite runtime) on the host
 * interpreter — integer outputs exactly unless the model states a tolerance for XNNPACK's
 * rounding, float outputs within 1e-5 of the largest value — and the interpreter's bytes exactly
 * in the generated C on the host (portable and DSP kernels) and on the virtual Cortex-M4F.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTfliteRunner } from '../../bench/interp/tflite-node.js';
import { importModel } from '../../src/core/common/importers/index.js';
import { dataFromBytes } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { missingArmToolchain, missingHostCompiler, missingQemu } from '../codegen/testing/codegen.js';
import { requireTools } from '../testing/tools.js';
import { opModels } from './testing/op-models.js';
import { runHostC, runInterpreter, runVirtualM4f, splitInputs } from './testing/run-everywhere.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const directory = join(import.meta.dirname, 'ops');

async function runTflite(file: Uint8Array, inputs: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const runner = await createTfliteRunner(file);
  try {
    runner.getInputs().forEach((tensor, i) => {
      const view = tensor.data();
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(inputs[i]);
    });
    expect(runner.infer()).toBe(true);
    return runner.getOutputs().map((tensor) => {
      const view = tensor.data();
      return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
    });
  } finally {
    runner.cleanUp();
  }
}

/** Largest difference between two outputs of one tensor, as numbers of its dtype. */
function largestDifference(graph: Graph, index: number, ours: Uint8Array, theirs: Uint8Array): { difference: number; magnitude: number } {
  const dtype = graph.tensors[graph.outputs[index]].dtype;
  const a = dataFromBytes(dtype, ours.slice());
  const b = dataFromBytes(dtype, theirs.slice());
  expect(b.length).toBe(a.length);
  let difference = 0;
  let magnitude = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(Number(a[i]) - Number(b[i])));
    magnitude = Math.max(magnitude, Math.abs(Number(a[i])));
  }
  return { difference, magnitude };
}

describe('op coverage corpus: TFLite, interpreter, host C and virtual-m4f agree', () => {
  requireTools(missingHostCompiler ?? missingArmToolchain ?? missingQemu);
  for (const spec of opModels) {
    it(spec.name, async () => {
      const file = new Uint8Array(readFileSync(join(directory, `${spec.name}.tflite`)));
      const graph = importModel(file, `${spec.name}.tflite`);
      const inputs = splitInputs(graph, new Uint8Array(readFileSync(join(directory, `${spec.name}.input.bin`))));
      const ours = runInterpreter(graph, inputs);
      if (!spec.noTflite) {
        const theirs = await runTflite(file, inputs);
        expect(theirs.length).toBe(ours.length);
        ours.forEach((output, i) => {
          const { difference, magnitude } = largestDifference(graph, i, output, theirs[i]);
          const float = graph.tensors[graph.outputs[i]].dtype === 'float32';
          expect(difference, `output ${i} against TFLite`).toBeLessThanOrEqual(float ? 1e-5 * magnitude : (spec.tfliteLsb ?? 0));
        });
      }
      const host = await runHostC(graph, inputs, spec.name);
      const board = await runVirtualM4f(graph, inputs, spec.name);
      expect(board.status, 'virtual-m4f status').toBe(0);
      ours.forEach((output, i) => {
        const results = [
          ['host C portable', host.portable[i]],
          ['host C DSP', host.dsp[i]],
          ['virtual-m4f', board.outputs[i]],
        ] as const;
        for (const [where, bytes] of results) {
          if (spec.libm && graph.tensors[graph.outputs[i]].dtype === 'float32') {
            const { difference, magnitude } = largestDifference(graph, i, output, bytes);
            expect(difference, `output ${i}, ${where}`).toBeLessThanOrEqual(1e-6 * magnitude);
          } else {
            expect(hex(bytes), `output ${i}, ${where}`).toBe(hex(output));
          }
        }
      });
    });
  }
});
