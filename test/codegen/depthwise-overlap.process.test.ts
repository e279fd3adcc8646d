/**
 * A DSP depthwise convolution whose output the memory plan puts over its input at an offset that
 * is not a whole number of pixels (a stride-2, 'same' 14x14x24 layer: the output is a quarter of
 * the input) gives the interpreter's bytes: the kernel's channel blocks would otherwise overwrite
 * input channels a later block still reads, so it keeps the plan's pixel order there. The same
 * layer at stride 1, and one with depth multiplier 2 (which reads a copy of its input), too.
 * Compiled for the host with the portable kernels and with the DSP kernels (host emulation: the
 * block order is the C code's).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { bytesOf, dataFromBytes } from '../../src/core/common/ir/tensor.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { buildHostRunner, runHostRunner } from '../../src/core/node/toolchain/index.js';
import { OpModel, randomData, seeded } from '../corpus/testing/op-models.js';
import { requireTools } from '../testing/tools.js';
import { missingHostCompiler, withTemporaryDirectory } from './testing/codegen.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** One int8 DEPTHWISE_CONV_2D, 3x3 SAME, per-channel filter scales, seeded data. */
function depthwiseGraph(size: number, channels: number, stride: number, multiplier: number, seed: number): Graph {
  const m = new OpModel(seeded(seed));
  const outputChannels = channels * multiplier;
  const x = m.input('int8', [1, size, size, channels], [0.05, 5]);
  const scales = Array.from({ length: outputChannels }, (_, k) => 0.002 + (0.01 * ((k * 7) % 13)) / 13);
  const filter = m.tensor('int8', [1, 3, 3, outputChannels], undefined, randomData('int8', 9 * outputChannels, m.random));
  m.tensors[filter]!.quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis: 3 };
  const bias = m.tensor('int32', [outputChannels], undefined, Int32Array.from({ length: outputChannels }, () => Math.floor(m.random() * 4000) - 2000));
  m.tensors[bias]!.quantization = { scale: scales.map((scale) => scale * 0.05), zeroPoint: scales.map(() => 0), axis: 0 };
  const out = Math.ceil(size / stride);
  const y = m.tensor('int8', [1, out, out, outputChannels], [0.08, -3]);
  m.op('DEPTHWISE_CONV_2D', { padding: 'same', strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: multiplier }, [x, filter, bias], [y]);
  return m.graph(`dw_${size}x${size}x${channels}_s${stride}_dm${multiplier}`);
}

const cases = [
  { size: 14, channels: 24, stride: 2, multiplier: 1 },
  { size: 13, channels: 20, stride: 2, multiplier: 1 },
  { size: 14, channels: 24, stride: 1, multiplier: 1 },
  { size: 12, channels: 8, stride: 1, multiplier: 2 },
];

describe('DSP depthwise convolution with its output over its input', () => {
  requireTools(missingHostCompiler);
  for (const [index, { size, channels, stride, multiplier }] of cases.entries()) {
    it(`${size}x${size}x${channels} stride ${stride} multiplier ${multiplier}: portable and DSP kernels equal the interpreter`, async () => {
      const graph = depthwiseGraph(size, channels, stride, multiplier, 100 + index);
      const random = seeded(200 + index);
      const input = bytesOf(randomData('int8', size * size * channels, random));
      const expected = bytesOf(new Interpreter(graph).run([dataFromBytes('int8', input)]).outputs[0]!);
      await withTemporaryDirectory(`dw-overlap-${index}`, async (directory) => {
        for (const dsp of [false, true]) {
          const model = generateModel(graph, { modelName: graph.name, dsp });
          const variant = dsp ? 'dsp' : 'portable';
          const runner = await buildHostRunner(model, join(directory, variant), { variant });
          const [output] = await runHostRunner(runner, [input]);
          expect(hex(output!), `${variant} kernels`).toBe(hex(expected));
        }
      });
    });
  }
});
