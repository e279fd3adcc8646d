/**
 * RESHAPE: the same elements in the same order under a new shape, for any dtype. The output
 * tensor's shape (resolved by the importer from the shape tensor or the options) is the
 * contract; the kernel checks that it holds as many elements as the input and copies, as
 * TFLite Micro does when input and output do not share memory. Quantization passes through
 * unchanged (TFLite requires equal parameters).
 */

import { elementCount, formatShape } from '../../ir/tensor.js';
import type { KernelPrepare } from '../kernel.js';
import { failOp, inputTensor, outputTensor } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';

const prepareReshape: KernelPrepare = ({ graph, op, opIndex }) => {
  const input = inputTensor(graph, op, opIndex, 0);
  const output = outputTensor(graph, op, 0);
  if (input.dtype !== output.dtype) {
    failOp(op, opIndex, `output tensor ${output.id} is ${output.dtype}, input tensor ${input.id} is ${input.dtype}`);
  }
  if (elementCount(input.shape) !== elementCount(output.shape)) {
    failOp(
      op,
      opIndex,
      `output shape ${formatShape(output.shape)} holds ${elementCount(output.shape)} elements, input shape ${formatShape(input.shape)} holds ${elementCount(input.shape)}`,
    );
  }
  return (inputs, outputs) => {
    outputs[0].set(inputs[0] as never);
  };
};

registerLegacyKernel('RESHAPE', prepareReshape);
