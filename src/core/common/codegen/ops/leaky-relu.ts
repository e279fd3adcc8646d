import { leakyRelu } from '../../ops/leaky-relu.js';
import { cFloat } from '../c-source.js';
import { input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';

/** LEAKY_RELU → a 256-byte table for int8 (td_lookup_8), td_leaky_relu_s16 / _f32, from the plan of ops/leaky-relu.ts. */
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
  if (arithmetic.flavour === 'int8') {
    // Every input byte has one output byte: QuantizeLeakyRelu of all 256 is computed here and
    // the C code looks it up (as QUANTIZE between 8-bit types does).
    const table = new Uint8Array(256);
    for (let byte = 0; byte < 256; byte++) {
      const value = ((byte << 24) >> 24) - arithmetic.input.zeroPoint;
      const m = value >= 0 ? arithmetic.identity : arithmetic.negative;
      table[byte] = Math.min(127, Math.max(-128, arithmetic.output.zeroPoint + multiplyByQuantizedMultiplier(value, m.multiplier, m.shift))) & 0xff;
    }
    return {
      kernels: ['td_lookup_8'],
      scratchBytes: 0,
      emit: (e) => `td_lookup_8(${e.array('table', 'uint8', table)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  const kernel = 'td_leaky_relu_s16';
  const params = `{${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}, ${requantC(arithmetic.identity)}, ${requantC(arithmetic.negative)}}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${e.struct('params', 'td_leaky_relu_params', params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
