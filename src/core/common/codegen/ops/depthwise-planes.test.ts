import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/types.js';
import { generateModel } from '../index.js';
import { depthwiseConv2dS8PlanesBufferSize } from '../kernel-buffers.js';
import { depthwisePlanes } from './conv.js';

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
const depthwiseCalls = (code: string) => [...code.matchAll(/td_depthwise_conv2d_s8\w*(?=\()/g)].map((match) => match[0]).filter((name) => !name.endsWith('_get_buffer_size'));

/** Two depthwise ops in a row: 3x3 stride 1, then one of stride `secondStride` (2 or 1), both `width` wide. */
function twoDepthwiseGraph(secondStride: number, width = 36, secondKernel: [number, number] = [3, 3]): Graph {
  const first = depthwiseGraph({ width, channels: 8 });
  const second = depthwiseGraph({ width, channels: 8, stride: secondStride, kernel: secondKernel });
  const shift = (id: number) => id + 3;
  return {
    ...first,
    tensors: [
      ...first.tensors,
      ...second.tensors.slice(1).map((tensor) => ({ ...tensor, id: shift(tensor.id), name: `${tensor.name}2` })),
    ],
    ops: [...first.ops, { ...second.ops[0], inputs: [3, shift(1), shift(2)], outputs: [shift(3)] }],
    outputs: [shift(3)],
  };
}

describe('DEPTHWISE_CONV_2D lowering: the channel planes', () => {
  it('takes 3x3 stride 1 with a multiple of four channels and the full int8 range (DSP), at any width', () => {
    const geometry = { strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, depthMultiplier: 1 };
    expect(depthwisePlanes(geometry, [1, 24, 24, 8], [1, 3, 3, 8], { min: -128, max: 127 })).toBe(true);
    expect(depthwisePlanes(geometry, [1, 24, 24, 6], [1, 3, 3, 6], { min: -128, max: 127 })).toBe(false);
    expect(depthwisePlanes(geometry, [1, 24, 24, 8], [1, 3, 3, 8], { min: -128, max: 126 })).toBe(false);
    // Rows of at least depthwisePlanesMinLength; 25x5 (run along its height, the whole plane) not yet: its scratch.
    expect(depthwisePlanes(geometry, [1, 25, 5, 64], [1, 3, 3, 64], { min: -128, max: 127 })).toBe(false);
    expect(depthwisePlanes(geometry, [1, 25, 6, 64], [1, 3, 3, 64], { min: -128, max: 127 })).toBe(false);
    expect(depthwisePlanes(geometry, [1, 6, 6, 128], [1, 3, 3, 128], { min: -128, max: 127 })).toBe(false);
    expect(depthwisePlanes(geometry, [1, 12, 12, 64], [1, 3, 3, 64], { min: -128, max: 127 })).toBe(true);
    // (Widths td_depthwise_conv2d_s8_wide does not take: it runs rows of whole steps of six up to 30, depthwise-wide.ts.)
    for (const config of [{ width: 36, channels: 8 }, { width: 14, channels: 4 }, { width: 21, channels: 8, padding: 'valid' as const }]) {
      const model = generateModel(depthwiseGraph(config), { dsp: true });
      expect(depthwiseCall(model.source), JSON.stringify(config)).toBe('td_depthwise_conv2d_s8_planes');
      // The planes alone: what they do not take runs the portable loop inside them.
      expect(model.kernels).toContain('td_depthwise_conv2d_s8_planes');
      expect(model.kernels).not.toContain('td_depthwise_conv2d_s8');
      expect(model.source).toContain(`${depthwiseConv2dS8PlanesBufferSize(true, [1, 5, config.width, config.channels], [1, 3, 3, config.channels])}`);
    }
  });

  it('leaves the planes out for other channel counts, stride 2, other windows, multipliers, clamps, portable and Helium builds', () => {
    const cases: [string, DepthwiseCase, { dsp: boolean; helium?: boolean }?][] = [
      ['7 channels', { width: 24, channels: 7 }],
      ['6 pixels', { width: 6, channels: 8 }],
      ['6 channels', { width: 24, channels: 6 }],
      ['stride 2', { width: 48, channels: 8, stride: 2 }],
      ['5x5 (rows too wide for td_depthwise_conv2d_s8_wide)', { width: 30, channels: 8, kernel: [5, 5] }],
      ['multiplier 2 (rows too wide for td_depthwise_conv2d_s8_wide)', { width: 31, channels: 4, multiplier: 2 }],
      ['ReLU above the output zero point', { width: 24, channels: 8, activation: 'relu', outputZeroPoint: 5 }],
      ['portable build', { width: 24, channels: 8 }, { dsp: false }],
      ['Helium build', { width: 24, channels: 8 }, { dsp: true, helium: true }],
    ];
    for (const [label, config, options = { dsp: true }] of cases) {
      const model = generateModel(depthwiseGraph(config), options);
      expect(depthwiseCall(model.source), label).not.toBe('td_depthwise_conv2d_s8_planes');
      expect(model.kernels, label).not.toContain('td_depthwise_conv2d_s8_planes');
    }
  });

  it('links one depthwise kernel per model: a 3x3 stride-1 layer beside one the planes (or the wide kernel) do not take stays on td_depthwise_conv2d_s8 (its entry for 3x3 windows)', () => {
    expect(depthwiseCalls(generateModel(twoDepthwiseGraph(2), { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_3x3', 'td_depthwise_conv2d_s8_3x3']);
    expect(depthwiseCalls(generateModel(twoDepthwiseGraph(1), { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_planes', 'td_depthwise_conv2d_s8_planes']);
    // The same for td_depthwise_conv2d_s8_wide's 3x3 loop (24 wide: four steps of six) beside a stride-3 layer.
    expect(depthwiseCalls(generateModel(twoDepthwiseGraph(3, 24), { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_3x3', 'td_depthwise_conv2d_s8_3x3']);
    expect(depthwiseCalls(generateModel(twoDepthwiseGraph(1, 24), { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_wide_packed', 'td_depthwise_conv2d_s8_wide_packed']);
    // A stride-2 layer of 12 outputs a row runs the wide kernel's stride-2 loop: both layers take that kernel.
    expect(depthwiseCalls(generateModel(twoDepthwiseGraph(2, 24), { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_wide_packed', 'td_depthwise_conv2d_s8_wide_packed']);
  });

  it("gives a model whose depthwise layers are all 3x3 the blocks' entry for 3x3 windows, any other the whole kernel", () => {
    const allThreeByThree = generateModel(twoDepthwiseGraph(2), { dsp: true });
    expect(allThreeByThree.kernels).toEqual(['td_depthwise_conv2d_s8']);
    expect(depthwiseCalls(allThreeByThree.source)).toEqual(['td_depthwise_conv2d_s8_3x3', 'td_depthwise_conv2d_s8_3x3']);
    // A 5x5 layer beside a 3x3 one: both through td_depthwise_conv2d_s8, the model links its blocks for any window anyway.
    expect(depthwiseCalls(generateModel(twoDepthwiseGraph(3, 36, [5, 5]), { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8', 'td_depthwise_conv2d_s8']);
    // Helium builds (whose file runs some 3x3 layers in td_depthwise_conv2d_s8), speed (each layer its fastest kernel)
    // and portable builds keep the whole kernel.
    for (const options of [{ dsp: true, helium: true }, { dsp: true, optimize: 'speed' as const }, { dsp: false }]) {
      expect(depthwiseCalls(generateModel(twoDepthwiseGraph(2), options).source), JSON.stringify(options)).not.toContain('td_depthwise_conv2d_s8_3x3');
    }
  });

  it('sizes the planes scratch as the C kernel does', () => {
    // Four planes of ceil(W / 4) + 2 groups of 36 bytes, 12 records of 52 bytes.
    expect(depthwiseConv2dS8PlanesBufferSize(true, [1, 48, 48, 8], [1, 3, 3, 8])).toBe(4 * 36 * 14 + 12 * 52);
    expect(depthwiseConv2dS8PlanesBufferSize(true, [1, 5, 5, 256], [1, 3, 3, 256])).toBe(4 * 36 * 4 + 12 * 52);
    expect(depthwiseConv2dS8PlanesBufferSize(true, [1, 25, 5, 64], [1, 3, 3, 64])).toBe(4 * 36 * 4 + 12 * 52);
    expect(depthwiseConv2dS8PlanesBufferSize(false, [1, 48, 48, 8], [1, 3, 3, 8])).toBe(0);
  });

});
