/**
 * Residual blocks run row by row (codegen/residual-bands.ts) on the MLPerf Tiny ResNet: its first
 * block (two 3x3 convolutions and the ADD over 32x32x16) no longer keeps the block's input and the
 * first convolution's whole output live together, so the arena shrinks, and the host C (portable
 * and DSP kernels) still gives TFLite Micro's output bytes and the whole-tensor code's.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { findResidualBandBlocks } from '../../src/core/common/codegen/residual-bands.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildHostRunner, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { sharedModels } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { missingHostCompiler, vector, withTemporaryDirectory } from './testing/codegen.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('residual blocks row by row', () => {
  requireTools(missingHostCompiler);

  it('finds ResNet IC first block only (the strided blocks have a 1x1 skip convolution)', async () => {
    const graph = await loadModelFile(sharedModels.pretrainedResnet_quant);
    expect(findResidualBandBlocks(graph, { dsp: true }).map((block) => [block.conv1, block.conv2, block.add])).toEqual([[1, 2, 3]]);
  });

  it('shrinks the arena and keeps TFLite Micro output bytes (portable and DSP kernels)', async () => {
    const graph = await loadModelFile(sharedModels.pretrainedResnet_quant);
    const rows = generateModel(graph);
    const whole = generateModel(graph, { residualBands: false });
    // The block's input and conv1's output (16 KB each) were live together with conv2's; now one 16 KB
    // tensor and a few rows are, so the peak moves to the second block.
    expect(whole.arenaBytes - rows.arenaBytes).toBeGreaterThan(6000);
    expect(rows.ops.slice(1, 4).map((op) => op.kernel)).toEqual(['td_conv2d_s8', undefined, undefined]);
    expect(rows.source).toContain('CONV_2D, CONV_2D, ADD row by row (32 rows)');

    const input = vector('pretrainedResnet_quant.input.bin');
    const expected = hex(vector('pretrainedResnet_quant.output.bin'));
    await withTemporaryDirectory('td-residual-bands-', async (directory) => {
      for (const variant of ['portable', 'dsp'] as const) {
        const runner = await buildHostRunner(rows, join(directory, variant), { variant });
        const [output] = await runHostRunner(runner, [input]);
        expect(hex(output), variant).toBe(expected);
      }
      const runner = await buildHostRunner(whole, join(directory, 'whole'), { variant: 'dsp' });
      expect(hex((await runHostRunner(runner, [input]))[0])).toBe(expected);
    });
  });
});
