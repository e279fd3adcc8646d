import { logSoftmax } from '../../ops/log-softmax.js';
import { input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';

/** LOG_SOFTMAX → td_log_softmax_s8 / td_log_softmax_f32 over [outer][depth] (ops/log-softmax.ts). */
registerLowerer(logSoftmax, ({ outer, depth, integer }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (integer) {
    const params = `{${integer.inputMultiplier}, ${integer.inputLeftShift}, ${integer.diffMin}, ${requantC(integer.reverse)}}`;
    return {
      kernels: ['td_log_softmax_s8'],
      scratchBytes: 0,
      emit: (e) => `td_log_softmax_s8(${e.struct('params', 'td_log_softmax_params_s8', params)}, ${outer}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  return { kernels: ['td_log_softmax_f32'], scratchBytes: 0, emit: (e) => `td_log_softmax_f32(${outer}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});
