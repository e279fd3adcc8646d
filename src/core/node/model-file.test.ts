import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError } from '../common/errors.js';
import { exportTflite } from '../common/exporters/index.js';
import { DEFAULT_MAX_TENSOR_BYTES } from '../common/importers/index.js';
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
