/**
 * GATHER, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR, as TFLite Micro prepares them.
 *
 * GATHER (attrs axis, batch_dims; inputs params, indices int32/int64): slices of `params` along
 * `axis` picked by `indices`, for any dtype (copies). An index outside the axis is an error at
 * run time, as in TFLite Micro.
 *
 * RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR (NHWC input, constant int32 size [H, W]; attrs
 * align_corners, half_pixel_centers): the source rows and columns of each output row and column
 * are computed here once, with the reference kernels' float32 (nearest, float bilinear) or 10-bit
 * fixed-point (int8/int16 bilinear, ResizeBilinearInteger) arithmetic, and both back ends read
 * them from the plan.
 */
import type { Tensor } from '../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../ir/tensor.js';
import { roundHalfAwayFromZero } from './fixed-point.js';
import { expectConstant, expectDType, expectRank, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { defineOp } from './registry.js';

export interface GatherPlan {
  batch: number;
  outer: number;
  axisSize: number;
  coords: number;
  inner: number;
  elementBytes: number;
}

/** GATHER's and GATHER_ND's operands: params (any dtype but string), int32 or int64 indices, an output of params' dtype. */
export function gatherTensors(context: OpContext): { params: Tensor; indices: Tensor; output: Tensor } {
  const params = inputTensor(context, 0, 'params');
  const indices = inputTensor(context, 1, 'indices');
  const output = outputTensor(context);
  expectDType(context, indices, 'indices', 'int32', 'int64');
  expectDType(context, output, 'output', params.dtype);
  if (params.dtype === 'string') context.fail(`params ${tensorName(params)} is string, which TinyDeploy does not gather`);
  return { params, indices, output };
}

export const gather = defineOp<GatherPlan>({
  types: ['GATHER'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const { params, indices, output } = gatherTensors(context);
    const attrs = context.op.attrs as { axis?: number; batchDims?: number };
    const rank = params.shape.length;
    let batchDims = attrs.batchDims ?? 0;
    if (batchDims < 0) batchDims += indices.shape.length;
    let axis = attrs.axis ?? 0;
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) context.fail(`axis ${attrs.axis} is outside the ${rank} dimensions of params ${tensorName(params)}`);
    if (batchDims < 0 || batchDims > axis || batchDims > indices.shape.length) context.fail(`batch_dims ${attrs.batchDims} must be from 0 to axis ${axis} and to the rank of indices`);
    for (let d = 0; d < batchDims; d++) {
      if (params.shape[d] !== indices.shape[d]) context.fail(`batch dimension ${d} of params ${formatShape(params.shape)} and indices ${formatShape(indices.shape)} differ`);
    }
    const expected = [...params.shape.slice(0, axis), ...indices.shape.slice(batchDims), ...params.shape.slice(axis + 1)];
    if (elementCount(expected) !== elementCount(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}`);
    return {
      batch: elementCount(params.shape.slice(0, batchDims)),
      outer: elementCount(params.shape.slice(batchDims, axis)),
      axisSize: params.shape[axis],
      coords: elementCount(indices.shape.slice(batchDims)),
      inner: elementCount(params.shape.slice(axis + 1)),
      elementBytes: dtypeBytes(params.dtype),
    };
  },
});

export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

interface ResizeGeometry {
  batch: number;
  inputHeight: number;
  inputWidth: number;
  channels: number;
  outputHeight: number;
  outputWidth: number;
  elementBytes: number;
}

function resizeGeometry(context: OpContext): { geometry: ResizeGeometry; attrs: ResizeAttrs; input: Tensor } {
  const input = inputTensor(context, 0, 'input');
  const size = inputTensor(context, 1, 'size');
  const output = outputTensor(context);
  expectRank(context, input, 'input', 4);
  expectDType(context, output, 'output', input.dtype);
  expectDType(context, size, 'size', 'int32');
  const [height, width] = Array.from(expectConstant(context, size, 'size') as Int32Array);
  const [batch, inputHeight, inputWidth, channels] = input.shape;
  const expected = [batch, height, width, channels];
  if (formatShape(expected) !== formatShape(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, size gives ${formatShape(expected)}`);
  const attrs = context.op.attrs as Partial<ResizeAttrs>;
  const resolved = { alignCorners: attrs.alignCorners ?? false, halfPixelCenters: attrs.halfPixelCenters ?? false };
  if (resolved.alignCorners && resolved.halfPixelCenters) context.fail('align_corners and half_pixel_centers cannot both be set');
  return { geometry: { batch, inputHeight, inputWidth, channels, outputHeight: height, outputWidth: width, elementBytes: dtypeBytes(input.dtype) }, attrs: resolved, input };
}

export interface ResizeNearestPlan extends ResizeGeometry {
  /** Source row of each output row, source column of each output column. */
  rows: number[];
  columns: number[];
}

/** TFLite's GetNearestNeighbor, in float32. */
function nearest(outputIndex: number, inputSize: number, outputSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): number {
  const f = Math.fround;
  const scale = alignCorners && outputSize > 1 ? f((inputSize - 1) / f(outputSize - 1)) : f(inputSize / f(outputSize));
  const position = f(f(outputIndex + (halfPixelCenters ? 0.5 : 0)) * scale);
  let value = Math.min(alignCorners ? roundHalfAwayFromZero(position) : Math.floor(position), inputSize - 1);
  if (halfPixelCenters) value = Math.max(0, value);
  return value;
}

export const resizeNearestNeighbor = defineOp<ResizeNearestPlan>({
  types: ['RESIZE_NEAREST_NEIGHBOR'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const { geometry, attrs, input } = resizeGeometry(context);
    if (input.dtype === 'string') context.fail(`input ${tensorName(input)} is string`);
    const rows = Array.from({ length: geometry.outputHeight }, (_, y) => nearest(y, geometry.inputHeight, geometry.outputHeight, attrs));
    const columns = Array.from({ length: geometry.outputWidth }, (_, x) => nearest(x, geometry.inputWidth, geometry.outputWidth, attrs));
    return { ...geometry, rows, columns };
  },
});

/** One axis of a bilinear resize: lower and upper source index and the weight of the upper one. */
export interface BilinearTaps {
  lower: number[];
  upper: number[];
  /** float32: the fraction position - lower (float32); integer: the 10-bit fixed-point position (scaled value). */
  position: number[];
}

export interface ResizeBilinearPlan extends ResizeGeometry {
  flavour: 'float32' | 'integer';
  rows: BilinearTaps;
  columns: BilinearTaps;
}

function floatTaps(inputSize: number, outputSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): BilinearTaps {
  const f = Math.fround;
  const scale = alignCorners && outputSize > 1 ? f((inputSize - 1) / f(outputSize - 1)) : f(inputSize / f(outputSize));
  const taps: BilinearTaps = { lower: [], upper: [], position: [] };
  for (let i = 0; i < outputSize; i++) {
    const scaled = halfPixelCenters ? f(f(f(i + 0.5) * scale) - 0.5) : f(i * scale);
    taps.lower.push(Math.max(Math.floor(scaled), 0));
    taps.upper.push(Math.min(Math.ceil(scaled), inputSize - 1));
    taps.position.push(scaled);
  }
  return taps;
}

function integerTaps(inputSize: number, outputSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): BilinearTaps {
  const scale10 =
    alignCorners && outputSize > 1 ? Math.trunc((1024 * (inputSize - 1) + Math.trunc((outputSize - 1) / 2)) / (outputSize - 1)) : Math.trunc((1024 * inputSize + Math.trunc(outputSize / 2)) / outputSize);
  const taps: BilinearTaps = { lower: [], upper: [], position: [] };
  for (let i = 0; i < outputSize; i++) {
    const scaled = halfPixelCenters ? i * scale10 + Math.trunc(scale10 / 2) - 512 : i * scale10;
    taps.lower.push(Math.max(Math.trunc(scaled / 1024), 0));
    taps.upper.push(Math.min(Math.trunc((scaled + 1023) / 1024), inputSize - 1));
    taps.position.push(scaled);
  }
  return taps;
}

export const resizeBilinear = defineOp<ResizeBilinearPlan>({
  types: ['RESIZE_BILINEAR'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const { geometry, attrs, input } = resizeGeometry(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'int16');
    const taps = input.dtype === 'float32' ? floatTaps : integerTaps;
    return {
      ...geometry,
      flavour: input.dtype === 'float32' ? 'float32' : 'integer',
      rows: taps(geometry.inputHeight, geometry.outputHeight, attrs),
      columns: taps(geometry.inputWidth, geometry.outputWidth, attrs),
    };
  },
});
