/**
 * Which int8 depthwise layers a DSP build gives td_depthwise_conv2d_s8_widened (depthwiseWidened): the bench/shapes
 * seeds whose figures decided the rule, each side of it, and the generated call on concrete shapes.
 */
import { describe, expect, it } from 'vitest';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';
import { generateModel } from '../index.js';
import { depthwiseConv2dS8WidenedBufferSize } from '../kernel-buffers.js';
import { depthwiseWidened } from './depthwise-widened.js';

/** Geometry of a layer (strides do not matter to the rule). */
const geometry = (depthMultiplier: number, dilationHeight = 1, dilationWidth = 1) => ({ strideHeight: 1, strideWidth: 1, depthMultiplier, dilationHeight, dilationWidth });
const depthwiseCalls = (source: string) => [...source.matchAll(/td_depthwise_conv2d_s8\w*(?=\()/g)].map((match) => match[0]).filter((name) => !name.endsWith('_get_buffer_size'));

describe('depthwiseWidened', () => {
  it('takes windows one row or one column wide of 2 to 8 taps with a multiplier, or over one or two channels, over 64 pixels or more', () => {
    expect(depthwiseWidened(geometry(8), [1, 27, 15, 5], [1, 2, 1, 40], [1, 13, 15, 40])).toBe(true); // seed 14
    expect(depthwiseWidened(geometry(3), [1, 12, 11, 32], [1, 4, 1, 96], [1, 12, 11, 96])).toBe(true); // seed 224
    expect(depthwiseWidened(geometry(8), [1, 19, 10, 3], [1, 1, 4, 24], [1, 19, 7, 24])).toBe(true); // seed 126
    expect(depthwiseWidened(geometry(3, 2, 1), [1, 22, 24, 7], [1, 1, 5, 21], [1, 22, 20, 21])).toBe(true); // seed 264: dilated across
    expect(depthwiseWidened(geometry(1), [1, 51, 48, 1], [1, 1, 2, 1], [1, 26, 24, 1])).toBe(true); // seed 484
    expect(depthwiseWidened(geometry(1), [1, 6, 36, 2], [1, 1, 3, 2], [1, 6, 36, 2])).toBe(true); // seed 45
  });

  it('takes odd windows with a multiplier onto whole blocks of four output channels too (four outputs a pass)', () => {
    expect(depthwiseWidened(geometry(3), [1, 18, 7, 16], [1, 3, 1, 48], [1, 18, 4, 48])).toBe(true); // seed 256
    expect(depthwiseWidened(geometry(8), [1, 6, 21, 15], [1, 1, 3, 120], [1, 6, 21, 120])).toBe(true); // seed 466
    expect(depthwiseWidened(geometry(8), [1, 31, 41, 3], [1, 1, 5, 24], [1, 31, 41, 24])).toBe(true); // seed 654
    expect(depthwiseWidened(geometry(3), [1, 22, 24, 7], [1, 1, 5, 21], [1, 22, 20, 21])).toBe(true); // seed 264: 21 channels
    expect(depthwiseCalls(generateModel(randomShapeCase(256).graph, { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_widened']);
    expect(depthwiseCalls(generateModel(randomShapeCase(466).graph, { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_widened']);
  });

  it('takes windows of two rows or two columns of up to 4 taps over at most three input channels, or more with a multiplier along the lines', () => {
    expect(depthwiseWidened(geometry(1), [1, 10, 39, 3], [1, 2, 3, 3], [1, 9, 19, 3])).toBe(true); // seed 55
    expect(depthwiseWidened(geometry(3), [1, 38, 21, 3], [1, 2, 3, 9], [1, 37, 19, 9])).toBe(true); // seed 336
    expect(depthwiseWidened(geometry(1), [1, 11, 8, 3], [1, 2, 4, 3], [1, 11, 8, 3])).toBe(true); // seed 355
    expect(depthwiseWidened(geometry(3), [1, 12, 11, 48], [1, 2, 2, 144], [1, 11, 10, 144])).toBe(true); // seed 274
    expect(depthwiseWidened(geometry(2), [1, 16, 18, 12], [1, 4, 2, 24], [1, 16, 18, 24])).toBe(true); // seed 195
    expect(depthwiseWidened(geometry(8), [1, 7, 14, 16], [1, 2, 2, 128], [1, 6, 13, 128])).toBe(true); // seed 495
    expect(depthwiseWidened(geometry(4), [1, 11, 29, 4], [1, 4, 2, 16], [1, 6, 15, 16])).toBe(false); // seed 896: across the lines
    expect(depthwiseWidened(geometry(1), [1, 9, 21, 12], [1, 4, 2, 12], [1, 9, 21, 12])).toBe(false); // seed 735: multiplier 1
    expect(depthwiseWidened(geometry(1, 2, 1), [1, 10, 39, 3], [1, 2, 3, 3], [1, 8, 37, 3])).toBe(false); // dilated across
    expect(depthwiseWidened(geometry(1), [1, 10, 39, 3], [1, 2, 5, 3], [1, 9, 35, 3])).toBe(false); // 5 taps a line
    expect(depthwiseWidened(geometry(1), [1, 10, 39, 3], [1, 3, 3, 3], [1, 8, 37, 3])).toBe(false); // three lines
  });

  it('leaves fewer pixels, multiplier 1 over more channels, dilation along the line, longer and two-dimensional windows to the other paths', () => {
    expect(depthwiseWidened(geometry(8), [1, 5, 10, 15], [1, 3, 1, 120], [1, 5, 5, 120])).toBe(false); // seed 566: 25 pixels
    expect(depthwiseWidened(geometry(2), [1, 4, 17, 48], [1, 1, 7, 96], [1, 4, 11, 96])).toBe(false); // seed 426: 44 pixels
    expect(depthwiseWidened(geometry(1), [1, 10, 10, 48], [1, 7, 1, 48], [1, 2, 5, 48])).toBe(false); // seed 164
    expect(depthwiseWidened(geometry(1), [1, 21, 33, 4], [1, 4, 1, 4], [1, 21, 33, 4])).toBe(false); // seed 396
    expect(depthwiseWidened(geometry(4, 2, 1), [1, 15, 7, 9], [1, 7, 1, 36], [1, 8, 7, 36])).toBe(false); // seed 154: dilated down
    expect(depthwiseWidened(geometry(2), [1, 20, 20, 2], [1, 9, 1, 4], [1, 20, 20, 4])).toBe(false); // 9 taps
  });

  it('is the call of a DSP build (a Helium one too) on the seeds it takes, not of a portable one; its scratch the mirror of the C size', () => {
    for (const seed of [14, 224, 126, 55]) {
      const { graph } = randomShapeCase(seed);
      const model = generateModel(graph, { dsp: true });
      expect(depthwiseCalls(model.source), `seed ${seed}`).toEqual(['td_depthwise_conv2d_s8_widened']);
      expect(model.kernels).toContain('td_depthwise_conv2d_s8_widened');
      expect(model.kernels).not.toContain('td_depthwise_conv2d_s8');
      expect(depthwiseCalls(generateModel(graph, { dsp: false }).source)).not.toContain('td_depthwise_conv2d_s8_widened');
      expect(depthwiseCalls(generateModel(graph, { dsp: true, helium: true }).source)).toEqual(['td_depthwise_conv2d_s8_widened']);
    }
    expect(depthwiseCalls(generateModel(randomShapeCase(164).graph, { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_columns']);
    expect(depthwiseCalls(generateModel(randomShapeCase(274).graph, { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8_widened']);
    expect(depthwiseCalls(generateModel(randomShapeCase(735).graph, { dsp: true }).source)).toEqual(['td_depthwise_conv2d_s8']);
    // 2x1 over 27x15: all 15 columns of 27 + 2 values (870 bytes, to a word); 3x1 over 100x40: 29 of the 40 columns of
    // 100 + 4 values fit in 6,144 bytes.
    expect(depthwiseConv2dS8WidenedBufferSize(true, [1, 27, 15, 5], [1, 2, 1, 40])).toBe(872);
    expect(depthwiseConv2dS8WidenedBufferSize(true, [1, 100, 40, 1], [1, 3, 1, 2])).toBe(29 * 2 * 104);
    expect(depthwiseConv2dS8WidenedBufferSize(false, [1, 27, 15, 5], [1, 2, 1, 40])).toBe(0);
  });
});
