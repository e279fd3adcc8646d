/**
 * SHAPE: the input's dimensions as an int32 (or int64, `out_type`) vector. Shapes are static in
 * TinyDeploy, so the result is known when the op is prepared: the fold-static-shapes pass turns
 * it into a constant, and where it stays (it writes a graph output) the kernels write the values.
 */
import { formatShape } from '../ir/tensor.js';
import { expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { defineOp } from './registry.js';

export interface ShapePlan {
  values: number[];
}

export const shape = defineOp<ShapePlan>({
  types: ['SHAPE'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    expectDType(context, output, 'output', 'int32', 'int64');
    if (output.shape.reduce((a, b) => a * b, 1) !== input.shape.length) {
      context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, input ${tensorName(input)} has ${input.shape.length} dimensions`);
    }
    return { values: [...input.shape] };
  },
});
