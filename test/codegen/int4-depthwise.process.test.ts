/**
 * DEPTHWISE_CONV_2D with packed int4 weights in generated C (td_depthwise_conv2d_s8_int4):
 * - the generator's scratch size (depthwiseConv2dS8Int4BufferSize) equals the C
 *   get_buffer_size, portable and DSP (its channel blocks widen input rows into a ring);
 * - single-op models over the DSP kernel's paths give the interpreter's bytes on the host,
 *   portable and DSP (intrinsics emulated): whole and partial channel blocks, stride 2, 5x5,
 *   depth multipliers, an output the memory plan puts over its input (stride 1 and 2), and
 *   scales above one (left shifts: the per-pixel loop).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { depthwiseConv2dS8Int4BufferSize } from '../../src/core/common/codegen/ops/int4-weights.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf, dataFromBytes } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { buildHostRunner, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { OpModel, randomData, seeded } from '../corpus/testing/op-models.js';
import { requireTools } from '../testing/tools.js';
import { missingHostCompiler, withTemporaryDirectory } from './testing/codegen.js';
import { runWithKernels } from './testing/host-program.js';

type Dims = [number, number, number, number];
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

interface Shape {
  size: number;
  channels: number;
  kernel: number;
  stride: number;
  multiplier: number;
  /** Filter scale factor: large ones make the effective scales exceed one. */
  scale?: number;
}

/** One int8 DEPTHWISE_CONV_2D, SAME, per-channel filter scales, weights in [-8, 7] marked int4, seeded data. */
function int4DepthwiseGraph({ size, channels, kernel, stride, multiplier, scale = 1 }: Shape, seed: number): Graph {
  const m = new OpModel(seeded(seed));
  const outputChannels = channels * multiplier;
  const x = m.input('int8', [1, size, size, channels], [0.05, 5]);
  const scales = Array.from({ length: outputChannels }, (_, k) => scale * (0.03 + (0.15 * ((k * 7) % 13)) / 13));
  const taps = kernel * kernel * outputChannels;
  const weights = Int8Array.from({ length: taps }, () => Math.floor(m.random() * 16) - 8);
  const filter = m.tensor('int8', [1, kernel, kernel, outputChannels], undefined, weights);
  m.tensors[filter]!.quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis: 3 };
  m.tensors[filter]!.packing = 'int4';
  const bias = m.tensor('int32', [outputChannels], undefined, Int32Array.from({ length: outputChannels }, () => Math.floor(m.random() * 400) - 200));
  m.tensors[bias]!.quantization = { scale: scales.map((s) => s * 0.05), zeroPoint: scales.map(() => 0), axis: 0 };
  const out = Math.ceil(size / stride);
  const y = m.tensor('int8', [1, out, out, outputChannels], [0.08, -3]);
  m.op('DEPTHWISE_CONV_2D', { padding: 'same', strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: multiplier }, [x, filter, bias], [y]);
  return m.graph(`dw_int4_${size}x${size}x${channels}_k${kernel}_s${stride}_dm${multiplier}`);
}

const shapes: Shape[] = [
  { size: 14, channels: 24, kernel: 3, stride: 2, multiplier: 1 },
  { size: 13, channels: 20, kernel: 3, stride: 2, multiplier: 1 },
  { size: 14, channels: 24, kernel: 3, stride: 1, multiplier: 1 },
  { size: 9, channels: 7, kernel: 3, stride: 1, multiplier: 1 },
  { size: 10, channels: 11, kernel: 5, stride: 1, multiplier: 1 },
  { size: 12, channels: 8, kernel: 3, stride: 1, multiplier: 2 },
  { size: 9, channels: 3, kernel: 5, stride: 2, multiplier: 4 },
  { size: 8, channels: 8, kernel: 3, stride: 1, multiplier: 1, scale: 40 },
];

const bufferCases: { input: Dims; filter: Dims }[] = [
  { input: [1, 24, 24, 32], filter: [1, 3, 3, 32] },
  { input: [1, 12, 12, 8], filter: [1, 5, 5, 16] },
  { input: [1, 2, 2, 600], filter: [1, 3, 3, 600] },
  { input: [1, 49, 40, 16], filter: [1, 10, 8, 16] },
];

describe('int4 depthwise convolution in generated C', () => {
  requireTools(missingHostCompiler);

  for (const variant of ['portable', 'dsp'] as const) {
    it(`the generator's scratch size equals td_depthwise_conv2d_s8_int4_get_buffer_size() (${variant})`, async () => {
      const dims = ([n, h, w, c]: Dims) => `{${n}, ${h}, ${w}, ${c}}`;
      const source = [
        '#include <stdio.h>',
        '#include "td_kernels.h"',
        'int main(void) {',
        ...bufferCases.map(({ input, filter }) => `  { td_dims i = ${dims(input)}, f = ${dims(filter)}; printf("%d\\n", (int)td_depthwise_conv2d_s8_int4_get_buffer_size(&i, &f)); }`),
        '  return 0;',
        '}',
        '',
      ].join('\n');
      const lines = await runWithKernels(`int4-dw-buffers-${variant}`, ['td_depthwise_conv2d_s8_int4'], variant, source);
      expect(lines).toEqual(bufferCases.map(({ input, filter }) => String(depthwiseConv2dS8Int4BufferSize(variant === 'dsp', input, filter))));
    });
  }

  it('the DSP scratch holds the ring of widened rows (not only one sum per channel)', () => {
    // 3x3 over 24 columns: 72 bytes of taps, a 96-byte staging row, 3 rows of 26 positions of 8 bytes.
    expect(depthwiseConv2dS8Int4BufferSize(true, [1, 24, 24, 32], [1, 3, 3, 32])).toBe(72 + 96 + 624);
    expect(depthwiseConv2dS8Int4BufferSize(false, [1, 24, 24, 32], [1, 3, 3, 32])).toBe(128);
  });

  for (const [index, shape] of shapes.entries()) {
    const { size, channels, kernel, stride, multiplier, scale } = shape;
    it(`${size}x${size}x${channels} ${kernel}x${kernel} stride ${stride} multiplier ${multiplier}${scale ? ` scales x${scale}` : ''}: portable and DSP equal the interpreter`, async () => {
      const graph = int4DepthwiseGraph(shape, 300 + index);
      const input = bytesOf(randomData('int8', size * size * channels, seeded(400 + index)));
      const expected = bytesOf(new Interpreter(graph).run([dataFromBytes('int8', input)]).outputs[0]!);
      expect(new Set(expected).size, 'not a saturated output').toBeGreaterThan(8);
      await withTemporaryDirectory(`int4-dw-${index}`, async (directory) => {
        for (const dsp of [false, true]) {
          const model = generateModel(graph, { modelName: graph.name, dsp });
          expect(model.kernels).toContain('td_depthwise_conv2d_s8_int4');
          const variant = dsp ? 'dsp' : 'portable';
          const runner = await buildHostRunner(model, join(directory, variant), { variant });
          const [output] = await runHostRunner(runner, [input]);
          expect(hex(output!), `${variant} kernels`).toBe(hex(expected));
        }
      });
    });
  }
});
