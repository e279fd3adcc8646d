/**
 * Window geometry of the windowed ops (CONV_2D, DEPTHWISE_CONV_2D, the pools) over NHWC tensors:
 * TFLite's ComputeOutSize and ComputePaddingHeightWidth, and the checked geometry every back end
 * reads from the op's plan.
 */
import type { Padding, Tensor } from '../ir/types.js';
import { formatShape } from '../ir/tensor.js';
import type { OpContext, OpWindow } from './op.js';

/** Output size of a windowed op (TFLite's ComputeOutSize). */
export function computeOutSize(padding: Padding, imageSize: number, filterSize: number, stride: number, dilation = 1): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  return padding === 'same'
    ? Math.floor((imageSize + stride - 1) / stride)
    : Math.floor((imageSize - effectiveFilter + stride) / stride);
}

/** Leading padding of a windowed op (TFLite's ComputePaddingWithOffset, offset dropped as the kernels do). */
export function computePadding(stride: number, dilation: number, inSize: number, filterSize: number, outSize: number): number {
  const effectiveFilter = (filterSize - 1) * dilation + 1;
  const total = (outSize - 1) * stride + effectiveFilter - inSize;
  return Math.max(0, Math.floor(total / 2));
}

/**
 * First filter tap inside the image along one axis, and one past the last, for a window
 * starting at `origin` (may be negative): taps `t` with 0 ≤ origin + t·dilation < size.
 */
export function tapRange(origin: number, size: number, taps: number, dilation: number): { start: number; end: number } {
  const start = origin >= 0 ? 0 : Math.ceil(-origin / dilation);
  const end = Math.min(taps, Math.ceil((size - origin) / dilation));
  return { start: Math.min(start, taps), end: Math.max(end, 0) };
}

/**
 * Geometry of a windowed op over NHWC tensors, with TFLite's leading padding. For pools the
 * filter size comes from the attributes and `dilation` is 1.
 */
export interface WindowGeometry {
  batches: number;
  inputHeight: number;
  inputWidth: number;
  inputDepth: number;
  outputHeight: number;
  outputWidth: number;
  outputDepth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Computes the window geometry from a rank-4 input and output and checks that the output
 * shape is the one TFLite's ComputeOutSize gives (batch and spatial sizes; the caller checks
 * the depth).
 */
export function windowGeometry(context: OpContext, input: Tensor, output: Tensor, window: OpWindow): WindowGeometry {
  for (const [role, tensor] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (tensor.shape.length !== 4) {
      context.fail(`${role} tensor ${tensor.id} has shape ${formatShape(tensor.shape)}, expected rank 4 (NHWC)`);
    }
  }
  const { padding, strideH, strideW, dilationH, dilationW, filterHeight, filterWidth } = window;
  for (const [name, value] of [
    ['strideH', strideH],
    ['strideW', strideW],
    ['dilationH', dilationH],
    ['dilationW', dilationW],
    ['filter height', filterHeight],
    ['filter width', filterWidth],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) context.fail(`${name} is ${value}, expected a positive integer`);
  }
  const [batches, inputHeight, inputWidth, inputDepth] = input.shape;
  const [outputBatches, outputHeight, outputWidth, outputDepth] = output.shape;
  const expectedHeight = computeOutSize(padding, inputHeight, filterHeight, strideH, dilationH);
  const expectedWidth = computeOutSize(padding, inputWidth, filterWidth, strideW, dilationW);
  if (outputBatches !== batches || outputHeight !== expectedHeight || outputWidth !== expectedWidth) {
    context.fail(
      `output tensor ${output.id} has shape ${formatShape(output.shape)}, expected ` +
        `${formatShape([batches, expectedHeight, expectedWidth, outputDepth])} for input ${formatShape(input.shape)}, ` +
        `filter ${filterHeight}x${filterWidth}, stride ${strideH}x${strideW}, dilation ${dilationH}x${dilationW}, padding ${padding}`,
    );
  }
  return {
    batches,
    inputHeight,
    inputWidth,
    inputDepth,
    outputHeight,
    outputWidth,
    outputDepth,
    filterHeight,
    filterWidth,
    strideHeight: strideH,
    strideWidth: strideW,
    dilationHeight: dilationH,
    dilationWidth: dilationW,
    padTop: computePadding(strideH, dilationH, inputHeight, filterHeight, outputHeight),
    padLeft: computePadding(strideW, dilationW, inputWidth, filterWidth, outputWidth),
  };
}
