import { findOp } from '../../ops/index.js';
import { computeOutSize, computePadding } from '../../ops/window.js';
import { dtypeBytes } from '../../ir/tensor.js';
import type { Graph, Op } from '../../ir/types.js';
import { alignDown } from './planner.js';

/**
 * Output over input for windowed ops (MCUNet/TinyEngine's in-place idea, generalised): a
 * convolution, depthwise convolution or pooling reads, for output pixel p, only the input
 * pixels of p's window, and the kernels write output pixels in increasing (n, y, x) order. Once
 * pixel p is being written, the input pixels before the first one any pixel ≥ p still reads are
 * dead, so the output may start `delta` bytes from the input (usually before it) and overwrite
 * them as it goes.
 *
 * The kernel contract this relies on (all of firmware/kernels' CONV_2D, DEPTHWISE_CONV_2D,
 * AVERAGE_POOL_2D and MAX_POOL_2D kernels, portable, DSP and Helium, keep it): output pixels are
 * written in increasing linear order, all channels of a pixel before any channel of a later
 * one (the DSP conv's blocks of pixels included: all their reads come first), and every read
 * for output pixel p happens before the writes of any later pixel and touches only p's window.
 * A window marked `channelBlocks` (depthwise: the DSP and Helium kernels run blocks of channels
 * outermost, each block over the pixels in that order) keeps the contract channel by channel,
 * so its output is placed a whole number of pixels from its input, each channel over itself.
 * A kernel that writes in another order (a tiled one) must not be given to an op with a `window`.
 *
 * The safe placement: with readStart(p) the byte offset in the input of the first input pixel
 * any output pixel ≥ p reads, and writeEnd(p) the end of output pixel p, the output may be
 * placed at input + delta for any delta ≤ min over p of (readStart(p) − writeEnd(p)): every
 * byte written for pixel p then lies below everything still to be read.
 */

/**
 * The offset of the output relative to the input (a multiple of the plan's alignment) that
 * lets the op's output overlap its input safely while taking the least room, or undefined when
 * overlapping saves nothing (or the op has no window: its op-library definition says so).
 */
export function windowedOutputDelta(graph: Graph, op: Op): number | undefined {
  const window = findOp(op.type)?.window?.(graph, op);
  if (!window) return undefined;
  const input = graph.tensors[op.inputs[0]];
  const output = graph.tensors[op.outputs[0]];
  if (!input || !output || input.shape.length !== 4 || output.shape.length !== 4) return undefined;
  const [batches, inputHeight, inputWidth, inputChannels] = input.shape;
  const [outputBatches, outputHeight, outputWidth, outputChannels] = output.shape;
  if (outputBatches !== batches) return undefined;
  const { filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding } = window;
  if (
    computeOutSize(padding, inputHeight, filterHeight, strideH, dilationH) !== outputHeight ||
    computeOutSize(padding, inputWidth, filterWidth, strideW, dilationW) !== outputWidth
  ) {
    return undefined;
  }
  const padTop = computePadding(strideH, dilationH, inputHeight, filterHeight, outputHeight);
  const padLeft = computePadding(strideW, dilationW, inputWidth, filterWidth, outputWidth);
  const inputPixelBytes = inputChannels * dtypeBytes(input.dtype);
  const outputPixelBytes = outputChannels * dtypeBytes(output.dtype);
  const pixels = batches * outputHeight * outputWidth;

  // readStart of each output pixel: the first input pixel of its window (clipped at the border),
  // then a running minimum from the end so that it covers every later pixel too.
  const firstRead = new Float64Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const x = p % outputWidth;
    const y = Math.floor(p / outputWidth) % outputHeight;
    const n = Math.floor(p / (outputWidth * outputHeight));
    const inY = Math.max(0, y * strideH - padTop);
    const inX = Math.max(0, x * strideW - padLeft);
    firstRead[p] = ((n * inputHeight + inY) * inputWidth + inX) * inputPixelBytes;
  }
  let minimum = Infinity;
  let bound = Infinity;
  for (let p = pixels - 1; p >= 0; p--) {
    minimum = Math.min(minimum, firstRead[p]);
    bound = Math.min(bound, minimum - (p + 1) * outputPixelBytes);
  }
  // Channel blocks outermost: block b of output pixel p must land on block b of an input pixel,
  // so the pixels have one size and the offset is a whole number of them (then each block meets
  // the bound above on its own). The offset only moves down, where the bound still holds.
  let delta = Math.min(0, alignDown(bound));
  if (window.channelBlocks) {
    if (inputPixelBytes !== outputPixelBytes) return undefined;
    while (delta % inputPixelBytes !== 0) delta = alignDown(delta - 1);
  }
  const inputBytes = batches * inputHeight * inputWidth * inputPixelBytes;
  const outputBytes = pixels * outputPixelBytes;
  const extent = Math.max(inputBytes - delta, outputBytes);
  const separate = alignDown(inputBytes + 15) + alignDown(outputBytes + 15);
  return extent < separate ? delta + 0 : undefined; // + 0 turns −0 into 0
}
