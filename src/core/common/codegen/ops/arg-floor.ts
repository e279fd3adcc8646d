import { argMinMax } from '../../ops/arg-min-max.js';
import { floorDivMod } from '../../ops/floor-div-mod.js';
import { input, output, registerLowerer } from '../lowering.js';
import { binaryOperands } from './comparison.js';

/** ARG_MAX / ARG_MIN → td_arg_min_max_{s8,s16,s32,f32}; FLOOR_DIV / FLOOR_MOD → td_floor_div_mod_{s32,f32} (4-D broadcast). */
const argKernels = { int8: 'td_arg_min_max_s8', int16: 'td_arg_min_max_s16', int32: 'td_arg_min_max_s32', float32: 'td_arg_min_max_f32' } as Record<string, string>;

registerLowerer(argMinMax, ({ maximum, outer, axisSize, inner, int64 }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const kernel = argKernels[x.dtype];
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${maximum ? 1 : 0}, ${outer}, ${axisSize}, ${inner}, ${e.pointer(x, 'read')}, ${int64 ? 1 : 0}, ${e.pointer(y, 'write')})`,
  };
});

registerLowerer(floorDivMod, ({ modulo, flavour }, context) => {
  const operands = binaryOperands(context);
  const kernel = flavour === 'int32' ? 'td_floor_div_mod_s32' : 'td_floor_div_mod_f32';
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${modulo ? 1 : 0}, ${operands(e)})` };
});
