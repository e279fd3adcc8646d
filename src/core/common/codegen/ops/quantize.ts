import { elementCount } from '../../ir/tensor.js';
import { cFloat, cInt } from '../c-source.js';
import { expectShape, fail, input, output, quantization, registerLegacyLowerer, type LowerContext, type OpLowering } from '../lowering.js';
import { requant, requantC } from '../params.js';

/**
 * QUANTIZE (float32 → int8, and int8 → int8 requantization) and DEQUANTIZE (int8 → float32)
 * → td_quantize_f32_s8 / td_requantize_s8 / td_dequantize_s8_f32.
 */
function lowerQuantize(context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  expectShape(context, y, 'output', x.shape);
  const size = elementCount(x.shape);
  if (y.dtype !== 'int8') fail(context, `output is ${y.dtype}, expected int8`);
  const qy = quantization(context, y, 'output');
  if (x.dtype === 'float32') {
    const params = `{${cFloat(qy.scale)}, ${cInt(qy.zeroPoint)}}`;
    return {
      kernels: ['td_quantize_f32_s8'],
      scratchBytes: 0,
      emit: (e) => `td_quantize_f32_s8(${e.struct('params', 'td_affine_quant', params)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  if (x.dtype !== 'int8') fail(context, `input is ${x.dtype}, expected float32 or int8`);
  const qx = quantization(context, x, 'input');
  const params = `{${-qx.zeroPoint}, ${qy.zeroPoint}, ${requantC(requant(context, qx.scale / qy.scale, 'output'))}}`;
  return {
    kernels: ['td_requantize_s8'],
    scratchBytes: 0,
    emit: (e) => `td_requantize_s8(${e.struct('params', 'td_requantize_params', params)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

function lowerDequantize(context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  expectShape(context, y, 'output', x.shape);
  if (x.dtype !== 'int8') fail(context, `input is ${x.dtype}, expected int8`);
  if (y.dtype !== 'float32') fail(context, `output is ${y.dtype}, expected float32`);
  const qx = quantization(context, x, 'input');
  const params = `{${cFloat(qx.scale)}, ${cInt(qx.zeroPoint)}}`;
  const size = elementCount(x.shape);
  return {
    kernels: ['td_dequantize_s8_f32'],
    scratchBytes: 0,
    emit: (e) => `td_dequantize_s8_f32(${e.struct('params', 'td_affine_quant', params)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

registerLegacyLowerer('QUANTIZE', lowerQuantize);
registerLegacyLowerer('DEQUANTIZE', lowerDequantize);
