/**
 * Seeded random single-op int8 models (testing/random-shapes.ts: convolutions, depthwise
 * convolutions, fully connected layers and pooling over kernel sizes, strides, dilations,
 * channel counts, depths, zero points and clamps that the kernel dispatch tells apart) give the
 * interpreter's bytes with the generated C on the host (portable kernels and the DSP kernels'
 * host emulation) and on the virtual Cortex-M4F (QEMU, the DSP kernels' assembly). bench/shapes
 * runs the same generator over hundreds of seeds.
 */
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { runHostC, runInterpreter, runVirtualM4f } from '../corpus/testing/run-everywhere.js';
import { requireTools } from '../testing/tools.js';
import { missingArmToolchain, missingHostCompiler, missingQemu } from './testing/codegen.js';
import { randomShapeCase } from './testing/random-shapes.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * Kernels the DSP build picks only for narrow families of shapes (the depthwise pair kernels, the small-patch
 * convolution, and td_depthwise_conv2d_s8_wide's own entries for rows of five): beyond the first 20 seeds, the first
 * seed that reaches each runs too, so every run covers them.
 */
const narrowKernels = ['td_depthwise_conv2d_s8_wide', 'td_depthwise_conv2d_s8_wide_rows5', 'td_depthwise_conv2d_s8_wide_rows5_compact', 'td_depthwise_conv2d_s8_planes', 'td_conv2d_s8_small'];

/** The kernels a seed's DSP build links, with the narrow entry points its code calls (an entry is no file of its own). */
function reached(seed: number): string[] {
  const model = generateModel(randomShapeCase(seed).graph, { dsp: true });
  return [...model.kernels, ...narrowKernels.filter((kernel) => model.source.includes(`${kernel}(`))];
}

/** Seeds 1-20, then for each of `narrowKernels` the first later seed (up to 2,000) whose DSP build links or calls it. */
function seeds(): number[] {
  const chosen = Array.from({ length: 20 }, (_, i) => i + 1);
  const covered = new Set<string>();
  for (const seed of chosen) for (const kernel of reached(seed)) covered.add(kernel);
  for (let seed = 21; seed <= 2000 && narrowKernels.some((kernel) => !covered.has(kernel)); seed++) {
    const kernels = reached(seed);
    if (!kernels.some((kernel) => narrowKernels.includes(kernel) && !covered.has(kernel))) continue;
    chosen.push(seed);
    for (const kernel of kernels) covered.add(kernel);
  }
  const missing = narrowKernels.filter((kernel) => !covered.has(kernel));
  if (missing.length > 0) throw new Error(`no random shape up to seed 2000 reaches ${missing.join(', ')}`);
  return chosen;
}

describe('random shapes: interpreter, host C and virtual-m4f agree byte for byte', () => {
  requireTools(missingHostCompiler);
  requireTools(missingArmToolchain);
  requireTools(missingQemu);
  for (const seed of seeds()) {
    const { name, graph, input } = randomShapeCase(seed);
    it(name, { timeout: 180_000 }, async () => {
      const [expected] = runInterpreter(graph, [input]);
      const host = await runHostC(graph, [input], `random-${seed}`);
      expect(hex(host.portable[0]!), 'host, portable kernels').toBe(hex(expected!));
      expect(hex(host.dsp[0]!), 'host, DSP kernels (emulated)').toBe(hex(expected!));
      const board = await runVirtualM4f(graph, [input], `random-${seed}`);
      expect(board.status, 'board status').toBe(0);
      expect(hex(board.outputs[0]!), 'virtual-m4f, DSP kernels').toBe(hex(expected!));
    });
  }
});
