import { elementCount } from '../../ir/tensor.js';
import { transposeConv } from '../../ops/transpose-conv.js';
import { expectConstant, input, optionalInput, output, registerLowerer, tile, type OpEmitter } from '../lowering.js';
import { clampC, clampF32C } from '../params.js';
import { bias64, perChannelQuant } from './conv.js';

/**
 * TRANSPOSE_CONV → td_transpose_conv_s8 (int32 scratch of one sum per output element),
 * td_transpose_conv_s16 (16x8: int64 scratch, the int64 or int16 bias passed as int64) or
 * td_transpose_conv_f32, from the plan of ops/transpose-conv.ts; weights and bias are constants.
 */
registerLowerer(transposeConv, (plan, context) => {
  const filter = input(context, 1, 'weights');
  const x = input(context, 2, 'input');
  const bias = optionalInput(context, 3);
  const y = output(context);
  expectConstant(context, filter, 'weights');
  if (bias) expectConstant(context, bias, 'bias');
  const window = `${tile(plan.strideHeight, plan.strideWidth)}, ${tile(plan.padTop, plan.padLeft)}, ${tile(1, 1)}`;
  const { arithmetic } = plan;
  const operands = (e: OpEmitter) =>
    `${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.pointer(filter, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')}`;
  if (arithmetic.flavour === 'float32') {
    const params = `{${window}, ${clampF32C(arithmetic.activation)}}`;
    return { kernels: ['td_transpose_conv_f32'], scratchBytes: 0, emit: (e) => `td_transpose_conv_f32(${e.struct('params', 'td_conv_params_f32', params)}, ${operands(e)})` };
  }
  if (arithmetic.flavour === 'int16') {
    const params16 = `{0, 0, ${window}, ${clampC(arithmetic.activation)}}`;
    const wideBias = bias64(context, 3);
    const operands16 = (e: OpEmitter) =>
      `${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.pointer(filter, 'read')}, ${wideBias(e)}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')}`;
    return {
      kernels: ['td_transpose_conv_s16'],
      scratchBytes: 8 * elementCount(y.shape),
      emit: (e) => `td_transpose_conv_s16(${e.context()}, ${e.struct('params', 'td_conv_params', params16)}, ${perChannelQuant(e, arithmetic.requant)}, ${operands16(e)})`,
    };
  }
  const params = `{${arithmetic.inputOffset}, ${arithmetic.outputOffset}, ${window}, ${clampC(arithmetic.activation)}}`;
  return {
    kernels: ['td_transpose_conv_s8'],
    scratchBytes: 4 * elementCount(y.shape),
    emit: (e) => `td_transpose_conv_s8(${e.context()}, ${e.struct('params', 'td_conv_params', params)}, ${perChannelQuant(e, arithmetic.requant)}, ${operands(e)})`,
  };
});
