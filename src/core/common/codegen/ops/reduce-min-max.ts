import { reduceMinMax } from '../../ops/reduce-min-max.js';
import { input, output, registerLowerer } from '../lowering.js';

/** REDUCE_MAX / REDUCE_MIN → td_reduce_min_max_s8 / _s16 / _f32, from the plan of ops/reduce-min-max.ts. */
registerLowerer(reduceMinMax, ({ maximum, outer, reduce, inner }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const kernel = `td_reduce_min_max_${x.dtype === 'float32' ? 'f32' : x.dtype === 'int8' ? 's8' : 's16'}`;
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${maximum ? 1 : 0}, ${outer}, ${reduce}, ${inner}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});
