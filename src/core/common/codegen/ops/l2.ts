import { l2Normalization } from '../../ops/l2-normalization.js';
import { l2Pool } from '../../ops/l2-pool.js';
import { input, output, registerLowerer } from '../lowering.js';
import { lowerPool } from './pooling.js';

/** L2_POOL_2D → td_l2pool_f32 (the pools' lowering); L2_NORMALIZATION → td_l2_normalization_s8 / _f32 (ops/l2-normalization.ts). */
registerLowerer(l2Pool, lowerPool);

registerLowerer(l2Normalization, ({ outer, depth, inputZeroPoint }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (inputZeroPoint === undefined) {
    return { kernels: ['td_l2_normalization_f32'], scratchBytes: 0, emit: (e) => `td_l2_normalization_f32(${outer}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
  }
  return {
    kernels: ['td_l2_normalization_s8'],
    scratchBytes: 0,
    emit: (e) => `td_l2_normalization_s8(${inputZeroPoint}, ${outer}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
