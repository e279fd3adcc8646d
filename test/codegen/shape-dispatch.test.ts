/**
 * The kernel paths chosen per shape at generation time (a depthwise convolution of one input
 * channel run as a convolution, small patches (3x3 or 5x5 of one channel, 3x3 of three, 1x1 over eight) through td_conv2d_s8_small, depth multipliers above 1, pooling, PAD, fully connected with the
 * input offset folded into the bias and its weights packed for the DSP loop (two rows per halfword), ADD and MUL
 * requantized with SMMLAR, int8 logistic/tanh and LEAKY_RELU as 256-byte tables, softmax with a table of exponentials, QUANTIZE as a table or a
 * sign flip) give TFLite Micro's bytes: the single-op models of
 * ../shared/baseline/ops/ (with TFLite Micro's output for a seeded input), generated, compiled
 * for the host with the portable kernels and with the DSP kernels (their host emulation), equal
 * TFLite Micro's `.out.bin` and the interpreter. bench/kernels measures the same models on the
 * emulated board.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf, dataFromBytes, tensorBytes } from '../../src/core/common/ir/tensor.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildHostRunner, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { requireTools } from '../testing/tools.js';
import { sharedPath } from '../testing/shared-data.js';
import { missingHostCompiler, withTemporaryDirectory } from './testing/codegen.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const opsFile = (name: string) => new Uint8Array(readFileSync(sharedPath('baseline/ops', name)));

/** Each model and the kernel the DSP build must give its shape (what the dispatch chose), and the entry point it calls where a kernel has several. */
const cases: { model: string; kernel: string; call?: string }[] = [
  { model: 'dw_10x8_s2_49x40x1_dm8_same', kernel: 'td_conv2d_s8' },
  { model: 'dw_10x8_s1_49x40x1_dm8_valid', kernel: 'td_conv2d_s8' },
  { model: 'dw_3x3_s1_24x24x1_dm8_same', kernel: 'td_conv2d_s8_small', call: 'td_conv2d_s8_small_3x3' },
  { model: 'dw_3x3_s1_12x12x8_dm2_same', kernel: 'td_depthwise_conv2d_s8_wide' },
  { model: 'dw_5x5_s1_24x24x32_same', kernel: 'td_depthwise_conv2d_s8_wide' },
  { model: 'dw_5x5_s1_12x12x64_valid', kernel: 'td_depthwise_conv2d_s8_wide' },
  { model: 'dw_5x5_s2_12x12x64_same', kernel: 'td_depthwise_conv2d_s8_wide' },
  { model: 'dw_10x8_s1_25x20x8_same', kernel: 'td_depthwise_conv2d_s8' },
  { model: 'dw_3x3_s1_48x48x8_same', kernel: 'td_depthwise_conv2d_s8_planes' },
  { model: 'dw_3x3_s1_12x12x64_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_packed' },
  { model: 'dw_3x3_s1_24x24x32_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_packed' },
  { model: 'dw_3x3_s1_25x5x64_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_rows5_compact' },
  { model: 'dw_3x3_s1_6x6x128_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_packed' },
  { model: 'dw_3x3_s1_5x5x256_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_rows5' },
  { model: 'dw_3x3_s2_24x24x64_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_packed' },
  { model: 'dw_3x3_s2_12x12x128_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_packed' },
  { model: 'dw_3x3_s2_48x48x16_same', kernel: 'td_depthwise_conv2d_s8_wide', call: 'td_depthwise_conv2d_s8_wide_packed' },
  { model: 'conv_3x3_s1_24x24x1_to_8_same', kernel: 'td_conv2d_s8_small', call: 'td_conv2d_s8_small_3x3' },
  { model: 'conv_3x3_s2_48x48x1_to_8_valid', kernel: 'td_conv2d_s8_small', call: 'td_conv2d_s8_small_3x3' },
  { model: 'conv_5x5_s1_24x24x1_to_8_same', kernel: 'td_conv2d_s8_small', call: 'td_conv2d_s8_small_patch' },
  { model: 'conv_1x1_s1_48x48x8_to_16_same', kernel: 'td_conv2d_s8_small', call: 'td_conv2d_s8_small_1x1x8' },
  { model: 'conv_1x1_s1_24x24x16_to_32_valid', kernel: 'td_conv2d_s8' },
  { model: 'conv_3x3_s2_48x48x3_to_8_same', kernel: 'td_conv2d_s8_small', call: 'td_conv2d_s8_small_patch' },
  { model: 'conv_5x5_s1_32x32x3_to_8_valid', kernel: 'td_conv2d_s8' },
  { model: 'conv_10x4_s1_49x10x1_to_64_valid', kernel: 'td_conv2d_s8' },
  { model: 'quantize_uint8_to_int8_96x96x1', kernel: 'td_flip_sign_8' },
  { model: 'quantize_uint8_to_int8_49x10x1', kernel: 'td_flip_sign_8' },
  { model: 'quantize_int8_to_int8_16x16x32', kernel: 'td_lookup_8' },
  { model: 'avgpool_2x2_s2_16x16x32_valid', kernel: 'td_avgpool_s8' },
  { model: 'avgpool_25x5_s1_25x5x64_valid', kernel: 'td_avgpool_s8' },
  { model: 'maxpool_3x3_s2_24x24x16_same', kernel: 'td_maxpool_s8' },
  { model: 'pad_48x48x3_p2', kernel: 'td_pad_s8' },
  { model: 'pad_16x16x16_p1', kernel: 'td_pad_s8' },
  { model: 'fc_640x128', kernel: 'td_fully_connected_s8_paired', call: 'td_fully_connected_s8_paired' },
  { model: 'fc_64x10_nobias', kernel: 'td_fully_connected_s8_paired', call: 'td_fully_connected_s8_paired_short' },
  { model: 'fc_128x640', kernel: 'td_fully_connected_s8_paired', call: 'td_fully_connected_s8_paired_short' },
  { model: 'fc_1960x4', kernel: 'td_fully_connected_s8_paired', call: 'td_fully_connected_s8_paired' },
  { model: 'leaky_relu_16x16x32', kernel: 'td_lookup_8' },
  { model: 'transpose_16x16x32_perm0312', kernel: 'td_transpose' },
  { model: 'concat_16x16x16_16x16x8', kernel: 'td_concatenation_s8' },
  { model: 'add_16x16x32', kernel: 'td_add_s8' },
  { model: 'mul_16x16x32', kernel: 'td_mul_s8' },
  { model: 'logistic_16x16x8', kernel: 'td_lookup_8' },
  { model: 'logistic_257', kernel: 'td_lookup_8' },
  { model: 'tanh_256', kernel: 'td_lookup_8' },
  { model: 'softmax_10', kernel: 'td_softmax_s8' },
  { model: 'softmax_1000', kernel: 'td_softmax_s8' },
];

describe('kernel dispatch by shape: bit-exact with TFLite Micro and the interpreter', () => {
  requireTools(missingHostCompiler);
  for (const { model: name, kernel, call } of cases) {
    it(`${name}: the DSP build runs ${kernel}; portable and DSP kernels equal TFLite Micro`, async () => {
      const graph = await loadModelFile(sharedPath('baseline/ops', `${name}.tflite`));
      const models = { portable: generateModel(graph, { modelName: name, dsp: false }), dsp: generateModel(graph, { modelName: name, dsp: true }) };
      expect(models.dsp.kernels).toContain(kernel);
      if (call) expect(models.dsp.source).toMatch(new RegExp(`${call}(_full)?\\(`));
      const input = opsFile(`${name}.input.bin`);
      const expected = opsFile(`${name}.out.bin`);
      const inputs: Uint8Array[] = [];
      let offset = 0;
      for (const id of graph.inputs) {
        const size = tensorBytes(graph.tensors[id]!);
        inputs.push(input.slice(offset, offset + size));
        offset += size;
      }
      const interpreted = new Interpreter(graph).run(inputs.map((bytes, i) => dataFromBytes(graph.tensors[graph.inputs[i]!]!.dtype, bytes))).outputs[0]!;
      expect(hex(bytesOf(interpreted)), 'interpreter').toBe(hex(expected));
      await withTemporaryDirectory(`dispatch-${name}`, async (directory) => {
        for (const variant of ['portable', 'dsp'] as const) {
          const runner = await buildHostRunner(models[variant], join(directory, variant), { variant });
          const [output] = await runHostRunner(runner, inputs);
          expect(hex(output!), `${variant} kernels`).toBe(hex(expected));
        }
      });
    });
  }
});
