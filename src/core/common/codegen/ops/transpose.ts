import { transpose } from '../../ops/transpose.js';
import { input, output, registerLowerer } from '../lowering.js';

/** TRANSPOSE → td_transpose (any element size, up to 6 dimensions), from the plan of ops/transpose.ts. */
registerLowerer(transpose, ({ inputShape, perm, elementBytes }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const padded = (values: number[]) => `{${[...values, ...new Array<number>(6 - values.length).fill(0)].join(', ')}}`;
  const params = `{${elementBytes}, ${inputShape.length}, ${padded(inputShape)}, ${padded(perm)}}`;
  return {
    kernels: ['td_transpose'],
    scratchBytes: 0,
    emit: (e) => `td_transpose(${e.struct('params', 'td_transpose_params', params)}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
