import { cFloat, cInt } from '../c-source.js';
import type { DType } from '../../ir/types.js';
import { dequantize, quantize } from '../../ops/quantize.js';
import { fail, input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';

/**
 * QUANTIZE and DEQUANTIZE → td_quantize_f32_<t> / td_requantize_<in>_<out> / td_dequantize_<t>_f32,
 * from the plans of ops/quantize.ts: float32 ↔ int8, uint8, int16, and requantization between
 * int8, uint8 and int16 (and to int32). int8 → int8 keeps its historical name td_requantize_s8.
 */
const suffixes: Partial<Record<DType, string>> = { int8: 's8', uint8: 'u8', int16: 's16', int32: 's32' };

const requantizeKernels = new Set([
  'td_requantize_s8_s8',
  'td_requantize_u8_s8',
  'td_requantize_s8_u8',
  'td_requantize_u8_u8',
  'td_requantize_s8_s16',
  'td_requantize_s16_s8',
  'td_requantize_s16_s16',
  'td_requantize_s8_s32',
  'td_requantize_s16_s32',
]);

registerLowerer(quantize, ({ count, output: q, requantize }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const [from, to] = [suffixes[x.dtype], suffixes[y.dtype]];
  let kernel: string;
  if (!requantize) {
    if (to === undefined || to === 's32') fail(context, `QUANTIZE float32 → ${y.dtype} has no C kernel (float32 → int8, uint8 and int16 do)`);
    kernel = `td_quantize_f32_${to}`;
  } else {
    kernel = `td_requantize_${from}_${to}`;
    if (!requantizeKernels.has(kernel)) {
      fail(context, `QUANTIZE ${x.dtype} → ${y.dtype} has no C kernel (between int8, uint8 and int16, and from int8 or int16 to int32, they do)`);
    }
    if (kernel === 'td_requantize_s8_s8') kernel = 'td_requantize_s8';
  }
  if (requantize && (from === 's8' || from === 'u8') && (to === 's8' || to === 'u8')) {
    // Between 8-bit types every input byte has one output byte: the Requantize of all 256 is
    // computed here, and the C code looks it up (or, for the uint8 <-> int8 sign flip, XORs).
    const [low, high] = to === 's8' ? [-128, 127] : [0, 255];
    const table = new Uint8Array(256);
    for (let byte = 0; byte < 256; byte++) {
      const value = from === 's8' ? (byte << 24) >> 24 : byte;
      const requantized = multiplyByQuantizedMultiplier(value - requantize.inputZeroPoint, requantize.multiplier.multiplier, requantize.multiplier.shift) + q.zeroPoint;
      table[byte] = Math.min(high, Math.max(low, requantized)) & 0xff;
    }
    if (table.every((value, byte) => value === (byte ^ 0x80))) {
      return { kernels: ['td_flip_sign_8'], scratchBytes: 0, emit: (e) => `td_flip_sign_8(${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
    }
    return {
      kernels: ['td_lookup_8'],
      scratchBytes: 0,
      emit: (e) => `td_lookup_8(${e.array('table', 'uint8', table)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  const params = requantize
    ? `{${-requantize.inputZeroPoint}, ${q.zeroPoint}, ${requantC(requantize.multiplier)}}`
    : `{${cFloat(q.scale)}, ${cInt(q.zeroPoint)}}`;
  const type = requantize ? 'td_requantize_params' : 'td_affine_quant';
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${e.struct('params', type, params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
});

registerLowerer(dequantize, ({ count, affine }, context) => {
  const x = input(context, 0, 'input');
  const y = output(context);
  const from = suffixes[x.dtype];
  if (!affine || from === undefined || from === 's32') fail(context, `DEQUANTIZE of ${x.dtype} has no C kernel (int8, uint8 and int16 do)`);
  if (affine.scales.length !== 1) fail(context, `DEQUANTIZE with ${affine.scales.length} scales (per channel) has no C kernel (per-tensor int8, uint8 and int16 do)`);
  const kernel = `td_dequantize_${from}_f32`;
  const params = `{${cFloat(affine.scales[0])}, ${cInt(affine.zeroPoints[0])}}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${e.struct('params', 'td_affine_quant', params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
