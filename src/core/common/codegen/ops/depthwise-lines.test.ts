/**
 * Which int8 depthwise layers a DSP build gives td_depthwise_conv2d_s8_lines (depthwiseLines) and which the channel
 * blocks run down the columns (depthwiseColumns): the bench/shapes seeds whose figures decided the rules, each side of
 * them.
 */
import { describe, expect, it } from 'vitest';
import { depthwiseColumns, depthwiseLines } from './conv.js';

/** Geometry of a layer with no dilation unless given. */
const geometry = (depthMultiplier: number, dilationHeight = 1, dilationWidth = 1) => ({ depthMultiplier, dilationHeight, dilationWidth });

describe('depthwiseLines', () => {
  it('takes depth multipliers with a window one column or one row wide over lines of 12 outputs or more', () => {
    expect(depthwiseLines(geometry(3), [1, 4, 1, 96], [1, 12, 11, 96])).toBe(true); // seed 224
    expect(depthwiseLines(geometry(3), [1, 3, 1, 48], [1, 18, 4, 48])).toBe(true); // seed 256: down the columns
    expect(depthwiseLines(geometry(3, 2, 1), [1, 1, 5, 21], [1, 22, 20, 21])).toBe(true); // seed 264: dilated across
    expect(depthwiseLines(geometry(2), [1, 5, 1, 2], [1, 41, 57, 2])).toBe(true); // seed 294
  });

  it('takes five to seven channels, or fewer than four, over lines of 18 outputs or more', () => {
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
