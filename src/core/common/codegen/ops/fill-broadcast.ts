import { addN, broadcastArgs, broadcastTo, fill, zerosLike } from '../../ops/fill-broadcast.js';
import { input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';
import { lowerMulti } from './data-copy.js';

/**
 * ADD_N → td_add_n_{f32,s32,s8} (the inputs as an array of pointers); ZEROS_LIKE, FILL and
 * BROADCAST_TO → td_strided_copy (a fill from one element, a copy with zero input steps);
 * BROADCAST_ARGS → td_broadcast_args_{s32,s64} (int32 or int64 shapes, at run time).
 */
const addNKernels = { float32: ['td_add_n_f32', 'const float'], int32: ['td_add_n_s32', 'const int32_t'], int8: ['td_add_n_s8', 'const int8_t'] } as const;

registerLowerer(addN, ({ inputs, count, flavour, arithmetic }, context) => {
  const y = output(context);
  const [kernel, ctype] = addNKernels[flavour];
  // int8 takes ADD's parameter struct, input 1's offset and multiplier standing for every input.
  const params = arithmetic
    ? `{${arithmetic.inputOffset}, ${arithmetic.inputOffset}, ${arithmetic.outputOffset}, ${arithmetic.leftShift}, ${requantC(arithmetic.input)}, ${requantC(arithmetic.input)}, ${requantC(arithmetic.output)}, {${arithmetic.activation.min}, ${arithmetic.activation.max}}}`
    : undefined;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => {
      const pointers = Array.from({ length: inputs }, (_, i) => e.pointer(input(context, i), 'read'));
      const head = params ? `${e.struct('params', 'td_add_params_s8', params)}, ` : '';
      return `${kernel}(${head}${inputs}, ${count}, ${e.pointerArray('inputs', ctype, pointers)}, ${e.pointer(y, 'write')})`;
    },
  };
});

registerLowerer(zerosLike, lowerMulti);
registerLowerer(fill, lowerMulti);
registerLowerer(broadcastTo, lowerMulti);

registerLowerer(broadcastArgs, ({ length1, length2, length }, context) => {
  const [a, b] = [input(context, 0, 'shape 0'), input(context, 1, 'shape 1')];
  const y = output(context);
  const kernel = y.dtype === 'int64' ? 'td_broadcast_args_s64' : 'td_broadcast_args_s32';
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${length1}, ${e.pointer(a, 'read')}, ${length2}, ${e.pointer(b, 'read')}, ${length}, ${e.pointer(y, 'write')})`,
  };
});
