import { describe, expect, it } from 'vitest';
import { generateModel } from '../index.js';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';
import type { WindowGeometry } from '../../ops/window.js';
import { convDirect, convFewChannels } from './conv.js';

/** The kernel entry a bench/shapes seed's DSP build calls (the first td_conv2d_s8* call of its source). */
function entry(seed: number): string | undefined {
  const { graph } = randomShapeCase(seed);
  return /\b(td_conv2d_s8\w*)\(/.exec(generateModel(graph, { dsp: true }).source)?.[1];
}

describe('int8 convolution dispatch in DSP builds (bench/shapes seeds)', () => {
  it('runs a 1x1 window over one to four channels through td_conv2d_s8_small_1x1x4, a dilated one too, and ReLU as its _min form', () => {
    expect(randomShapeCase(290).name).toBe('290_conv_1x1_s1_15x25x3_to_32_same_relu');
    expect(entry(290)).toBe('td_conv2d_s8_small_1x1x4_min');
    expect(randomShapeCase(243).name).toBe('243_conv_1x1_s1_d21_15x7x4_to_17_same');
    expect(entry(243)).toBe('td_conv2d_s8_small_1x1x4_full');
  });

  it('runs a strided 1x1 window over one to four channels through td_conv2d_s8_small_1x1x4 (an output row a run), not eight channels', () => {
    expect(randomShapeCase(543).name).toBe('543_conv_1x1_s2_11x42x1_to_8_valid');
    expect(entry(543)).toBe('td_conv2d_s8_small_1x1x4_full');
    expect(randomShapeCase(22).name).toBe('22_conv_1x1_s2_d22_31x5x1_to_24_valid');
    expect(entry(22)).toBe('td_conv2d_s8_small_1x1x4_full');
    // Seven and nine channels at stride 2 keep the im2col GEMM (the 1x1x8 loop steps eight bytes a pixel).
    expect(randomShapeCase(192).name).toBe('192_conv_1x1_s2_12x2x7_to_12_valid');
    expect(entry(192)).toBe('td_conv2d_s8');
    expect(randomShapeCase(213).name).toBe('213_conv_1x1_s2x1_5x5x9_to_40_same_relu6');
    expect(entry(213)).toBe('td_conv2d_s8');
  });

  it('gives windows of four to seven channels and up to 32 taps to the small kernel from 64 output pixels', () => {
    expect(randomShapeCase(60).name).toBe('60_conv_3x1_s1_23x15x5_to_3_same');
    expect(entry(60)).toBe('td_conv2d_s8_small_few_full');
    expect(randomShapeCase(242).name).toBe('242_conv_1x5_s2_6x8x5_to_17_same_relu6');
    expect(entry(242)).toBe('td_conv2d_s8');
  });

  it('takes the few-channel path for rows of 8 to 11 bytes only where a third of the windows lie inside the image across', () => {
    // Seed 130's 5x5 stride 2 over 28x6x2 to 2: one output column of three reads its window in place.
    const wide: WindowGeometry = {
      batches: 1, inputHeight: 28, inputWidth: 6, inputDepth: 2, outputHeight: 14, outputWidth: 3, outputDepth: 2,
      filterHeight: 5, filterWidth: 5, strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1,
    };
    expect(convFewChannels(wide, [1, 28, 6, 2], [2, 5, 5, 2], [1, 14, 3, 2])).toBe(true);
    // The same window over an image four columns wide: neither output column reads its window in place.
    const narrow: WindowGeometry = { ...wide, inputWidth: 4, outputWidth: 2 };
    expect(convFewChannels(narrow, [1, 28, 4, 2], [2, 5, 5, 2], [1, 14, 2, 2])).toBe(false);
  });

  it('runs windows of more than 32 taps in 32 weight words through the small kernel for up to 8 filters over 32 pixels or more', () => {
    // Before the few-channel path where it would read rows of 9 to 11 bytes as three words each.
    expect(randomShapeCase(123).name).toBe('123_conv_5x3_s1_21x21x3_to_1_same_relu6');
    expect(entry(123)).toBe('td_conv2d_s8_small_few');
    expect(randomShapeCase(130).name).toBe('130_conv_5x5_s2_28x6x2_to_2_same_relu6');
    expect(entry(130)).toBe('td_conv2d_s8_small_few');
    expect(randomShapeCase(383).name).toBe('383_conv_5x3_s1_22x8x3_to_8_same_relu_n1_to_1');
    expect(entry(383)).toBe('td_conv2d_s8_small_patch');
    // Rows of 12 bytes read in place stay with the few-channel path; 18 output pixels, and 40 filters, with the GEMM.
    expect(randomShapeCase(140).name).toBe('140_conv_3x4_s1x2_11x31x3_to_1_valid_relu');
    expect(entry(140)).toBe('td_conv2d_s8_few');
    expect(randomShapeCase(450).name).toBe('450_conv_5x4_s3x2_19x28x3_to_3_same_relu6');
    expect(entry(450)).toBe('td_conv2d_s8_few');
    expect(randomShapeCase(613).name).toBe('613_conv_4x5_s3_28x10x2_to_5_valid');
    expect(entry(613)).toBe('td_conv2d_s8');
    expect(randomShapeCase(313).name).toBe('313_conv_5x2_s1_12x21x4_to_40_valid_relu');
    expect(entry(313)).toBe('td_conv2d_s8');
  });

  it('reads the patch in place for one to four filters (td_conv2d_s8_small_few), in place of the general and register loops and of the GEMM', () => {
    expect(randomShapeCase(520).name).toBe('520_conv_5x1_s1_27x11x3_to_1_valid_relu_n1_to_1');
    expect(entry(520)).toBe('td_conv2d_s8_small_few');
    expect(randomShapeCase(233).name).toBe('233_conv_2x1_s1_29x16x1_to_2_same');
    expect(entry(233)).toBe('td_conv2d_s8_small_few_full');
    expect(randomShapeCase(201).name).toBe('201_conv_4x4_s1_12x47x1_to_2_same_relu_n1_to_1');
    expect(entry(201)).toBe('td_conv2d_s8_small_few_min');
    // Four channels over 11 pixels (the GEMM before), but three pixels stay with the GEMM.
    expect(randomShapeCase(143).name).toBe('143_conv_4x4_s1_14x4x4_to_2_valid');
    expect(entry(143)).toBe('td_conv2d_s8_small_few_full');
    expect(randomShapeCase(332).name).toBe('332_conv_7x1_s2_2x6x16_to_1_same_relu_n1_to_1');
    expect(entry(332)).toBe('td_conv2d_s8');
    // Four filters too (the register loop before); five keep the GEMM.
    expect(randomShapeCase(223).name).toBe('223_conv_2x5_s1_17x14x1_to_4_same');
    expect(entry(223)).toBe('td_conv2d_s8_small_few_full');
    expect(randomShapeCase(800).name).toBe('800_conv_7x1_s1_14x3x4_to_4_valid');
    expect(entry(800)).toBe('td_conv2d_s8_small_few_full');
    // Four filters over 8 or 16 channels stay with the GEMM, which widens their columns straight from the input.
    expect(randomShapeCase(142).name).toBe('142_conv_1x4_s3_5x18x8_to_4_valid');
    expect(entry(142)).toBe('td_conv2d_s8');
    expect(randomShapeCase(613).name).toBe('613_conv_4x5_s3_28x10x2_to_5_valid');
    expect(entry(613)).toBe('td_conv2d_s8');
  });

  it('reads only the taps inside the image for few outputs whose widened patches would cost more (td_conv2d_s8_direct)', () => {
    // Half of a 4x4 window in the padding, one filter: the columns would widen 1,120 taps a pixel for one dot product.
    expect(randomShapeCase(681).name).toBe('681_conv_4x4_s2_3x3x70_to_1_same');
    expect(entry(681)).toBe('td_conv2d_s8_direct');
    expect(randomShapeCase(393).name).toBe('393_conv_10x8_s2_3x6x31_to_4_same_relu6');
    expect(entry(393)).toBe('td_conv2d_s8_direct');
    // Every tap inside the image, but two pixels: the columns would compute a whole block of four for one filter.
    expect(randomShapeCase(552).name).toBe('552_conv_5x5_s3_5x8x48_to_1_valid');
    expect(entry(552)).toBe('td_conv2d_s8_direct');
    // Rows of 62 bytes (two past a multiple of four) for five filters: estimated at 0.82 of the columns (24,760
    // instructions there, 20,480 direct).
    expect(randomShapeCase(762).name).toBe('762_conv_5x2_s2_6x3x31_to_5_same');
    expect(entry(762)).toBe('td_conv2d_s8_direct');
    // Estimated at 0.99 of the columns, which measure 35,440 instructions against 40,920 direct.
    expect(randomShapeCase(162).name).toBe('162_conv_3x3_s2x1_6x3x64_to_4_same_relu6');
    expect(entry(162)).toBe('td_conv2d_s8');
    // Every tap inside the image and 32 filters: the columns' widening is shared enough (12,920 instructions against
    // 15,760 direct).
    expect(randomShapeCase(312).name).toBe('312_conv_5x4_s3_1x2x70_to_32_same');
    expect(entry(312)).toBe('td_conv2d_s8');
    // Every tap inside the image and eight filters: the widened columns serve them all.
    expect(randomShapeCase(330).name).toBe('330_conv_3x4_s2_5x4x64_to_8_valid_relu_n1_to_1');
    expect(entry(330)).toBe('td_conv2d_s8');
    // More than 64 outputs never take it, however much of the window lies in the padding.
    const wide: WindowGeometry = {
      batches: 1, inputHeight: 3, inputWidth: 3, inputDepth: 70, outputHeight: 9, outputWidth: 9, outputDepth: 1,
      filterHeight: 4, filterWidth: 4, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1,
    };
    expect(convDirect(wide, [1, 3, 3, 70], [1, 4, 4, 70], [1, 9, 9, 1])).toBe(false);
    expect(convDirect({ ...wide, outputHeight: 2, outputWidth: 2, strideHeight: 2, strideWidth: 2 }, [1, 3, 3, 70], [1, 4, 4, 70], [1, 2, 2, 1])).toBe(true);
  });

  it('holds patches of up to 8 weight words in registers, dilated ones too (one channel across)', () => {
    expect(randomShapeCase(281).name).toBe('281_conv_1x5_s1_45x53x1_to_16_valid_relu6');
    expect(entry(281)).toBe('td_conv2d_s8_small_regs');
    expect(randomShapeCase(80).name).toBe('80_conv_4x3_s1_39x20x1_to_8_valid_relu_n1_to_1');
    expect(entry(80)).toBe('td_conv2d_s8_small_regs');
    expect(randomShapeCase(102).name).toBe('102_conv_4x4_s2_d22_21x43x1_to_4_same');
    expect(entry(102)).toBe('td_conv2d_s8_small_regs_full');
  });

  it('runs depthwise outputs one pixel wide under a window one column wide down the column (_columns), not by paired taps', () => {
    const depthwise = (seed: number) => /\b(td_depthwise_conv2d_s8\w*)\(/.exec(generateModel(randomShapeCase(seed).graph, { dsp: true }).source)?.[1];
    // 3x3 over a 2x1x32 image: the window cut to its one column inside the image.
    expect(randomShapeCase(624).name).toBe('624_dw_3x3_s1_2x1x32_to_32_same_relu_n1_to_1');
    expect(depthwise(624)).toBe('td_depthwise_conv2d_s8_columns');
    expect(randomShapeCase(286).name).toBe('286_dw_7x1_s3x2_16x1x12_to_12_same_relu_n1_to_1');
    expect(depthwise(286)).toBe('td_depthwise_conv2d_s8_columns');
    // Outputs four pixels wide run the blocks along the rows (8,040 instructions against 9,840 down the columns and
    // 8,360 paired); one channel over 36x18 outputs the widened planes (the blocks take four channels at a time;
    // depthwiseWidened).
    expect(randomShapeCase(114).name).toBe('114_dw_3x1_s3_2x12x33_to_33_same');
    expect(depthwise(114)).toBe('td_depthwise_conv2d_s8');
    expect(randomShapeCase(534).name).toBe('534_dw_2x1_s2_72x18x1_to_1_valid_relu6');
    expect(depthwise(534)).toBe('td_depthwise_conv2d_s8_widened');
  });
});
