import { binaryMathOps, unaryMathOps, type BinaryMathOp, type UnaryMathOp } from '../../ops/math.js';
import type { Tensor } from '../../ir/types.js';
import { fail, input, output, registerLowerer, tensorName, type OpEmitter, type OpLowering } from '../lowering.js';
import { clampC, clampF32C, requantC } from '../params.js';

/**
 * Element-wise math (ops/math.ts) → td_unary_f32 / td_abs_s8 / td_abs_s16 and td_binary_f32 /
 * td_min_max_s8 / td_min_max_s16 / td_squared_difference_s8. Broadcast shapes go to the kernels
 * as 4-D td_dims.
 */
const unaryNames: Record<UnaryMathOp, string> = {
  ABS: 'TD_UNARY_ABS',
  NEG: 'TD_UNARY_NEG',
  SQRT: 'TD_UNARY_SQRT',
  RSQRT: 'TD_UNARY_RSQRT',
  LOG: 'TD_UNARY_LOG',
  EXP: 'TD_UNARY_EXP',
  HARD_SWISH: 'TD_UNARY_HARD_SWISH',
  FLOOR: 'TD_UNARY_FLOOR',
  CEIL: 'TD_UNARY_CEIL',
  ROUND: 'TD_UNARY_ROUND',
  SQUARE: 'TD_UNARY_SQUARE',
  SIN: 'TD_UNARY_SIN',
  COS: 'TD_UNARY_COS',
};
const binaryNames: Record<BinaryMathOp, string> = {
  MINIMUM: 'TD_BINARY_MINIMUM',
  MAXIMUM: 'TD_BINARY_MAXIMUM',
  DIV: 'TD_BINARY_DIV',
  SQUARED_DIFFERENCE: 'TD_BINARY_SQUARED_DIFFERENCE',
  PRELU: 'TD_BINARY_PRELU',
};

/** An int8 → int8 op as a 256-entry table (ops/lookup-table.ts) → td_lookup_8. */
export function lookupLowering(table: Uint8Array, count: number, x: Tensor, y: Tensor): OpLowering {
  return { kernels: ['td_lookup_8'], scratchBytes: 0, emit: (e) => `td_lookup_8(${e.array('table', 'uint8', table)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
}

for (const definition of unaryMathOps) {
  registerLowerer(definition, ({ op, count, arithmetic }, context) => {
    const x = input(context, 0, 'input');
    const y = output(context);
    if (arithmetic.flavour === 'float32') {
      return { kernels: ['td_unary_f32'], scratchBytes: 0, emit: (e) => `td_unary_f32(${unaryNames[op]}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
    }
    if (arithmetic.flavour === 'hard-swish-int8') {
      const p = arithmetic.params;
      const params = `{${p.inputZeroPoint}, ${p.outputZeroPoint}, ${p.outputMultiplier}, ${p.outputExponent}, ${p.reluishMultiplier}, ${p.reluishExponent}}`;
      return {
        kernels: ['td_hard_swish_s8'],
        scratchBytes: 0,
        emit: (e) => `td_hard_swish_s8(${e.struct('params', 'td_hard_swish_params', params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
      };
    }
    if (arithmetic.flavour === 'lookup-int8') return lookupLowering(arithmetic.table, count, x, y);
    const kernel = arithmetic.flavour === 'int8' ? 'td_abs_s8' : 'td_abs_s16';
    const { inputZeroPoint, outputZeroPoint, rescale } = arithmetic;
    const params = `{${-inputZeroPoint}, ${outputZeroPoint}, ${rescale ? 1 : 0}, ${requantC(rescale ?? { multiplier: 0, shift: 0 })}}`;
    return {
      kernels: [kernel],
      scratchBytes: 0,
      emit: (e) => `${kernel}(${e.struct('params', 'td_abs_params', params)}, ${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  });
}

for (const definition of binaryMathOps) {
  registerLowerer(definition, ({ op, arithmetic }, context) => {
    const a = input(context, 0, 'input 0');
    const b = input(context, 1, 'input 1');
    const y = output(context);
    for (const tensor of [a, b, y]) {
      if (tensor.shape.length > 4) fail(context, `${tensorName(tensor)} has ${tensor.shape.length} dimensions, the C kernels broadcast at most 4`);
    }
    const operands = (e: OpEmitter) =>
      `${e.dims(a.shape, 'input 0')}, ${e.pointer(a, 'read')}, ${e.dims(b.shape, 'input 1')}, ${e.pointer(b, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')}`;
    if (arithmetic.flavour === 'float32') {
      const activation = clampF32C(arithmetic.activation);
      return {
        kernels: ['td_binary_f32'],
        scratchBytes: 0,
        emit: (e) => `td_binary_f32(${binaryNames[op]}, ${e.struct('activation', 'td_activation_f32', activation)}, ${operands(e)})`,
      };
    }
    if (arithmetic.kind === 'compare') {
      const kernel = `td_min_max_${{ int8: 's8', int16: 's16', int32: 's32', int64: 's64' }[arithmetic.flavour]}`;
      return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${op === 'MAXIMUM' ? 1 : 0}, ${operands(e)})` };
    }
    if (arithmetic.kind === 'div') {
      const { input1Offset, input2Offset, outputOffset, output: rescale, activation } = arithmetic;
      const kernel = arithmetic.flavour === 'int8' ? 'td_div_s8' : 'td_div_u8';
      const params = `{${input1Offset}, ${input2Offset}, ${outputOffset}, ${requantC(rescale)}, ${clampC(activation)}}`;
      return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${e.struct('params', 'td_div_params', params)}, ${operands(e)})` };
    }
    if (arithmetic.kind === 'prelu') {
      const { inputOffset, alphaOffset, outputOffset, positive, negative } = arithmetic;
      const params = `{${inputOffset}, ${alphaOffset}, ${outputOffset}, ${requantC(positive)}, ${requantC(negative)}}`;
      return { kernels: ['td_prelu_s8'], scratchBytes: 0, emit: (e) => `td_prelu_s8(${e.struct('params', 'td_prelu_params_s8', params)}, ${operands(e)})` };
    }
    if (arithmetic.kind === 'div-int32') {
      const activation = clampC(arithmetic.activation);
      return { kernels: ['td_div_s32'], scratchBytes: 0, emit: (e) => `td_div_s32(${e.struct('activation', 'td_activation', activation)}, ${operands(e)})` };
    }
    if (arithmetic.kind === 'squared-difference-int32') {
      return { kernels: ['td_arith_s32'], scratchBytes: 0, emit: (e) => `td_arith_s32(TD_ARITH_SQUARED_DIFFERENCE, ${operands(e)})` };
    }
    const { input1Offset, input2Offset, outputOffset, leftShift, input1, input2, output: out } = arithmetic;
    const params = `{${input1Offset}, ${input2Offset}, ${outputOffset}, ${leftShift}, ${requantC(input1)}, ${requantC(input2)}, ${requantC(out)}}`;
    const kernel = arithmetic.flavour === 'int16' ? 'td_squared_difference_s16' : 'td_squared_difference_s8';
    return {
      kernels: [kernel],
      scratchBytes: 0,
      emit: (e) => `${kernel}(${e.struct('params', 'td_squared_difference_params_s8', params)}, ${operands(e)})`,
    };
  });
}
