/**
 * ARG_MAX and ARG_MIN (TFLite's reference_ops::ArgMinMax): the index along one axis (a constant
 * int32 / int64 input, negative counting from the end) of the largest / smallest value, the
 * first one on ties (the comparison is strict). float32, int8, int16 and int32 input; int32 or
 * int64 output (ArgMaxOptions' output_type, which the output tensor's type carries). A float NaN
 * never replaces the value held.
 */
import { elementCount, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { defineOp } from './registry.js';

export interface ArgMinMaxPlan {
  maximum: boolean;
  /** The input as [outer][axisSize][inner]. */
  outer: number;
  axisSize: number;
  inner: number;
  int64: boolean;
}

export const argMinMax = defineOp<ArgMinMaxPlan>({
  types: ['ARG_MAX', 'ARG_MIN'],
  minInputs: 2,
  precisions: ['float32'],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const axisTensor = inputTensor(context, 1, 'axis');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'int16', 'int32');
    expectDType(context, axisTensor, 'axis', 'int32', 'int64');
    expectDType(context, output, 'output', 'int32', 'int64');
    const axisData = expectConstant(context, axisTensor, 'axis');
    if (axisData.length !== 1) context.fail(`axis ${tensorName(axisTensor)} holds ${axisData.length} values, expected 1`);
    const rank = input.shape.length;
    const given = Number(axisData[0]);
    const axis = given < 0 ? given + rank : given;
    if (axis < 0 || axis >= rank) context.fail(`axis ${given} is outside the ${rank} dimensions of input ${tensorName(input)}`);
    const expected = input.shape.filter((_, d) => d !== axis);
    if (elementCount(output.shape) !== elementCount(expected) || output.shape.length !== expected.length) {
      context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}`);
    }
    if (input.shape[axis] === 0) context.fail(`input ${tensorName(input)} has no values along axis ${given}`);
    return {
      maximum: context.op.type === 'ARG_MAX',
      outer: elementCount(input.shape.slice(0, axis)),
      axisSize: input.shape[axis],
      inner: elementCount(input.shape.slice(axis + 1)),
      int64: output.dtype === 'int64',
    };
  },
});

/** The index of the largest (maximum) or smallest value of each [outer][·][inner] line, first on ties. */
export function argMinMaxIndices({ maximum, outer, axisSize, inner }: ArgMinMaxPlan, input: ArrayLike<number>, write: (index: number, value: number) => void): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = input[o * axisSize * inner + i];
      let bestIndex = 0;
      for (let a = 1; a < axisSize; a++) {
        const value = input[(o * axisSize + a) * inner + i];
        if (maximum ? value > best : value < best) {
          best = value;
          bestIndex = a;
        }
      }
      write(o * inner + i, bestIndex);
    }
  }
}
