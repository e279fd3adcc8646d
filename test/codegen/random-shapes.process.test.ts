/**
 * Seeded random single-op int8 models (testing/random-shapes.ts: convolutions, depthwise
 * convolutions, fully connected layers and pooling over kernel sizes, strides, dilations,
 * channel counts, depths, zero points and clamps that the kernel dispatch tells apart) give the
 * interpreter's bytes with the generated C on the host (portable kernels and the DSP kernels'
 * host emulation) and on the virtual Cortex-M4F (QEMU, the DSP kernels' assembly). bench/shapes
 * runs the same generator over hundreds of seeds.
 */
import { describe, expect, it } from 'vitest';
import { runHostC, runInterpreter, runVirtualM4f } from '../corpus/testing/run-everywhere.js';
import { requireTools } from '../testing/tools.js';
import { missingArmToolchain, missingHostCompiler, missingQemu } from './testing/codegen.js';
import { randomShapeCase } from './testing/random-shapes.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('random shapes: interpreter, host C and virtual-m4f agree byte for byte', () => {
  requireTools(missingHostCompiler);
  requireTools(missingArmToolchain);
  requireTools(missingQemu);
  for (let seed = 1; seed <= 20; seed++) {
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
