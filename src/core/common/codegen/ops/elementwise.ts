import { formatShape } from '../../ir/tensor.js';
import type { OpOf, Tensor } from '../../ir/types.js';
import {
  dims4,
  expectDType,
  fail,
  input,
  output,
  quantization,
  registerLegacyLowerer,
  tensorName,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { activationF32, activationS8, requant, requantC } from '../params.js';

/**
 * ADD, SUB, MUL → td_add_* / td_sub_* / td_mul_*, with broadcasting of size-1 dimensions up to
 * 4-D. int8 ADD/SUB follow TFLite's general quantized add (left shift 20, both inputs rescaled
 * to twice the larger input scale); MUL rescales the product by in1 · in2 / out.
 */
function checkBroadcast(context: LowerContext, a: Tensor, b: Tensor, y: Tensor): void {
  const [da, db, dy] = [dims4(context, a.shape, 'input 1'), dims4(context, b.shape, 'input 2'), dims4(context, y.shape, 'output')];
  for (let axis = 0; axis < 4; axis++) {
    const expected = Math.max(da[axis], db[axis]);
    const compatible = (d: number) => d === dy[axis] || d === 1;
    if (dy[axis] !== expected || !compatible(da[axis]) || !compatible(db[axis])) {
      fail(
        context,
        `shapes ${formatShape(a.shape)} (${tensorName(a)}) and ${formatShape(b.shape)} (${tensorName(b)}) do not broadcast to the output's ${formatShape(y.shape)}`,
      );
    }
  }
}

function lowerBinary(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'ADD'> | OpOf<'SUB'> | OpOf<'MUL'>;
  const a = input(context, 0, 'input 1');
  const b = input(context, 1, 'input 2');
  const y = output(context);
  checkBroadcast(context, a, b, y);
  const name = op.type.toLowerCase();
  const call = (kernel: string, params: string, e: Parameters<OpLowering['emit']>[0]) =>
    `${kernel}(${params}, ${e.dims(a.shape, 'input1')}, ${e.pointer(a, 'read')}, ${e.dims(b.shape, 'input2')}, ${e.pointer(b, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;

  if (y.dtype === 'float32') {
    expectDType(context, a, 'input 1', 'float32');
    expectDType(context, b, 'input 2', 'float32');
    const activation = activationF32(context, op.attrs.activation);
    const kernel = `td_${name}_f32`;
    return { kernels: [kernel], scratchBytes: 0, emit: (e) => call(kernel, e.struct('activation', 'td_activation_f32', activation), e) };
  }

  expectDType(context, y, 'output', 'int8');
  expectDType(context, a, 'input 1', 'int8');
  expectDType(context, b, 'input 2', 'int8');
  const qa = quantization(context, a, 'input 1');
  const qb = quantization(context, b, 'input 2');
  const qy = quantization(context, y, 'output');
  const activation = activationS8(context, op.attrs.activation, 'int8', qy.scale, qy.zeroPoint);
  const kernel = `td_${name}_s8`;
  if (op.type === 'MUL') {
    const multiplier = requantC(requant(context, (qa.scale * qb.scale) / qy.scale, 'output'));
    const initializer = `{${-qa.zeroPoint}, ${-qb.zeroPoint}, ${qy.zeroPoint}, ${multiplier}, ${activation}}`;
    return { kernels: [kernel], scratchBytes: 0, emit: (e) => call(kernel, e.struct('params', 'td_mul_params_s8', initializer), e) };
  }
  const leftShift = 20;
  const twiceMaxInputScale = 2 * Math.max(qa.scale, qb.scale);
  const smallerThanOne = (real: number, what: string) => {
    if (!(real > 0 && real < 1)) fail(context, `${what} rescale factor ${real} is not in (0, 1)`);
    return requantC(requant(context, real, what));
  };
  const input1 = smallerThanOne(qa.scale / twiceMaxInputScale, 'input 1');
  const input2 = smallerThanOne(qb.scale / twiceMaxInputScale, 'input 2');
  const out = smallerThanOne(twiceMaxInputScale / (2 ** leftShift * qy.scale), 'output');
  const initializer = `{${-qa.zeroPoint}, ${-qb.zeroPoint}, ${qy.zeroPoint}, ${leftShift}, ${input1}, ${input2}, ${out}, ${activation}}`;
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => call(kernel, e.struct('params', 'td_add_params_s8', initializer), e) };
}

registerLegacyLowerer('ADD', lowerBinary);
registerLegacyLowerer('SUB', lowerBinary);
registerLegacyLowerer('MUL', lowerBinary);
