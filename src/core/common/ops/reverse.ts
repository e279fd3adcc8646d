/**
 * REVERSE_V2: the input with the order of its elements reversed along the axes of the constant
 * int32 second input (TFLite's reverse; negative axes count from the end). It moves elements
 * without arithmetic, so any dtype is accepted and a quantized output keeps the input's
 * parameters. TFLite's converter writes a Keras Bidirectional LSTM as two
 * UNIDIRECTIONAL_SEQUENCE_LSTMs with REVERSE_V2 on the time axis around the backward one.
 *
 * The plan is a strided copy (ops/strided-copy.ts): each reversed axis is read from its last
 * index with a negative step, so both back ends run the copy they already share.
 */
import { dtypeBytes, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { defineOp } from './registry.js';
import { MAX_STRIDED_RANK, stridesOf, type StridedCopy } from './strided-copy.js';

export interface ReversePlan {
  copy: StridedCopy;
  elementBytes: number;
  /** The reversed axes, normalized to 0 … rank-1. */
  axes: number[];
}

export const reverseV2 = defineOp<ReversePlan>({
  types: ['REVERSE_V2'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const axisTensor = inputTensor(context, 1, 'axis');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'uint8', 'int16', 'int32', 'uint32', 'int64', 'bool');
    expectDType(context, output, 'output', input.dtype);
    expectDType(context, axisTensor, 'axis', 'int32', 'int64');
    const rank = input.shape.length;
    if (rank < 1 || rank > MAX_STRIDED_RANK) context.fail(`input ${tensorName(input)} has shape ${formatShape(input.shape)}: REVERSE_V2 takes 1 to ${MAX_STRIDED_RANK} dimensions`);
    if (formatShape(input.shape) !== formatShape(output.shape)) {
      context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected the input's ${formatShape(input.shape)}`);
    }
    const raw = Array.from(expectConstant(context, axisTensor, 'axis') as ArrayLike<number | bigint>, Number);
    const axes = raw.map((axis) => (axis < 0 ? axis + rank : axis));
    if (axes.some((axis) => !Number.isInteger(axis) || axis < 0 || axis >= rank) || new Set(axes).size !== axes.length) {
      context.fail(`axis [${raw.join(', ')}] must name distinct axes of the input's ${rank} dimensions`);
    }
    const strides = stridesOf(input.shape);
    const reversed = new Set(axes);
    const copy: StridedCopy = {
      count: [...input.shape],
      inputStep: strides.map((stride, d) => (reversed.has(d) ? -stride : stride)),
      outputStep: strides,
      inputBase: axes.reduce((base, axis) => base + (input.shape[axis] - 1) * strides[axis], 0),
      outputBase: 0,
    };
    return { copy, elementBytes: dtypeBytes(input.dtype), axes };
  },
});
