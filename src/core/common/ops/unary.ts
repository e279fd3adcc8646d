/** Checks shared by the ops that map each input element to one output element. */
import type { DType, Tensor } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';

/** The element count of an op whose output has as many elements as its input (any shapes). */
export function expectSameSize(context: OpContext, input: Tensor, output: Tensor): number {
  if (elementCount(input.shape) !== elementCount(output.shape)) {
    context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, input ${tensorName(input)} has ${formatShape(input.shape)}`);
  }
  return elementCount(input.shape);
}

/** Input and output of an element-wise unary op: the input in `allowed`, the output of the same dtype and size. */
export function unaryTensors(context: OpContext, allowed: DType[]): { input: Tensor; output: Tensor; count: number } {
  const input = inputTensor(context, 0, 'input');
  const output = outputTensor(context);
  expectDType(context, input, 'input', ...allowed);
  expectDType(context, output, 'output', input.dtype);
  return { input, output, count: expectSameSize(context, input, output) };
}
