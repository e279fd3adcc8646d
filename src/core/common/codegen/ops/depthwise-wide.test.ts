import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/types.js';
import { generateModel } from '../index.js';
import { depthwiseConv2dS8WideBufferSize, depthwiseConv2dS8WideRows5BufferSize } from '../kernel-buffers.js';
import { compactDepthwiseWideRows5, depthwiseWide, depthwiseWideBands, depthwiseWideBlocksFaster, depthwiseWideRequant, depthwiseWideRows5, depthwiseWideSingle3x3, depthwiseWideStride2x3x3, packDepthwiseWide } from './depthwise-wide.js';

interface DepthwiseCase {
  height?: number;
  width: number;
  channels: number;
  multiplier?: number;
  kernel?: [number, number];
  stride?: number;
  dilation?: number;
  padding?: 'same' | 'valid';
  activation?: 'none' | 'relu' | 'relu6';
  biasValue?: number;
}

/** A one-op int8 depthwise graph (per-channel filter scales). */
function depthwiseGraph({ height = 12, width, channels, multiplier = 1, kernel = [5, 5], stride = 1, dilation = 1, padding = 'same', activation = 'none', biasValue }: DepthwiseCase): Graph {
  const outChannels = channels * multiplier;
  const span = (k: number) => (k - 1) * dilation + 1;
  const outSize = (size: number, k: number) => (padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - span(k)) / stride) + 1);
  const q = (scale: number[], zeroPoint: number, axis = 0) => ({ scale, zeroPoint: scale.map(() => zeroPoint), axis });
  const filterScales = Array.from({ length: outChannels }, (_, c) => 0.01 + c * 0.001);
  return {
    name: 'dw',
    tensors: [
      { id: 0, name: 'input', shape: [1, height, width, channels], dtype: 'int8', quantization: q([0.5], 3) },
      { id: 1, name: 'filter', shape: [1, kernel[0], kernel[1], outChannels], dtype: 'int8', data: Int8Array.from({ length: kernel[0] * kernel[1] * outChannels }, (_, i) => ((i * 37) % 255) - 127), quantization: q(filterScales, 0, 3) },
      { id: 2, name: 'bias', shape: [outChannels], dtype: 'int32', data: Int32Array.from({ length: outChannels }, (_, i) => biasValue ?? i * 10 - 7), quantization: q(filterScales.map((s) => s * 0.5), 0) },
      { id: 3, name: 'output', shape: [1, outSize(height, kernel[0]), outSize(width, kernel[1]), outChannels], dtype: 'int8', quantization: q([0.75], -2) },
    ],
    ops: [
      {
        type: 'DEPTHWISE_CONV_2D',
        inputs: [0, 1, 2],
        outputs: [3],
        attrs: { padding, strideH: stride, strideW: stride, dilationH: dilation, dilationW: dilation, depthMultiplier: multiplier, activation },
      },
    ],
    inputs: [0],
    outputs: [3],
  };
}

const depthwiseCall = (code: string) => /td_depthwise_conv2d_s8\w*(?=\()/.exec(code)?.[0];

describe('DEPTHWISE_CONV_2D lowering: planes of int16 pairs (td_depthwise_conv2d_s8_wide)', () => {
  it('takes 5x5 at stride 1 and 2 and 3x3 with a depth multiplier over small images in DSP builds, with its scratch and the prepared blocks', () => {
    const cases: [string, DepthwiseCase][] = [
      ['5x5 stride 1 SAME 24 wide', { width: 24, channels: 32 }],
      ['5x5 stride 1 VALID', { width: 12, channels: 64, padding: 'valid' }],
      ['5x5 stride 1 ReLU6, 8 wide', { width: 8, channels: 8, activation: 'relu6' }],
      ['5x5 stride 2 SAME', { width: 12, channels: 64, stride: 2 }],
      ['5x5 stride 2 VALID ReLU, 15 wide', { width: 15, channels: 4, stride: 2, padding: 'valid', activation: 'relu' }],
      ['3x3 multiplier 2', { width: 12, channels: 8, multiplier: 2, kernel: [3, 3] }],
      ['3x3 multiplier 3 ReLU', { width: 10, channels: 4, multiplier: 3, kernel: [3, 3], activation: 'relu' }],
      ['3x3 multiplier 1, 24 wide (four steps of six)', { width: 24, channels: 32, kernel: [3, 3] }],
      ['3x3 multiplier 1, 6 wide ReLU6', { height: 6, width: 6, channels: 128, kernel: [3, 3], activation: 'relu6' }],
      ['3x3 stride 2, 24 wide (rows of two steps of six)', { height: 24, width: 24, channels: 64, kernel: [3, 3], stride: 2 }],
      ['3x3 stride 2, 12 wide ReLU6 (one step)', { width: 12, channels: 128, kernel: [3, 3], stride: 2, activation: 'relu6' }],
      ['3x3 stride 2 VALID, 13 wide', { width: 13, channels: 8, kernel: [3, 3], stride: 2, padding: 'valid' }],
      ['3x3 stride 2 multiplier 2', { width: 12, channels: 8, multiplier: 2, kernel: [3, 3], stride: 2 }],
      ['3x3 stride 2, 48 wide (bands of 12 outputs)', { height: 48, width: 48, channels: 16, kernel: [3, 3], stride: 2 }],
    ];
    for (const [label, config] of cases) {
      const model = generateModel(depthwiseGraph(config), { dsp: true });
      // The channels' blocks prepared at generation time (td_depthwise_conv2d_s8_wide_packed, in the same source file).
      expect(depthwiseCall(model.source), label).toBe('td_depthwise_conv2d_s8_wide_packed');
      expect(model.kernels, label).toEqual(['td_depthwise_conv2d_s8_wide']);
      // The blocks alone: no filter and no bias array in flash (tensors 1 and 2).
      expect(model.source, label).toMatch(/td_depthwise_conv2d_s8_wide_packed\([^;]*&td_dims_1x\d+x\d+x\d+, NULL, NULL, /);
      expect(model.source, label).not.toMatch(/td_weights_t[12]\b/);
      const filter = [1, ...(config.kernel ?? [5, 5]), config.channels * (config.multiplier ?? 1)] as const;
      expect(model.source, label).toContain(`${depthwiseConv2dS8WideBufferSize(true, [1, config.height ?? 12, config.width, config.channels], filter)}`);
    }
  });

  it('leaves to the channel blocks on the M4 rows past whole steps (with a multiplier only over outputs of under 16 pixels, at stride 1 rows of 13 or more one output past), not on Helium', () => {
    const cases: [string, DepthwiseCase][] = [
      ['5x5 stride 1 ReLU6, 9 wide', { width: 9, channels: 8, activation: 'relu6' }],
      ['5x5 stride 2 VALID ReLU, 13 wide (rows of 5)', { width: 13, channels: 4, stride: 2, padding: 'valid', activation: 'relu' }],
      ['3x3 multiplier 3 over 2x7', { height: 2, width: 7, channels: 8, multiplier: 3, kernel: [3, 3] }],
    ];
    for (const [label, config] of cases) {
      // (3x3 windows through the blocks' entry for them, td_depthwise_conv2d_s8_3x3.)
      expect(depthwiseCall(generateModel(depthwiseGraph(config), { dsp: true }).source)?.replace(/_3x3$/, ''), label).toBe('td_depthwise_conv2d_s8');
      expect(depthwiseCall(generateModel(depthwiseGraph(config), { dsp: true, helium: true }).source), label).toBe('td_depthwise_conv2d_s8_wide_packed');
    }
    const geometry = (stride: number, depthMultiplier = 1) => ({ strideHeight: stride, strideWidth: stride, dilationHeight: 1, dilationWidth: 1, depthMultiplier });
    expect(depthwiseWideBlocksFaster(geometry(1), [1, 24, 24, 32])).toBe(false);
    expect(depthwiseWideBlocksFaster(geometry(1), [1, 24, 18, 32])).toBe(true);
    expect(depthwiseWideBlocksFaster(geometry(2), [1, 12, 6, 32])).toBe(false);
    expect(depthwiseWideBlocksFaster(geometry(2), [1, 12, 7, 32])).toBe(true);
    expect(depthwiseWideBlocksFaster(geometry(1, 3), [1, 4, 9, 144])).toBe(false);
    expect(depthwiseWideBlocksFaster(geometry(1, 3), [1, 2, 7, 96])).toBe(true);
    // Whole steps stay on the wide kernel with a multiplier however few the pixels (bench/shapes seeds 465, 666, 844).
    expect(depthwiseWideBlocksFaster(geometry(2, 4), [1, 4, 2, 288])).toBe(false);
    expect(depthwiseWideBlocksFaster(geometry(2, 2), [1, 3, 2, 144])).toBe(false);
    expect(depthwiseWideBlocksFaster(geometry(1, 3), [1, 3, 4, 60])).toBe(false);
    // Stride 1, one output past the steps: rows of 13 stay (seed 734), rows of 9 go to the blocks.
    expect(depthwiseWideBlocksFaster(geometry(1), [1, 1, 13, 8])).toBe(false);
    expect(depthwiseWideBlocksFaster(geometry(1), [1, 12, 9, 8])).toBe(true);
    expect(depthwiseWideBlocksFaster(geometry(2), [1, 15, 9, 4])).toBe(true);
    const wideCases: [string, DepthwiseCase][] = [
      ['5x5 stride 1, 13 wide', { width: 13, channels: 8 }],
      ['5x5 stride 2 multiplier 4 over 7x4', { height: 7, width: 4, channels: 72, multiplier: 4, stride: 2 }],
    ];
    for (const [label, config] of wideCases) {
      expect(depthwiseCall(generateModel(depthwiseGraph(config), { dsp: true }).source), label).toBe('td_depthwise_conv2d_s8_wide_packed');
    }
  });

  it('takes 3x3 with multiplier 1 over inputs five wide through td_depthwise_conv2d_s8_wide_rows5 (compact blocks from 10 rows), with a band of rows as scratch', () => {
    const cases: [string, DepthwiseCase, string, number][] = [
      ['25x5x64 ReLU (keyword spotting)', { height: 25, width: 5, channels: 64, kernel: [3, 3], activation: 'relu' }, 'td_depthwise_conv2d_s8_wide_rows5_compact', 7],
      ['10x5x8', { height: 10, width: 5, channels: 8, kernel: [3, 3] }, 'td_depthwise_conv2d_s8_wide_rows5_compact', 7],
      ['5x5x256', { height: 5, width: 5, channels: 256, kernel: [3, 3] }, 'td_depthwise_conv2d_s8_wide_rows5', 10],
      ['9x5x8 ReLU6', { height: 9, width: 5, channels: 8, kernel: [3, 3], activation: 'relu6' }, 'td_depthwise_conv2d_s8_wide_rows5', 10],
    ];
    for (const [label, config, entry, words] of cases) {
      const model = generateModel(depthwiseGraph(config), { dsp: true });
      expect(depthwiseCall(model.source), label).toBe(entry);
      expect(model.kernels, label).toEqual(['td_depthwise_conv2d_s8_wide']);
      expect(model.source, label).toMatch(new RegExp(`${entry}\\([^;]*&td_dims_1x3x3x\\d+, NULL, NULL, `));
      expect(model.source, label).not.toMatch(/td_weights_t[12]\b/);
      const inputDims = [1, config.height ?? 12, config.width, config.channels] as const;
      const scratch = depthwiseConv2dS8WideRows5BufferSize(true, inputDims, [1, 3, 3, config.channels]);
      expect(scratch, label).toBe(64 * (Math.min(config.height ?? 12, 10) + 2) + 160);
      expect(model.ops[0].scratchBytes, label).toBe(scratch);
      // Full blocks: the bias, two tap words per filter row, the requantization; compact: the bias and the taps.
      expect(model.source, label).toMatch(new RegExp(`wide_blocks\\w*\\[${words * config.channels}\\]`));
    }
  });

  it('compacts the rows-of-five blocks to the first bias and the tap words', () => {
    const full = packDepthwiseWide([1, -2, 3, -4, 5, -6, 7, -8, 9, 2, 2, 2, 2, 2, 2, 2, 2, 2].flatMap((_, i, all) => (i < 9 ? [all[i], all[i + 9]] : [])), [1, 3, 3, 2], [100, -50], { multipliers: Int32Array.of(1 << 30, 1 << 29), shifts: Int32Array.of(-7, -8) }, 5, -3, 1);
    expect(full.length).toBe(20);
    const compact = compactDepthwiseWideRows5(full);
    expect(Array.from(compact)).toEqual([...full.subarray(0, 7), ...full.subarray(10, 17)]);
    expect(full[0]).toBe(2 * (100 + 5 * 5));
    expect(full[1]).toBe(((2 * 1) & 0xffff) | ((2 * -2) << 16));
    expect(Array.from(full.subarray(7, 10))).toEqual([1 << 30, 7, 2 ** 6 - 3 * 2 ** 7]);
  });

  it('keeps the other kernels for wide rows, channel counts off a multiple of four, other windows, 3x3 with multiplier 1 off its steps, dilation, large biases and portable builds', () => {
    const cases: [string, DepthwiseCase, boolean?][] = [
      ['5x5 over 29 positions', { width: 29, channels: 8 }],
      ['6 channels', { width: 12, channels: 6 }],
      ['3x3 multiplier 1, 7 wide (a scalar remainder)', { width: 7, channels: 8, kernel: [3, 3] }],
      ['3x3 multiplier 1, 5 wide VALID (7 columns)', { width: 7, channels: 8, kernel: [3, 3], padding: 'valid' }],
      ['3x3 multiplier 1, 5 wide, 6 channels', { height: 25, width: 5, channels: 6, kernel: [3, 3] }],
      ['3x3 multiplier 1, 10 wide', { width: 10, channels: 8, kernel: [3, 3] }],
      ['3x3 multiplier 1, 36 wide (past the planes\' positions)', { width: 36, channels: 8, kernel: [3, 3] }],
      ['3x3 stride 2, 16 wide (8 outputs, off its steps)', { width: 16, channels: 8, kernel: [3, 3], stride: 2 }],
      ['3x3 stride 2, 36 wide (18 outputs: past the planes, not whole bands)', { width: 36, channels: 16, kernel: [3, 3], stride: 2 }],
      ['3x3 stride 2 multiplier 2, 48 wide (bands take multiplier 1 only)', { width: 48, channels: 8, multiplier: 2, kernel: [3, 3], stride: 2 }],
      ['3x3 stride 2, 6 channels', { width: 12, channels: 6, kernel: [3, 3], stride: 2 }],
      ['5x3', { width: 12, channels: 8, kernel: [5, 3] }],
      ['dilation 2', { height: 14, width: 14, channels: 8, dilation: 2 }],
      ['a bias near 2^30', { width: 12, channels: 8, biasValue: 2 ** 30 - 1000 }],
      ['portable build', { width: 24, channels: 32 }, false],
    ];
    for (const [label, config, dsp = true] of cases) {
      const model = generateModel(depthwiseGraph(config), { dsp });
      expect(depthwiseCall(model.source), label).not.toMatch(/_wide/);
      expect(model.kernels, label).not.toContain('td_depthwise_conv2d_s8_wide');
    }
  });

  it('keeps the output of a layer it runs in bands apart from its input (the bands do not write pixels in order)', () => {
    const shifts = (config: DepthwiseCase) => generateModel(depthwiseGraph(config), { dsp: true }).memory.inPlace.filter((decision) => decision.kind === 'shift');
    // 24 outputs a row: two bands of 12.
    expect(shifts({ height: 48, width: 48, channels: 16, kernel: [3, 3], stride: 2 })).toEqual([]);
    // 12 outputs a row: one band, pixels in order, the output over its input.
    expect(shifts({ height: 24, width: 24, channels: 64, kernel: [3, 3], stride: 2 })).toHaveLength(1);
    expect(depthwiseWideBands({ strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, depthMultiplier: 1 }, [1, 3, 3, 16], [1, 24, 24, 16])).toBe(true);
    expect(depthwiseWideBands({ strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, depthMultiplier: 1 }, [1, 3, 3, 64], [1, 12, 12, 64])).toBe(false);
  });

  it('bounds the shapes and the requantization it accepts', () => {
    const geometry = (stride: number, depthMultiplier = 1) => ({ strideHeight: stride, strideWidth: stride, dilationHeight: 1, dilationWidth: 1, depthMultiplier });
    expect(depthwiseWide(geometry(1), [1, 24, 24, 32], [1, 5, 5, 32], [1, 24, 24, 32])).toBe(true);
    expect(depthwiseWide(geometry(1), [1, 28, 28, 32], [1, 5, 5, 32], [1, 28, 28, 32])).toBe(true);
    expect(depthwiseWide(geometry(1), [1, 29, 29, 32], [1, 5, 5, 32], [1, 29, 29, 32])).toBe(false);
    expect(depthwiseWide(geometry(1), [1, 3, 3, 8], [1, 5, 5, 8], [1, 3, 3, 8])).toBe(false);
    expect(depthwiseWide(geometry(2), [1, 4, 4, 8], [1, 5, 5, 8], [1, 2, 2, 8])).toBe(true);
    expect(depthwiseWide(geometry(2), [1, 28, 28, 8], [1, 5, 5, 8], [1, 14, 14, 8])).toBe(true);
    expect(depthwiseWide(geometry(2), [1, 30, 30, 8], [1, 5, 5, 8], [1, 15, 15, 8])).toBe(false);
    expect(depthwiseWide(geometry(2), [1, 2, 1, 8], [1, 5, 5, 8], [1, 1, 1, 8])).toBe(false);
    expect(depthwiseWide(geometry(1, 2), [1, 12, 12, 8], [1, 3, 3, 16], [1, 12, 12, 16])).toBe(true);
    expect(depthwiseWide(geometry(1, 1), [1, 12, 12, 8], [1, 3, 3, 8], [1, 12, 12, 8])).toBe(false);
    // 3x3 with multiplier 1: whole steps of six over at most 30 outputs, stride 1.
    expect(depthwiseWideSingle3x3(geometry(1), [1, 12, 12, 8], [1, 3, 3, 8], [1, 12, 12, 8])).toBe(true);
    expect(depthwiseWideSingle3x3(geometry(1), [1, 30, 30, 8], [1, 3, 3, 8], [1, 30, 30, 8])).toBe(true);
    expect(depthwiseWideSingle3x3(geometry(1), [1, 36, 36, 8], [1, 3, 3, 8], [1, 36, 36, 8])).toBe(false);
    // Rows of five over an input five wide (SAME) only.
    expect(depthwiseWideSingle3x3(geometry(1), [1, 25, 5, 64], [1, 3, 3, 64], [1, 25, 5, 64])).toBe(true);
    expect(depthwiseWideRows5(geometry(1), [1, 25, 5, 64], [1, 3, 3, 64], [1, 25, 5, 64])).toBe(true);
    expect(depthwiseWideRows5(geometry(1), [1, 25, 7, 64], [1, 3, 3, 64], [1, 23, 5, 64])).toBe(false);
    expect(depthwiseWideRows5(geometry(1), [1, 25, 5, 6], [1, 3, 3, 6], [1, 25, 5, 6])).toBe(false);
    expect(depthwiseWideRows5(geometry(1, 2), [1, 25, 5, 8], [1, 3, 3, 16], [1, 25, 5, 16])).toBe(false);
    expect(depthwiseWideRows5(geometry(2), [1, 10, 10, 8], [1, 3, 3, 8], [1, 5, 5, 8])).toBe(false);
    expect(depthwiseWideSingle3x3(geometry(1), [1, 25, 7, 64], [1, 3, 3, 64], [1, 25, 7, 64])).toBe(false);
    expect(depthwiseWideSingle3x3(geometry(1), [1, 12, 12, 6], [1, 3, 3, 6], [1, 12, 12, 6])).toBe(false);
    expect(depthwiseWideSingle3x3(geometry(2), [1, 24, 24, 8], [1, 3, 3, 8], [1, 12, 12, 8])).toBe(false);
    expect(depthwiseWideSingle3x3(geometry(1, 2), [1, 12, 12, 8], [1, 3, 3, 16], [1, 12, 12, 16])).toBe(false);
    // 3x3 at stride 2: rows of one or two steps of six outputs (13 or 25 positions), any multiplier.
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 12, 12, 128], [1, 3, 3, 128], [1, 6, 6, 128])).toBe(true);
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 24, 24, 64], [1, 3, 3, 64], [1, 12, 12, 64])).toBe(true);
    expect(depthwiseWideStride2x3x3(geometry(2, 2), [1, 12, 12, 8], [1, 3, 3, 16], [1, 6, 6, 16])).toBe(true);
    // Wider rows in bands of 12 outputs, multiplier 1 only.
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 48, 48, 16], [1, 3, 3, 16], [1, 24, 24, 16])).toBe(true);
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 96, 96, 8], [1, 3, 3, 8], [1, 48, 48, 8])).toBe(true);
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 36, 36, 8], [1, 3, 3, 8], [1, 18, 18, 8])).toBe(false);
    expect(depthwiseWideStride2x3x3(geometry(2, 2), [1, 48, 48, 8], [1, 3, 3, 16], [1, 24, 24, 16])).toBe(false);
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 16, 16, 8], [1, 3, 3, 8], [1, 8, 8, 8])).toBe(false);
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 12, 12, 6], [1, 3, 3, 6], [1, 6, 6, 6])).toBe(false);
    expect(depthwiseWideStride2x3x3(geometry(1), [1, 12, 12, 8], [1, 3, 3, 8], [1, 12, 12, 8])).toBe(false);
    expect(depthwiseWideStride2x3x3(geometry(2), [1, 12, 12, 8], [1, 5, 5, 8], [1, 6, 6, 8])).toBe(false);
    expect(depthwiseWideStride2x3x3({ ...geometry(2), dilationHeight: 2, dilationWidth: 2 }, [1, 12, 12, 8], [1, 3, 3, 8], [1, 6, 6, 8])).toBe(false);
    const requant = (multiplier: number, shift: number) => ({ multipliers: Int32Array.of(multiplier), shifts: Int32Array.of(shift) });
    expect(depthwiseWideRequant(requant(1 << 30, -21), [0], 25)).toBe(true);
    expect(depthwiseWideRequant(requant(1 << 30, -22), [0], 25)).toBe(false);
    expect(depthwiseWideRequant(requant(1 << 30, 0), [0], 25)).toBe(false);
    expect(depthwiseWideRequant(requant(0, 3), [0], 25)).toBe(true);
    expect(depthwiseWideRequant(requant(1 << 30, -5), [2 ** 30 - 25 * 32640], 25)).toBe(false);
  });

  it('prepares each channel block as the kernel reads it: doubled folded bias (once, or per step output at 3x3 stride 2), paired doubled taps, the folded requantization', () => {
    // One channel, 3x3, stride 1 (steps of six or four): the bias once.
    const filter = [1, -2, 3, -4, 5, -6, 7, -8, 9];
    const requant = { multipliers: Int32Array.of(1 << 30), shifts: Int32Array.of(-7) };
    const blocks = packDepthwiseWide(filter, [1, 3, 3, 1], [100], requant, 5, -3, 1);
    const doubled = 2 * (100 + 5 * 5);
    const pair = (a: number, b: number) => ((2 * a) & 0xffff) | ((2 * b) << 16);
    expect(Array.from(blocks)).toEqual([
      doubled,
      pair(1, -2), pair(-2, 3), pair(-4, 5), pair(5, -6), pair(7, -8), pair(-8, 9),
      1 << 30, 7, 2 ** 6 - 3 * 2 ** 7,
    ]);
    // 5x5 stride 2: one bias, (w0, w1), (w2, w3), (w4, 0) per row; an empty channel shifts by 1.
    const five = packDepthwiseWide(Array(25).fill(-1), [1, 5, 5, 1], undefined, { multipliers: Int32Array.of(0), shifts: Int32Array.of(3) }, -128, 0, 2);
    expect(five.length).toBe(1 + 15 + 3);
    expect(five[0]).toBe(2 * 128 * 25);
    expect(five[3]).toBe(pair(-1, 0));
    expect(Array.from(five.subarray(16))).toEqual([0, 1, 1]);
    // 5x5 stride 1: one bias, (w0, w1), (w2, w3), (w1, w2), (w3, w4) per row.
    const taps = Array.from({ length: 25 }, (_, i) => i - 12);
    const fiveS1 = packDepthwiseWide(taps, [1, 5, 5, 1], [7], requant, 0, 0, 1);
    expect(fiveS1.length).toBe(1 + 20 + 3);
    expect(Array.from(fiveS1.subarray(0, 5))).toEqual([14, pair(-12, -11), pair(-10, -9), pair(-11, -10), pair(-9, -8)]);
    // 3x3 stride 2: six biases, (w0, w1), (w2, 0) per row (its loop loads them into its six accumulators).
    const stride2 = packDepthwiseWide(filter, [1, 3, 3, 1], [100], requant, 5, -3, 2);
    expect(Array.from(stride2)).toEqual([
      ...Array(6).fill(doubled),
      pair(1, -2), pair(3, 0), pair(-4, 5), pair(-6, 0), pair(7, -8), pair(9, 0),
      1 << 30, 7, 2 ** 6 - 3 * 2 ** 7,
    ]);
  });
});
