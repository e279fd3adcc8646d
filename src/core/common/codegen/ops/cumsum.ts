import { cumsum } from '../../ops/cumsum.js';
import { input, output, registerLowerer } from '../lowering.js';
import { clampC, requantC } from '../params.js';

/** CUMSUM → td_cumsum_f32 / td_cumsum_s8 over [outer][depth][inner], from the plan of ops/cumsum.ts. */
registerLowerer(cumsum, ({ outer, depth, inner, exclusive, reverse, integer }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const layout = `${outer}, ${depth}, ${inner}, ${exclusive ? 1 : 0}, ${reverse ? 1 : 0}`;
  if (!integer) return { kernels: ['td_cumsum_f32'], scratchBytes: 0, emit: (e) => `td_cumsum_f32(${layout}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
  const params = `{${integer.inputOffset}, ${integer.outputOffset}, ${integer.leftShift}, ${requantC(integer.input)}, ${requantC(integer.output)}, ${clampC(integer)}}`;
  return {
    kernels: ['td_cumsum_s8'],
    scratchBytes: 0,
    emit: (e) => `td_cumsum_s8(${e.struct('params', 'td_cumsum_params_s8', params)}, ${layout}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
