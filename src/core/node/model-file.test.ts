import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError } from '../common/errors.js';
import { exportTflite } from '../common/exporters/index.js';
import { DEFAULT_MAX_TENSOR_BYTES } from '../common/importers/index.js';
import { buildOnnx, float32Bytes } from '../common/importers/onnx/testing/onnx-builder.js';
import { Interpreter } from '../common/interp/interpreter.js';
import type { Graph, Op } from '../common/ir/types.js';
import { loadModelFile, readModelBytes } from './model-file.js';

/**
 * The importer's limits reach it through the one reader of model files: a model file written by
 * the test declares a float32 activation of 320 MiB (no data: a few hundred bytes of file).
 */

const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-model-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const elements = 80 * 2 ** 20;
const bigBytes = elements * 4;

/** x: float32 [1, 80 Mi] → RELU → y: 320 MiB each, declared, never allocated by the importer. */
function bigActivationModel(): Uint8Array {
  const graph: Graph = {
    name: 'big',
    tensors: [
      { id: 0, name: 'x', dtype: 'float32', shape: [1, elements] },
      { id: 1, name: 'y', dtype: 'float32', shape: [1, elements] },
    ],
    ops: [{ type: 'RELU', inputs: [0], outputs: [1], attrs: {} } as Op],
    inputs: [0],
    outputs: [1],
  };
  return exportTflite(graph);
}

describe('loadModelFile and readModelBytes pass the importer’s limits', () => {
  const path = join(scratch, 'big.tflite');
  const bytes = bigActivationModel();
  writeFileSync(path, bytes);

  it('refuses a tensor past the default 256 MiB, naming the file and the limit', async () => {
    expect(bigBytes).toBeGreaterThan(DEFAULT_MAX_TENSOR_BYTES);
    const error = await loadModelFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toMatch(new RegExp(`^big\\.tflite: .*= ${bigBytes} bytes, more than the limit of ${DEFAULT_MAX_TENSOR_BYTES} bytes per tensor`));
  });

  it('reads it under a raised limit, and refuses a small model under a lowered one', async () => {
    const graph = await loadModelFile(path, undefined, { maxTensorBytes: 512 * 2 ** 20 });
    expect(graph.tensors.map((tensor) => tensor.shape)).toEqual([
      [1, elements],
      [1, elements],
    ]);
    expect(readModelBytes(bytes, 'big.tflite', { maxTensorBytes: bigBytes }).tensors).toHaveLength(2);
    await expect(loadModelFile(path, 'variant', { maxTensorBytes: bigBytes - 1 })).rejects.toThrow(/^variant: .*more than the limit of 335544319 bytes per tensor/);
  });
});

describe('loadModelFile reads an ONNX model’s external data from beside it', () => {
  const weights = [1, -2, 0.5, 4, 3, -1];
  /** x [1, 3] · w [3, 2], w stored at byte 8 of `location`, the model saved as `folder/model.onnx`. */
  const save = (folder: string, location: string) => {
    mkdirSync(join(scratch, folder), { recursive: true });
    const bytes = buildOnnx({
      inputs: [{ name: 'x', shape: [1, 3] }],
      outputs: ['y'],
      initializers: [{ name: 'w', shape: [3, 2], values: weights, external: { location, offset: 8 } }],
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'], name: 'dense' }],
    });
    const path = join(scratch, folder, 'model.onnx');
    writeFileSync(path, bytes);
    return path;
  };
  const data = new Uint8Array(8 + 24);
  data.set(float32Bytes(weights), 8);

  it('finds the weights file the model names, in its folder or below', async () => {
    writeFileSync(join(scratch, 'secret.bin'), data);
    mkdirSync(join(scratch, 'saved/data'), { recursive: true });
    writeFileSync(join(scratch, 'saved/data/weights.bin'), data);
    const graph = await loadModelFile(save('saved', 'data/weights.bin'));
    const output = new Interpreter(graph).run([Float32Array.from([1, 2, 3])]).outputs[0];
    expect(Array.from(output as Float32Array)).toEqual([1 + 2 * 0.5 + 3 * 3, -2 + 2 * 4 - 3]);
  });

  it('refuses a location outside the model’s folder: ../, absolute, or a link leading out', async () => {
    const folder = join(scratch, 'escape');
    await expect(loadModelFile(save('escape', '../secret.bin'))).rejects.toThrow(
      `model.onnx: external data file ../secret.bin is outside the model's folder ${folder}: TinyDeploy reads external data only from beside the model or below it`,
    );
    await expect(loadModelFile(save('escape', join(scratch, 'secret.bin')))).rejects.toThrow(/is outside the model's folder/);
    symlinkSync(join(scratch, 'secret.bin'), join(folder, 'link.bin'));
    await expect(loadModelFile(save('escape', 'link.bin'))).rejects.toThrow(/^model\.onnx: external data file link\.bin is outside the model's folder/);
  });

  it('names a missing weights file and the folder it looked in', async () => {
    const error = await loadModelFile(save('missing', 'weights.bin')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toBe(`model.onnx: cannot read external data file weights.bin (no such file in ${join(scratch, 'missing')})`);
  });
});
