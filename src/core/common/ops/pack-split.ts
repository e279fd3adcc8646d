/**
 * PACK, UNPACK, SPLIT and SPLIT_V: tensors joined along a new axis, or cut along an axis, by
 * copies without arithmetic (any dtype; the tensors share quantization, which passes through as
 * in TFLite Micro). Each plan is one strided copy per input (PACK) or per output (the others).
 *
 * - PACK (attrs axis, values_count): N inputs of one shape → output with N inserted at `axis`.
 * - UNPACK (attrs axis, num): the reverse, one output per index along `axis`.
 * - SPLIT (inputs: axis constant, data; attr num_splits): equal parts along the axis.
 * - SPLIT_V (inputs: data, size_splits constant, axis constant): parts of the given sizes (one
 *   entry may be -1: the rest).
 * A negative axis counts from the end.
 */
import type { Tensor } from '../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { defineOp } from './registry.js';
import { simplifyStridedCopy, type StridedCopy } from './strided-copy.js';

export interface CopyStep {
  /** Input slot read and output slot written. */
  input: number;
  output: number;
  copy: StridedCopy;
}

export interface MultiCopyPlan {
  steps: CopyStep[];
  elementBytes: number;
  /** A value every element of output 0 takes before the copies (padding: MIRROR_PAD has none, SPACE_TO_BATCH_ND its zero point). */
  fill?: number;
}

function normalizeAxis(context: OpContext, axis: number, rank: number, what: string): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized >= rank) context.fail(`${what} ${axis} is outside the ${rank} dimensions`);
  return normalized;
}

function expectSameType(context: OpContext, reference: Tensor, tensors: Tensor[], role: string): void {
  tensors.forEach((tensor, i) => expectDType(context, tensor, `${role} ${i}`, reference.dtype));
  if (reference.dtype === 'string') context.fail(`${tensorName(reference)} is string, which TinyDeploy does not copy`);
}

/** The copy of part `[offset, offset + part)` of `axisSize` along an axis between [outer][axis][inner] layouts. */
function partCopy(outer: number, inner: number, axisSize: number, offset: number, part: number, packed: 'input' | 'output'): StridedCopy {
  const whole = { step: axisSize * inner, base: offset * inner };
  const piece = { step: part * inner, base: 0 };
  const [from, to] = packed === 'input' ? [whole, piece] : [piece, whole];
  return simplifyStridedCopy({ count: [outer, part * inner], inputStep: [from.step, 1], outputStep: [to.step, 1], inputBase: from.base, outputBase: to.base });
}

function outerInner(shape: readonly number[], axis: number): { outer: number; inner: number } {
  return { outer: elementCount(shape.slice(0, axis)), inner: elementCount(shape.slice(axis + 1)) };
}

export const pack = defineOp<MultiCopyPlan>({
  types: ['PACK'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 'all' },
  prepare(context) {
    const inputs = context.op.inputs.map((_, i) => inputTensor(context, i, `input ${i}`));
    const output = outputTensor(context);
    expectSameType(context, output, inputs, 'input');
    const shape = inputs[0].shape;
    const axis = normalizeAxis(context, (context.op.attrs as { axis?: number }).axis ?? 0, shape.length + 1, 'axis');
    inputs.forEach((tensor, i) => {
      if (formatShape(tensor.shape) !== formatShape(shape)) context.fail(`input ${i} ${tensorName(tensor)} has shape ${formatShape(tensor.shape)}, input 0 has ${formatShape(shape)}`);
    });
    const expected = [...shape.slice(0, axis), inputs.length, ...shape.slice(axis)];
    if (formatShape(expected) !== formatShape(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}`);
    const { outer, inner } = outerInner(expected, axis);
    const steps = inputs.map((_, k) => ({ input: k, output: 0, copy: partCopy(outer, inner, inputs.length, k, 1, 'output') }));
    return { steps, elementBytes: dtypeBytes(output.dtype) };
  },
});

export const unpack = defineOp<MultiCopyPlan>({
  types: ['UNPACK'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const outputs = context.op.outputs.map((_, i) => outputTensor(context, i));
    expectSameType(context, input, outputs, 'output');
    const axis = normalizeAxis(context, (context.op.attrs as { axis?: number }).axis ?? 0, input.shape.length, 'axis');
    if (input.shape[axis] !== outputs.length) context.fail(`input ${tensorName(input)} has ${input.shape[axis]} entries along axis ${axis}, the op has ${outputs.length} outputs`);
    const expected = input.shape.filter((_, d) => d !== axis);
    outputs.forEach((tensor, i) => {
      if (elementCount(tensor.shape) !== elementCount(expected)) context.fail(`output ${i} ${tensorName(tensor)} has shape ${formatShape(tensor.shape)}, expected ${formatShape(expected)}`);
    });
    const { outer, inner } = outerInner(input.shape, axis);
    const steps = outputs.map((_, k) => ({ input: 0, output: k, copy: partCopy(outer, inner, outputs.length, k, 1, 'input') }));
    return { steps, elementBytes: dtypeBytes(input.dtype) };
  },
});

function scalarConstant(context: OpContext, tensor: Tensor, role: string): number {
  expectDType(context, tensor, role, 'int32', 'int64');
  const data = expectConstant(context, tensor, role);
  if (data.length !== 1) context.fail(`${role} ${tensorName(tensor)} has ${data.length} values, expected one`);
  return Number(data[0]);
}

function splitPlan(context: OpContext, dataSlot: number, axisValue: number, sizes: number[] | undefined): MultiCopyPlan {
  const input = inputTensor(context, dataSlot, 'input');
  const outputs = context.op.outputs.map((_, i) => outputTensor(context, i));
  expectSameType(context, input, outputs, 'output');
  const axis = normalizeAxis(context, axisValue, input.shape.length, 'axis');
  const axisSize = input.shape[axis];
  let parts: number[];
  if (sizes === undefined) {
    if (axisSize % outputs.length !== 0) context.fail(`axis ${axis} of input ${tensorName(input)} (${axisSize}) does not split into ${outputs.length} equal parts`);
    parts = outputs.map(() => axisSize / outputs.length);
  } else {
    if (sizes.length !== outputs.length) context.fail(`size_splits [${sizes.join(', ')}] has ${sizes.length} entries, the op has ${outputs.length} outputs`);
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a + b, 0);
    parts = sizes.map((s) => (s === -1 ? axisSize - known : s));
    if (parts.some((p) => p < 0) || parts.reduce((a, b) => a + b, 0) !== axisSize) context.fail(`size_splits [${sizes.join(', ')}] do not add up to ${axisSize} along axis ${axis}`);
  }
  const { outer, inner } = outerInner(input.shape, axis);
  let offset = 0;
  const steps = parts.map((part, k) => {
    const expected = input.shape.map((dim, d) => (d === axis ? part : dim));
    if (formatShape(expected) !== formatShape(outputs[k].shape)) context.fail(`output ${k} ${tensorName(outputs[k])} has shape ${formatShape(outputs[k].shape)}, expected ${formatShape(expected)}`);
    const step = { input: dataSlot, output: k, copy: partCopy(outer, inner, axisSize, offset, part, 'input') };
    offset += part;
    return step;
  });
  return { steps, elementBytes: dtypeBytes(input.dtype) };
}

export const split = defineOp<MultiCopyPlan>({
  types: ['SPLIT'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 1 },
  prepare: (context) => splitPlan(context, 1, scalarConstant(context, inputTensor(context, 0, 'axis'), 'axis'), undefined),
});

export const splitV = defineOp<MultiCopyPlan>({
  types: ['SPLIT_V'],
  minInputs: 3,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const sizesTensor = inputTensor(context, 1, 'size_splits');
    expectDType(context, sizesTensor, 'size_splits', 'int32', 'int64');
    const sizes = Array.from(expectConstant(context, sizesTensor, 'size_splits') as ArrayLike<number | bigint>, Number);
    return splitPlan(context, 0, scalarConstant(context, inputTensor(context, 2, 'axis'), 'axis'), sizes);
  },
});
