import { assignVariable, readVariable } from '../../ops/resource-variable.js';
import { input, output, registerLowerer } from '../lowering.js';

/**
 * READ_VARIABLE and ASSIGN_VARIABLE → td_reshape (a copy of the plan's bytes) between the
 * variable tensor, which the memory plan keeps for the whole run and td_model_reset_state puts
 * back to its initial value, and an activation.
 */
registerLowerer(readVariable, ({ bytes }, context) => ({
  kernels: ['td_reshape'],
  scratchBytes: 0,
  emit: (e) => `td_reshape(${bytes}, ${e.pointer(input(context, 0, 'variable'), 'read')}, ${e.pointer(output(context), 'write')})`,
}));

registerLowerer(assignVariable, ({ bytes }, context) => ({
  kernels: ['td_reshape'],
  scratchBytes: 0,
  emit: (e) => `td_reshape(${bytes}, ${e.pointer(input(context, 1, 'value'), 'read')}, ${e.pointer(input(context, 0, 'variable'), 'write')})`,
}));
