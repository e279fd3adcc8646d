/**
 * Optimizing for speed changes kernels, never bytes: a model whose three depthwise layers each take
 * a different kernel (mixed-depthwise.ts) runs on virtual-m4f built for size (one depthwise kernel
 * linked, td_depthwise_conv2d_s8) and for speed (the channel planes, the blocks and the wide kernel's
 * 3x3 loop), and both give the host interpreter's bytes; the speed build runs fewer instructions and
 * links more code.
 */
import { describe, expect, it } from 'vitest';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { virtualBoardTestsUnavailable } from '../../src/core/node/devices/qemu/testing/qemu.js';
import { requireTools } from '../testing/tools.js';
import { mixedDepthwiseGraph } from './testing/mixed-depthwise.js';

describe('optimize for size or speed on virtual-m4f', () => {
  requireTools(virtualBoardTestsUnavailable());
  it('a model with mixed depthwise layers is bit-exact both ways, faster for speed, with more kernel code', async () => {
    const graph = mixedDepthwiseGraph();
    const deploy = (optimize: 'size' | 'speed') => deployGraph(graph, { board: virtualM4f, name: `mixed_${optimize}`, hash: `sha256:mixed-${optimize}`, runs: 2, estimate: false, optimize });
    const size = await deploy('size');
    const speed = await deploy('speed');
    for (const result of [size, speed]) {
      expect(result.bitExact, result.optimize).toBe(true);
      expect(result.runsIdentical, result.optimize).toBe(true);
    }
    expect(size.optimize).toBe('size');
    expect(speed.optimize).toBe('speed');
    expect(size.kernels).toEqual(['td_depthwise_conv2d_s8']);
    expect(speed.kernels).toEqual(['td_depthwise_conv2d_s8', 'td_depthwise_conv2d_s8_planes', 'td_depthwise_conv2d_s8_wide']);
    // The same seeded input, so the same bytes out.
    expect(Buffer.from(speed.outputBytes[0]!).equals(Buffer.from(size.outputBytes[0]!))).toBe(true);
    expect(speed.latency.value).toBeLessThan(size.latency.value);
    expect(speed.build.flashParts.kernels).toBeGreaterThan(size.build.flashParts.kernels);
    console.info(
      `mixed depthwise on virtual-m4f: size ${size.latency.value} instructions, kernels ${size.build.flashParts.kernels} B; ` +
        `speed ${speed.latency.value} instructions, kernels ${speed.build.flashParts.kernels} B`,
    );
  }, 240_000);
});
