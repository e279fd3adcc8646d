import { logSoftmax } from '../../ops/log-softmax.js';
import { input, output, registerLowerer } from '../lowering.js';

/** LOG_SOFTMAX float32 → td_log_softmax_f32 over [outer][depth] (ops/log-softmax.ts). */
registerLowerer(logSoftmax, ({ outer, depth }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  return { kernels: ['td_log_softmax_f32'], scratchBytes: 0, emit: (e) => `td_log_softmax_f32(${outer}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});
