import { add, mul, sub, type ElementwisePlan } from '../../ops/elementwise.js';
import { dims4, fail, input, output, registerLowerer, type LowerContext, type OpLowering } from '../lowering.js';
import { clampC, clampF32C, requantC } from '../params.js';

/**
 * ADD, SUB, MUL → td_add_* / td_sub_* / td_mul_*, from the plan of ops/elementwise.ts: the C
 * kernels broadcast size-1 dimensions up to 4-D and run int8, int16 (16x8 models) and float32;
 * int32 (wrapping, no activation) → td_arith_s32.
 */
function lowerBinary(plan: ElementwisePlan, context: LowerContext): OpLowering {
  const { arithmetic } = plan;
  const a = input(context, 0, 'input 0');
  const b = input(context, 1, 'input 1');
  const y = output(context);
  for (const [tensor, what] of [[a, 'input 1'], [b, 'input 2'], [y, 'output']] as const) dims4(context, tensor.shape, what);
  const name = context.op.type.toLowerCase();
  const call = (kernel: string, params: string, e: Parameters<OpLowering['emit']>[0]) =>
    `${kernel}(${params}, ${e.dims(a.shape, 'input1')}, ${e.pointer(a, 'read')}, ${e.dims(b.shape, 'input2')}, ${e.pointer(b, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;

  if (arithmetic.flavour === 'float32') {
    const kernel = `td_${name}_f32`;
    return { kernels: [kernel], scratchBytes: 0, emit: (e) => call(kernel, e.struct('activation', 'td_activation_f32', clampF32C(arithmetic.activation)), e) };
  }
  if (arithmetic.flavour === 'int32') {
    const op = `TD_ARITH_${context.op.type}`;
    return { kernels: ['td_arith_s32'], scratchBytes: 0, emit: (e) => call('td_arith_s32', op, e) };
  }
  if (arithmetic.flavour !== 'int8' && arithmetic.flavour !== 'int16') fail(context, `${arithmetic.flavour} ${context.op.type} has no C kernel (int8, int16, int32 and float32 do)`);
  if (arithmetic.flavour === 'int16' && (arithmetic.input1.zeroPoint !== 0 || arithmetic.input2.zeroPoint !== 0 || arithmetic.output.zeroPoint !== 0)) {
    // (x + offset) << 15 stays inside int32 only for zero points 0 (TFLite Micro requires them).
    fail(context, `int16 ${context.op.type} needs zero points of 0, got ${arithmetic.input1.zeroPoint}, ${arithmetic.input2.zeroPoint} and ${arithmetic.output.zeroPoint}`);
  }
  const kernel = `td_${name}_${arithmetic.flavour === 'int16' ? 's16' : 's8'}`;
  const offsets = `${-arithmetic.input1.zeroPoint}, ${-arithmetic.input2.zeroPoint}, ${arithmetic.output.zeroPoint}`;
  const { sum } = arithmetic;
  const initializer = sum
    ? `{${offsets}, ${sum.leftShift}, ${requantC(sum.input1)}, ${requantC(sum.input2)}, ${requantC(arithmetic.outputMultiplier)}, ${clampC(arithmetic.activation)}}`
    : `{${offsets}, ${requantC(arithmetic.outputMultiplier)}, ${clampC(arithmetic.activation)}}`;
  const type = sum ? 'td_add_params_s8' : 'td_mul_params_s8';
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => call(kernel, e.struct('params', type, initializer), e) };
}

for (const definition of [add, sub, mul]) registerLowerer(definition, lowerBinary);
