import { cFloat, cInt } from '../c-source.js';
import { dequantize, quantize } from '../../ops/quantize.js';
import { fail, input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';

/**
 * QUANTIZE (float32 → int8, and int8 → int8 requantization) and DEQUANTIZE (per-tensor int8 →
 * float32) → td_quantize_f32_s8 / td_requantize_s8 / td_dequantize_s8_f32, from the plans of
 * ops/quantize.ts.
 */
registerLowerer(quantize, ({ count, output: q, requantize }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (y.dtype !== 'int8' || (requantize && x.dtype !== 'int8')) {
    fail(context, `QUANTIZE ${x.dtype} → ${y.dtype} has no C kernel (float32 → int8 and int8 → int8 do)`);
  }
  const kernel = requantize ? 'td_requantize_s8' : 'td_quantize_f32_s8';
  const params = requantize
    ? `{${-requantize.inputZeroPoint}, ${q.zeroPoint}, ${requantC(requantize.multiplier)}}`
    : `{${cFloat(q.scale)}, ${cInt(q.zeroPoint)}}`;
  const type = requantize ? 'td_requantize_params' : 'td_affine_quant';
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${e.struct('params', type, params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});

registerLowerer(dequantize, ({ count, affine }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  if (x.dtype !== 'int8' || !affine) fail(context, `DEQUANTIZE of ${x.dtype} has no C kernel (int8 does)`);
  if (affine.scales.length !== 1) fail(context, `DEQUANTIZE with ${affine.scales.length} scales (per channel) has no C kernel (per-tensor int8 does)`);
  const params = `{${cFloat(affine.scales[0])}, ${cInt(affine.zeroPoints[0])}}`;
  return {
    kernels: ['td_dequantize_s8_f32'],
    scratchBytes: 0,
    emit: (e) => `td_dequantize_s8_f32(${e.struct('params', 'td_affine_quant', params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
