/**
 * STRIDED_SLICE and SLICE: a box of the input, as TFLite's strided_slice_logic computes it.
 *
 * STRIDED_SLICE (inputs: data, begin, end, strides; int32 or int64 constants): per axis,
 * start = begin (negative counts from the end; begin_mask: the first element in the stride's
 * direction), clamped to [0, size] (stride > 0) or [-1, size - 1] (stride < 0); stop likewise
 * from end (end_mask: past the last element; `offset`: end is relative to begin); a
 * shrink_axis_mask axis takes the one element at start and leaves the output shape.
 * ellipsis_mask and new_axis_mask are refused, as TFLite Micro refuses them.
 * SLICE (inputs: data, begin, size): begin + size elements per axis, size -1 meaning to the end.
 *
 * Elements are copied without arithmetic (any dtype; quantization passes through).
 */
import type { Tensor } from '../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { defineOp } from './registry.js';
import { simplifyStridedCopy, stridesOf, type StridedCopy } from './strided-copy.js';

export interface StridedSliceAttrs {
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  offset: boolean;
}

export interface SlicePlan {
  copy: StridedCopy;
  elementBytes: number;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const clamp = (value: number, lo: number, hi: number) => (value < lo ? lo : value > hi ? hi : value);

function constantVector(context: OpContext, tensor: Tensor, role: string, length: number): number[] {
  expectDType(context, tensor, role, 'int32', 'int64');
  const values = Array.from(expectConstant(context, tensor, role) as ArrayLike<number | bigint>, Number);
  if (values.length !== length) context.fail(`${role} ${tensorName(tensor)} has ${values.length} entries, input has ${length} dimensions`);
  return values;
}

function sliceTensors(context: OpContext): { input: Tensor; output: Tensor } {
  const input = inputTensor(context, 0, 'input');
  const output = outputTensor(context);
  expectDType(context, output, 'output', input.dtype);
  if (input.dtype === 'string') context.fail(`input ${tensorName(input)} is string, which TinyDeploy does not slice`);
  return { input, output };
}

/** The plan of a box with per-axis start, element count and stride; `kept` are the axes left in the output. */
function boxPlan(context: OpContext, input: Tensor, output: Tensor, start: number[], counts: number[], steps: number[], kept: number[]): SlicePlan {
  const expected = kept.map((axis) => counts[axis]);
  if (elementCount(expected) !== elementCount(output.shape) || (output.shape.length === expected.length && formatShape(expected) !== formatShape(output.shape))) {
    context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, the slice gives ${formatShape(expected)}`);
  }
  const inputStrides = stridesOf(input.shape);
  const outputStrides = stridesOf(counts);
  const copy = simplifyStridedCopy({
    count: counts,
    inputStep: inputStrides.map((stride, d) => stride * steps[d]),
    outputStep: outputStrides,
    inputBase: counts.some((c) => c === 0) ? 0 : start.reduce((sum, s, d) => sum + s * inputStrides[d], 0),
    outputBase: 0,
  });
  return { copy, elementBytes: dtypeBytes(input.dtype) };
}

export const stridedSlice = defineOp<SlicePlan>({
  types: ['STRIDED_SLICE'],
  minInputs: 4,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const { input, output } = sliceTensors(context);
    const rank = input.shape.length;
    const begin = constantVector(context, inputTensor(context, 1, 'begin'), 'begin', rank);
    const end = constantVector(context, inputTensor(context, 2, 'end'), 'end', rank);
    const strides = constantVector(context, inputTensor(context, 3, 'strides'), 'strides', rank);
    const attrs = context.op.attrs as Partial<StridedSliceAttrs>;
    const [beginMask, endMask, shrinkMask] = [attrs.beginMask ?? 0, attrs.endMask ?? 0, attrs.shrinkAxisMask ?? 0];
    if ((attrs.ellipsisMask ?? 0) !== 0) context.fail(`ellipsis_mask ${attrs.ellipsisMask} is not supported (TFLite Micro supports 0 only)`);
    if ((attrs.newAxisMask ?? 0) !== 0) context.fail(`new_axis_mask ${attrs.newAxisMask} is not supported (TFLite Micro supports 0 only)`);
    const starts: number[] = [];
    const counts: number[] = [];
    const kept: number[] = [];
    for (let axis = 0; axis < rank; axis++) {
      const size = input.shape[axis];
      const stride = strides[axis];
      if (stride === 0) context.fail(`strides [${strides.join(', ')}] has 0 at axis ${axis}`);
      const bit = 1 << axis;
      let start = begin[axis];
      if (beginMask & bit) start = stride > 0 ? INT32_MIN : INT32_MAX;
      if (start < 0) start += size;
      start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
      let stop: number;
      if (shrinkMask & bit) {
        stop = start + 1;
      } else {
        stop = end[axis];
        if (attrs.offset) stop += begin[axis];
        if (endMask & bit) stop = stride > 0 ? INT32_MAX : INT32_MIN;
        if (stop < 0) stop += size;
        stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
        kept.push(axis);
      }
      const count = size === 0 ? 0 : Math.max(0, stride > 0 ? Math.ceil((stop - start) / stride) : Math.ceil((start - stop) / -stride));
      starts.push(start);
      counts.push(count);
    }
    return boxPlan(context, input, output, starts, counts, strides, kept);
  },
});

export const slice = defineOp<SlicePlan>({
  types: ['SLICE'],
  minInputs: 3,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const { input, output } = sliceTensors(context);
    const rank = input.shape.length;
    const begin = constantVector(context, inputTensor(context, 1, 'begin'), 'begin', rank);
    const size = constantVector(context, inputTensor(context, 2, 'size'), 'size', rank);
    const counts = size.map((s, axis) => (s === -1 ? input.shape[axis] - begin[axis] : s));
    counts.forEach((count, axis) => {
      if (begin[axis] < 0 || count < 0 || begin[axis] + count > input.shape[axis]) {
        context.fail(`begin [${begin.join(', ')}] and size [${size.join(', ')}] leave input shape ${formatShape(input.shape)} at axis ${axis}`);
      }
    });
    return boxPlan(context, input, output, begin, counts, new Array<number>(rank).fill(1), counts.map((_, axis) => axis));
  },
});
