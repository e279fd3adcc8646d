import { depthwiseConv2dS8WidenedBufferSize } from '../kernel-buffers.js';
import type { OpEmitter, OpLowering } from '../lowering.js';
import type { DepthwiseConv2DPlan } from '../../ops/depthwise-conv-2d.js';

type WidenedGeometry = Pick<DepthwiseConv2DPlan['geometry'], 'strideHeight' | 'strideWidth' | 'dilationHeight' | 'dilationWidth' | 'depthMultiplier'>;

/** The most taps along the line td_depthwise_conv2d_s8_widened keeps in registers (four pairs). */
const widenedMaxTaps = 8;

/** The fewest output pixels (per channel) over which td_depthwise_conv2d_s8_widened earns back a channel's plane. */
export const depthwiseWidenedMinPixels = 64;

/**
 * Whether an int8 depthwise convolution runs td_depthwise_conv2d_s8_widened in a DSP build (the Cortex-M55's too): a
 * window one row or one column wide of 2 to 8 taps with no dilation along them, outputs of at least
 * `depthwiseWidenedMinPixels` pixels, and a depth multiplier above 1 (one widened plane per input channel serves its M
 * output channels) or at most two input channels (no block of four for the channel blocks). Measured on virtual-m4f
 * (bench/shapes, instructions before -> widened; every one-line window of seeds 1-800 it could take was measured): with
 * a multiplier, seed 14 (2x1 stride 2x1, M = 8, the channel blocks' columns) 143,520 -> 129,600; 224 (4x1, M = 3, the
 * lines) 281,080 -> 216,600; 256 (3x1 stride 1x2, M = 3) 92,960 -> 72,720; 126 (1x4, M = 8, the blocks) 73,240 ->
 * 67,680; 486 (1x4, M = 3) 356,080 -> 242,720; 574 (2x1, M = 4) 195,520 -> 194,040; one or two channels: 484 (1x2
 * stride 2 over 51x48x1, paired) 23,760 -> 14,440; 534 (2x1 stride 2 over 72x18x1) 15,000 -> 8,680. Not taken, each
 * slower through it: fewer pixels with a multiplier (566, 3x1 over 5x5 outputs, M = 8: 77,320 -> 83,920; 345, 12
 * pixels, 72,360 -> 75,480; 426, 44 pixels, 117,120 -> 139,440), and multiplier 1 over more channels, where the
 * widening is not shared and the blocks widen four channels at once (164, 7x1 stride 2 over 10x10x48: 24,800 ->
 * 42,880; 396, 4x1 over 21x33x4: 51,960 -> 64,560). On virtual-m55 (its Helium build calls the same DSP entries
 * here) each of the 14 seeds it takes measured faster too: 14 143,375 -> 127,625, 224 282,750 -> 212,219, 534 14,469
 * -> 8,313, 574 195,250 -> 191,500.
 */
export function depthwiseWidened(g: WidenedGeometry, inputDims: readonly number[], filterDims: readonly number[], outputDims: readonly number[]): boolean {
  const [, height, width] = filterDims;
  const down = width === 1 && height > 1;
  if (!down && height !== 1) return false;
  const along = down ? height : width;
  if (along < 2 || along > widenedMaxTaps || (down ? g.dilationHeight : g.dilationWidth) !== 1) return false;
  if (outputDims[1] * outputDims[2] < depthwiseWidenedMinPixels) return false;
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
