/**
 * The bit-exact contract against TFLite Micro: the host interpreter's int8 outputs, and every
 * per-layer tensor, equal byte for byte what TFLite Micro's reference kernels produced
 * (../shared/vectors). A mismatch names the first layer that differs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../src/core/common/interp/interpreter.js';
import type { Graph } from '../src/core/common/ir/types.js';
import { bytesOf, dataFromBytes } from '../src/core/common/ir/tensor.js';
import { loadModelFile } from '../src/core/node/model-file.js';
import { sharedModels, sharedPath, vectorModels } from './testing/shared-data.js';

interface LayerIndex {
  tensors: { file: string; index: number; produced_by: string; bytes: number }[];
}

/** "" when equal, else where the bytes first differ. */
function difference(got: Uint8Array, expected: Uint8Array): string {
  if (got.length !== expected.length) return `${got.length} bytes, expected ${expected.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== expected[i]) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return '';
  const signed = (b: number) => (b << 24) >> 24;
  return `${count} of ${got.length} bytes differ, first at byte ${first}: got ${signed(got[first])}, TFLite Micro ${signed(expected[first])}`;
}

function runOn(graph: Graph, inputBytes: Uint8Array, keepIntermediates = false) {
  const input = dataFromBytes(graph.tensors[graph.inputs[0]].dtype, inputBytes);
  return new Interpreter(graph).run([input], { keepIntermediates });
}

describe('int8 interpreter equals TFLite Micro byte for byte', () => {
  for (const model of vectorModels) {
    it(`${model}: every layer of the dump, and the output on the reference input`, async () => {
      const graph = await loadModelFile(sharedModels[model]);
      const index: LayerIndex = JSON.parse(readFileSync(sharedPath(`vectors/layers/${model}/index.json`), 'utf8'));
      // The per-layer dump was made from its own graph input (for the LSTM a real MNIST image, not
      // <model>.input.bin): run on that, then check the reference input/output pair separately.
      const graphInput = index.tensors.find((t) => t.produced_by === 'graph input')!;
      const dumpInput = new Uint8Array(readFileSync(sharedPath(`vectors/layers/${model}/${graphInput.file}`)));
      const { tensors } = runOn(graph, dumpInput, true);
      const layers = index.tensors.filter((t) => /^\d+:/.test(t.produced_by));
      expect(layers.length).toBeGreaterThan(0);
      for (const layer of layers) {
        const expected = new Uint8Array(readFileSync(sharedPath(`vectors/layers/${model}/${layer.file}`)));
        const got = bytesOf(tensors!.get(layer.index)!);
        const problem = difference(got, expected);
        expect(problem, `${model}: first differing layer is op ${layer.produced_by} (tensor ${layer.index}): ${problem}`).toBe('');
      }
      const { outputs } = runOn(graph, new Uint8Array(readFileSync(sharedPath(`vectors/${model}.input.bin`))));
      const expectedOutput = new Uint8Array(readFileSync(sharedPath(`vectors/${model}.output.bin`)));
      expect(difference(bytesOf(outputs[0]), expectedOutput), `${model} output`).toBe('');
    });
  }

  for (const model of ['kws_ref_model', 'trained_lstm_int8'] as const) {
    const dir = sharedPath(`vectors/real/${model}`);
    it(`${model}: real inputs in vectors/real`, async () => {
      expect(existsSync(dir)).toBe(true);
      const graph = await loadModelFile(sharedModels[model]);
      const inputs = readdirSync(dir).filter((f) => f.startsWith('in_')).sort();
      expect(inputs.length).toBeGreaterThanOrEqual(10);
      for (const file of inputs) {
        const { outputs } = runOn(graph, new Uint8Array(readFileSync(join(dir, file))));
        const expected = new Uint8Array(readFileSync(join(dir, file.replace('in_', 'out_'))));
        expect(difference(bytesOf(outputs[0]), expected), `${model} ${file}`).toBe('');
      }
    });
  }
});
