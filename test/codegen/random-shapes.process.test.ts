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

/** Loops of those kernels that few shapes reach, by the case's name and what its DSP build reaches. */
const narrowPaths: { name: string; reaches: (name: string, kernels: readonly string[]) => boolean }[] = [
  { name: 'td_depthwise_conv2d_s8_wide at 3x3 stride 2', reaches: (name, kernels) => /^\d+_dw_3x3_s2_/.test(name) && kernels.includes('td_depthwise_conv2d_s8_wide') },
];

/** The kernels a seed's DSP build links, with the narrow entry points its code calls (an entry is no file of its own). */
function reached(seed: number): { name: string; kernels: string[] } {
  const { name, graph } = randomShapeCase(seed);
  const model = generateModel(graph, { dsp: true });
  return { name, kernels: [...model.kernels, ...narrowKernels.filter((kernel) => model.source.includes(`${kernel}(`))] };
}

/** Seeds 1-20, then for each of `narrowKernels` and `narrowPaths` the first later seed (up to 2,000) whose DSP build reaches it. */
function seeds(): number[] {
  const chosen = Array.from({ length: 20 }, (_, i) => i + 1);
  const covered = new Set<string>();
  const cover = (seed: number) => {
    const { name, kernels } = reached(seed);
    const targets = [...kernels.filter((kernel) => narrowKernels.includes(kernel)), ...narrowPaths.filter((path) => path.reaches(name, kernels)).map((path) => path.name)];
    const fresh = targets.some((target) => !covered.has(target));
    for (const target of targets) covered.add(target);
    return fresh;
  };
  const targets = [...narrowKernels, ...narrowPaths.map((path) => path.name)];
  for (const seed of chosen) cover(seed);
  for (let seed = 21; seed <= 2000 && targets.some((target) => !covered.has(target)); seed++) {
    if (cover(seed)) chosen.push(seed);
  }
  const missing = targets.filter((target) => !covered.has(target));
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
