import { sum } from '../../ops/sum.js';
import { cFloat } from '../c-source.js';
import { input, output, registerLowerer, type OpEmitter } from '../lowering.js';
import { reductionLayout } from './mean.js';

/** SUM over one contiguous run of axes → td_sum_s8 / _s16 / _f32, from the plan of ops/sum.ts. */
registerLowerer(sum, ({ axes, count, integer }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const { outer, inner } = reductionLayout(context, axes, count);
  const operands = (e: OpEmitter) => `${outer}, ${count}, ${inner}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')}`;
  if (!integer) return { kernels: ['td_sum_f32'], scratchBytes: 0, emit: (e) => `td_sum_f32(${operands(e)})` };
  const kernel = integer.bits === 8 ? 'td_sum_s8' : 'td_sum_s16';
  const params = `{${cFloat(integer.scale)}, ${cFloat(integer.bias)}, ${integer.outputZeroPoint}}`;
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${e.struct('params', 'td_sum_params', params)}, ${operands(e)})` };
});
