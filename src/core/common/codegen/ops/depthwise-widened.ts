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
 * output channels; see below for odd windows) or at most two input channels (no block of four for the channel blocks); a window two rows or two
 * columns wide (2xK or Kx2, K <= 4, no dilation) over as many pixels and at most three input channels, whatever the
 * multiplier. Measured on virtual-m4f (bench/shapes, instructions before -> widened; every window of one or two lines
 * of seeds 1-800 it could run was measured, and each seed it takes is faster): with a multiplier, seed 14 (2x1 stride
 * 2x1, M = 8, the channel blocks' columns) 143,520 -> 129,800; 224 (4x1, M = 3, the lines) 281,080 -> 218,320; 256
 * (3x1 stride 1x2, M = 3) 92,960 -> 73,200; 126 (1x4, M = 8, the blocks) 73,240 -> 68,120; 486 (1x4, M = 3) 356,080
 * -> 243,400; 574 (2x1, M = 4) 195,520 -> 194,880; one or two channels: 484 (1x2 stride 2 over 51x48x1, paired)
 * 23,760 -> 14,080; 534 (2x1 stride 2 over 72x18x1) 15,000 -> 8,480; two lines over three channels: 55 (2x3 stride
 * 1x2 over 10x39x3, the lines) 24,840 -> 17,040, 336 (2x3 over 38x21x3, M = 3) 202,120 -> 164,400, 355 (2x4 over
 * 11x8x3, paired) 21,280 -> 9,720. Not taken, each slower through it (figures of its first build): fewer pixels with a
 * multiplier (566, 3x1 over 5x5 outputs, M = 8: 77,320 -> 83,920; 345, 12 pixels, 72,360 -> 75,480; 426, 44 pixels,
 * 117,120 -> 139,440), multiplier 1 over more channels, where the widening is not shared and the blocks widen four
 * channels at once (164, 7x1 stride 2 over 10x10x48: 24,800 -> 42,880; 396, 4x1 over 21x33x4: 51,960 -> 64,560), two
 * lines over more channels even with a multiplier (274, 2x2 over 12x11x48, M = 3: 372,120 -> 393,600; 434, 2x4
 * stride 2, M = 3: 113,920 -> 140,360; 705, 4x2 over 10x9x70: 210,880 -> 218,600), though three of those measured
 * faster and are left out (195, 4x2 over 16x18x12, M = 2: 205,600 -> 174,280; 514, 3x2 over 18x22x7: 85,240 ->
 * 72,240; 495 226,600 -> 224,160). On virtual-m55 (its Helium build calls the same DSP entries here) each seed it
 * takes measured faster too: 14 143,375 -> 127,625, 224 282,750 -> 212,219, 534 14,469 -> 8,313, 574 195,250 ->
 * 191,500, 55 24,031 -> 18,406, 336 202,156 -> 164,625. Windows of an odd number of taps with a multiplier onto a
 * multiple of four output channels stay with the channel blocks, which take whole blocks of four there
 * (depthwiseLines, depthwiseColumnsPay): seed 256 (3x1 stride 1x2, M = 3, 48 channels) 66,240 down the columns against
 * 73,200 widened, 466 (1x3, M = 8, 120) 270,360 through the blocks against 277,640, 654 (1x5, M = 8, 24) 594,160
 * against 594,520; 595 (3x1, M = 3, 12) is left out with them (20,040 down the columns, 17,440 widened), while 264
 * (1x5, M = 3, 21 channels) takes it: 200,920 -> 165,040.
 */
export function depthwiseWidened(g: WidenedGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [, height, width] = filterDims;
  const down = (width === 1 && height > 1) || (width === 2 && height > 2);
  const lines = down ? width : height;
  const along = down ? height : width;
  if (along < 2 || (down ? g.dilationHeight : g.dilationWidth) !== 1) return false;
  if (lines === 2 ? along > widenedTwoLinesMaxTaps || (down ? g.dilationWidth : g.dilationHeight) !== 1 : lines !== 1 || along > widenedMaxTaps) return false;
  if (outputDims[1] * outputDims[2] < depthwiseWidenedMinPixels) return false;
  if (lines === 2) return inputDims[3] <= widenedTwoLinesMaxChannels;
  // An odd tap costs a pair's instructions here; with a multiplier onto whole blocks of four output channels, the
  // blocks (or their columns) measured faster.
  if (g.depthMultiplier > 1 && along % 2 === 1 && outputDims[3] % 4 === 0) return false;
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
