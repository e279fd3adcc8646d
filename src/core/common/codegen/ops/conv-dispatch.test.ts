import { describe, expect, it } from 'vitest';
import { generateModel } from '../index.js';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';

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

  it('gives windows of four to seven channels and up to 32 taps to the small kernel from 64 output pixels', () => {
    expect(randomShapeCase(60).name).toBe('60_conv_3x1_s1_23x15x5_to_3_same');
    expect(entry(60)).toBe('td_conv2d_s8_small_patch_full');
    expect(randomShapeCase(242).name).toBe('242_conv_1x5_s2_6x8x5_to_17_same_relu6');
    expect(entry(242)).toBe('td_conv2d_s8');
  });

  it('takes the few-channel path for rows of 8 to 11 bytes only where most windows lie inside the image across', () => {
    expect(randomShapeCase(123).name).toBe('123_conv_5x3_s1_21x21x3_to_1_same_relu6');
    expect(entry(123)).toBe('td_conv2d_s8_few');
    expect(randomShapeCase(130).name).toBe('130_conv_5x5_s2_28x6x2_to_2_same_relu6');
    expect(entry(130)).toBe('td_conv2d_s8');
  });
});
