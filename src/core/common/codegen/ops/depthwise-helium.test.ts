/**
 * Which DSP depthwise entries (td_depthwise_conv2d_s8_paired, _lines, _columns) a Helium build calls: those a DSP
 * build calls, but for the layers the Helium file's own loop runs in full and measured faster on the Cortex-M55
 * (depthwiseHeliumLoop): the bench/shapes seeds of bench/helium/entries.ts whose figures decided it, each side of it.
 */
import { describe, expect, it } from 'vitest';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';
import { generateModel } from '../index.js';
import { depthwiseHeliumLoop } from './conv.js';

/** The depthwise kernel function a seed's model calls. */
function depthwiseCall(seed: number, helium: boolean): string {
  const { source } = generateModel(randomShapeCase(seed).graph, { dsp: true, helium });
  const calls = [...new Set(source.match(/\btd_depthwise_conv2d_s8[a-z0-9_]*(?=\()/g) ?? [])];
  expect(calls, `seed ${seed}`).toHaveLength(1);
  return calls[0]!;
}

describe('the DSP depthwise entries in Helium builds', () => {
  it('keeps the Helium loop where it runs every channel and measured faster: windows over nine taps, outputs of fewer than three rows', () => {
    for (const [seed, dsp] of [
      [205, 'td_depthwise_conv2d_s8_paired'], // 5x5 over one pixel of 72 channels
      [975, 'td_depthwise_conv2d_s8_paired'], // 8x10, 48 channels
      [755, 'td_depthwise_conv2d_s8_columns'], // 7x1 stride 2 to one row of 32
      [164, 'td_depthwise_conv2d_s8_columns'], // 7x1 stride 2 to two rows of 48
    ] as const) {
      expect(depthwiseCall(seed, false), `seed ${seed}`).toBe(dsp);
      expect(depthwiseCall(seed, true), `seed ${seed}`).toBe('td_depthwise_conv2d_s8');
    }
  });

  it('calls the DSP build entry everywhere else', () => {
    for (const seed of [
      14, // columns with multiplier 8 (the DSP kernel's blocks in the Helium file)
      45, // lines over two channels
      75, // columns over 31 channels (the Helium loop's last seven one at a time)
      54, // paired over 17 channels (outputs 3x1)
      125, // lines over five channels
      224, // lines with multiplier 3
      475, // columns (one pixel wide), 3x3 stride 2 over 64 channels
      564, // columns (one pixel wide), 3x3 stride 2 over 24 channels
      695, // columns to ten rows of 16 channels
      915, // columns to three rows of 48 channels
    ]) {
      const dsp = depthwiseCall(seed, false);
      expect(dsp, `seed ${seed}`).not.toBe('td_depthwise_conv2d_s8');
      expect(depthwiseCall(seed, true), `seed ${seed}`).toBe(dsp);
    }
  });
});

describe('depthwiseHeliumLoop', () => {
  const geometry = (stride: number, depthMultiplier = 1) => ({ strideHeight: stride, strideWidth: stride, depthMultiplier });
  it('takes multiplier 1 over channels in blocks of eight, windows over nine taps or stride 2 over at most 64 channels', () => {
    expect(depthwiseHeliumLoop(geometry(1), [1, 5, 5, 72])).toBe(true);
    expect(depthwiseHeliumLoop(geometry(2), [1, 3, 3, 64])).toBe(true);
    expect(depthwiseHeliumLoop(geometry(2), [1, 3, 3, 72])).toBe(false);
    expect(depthwiseHeliumLoop(geometry(1), [1, 3, 3, 64])).toBe(false);
    expect(depthwiseHeliumLoop(geometry(2), [1, 5, 1, 31])).toBe(false);
    expect(depthwiseHeliumLoop(geometry(1, 2), [1, 5, 5, 16])).toBe(false);
  });
});
