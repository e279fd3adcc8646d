import { leakyRelu } from '../../ops/leaky-relu.js';
import { cFloat } from '../c-source.js';
import { input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';

/** LEAKY_RELU → td_leaky_relu_s8 / _s16 / _f32, from the plan of ops/leaky-relu.ts. */
registerLowerer(leakyRelu, ({ count, alpha, arithmetic }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (arithmetic.flavour === 'float32') {
    return {
      kernels: ['td_leaky_relu_f32'],
      scratchBytes: 0,
      emit: (e) => `td_leaky_relu_f32(${cFloat(alpha)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  const kernel = arithmetic.flavour === 'int8' ? 'td_leaky_relu_s8' : 'td_leaky_relu_s16';
  const params = `{${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}, ${requantC(arithmetic.identity)}, ${requantC(arithmetic.negative)}}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${e.struct('params', 'td_leaky_relu_params', params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
