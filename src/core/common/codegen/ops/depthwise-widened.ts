import { depthwiseConv2dS8WidenedBufferSize } from '../kernel-buffers.js';
import type { OpEmitter, OpLowering } from '../lowering.js';
import type { DepthwiseConv2DPlan } from '../../ops/depthwise-conv-2d.js';

type WidenedGeometry = Pick<DepthwiseConv2DPlan['geometry'], 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'depthMultiplier'>;

/** The most taps along the line td_depthwise_conv2d_s8_widened keeps in registers (four pairs). */
const widenedMaxTaps = 8;
/** The most taps along each line of a window two lines wide (two pairs each). */
const widenedTwoLinesMaxTaps = 4;
/** The most input channels of a window two lines wide that td_depthwise_conv2d_s8_widened takes (depthwiseWidened). */
const widenedTwoLinesMaxChannels = 3;

/** The fewest output pixels (per channel) over which td_depthwise_conv2d_s8_widened earns back a channel's plane. */
export const depthwiseWidenedMinPixels = 64;

/**
 * Whether an int8 depthwise convolution runs td_depthwise_conv2d_s8_widened in a DSP build (the Cortex-M55's too): a
 * window one row or one column wide of 2 to 8 taps with no dilation along them, outputs of at least
 * `depthwiseWidenedMinPixels` pixels, and a depth multiplier above 1 (one widened plane per input channel serves its M
 * output channels) or at most two input channels (no block of four for the channel blocks); a window two rows or two
 * columns wide (2xK or Kx2, K <= 4, no dilation) over as many pixels and at most three input channels whatever the
 * multiplier, or more channels with a multiplier where the kernel runs along the output lines. Measured on virtual-m4f
 * (bench/shapes, instructions before -> widened; every window of one or two lines of seeds 1-800 it could run was
 * measured, and each seed it takes is faster). With the kernel's four outputs a pass in assembly (strides 1 and 2):
 * seed 14 (2x1 stride 2x1, M = 8) 129,800 -> 113,000; 224 (4x1, M = 3) 218,320 -> 193,960; 486 (1x4, M = 3) 243,400 ->
 * 214,080; 574 (2x1, M = 4) 194,880 -> 176,960; 336 (2x3 over 38x21x3, M = 3) 164,400 -> 147,920. Windows of an odd
 * number of taps with a multiplier onto whole blocks of four output channels, left to the blocks or their columns before
 * the assembly, now measure faster here: 256 (3x1 stride 1x2, M = 3, 48 channels) 66,240 -> 65,760, 466 (1x3, M = 8,
 * 120) 270,360 -> 242,720, 654 (1x5, M = 8, 24) 594,160 -> 505,880, 595 (3x1, M = 3, 12) 20,040 -> 16,320. Two lines
 * over more channels with a multiplier: 274 (2x2 over 12x11x48, M = 3) 372,120 -> 339,720, 195 (4x2 over 16x18x12, M =
 * 2) 205,600 -> 141,040, 495 (2x2 over 7x14x16, M = 8) 226,600 -> 188,200. Not taken, each slower through it: fewer
 * pixels with a multiplier (566, 3x1 over 5x5 outputs, M = 8: 77,320 -> 83,920 in its first build; 426, 44 pixels,
 * 117,120 -> 139,440), multiplier 1 over more channels, where the widening is not shared and the blocks widen four
 * channels at once (one line: 56 12,600 -> 13,440, 245 23,400 -> 25,360, 386 33,400 -> 37,920, 396 51,960 -> 58,120,
 * 405 123,360 -> 133,200, 576 68,440 -> 87,640; two lines: 675 42,360 -> 43,640, 735 67,760 -> 76,120, 884 52,960 ->
 * 72,400, though 514 67,040 -> 58,640, 645 97,800 -> 96,960 and 705 210,880 -> 186,360 measured faster and are left out
 * with them), two lines with a multiplier on output lines shorter than half their count, which the kernel runs across
 * (896, 4x2 stride 2 over 6x15 outputs, M = 4: 52,840 -> 54,680). On virtual-m55 (its Helium build calls the same DSP
 * entries here) each seed it took before the assembly measured faster too: 14 143,375 -> 127,625, 224 282,750 ->
 * 212,219, 534 14,469 -> 8,313, 574 195,250 -> 191,500, 55 24,031 -> 18,406, 336 202,156 -> 164,625.
 */
export function depthwiseWidened(g: WidenedGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [, height, width] = filterDims;
  const down = (width === 1 && height > 1) || (width === 2 && height > 2);
  const lines = down ? width : height;
  const along = down ? height : width;
  if (along < 2 || (down ? g.dilationHeight : g.dilationWidth) !== 1) return false;
  if (lines === 2 ? along > widenedTwoLinesMaxTaps || (down ? g.dilationWidth : g.dilationHeight) !== 1 : lines !== 1 || along > widenedMaxTaps) return false;
  if (outputDims[1] * outputDims[2] < depthwiseWidenedMinPixels) return false;
  if (lines === 2) {
    // Over more channels only with a multiplier (one plane shared by M output channels) and output lines the kernel runs
    // along, four outputs a pass (not across the lines, its C loop: seed 896, 4x2 stride 2 over 6x15 outputs, 52,840
    // through the blocks against 54,680).
    const lengthOut = down ? outputDims[1] : outputDims[2];
    const linesOut = down ? outputDims[2] : outputDims[1];
    return inputDims[3] <= widenedTwoLinesMaxChannels || (g.depthMultiplier > 1 && 2 * lengthOut > linesOut);
  }
  return g.depthMultiplier > 1 || inputDims[3] <= 2;
}

/** The lowering through td_depthwise_conv2d_s8_widened: the output kept apart from the input (the kernel refuses it over it). */
export function depthwiseWidenedLowering(inputDims: readonly [number, number, number, number], filterDims: readonly [number, number, number, number], emitCall: (kernel: string, e: OpEmitter) => string): OpLowering {
  return {
    kernels: ['td_depthwise_conv2d_s8_widened'],
    outputApart: true,
    scratchBytes: depthwiseConv2dS8WidenedBufferSize(true, inputDims, filterDims),
    emit: (e) => emitCall('td_depthwise_conv2d_s8_widened', e),
  };
}
