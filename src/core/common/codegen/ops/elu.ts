import { elu } from '../../ops/elu.js';
import { input, output, registerLowerer } from '../lowering.js';
import { lookupLowering } from './math.js';

/** ELU → td_lookup_8 with the plan's table (int8) or td_elu_f32, from ops/elu.ts. */
registerLowerer(elu, ({ count, table }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (table) return lookupLowering(table, count, x, y);
  return { kernels: ['td_elu_f32'], scratchBytes: 0, emit: (e) => `td_elu_f32(${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});
