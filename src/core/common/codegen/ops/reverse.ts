import { reverseV2 } from '../../ops/reverse.js';
import { MAX_STRIDED_RANK } from '../../ops/strided-copy.js';
import { input, output, registerLowerer } from '../lowering.js';

/** REVERSE_V2 → td_strided_copy with negative steps on the reversed axes (ops/reverse.ts). */
registerLowerer(reverseV2, ({ copy, elementBytes }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const padded = (values: number[], fill: number) => `{${[...values, ...new Array<number>(MAX_STRIDED_RANK - values.length).fill(fill)].join(', ')}}`;
  const params = `{${elementBytes}, ${copy.count.length}, ${padded(copy.count, 1)}, ${padded(copy.inputStep, 0)}, ${padded(copy.outputStep, 0)}, ${copy.inputBase}, ${copy.outputBase}}`;
  return {
    kernels: ['td_strided_copy'],
    scratchBytes: 0,
    emit: (e) => `td_strided_copy(${e.struct('params', 'td_strided_copy_params', params)}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
