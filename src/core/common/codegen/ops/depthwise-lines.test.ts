/**
 * Which int8 depthwise layers a DSP build gives td_depthwise_conv2d_s8_lines (depthwiseLines), which the channel
 * blocks run down the columns (depthwiseColumns, depthwiseColumnsPay) and which the paired taps take (depthwisePaired):
 * the bench/shapes seeds whose figures decided the rules, each side of them.
 */
import { describe, expect, it } from 'vitest';
import { randomShapeCase } from '../../../../../test/codegen/testing/random-shapes.js';
import { generateModel } from '../index.js';
import { depthwiseColumns, depthwiseColumnsPay, depthwiseLines, depthwisePaired } from './conv.js';

/** Geometry of a layer with no dilation unless given. */
const geometry = (depthMultiplier: number, dilationHeight = 1, dilationWidth = 1) => ({ depthMultiplier, dilationHeight, dilationWidth });

describe('depthwiseLines', () => {
  it('takes depth multipliers with a window one column or one row wide over lines of 12 outputs or more, to channels not a multiple of four', () => {
    expect(depthwiseLines(geometry(3, 2, 1), [1, 1, 5, 21], [1, 22, 20, 21])).toBe(true); // seed 264: dilated across
    expect(depthwiseLines(geometry(2), [1, 5, 1, 2], [1, 41, 57, 2])).toBe(true); // seed 294
  });

  it('takes five or six channels, or fewer than four, over lines of 18 outputs or more', () => {
    expect(depthwiseLines(geometry(1), [1, 2, 5, 5], [1, 4, 34, 5])).toBe(true); // seed 184
    expect(depthwiseLines(geometry(1), [1, 5, 3, 3], [1, 14, 31, 3])).toBe(true); // seed 175
    expect(depthwiseLines(geometry(1), [1, 5, 3, 5], [1, 25, 28, 5])).toBe(true); // seed 125
    expect(depthwiseLines(geometry(1), [1, 1, 3, 2], [1, 6, 36, 2])).toBe(true); // seed 45
  });

  it('leaves one pair of taps, short lines, dilation along the lines, windows of several rows with a multiplier and multiples of four channels to the other paths', () => {
    expect(depthwiseLines(geometry(8), [1, 2, 1, 40], [1, 13, 15, 40])).toBe(false); // seed 14: one pair
    expect(depthwiseLines(geometry(8), [1, 1, 4, 24], [1, 19, 7, 24])).toBe(false); // seed 126: rows of 7
    expect(depthwiseLines(geometry(1, 2, 1), [1, 5, 3, 1], [1, 55, 17, 1])).toBe(false); // seed 255: rows of 17
    expect(depthwiseLines(geometry(4, 2, 1), [1, 7, 1, 36], [1, 8, 7, 36])).toBe(false); // seed 154: dilated down
    expect(depthwiseLines(geometry(3), [1, 2, 2, 144], [1, 11, 10, 144])).toBe(false); // seed 274
    expect(depthwiseLines(geometry(1), [1, 3, 3, 12], [1, 14, 23, 12])).toBe(false); // seed 204
    expect(depthwiseLines(geometry(1), [1, 7, 1, 48], [1, 2, 5, 48])).toBe(false); // seed 164
    expect(depthwiseLines(geometry(2), [1, 6, 6, 4], [1, 20, 20, 4])).toBe(false); // 18 pairs
  });

  it('leaves output channels in multiples of four to the blocks, along the rows or down the columns, and seven channels too', () => {
    expect(depthwiseLines(geometry(8), [1, 1, 3, 120], [1, 6, 21, 120])).toBe(false); // seed 466: 356,480 -> 270,360
    expect(depthwiseLines(geometry(3), [1, 1, 4, 48], [1, 19, 13, 48])).toBe(false); // seed 486: 356,080 -> 245,480
    expect(depthwiseLines(geometry(8), [1, 1, 5, 24], [1, 31, 41, 24])).toBe(false); // seed 654: 676,160 -> 594,160
    expect(depthwiseLines(geometry(3), [1, 4, 1, 96], [1, 12, 11, 96])).toBe(false); // seed 224: 281,080 -> 264,400 down the columns
    expect(depthwiseLines(geometry(3), [1, 3, 1, 48], [1, 18, 4, 48])).toBe(false); // seed 256: 92,960 -> 66,240 down the columns
    expect(depthwiseLines(geometry(1), [1, 3, 2, 7], [1, 16, 21, 7])).toBe(false); // seed 514: 85,240 -> 67,040
  });
});

describe('depthwiseColumns', () => {
  it('takes windows one column wide of 2 to 8 rows with no dilation down the columns', () => {
    expect(depthwiseColumns({ dilationHeight: 1 }, [1, 5, 1, 31])).toBe(true); // seed 75
    expect(depthwiseColumns({ dilationHeight: 1 }, [1, 2, 1, 40])).toBe(true); // seed 14
    expect(depthwiseColumns({ dilationHeight: 1 }, [1, 8, 1, 4])).toBe(true);
    expect(depthwiseColumns({ dilationHeight: 2 }, [1, 7, 1, 36])).toBe(false); // seed 154
    expect(depthwiseColumns({ dilationHeight: 1 }, [1, 9, 1, 4])).toBe(false);
    expect(depthwiseColumns({ dilationHeight: 1 }, [1, 1, 1, 4])).toBe(false);
    expect(depthwiseColumns({ dilationHeight: 1 }, [1, 3, 3, 4])).toBe(false);
  });
});

describe('depthwiseColumnsPay', () => {
  it('goes down the columns for outputs one pixel wide or from 7 window taps down an output column', () => {
    expect(depthwiseColumnsPay([1, 3, 1, 32], [1, 2, 1, 32])).toBe(true); // seed 624: one pixel wide
    expect(depthwiseColumnsPay([1, 7, 1, 32], [1, 1, 4, 32])).toBe(true); // seed 755: 11,160 against 12,520
    expect(depthwiseColumnsPay([1, 4, 1, 12], [1, 2, 3, 12])).toBe(true); // seed 76: 3,880 against 4,640
    expect(depthwiseColumnsPay([1, 4, 1, 9], [1, 4, 19, 9])).toBe(true); // seed 245: 23,400 against 23,520
  });

  it('leaves windows of few rows over outputs of one or two rows to the blocks along the rows', () => {
    expect(depthwiseColumnsPay([1, 3, 1, 8], [1, 2, 17, 8])).toBe(false); // seed 955: 9,120 -> 7,160
    expect(depthwiseColumnsPay([1, 3, 1, 48], [1, 1, 5, 48])).toBe(false); // seed 754: 15,960 -> 13,120
    expect(depthwiseColumnsPay([1, 3, 1, 31], [1, 1, 3, 31])).toBe(false); // seed 984: 7,840 -> 6,920
  });
});

describe('depthwisePaired', () => {
  const dense = { dilationHeight: 1, dilationWidth: 1 };
  it('takes what the blocks do not, and outputs one pixel wide of at most four rows of few taps or 8 channels or more', () => {
    expect(depthwisePaired(dense, [1, 3, 3, 2], [1, 7, 2, 2])).toBe(true); // seed 696: two channels
    expect(depthwisePaired(dense, [1, 3, 2, 36], [1, 3, 1, 36])).toBe(true); // seed 266: 11,080 against 11,440
    expect(depthwisePaired(dense, [1, 1, 1, 144], [1, 4, 1, 144])).toBe(true); // seed 104 (its 1x2 window cut to 1x1): 34,520 against 38,960
  });

  it('leaves more rows, and outputs wider than one pixel however few their taps, to the blocks', () => {
    expect(depthwisePaired(dense, [1, 3, 3, 128], [1, 8, 1, 128])).toBe(false); // seed 584: 82,320 -> 64,160
    expect(depthwisePaired(dense, [1, 3, 3, 96], [1, 3, 1, 96])).toBe(false); // seed 335: 33,040 -> 29,720 through the 3x3 rows
    expect(depthwisePaired(dense, [1, 5, 5, 24], [1, 6, 1, 24])).toBe(false); // seed 606: 23,840 -> 21,240
    expect(depthwisePaired(dense, [1, 1, 1, 70], [1, 1, 4, 70])).toBe(false); // seed 575: 17,080 -> 12,920
    expect(depthwisePaired(dense, [1, 2, 1, 33], [1, 1, 4, 33])).toBe(false); // seed 114: 8,360 -> 8,040
  });
});

describe('the depthwise entry a DSP build calls (bench/shapes seeds)', () => {
  const depthwise = (seed: number) => /\b(td_depthwise_conv2d_s8\w*)\(/.exec(generateModel(randomShapeCase(seed).graph, { dsp: true }).source)?.[1];
  it('runs the shapes measured faster through the channel blocks there, and the multiples of four one column wide down the columns', () => {
    // (A 3x3 window through them calls their entry for 3x3 windows, td_depthwise_conv2d_s8_3x3.)
    for (const seed of [514, 575, 584, 606, 114, 754, 955, 984, 335]) expect(depthwise(seed)?.replace(/_3x3$/, ''), `seed ${seed}`).toBe('td_depthwise_conv2d_s8');
    for (const seed of [836]) expect(depthwise(seed), `seed ${seed}`).toBe('td_depthwise_conv2d_s8_columns');
    for (const seed of [125, 184]) expect(depthwise(seed), `seed ${seed}`).toBe('td_depthwise_conv2d_s8_lines');
    // Windows one line wide with a multiplier that the widened planes run before these choices (depthwiseWidened; 466,
    // 654, 256 and 595 since its four outputs a pass).
    for (const seed of [486, 224, 264, 466, 654, 256, 595]) expect(depthwise(seed), `seed ${seed}`).toBe('td_depthwise_conv2d_s8_widened');
    for (const seed of [54, 104, 266]) expect(depthwise(seed), `seed ${seed}`).toBe('td_depthwise_conv2d_s8_paired');
    for (const seed of [245, 755, 76, 624]) expect(depthwise(seed), `seed ${seed}`).toBe('td_depthwise_conv2d_s8_columns');
  });
});
