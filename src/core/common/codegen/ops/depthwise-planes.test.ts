import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/types.js';
import { generateModel } from '../index.js';
import { depthwiseConv2dS8BufferSize, depthwiseConv2dS8PlanesBufferSize } from '../kernel-buffers.js';
import { depthwisePlanes, depthwisePlanesChosen } from './conv.js';

interface DepthwiseCase {
  width: number;
  channels: number;
  multiplier?: number;
  kernel?: [number, number];
  stride?: number;
  padding?: 'same' | 'valid';
  activation?: 'none' | 'relu' | 'relu6';
  outputZeroPoint?: number;
}

/** A one-op int8 depthwise graph (per-channel filter scales, 5 input rows). */
function depthwiseGraph({ width, channels, multiplier = 1, kernel = [3, 3], stride = 1, padding = 'same', activation = 'none', outputZeroPoint = -2 }: DepthwiseCase): Graph {
  const outChannels = channels * multiplier;
  const outSize = (size: number, k: number) => (padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - k) / stride) + 1);
  const q = (scale: number[], zeroPoint: number, axis = 0) => ({ scale, zeroPoint: scale.map(() => zeroPoint), axis });
  const filterScales = Array.from({ length: outChannels }, (_, c) => 0.01 + c * 0.001);
  return {
    name: 'dw',
    tensors: [
      { id: 0, name: 'input', shape: [1, 5, width, channels], dtype: 'int8', quantization: q([0.5], 3) },
      { id: 1, name: 'filter', shape: [1, kernel[0], kernel[1], outChannels], dtype: 'int8', data: Int8Array.from({ length: kernel[0] * kernel[1] * outChannels }, (_, i) => ((i * 37) % 255) - 127), quantization: q(filterScales, 0, 3) },
      { id: 2, name: 'bias', shape: [outChannels], dtype: 'int32', data: Int32Array.from({ length: outChannels }, (_, i) => i * 10 - 7), quantization: q(filterScales.map((s) => s * 0.5), 0) },
      { id: 3, name: 'output', shape: [1, outSize(5, kernel[0]), outSize(width, kernel[1]), outChannels], dtype: 'int8', quantization: q([0.75], outputZeroPoint) },
    ],
    ops: [
      {
        type: 'DEPTHWISE_CONV_2D',
        inputs: [0, 1, 2],
        outputs: [3],
        attrs: { padding, strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, depthMultiplier: multiplier, activation },
      },
    ],
    inputs: [0],
    outputs: [3],
  };
}

const depthwiseCall = (code: string) => /td_depthwise_conv2d_s8\w*(?=\()/.exec(code)?.[0];

describe('DEPTHWISE_CONV_2D lowering: the channel planes', () => {
  it('takes 3x3 stride 1 over rows of 20 or more pixels, an even channel count and the full int8 range (DSP), calling the planes kernel when they are chosen', () => {
    const geometry = { strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, depthMultiplier: 1 };
    expect(depthwisePlanes(geometry, [1, 3, 3, 8], [1, 5, 24, 8], { min: -128, max: 127 })).toBe(true);
    expect(depthwisePlanes(geometry, [1, 3, 3, 8], [1, 5, 19, 8], { min: -128, max: 127 })).toBe(false);
    expect(depthwisePlanes(geometry, [1, 3, 3, 8], [1, 5, 24, 8], { min: -128, max: 126 })).toBe(false);
    const model = generateModel(depthwiseGraph({ width: 24, channels: 8 }), { dsp: true });
    if (depthwisePlanesChosen) {
      expect(depthwiseCall(model.source)).toBe('td_depthwise_conv2d_s8_planes');
      // Both sources are linked (the planes kernel runs td_depthwise_conv2d_s8 for what it does not take).
      expect(model.kernels).toEqual(expect.arrayContaining(['td_depthwise_conv2d_s8_planes', 'td_depthwise_conv2d_s8']));
      expect(model.source).toContain(`${depthwiseConv2dS8PlanesBufferSize(true, [1, 5, 24, 8], [1, 3, 3, 8])}`);
    } else {
      expect(depthwiseCall(model.source)).toBe('td_depthwise_conv2d_s8');
      expect(model.kernels).not.toContain('td_depthwise_conv2d_s8_planes');
    }
  });

  it('keeps td_depthwise_conv2d_s8 for narrow rows, odd channel counts, stride 2, other windows, multipliers, clamps and portable builds', () => {
    const cases: [string, DepthwiseCase, boolean?][] = [
      ['12 pixels', { width: 12, channels: 8 }],
      ['VALID 21 -> 19 pixels', { width: 21, channels: 8, padding: 'valid' }],
      ['7 channels', { width: 24, channels: 7 }],
      ['stride 2', { width: 48, channels: 8, stride: 2 }],
      ['5x5 (rows too wide for td_depthwise_conv2d_s8_wide)', { width: 30, channels: 8, kernel: [5, 5] }],
      ['multiplier 2 (rows too wide for td_depthwise_conv2d_s8_wide)', { width: 31, channels: 4, multiplier: 2 }],
      ['ReLU above the output zero point', { width: 24, channels: 8, activation: 'relu', outputZeroPoint: 5 }],
      ['portable build', { width: 24, channels: 8 }, false],
    ];
    for (const [label, config, dsp = true] of cases) {
      const model = generateModel(depthwiseGraph(config), { dsp });
      expect(depthwiseCall(model.source), label).toBe('td_depthwise_conv2d_s8');
      expect(model.kernels, label).not.toContain('td_depthwise_conv2d_s8_planes');
    }
  });

  it('sizes the planes scratch as the C kernel does: the larger of the blocks and the planes', () => {
    // Two planes of ceil(W / 4) + 2 groups of 9 words, 20 tap words, two 48-byte jobs.
    expect(depthwiseConv2dS8PlanesBufferSize(true, [1, 5, 48, 8], [1, 3, 3, 8])).toBe(Math.max(depthwiseConv2dS8BufferSize(true, [1, 5, 48, 8], [1, 3, 3, 8]), (18 * 14 + 20) * 4 + 96));
    expect(depthwiseConv2dS8PlanesBufferSize(true, [1, 5, 20, 8], [1, 3, 3, 8])).toBe((18 * 7 + 20) * 4 + 96);
    expect(depthwiseConv2dS8PlanesBufferSize(false, [1, 5, 48, 8], [1, 3, 3, 8])).toBe(0);
  });
});
