import { computeOutSize, computePadding } from '../../interp/op-utils.js';
import { dtypeBytes } from '../../ir/tensor.js';
import type { Graph, Op, OpOf } from '../../ir/types.js';
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
 * AVERAGE_POOL_2D and MAX_POOL_2D kernels, portable and DSP, keep it): output pixels are
 * written in increasing linear order, all channels of a pixel before any channel of a later
 * one (the DSP conv's pairs of pixels included), and every read for output pixel p happens
 * before the writes of any later pixel and touches only p's window. A kernel that writes in
 * another order (a tiled or channel-major one) must be removed from `windowedOps`.
 *
 * The safe placement: with readStart(p) the byte offset in the input of the first input pixel
 * any output pixel ≥ p reads, and writeEnd(p) the end of output pixel p, the output may be
 * placed at input + delta for any delta ≤ min over p of (readStart(p) − writeEnd(p)): every
 * byte written for pixel p then lies below everything still to be read.
 */

export const windowedOps: ReadonlySet<string> = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']);

/**
 * The offset of the output relative to the input (a multiple of the plan's alignment) that
 * lets the op's output overlap its input safely while taking the least room, or undefined when
 * overlapping saves nothing (or the op is not windowed).
 */
export function windowedOutputDelta(graph: Graph, op: Op): number | undefined {
  if (!windowedOps.has(op.type)) return undefined;
  const input = graph.tensors[op.inputs[0]];
  const output = graph.tensors[op.outputs[0]];
  if (!input || !output || input.shape.length !== 4 || output.shape.length !== 4) return undefined;
  const attrs = (op as OpOf<'CONV_2D'> | OpOf<'DEPTHWISE_CONV_2D'> | OpOf<'AVERAGE_POOL_2D'>).attrs;
  const [batches, inputHeight, inputWidth, inputChannels] = input.shape;
  const [outputBatches, outputHeight, outputWidth, outputChannels] = output.shape;
  if (outputBatches !== batches) return undefined;
  let filterHeight: number;
  let filterWidth: number;
  let dilationH = 1;
  let dilationW = 1;
  if (op.type === 'CONV_2D' || op.type === 'DEPTHWISE_CONV_2D') {
    const filter = graph.tensors[op.inputs[1]];
    if (!filter || filter.shape.length !== 4) return undefined;
    [filterHeight, filterWidth] = [filter.shape[1], filter.shape[2]];
    const conv = attrs as OpOf<'CONV_2D'>['attrs'];
    [dilationH, dilationW] = [conv.dilationH, conv.dilationW];
  } else {
    const pool = attrs as OpOf<'AVERAGE_POOL_2D'>['attrs'];
    [filterHeight, filterWidth] = [pool.filterH, pool.filterW];
  }
  const { strideH, strideW, padding } = attrs;
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
  const delta = Math.min(0, alignDown(bound));
  const inputBytes = batches * inputHeight * inputWidth * inputPixelBytes;
  const outputBytes = pixels * outputPixelBytes;
  const extent = Math.max(inputBytes - delta, outputBytes);
  const separate = alignDown(inputBytes + 15) + alignDown(outputBytes + 15);
  return extent < separate ? delta + 0 : undefined; // + 0 turns −0 into 0
}
