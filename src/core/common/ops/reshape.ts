/**
 * RESHAPE (and EXPAND_DIMS and SQUEEZE, which are reshapes whose second input or option says
 * which axes of size 1 to add or drop): the same elements in the same order under a new shape, for any dtype. The output
 * tensor's shape (resolved by the importer from the shape tensor or the options) is the
 * contract: it must hold as many elements as the input, of the same dtype. Quantization passes
 * through unchanged (TFLite requires equal parameters). The output may alias the input.
 */
import { elementCount, formatShape } from '../ir/tensor.js';
import { inputTensor, outputTensor, tensorName } from './op.js';
import { defineOp } from './registry.js';

export const reshape = defineOp<void>({
  types: ['RESHAPE', 'EXPAND_DIMS', 'SQUEEZE'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  inPlace: 'alias',
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    if (input.dtype !== output.dtype) {
      context.fail(`input ${tensorName(input)} is ${input.dtype} but output ${tensorName(output)} is ${output.dtype}`);
    }
    if (elementCount(input.shape) !== elementCount(output.shape)) {
      context.fail(
        `output shape ${formatShape(output.shape)} holds ${elementCount(output.shape)} elements, input shape ${formatShape(input.shape)} holds ${elementCount(input.shape)}`,
      );
    }
  },
});
