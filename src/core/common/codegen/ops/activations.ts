import { cFloat, cInt } from '../c-source.js';
import { logistic, sigmoidInt8Table, tanh, type SigmoidPlan } from '../../ops/logistic-tanh.js';
import { relu, relu6, type ReluPlan } from '../../ops/relu.js';
import { softmax, softmaxExpTable, type SoftmaxPlan } from '../../ops/softmax.js';
import { input, output, registerLowerer, type LowerContext, type OpLowering } from '../lowering.js';
import { clampC, clampF32C, requantC } from '../params.js';
import { lookupLowering } from './math.js';

/**
 * LOGISTIC, TANH, RELU, RELU6 and SOFTMAX → td_logistic_* / td_tanh_* / td_relu_* /
 * td_relu6_* / td_softmax_*, from the plans of ops/logistic-tanh.ts, ops/relu.ts and
 * ops/softmax.ts. The C kernels run int8 and float32 (softmax: int8 output only), LOGISTIC,
 * TANH, RELU, RELU6 and SOFTMAX also int16 (16x8 models). int8 LOGISTIC and TANH are 256-byte tables (td_lookup_8).
 */

/** `kernel(params, size, x, y)`, the call of every unary kernel here. */
function unaryCall(context: LowerContext, kernel: string, count: number, params: (e: Parameters<OpLowering['emit']>[0]) => string): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${params(e)}${count}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
}

function lowerSigmoid({ count, arithmetic }: SigmoidPlan, context: LowerContext): OpLowering {
  const name = context.op.type === 'LOGISTIC' ? 'logistic' : 'tanh';
  if (arithmetic.flavour === 'float32') return unaryCall(context, `td_${name}_f32`, count, () => '');
  if (arithmetic.flavour === 'int16') {
    // 16x8: TFLite's table interpolation, the input rescaled as the plan says (multiplier 0: power of two).
    const { multiplier, leftShift } = arithmetic.scaling;
    return unaryCall(context, `td_${name}_s16`, count, (e) => `${e.struct('params', 'td_sigmoid_params_s16', `{${cInt(multiplier)}, ${leftShift}}`)}, `);
  }
  // int8: every input byte has one output byte, so the generator computes the 256 of them (the
  // reference's formula, ops/logistic-tanh.ts) and the C code looks them up (td_lookup_8): a few
  // instructions a value instead of the fixed-point logistic or tanh of each distinct byte.
  return lookupLowering(sigmoidInt8Table(context.op.type === 'LOGISTIC' ? 'LOGISTIC' : 'TANH', arithmetic.params), count, input(context, 0, 'input'), output(context));
}

function lowerRelu({ count, arithmetic }: ReluPlan, context: LowerContext): OpLowering {
  if (arithmetic.flavour === 'float32') {
    return unaryCall(context, 'td_relu_f32', count, (e) => `${e.struct('range', 'td_activation_f32', clampF32C(arithmetic.clamp))}, `);
  }
  const { input: qx, output: qy, multiplier, clamp } = arithmetic;
  const suffix = arithmetic.flavour === 'int16' ? 's16' : 's8';
  // TFLite Micro's Relu6 clamps in the input's quantized domain without rescaling.
  if (!multiplier) return unaryCall(context, `td_relu6_${suffix}`, count, (e) => `${e.struct('range', 'td_activation', clampC(clamp))}, `);
  const params = `{${-qx.zeroPoint}, ${qy.zeroPoint}, ${requantC(multiplier)}, ${clampC(clamp)}}`;
  return unaryCall(context, `td_relu_${suffix}`, count, (e) => `${e.struct('params', 'td_relu_params_s8', params)}, `);
}

function lowerSoftmax({ rows, depth, arithmetic }: SoftmaxPlan, context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  /** `kernel`'s file, calling its function `fn` (default: the kernel's own). */
  const call = (kernel: string, params: (e: Parameters<OpLowering['emit']>[0]) => string, fn = kernel): OpLowering => ({
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${fn}(${params(e)}, ${rows}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  });
  if (arithmetic.flavour === 'float32') return call('td_softmax_f32', () => cFloat(arithmetic.beta));
  if (arithmetic.flavour === 'int16') {
    // TFLite Micro's int16 softmax: the input rescaling and its two tables, built by the op library.
    const { input: scaling, expLut, oneOverOnePlusXLut } = arithmetic.params;
    return call('td_softmax_s16', (e) =>
      e.struct('params', 'td_softmax_params_s16', `{${requantC(scaling)}, ${e.array('exp_lut', 'int16', expLut)}, ${e.array('one_over_one_plus_x_lut', 'int16', oneOverOnePlusXLut)}}`),
    );
  }
  // The exponentials of the 256 differences an int8 row can hold, computed here as the reference
  // computes them (ops/softmax.ts): the kernel looks them up. An int16 output (scale 1/65536)
  // differs only in the output's rounding exponent and offset.
  const { inputMultiplier, inputLeftShift, diffMin } = arithmetic.params;
  // int8 output: td_softmax_s8's table path alone (td_softmax_s8_table: its evaluated exponentials are not linked).
  const kernel = arithmetic.outputBits === 16 ? 'td_softmax_s8_s16' : 'td_softmax_s8';
  return call(
    kernel,
    (e) =>
    e.struct('params', 'td_softmax_params_s8', `{${cInt(inputMultiplier)}, ${inputLeftShift}, ${cInt(diffMin)}, ${e.array('exp_table', 'int32', softmaxExpTable(arithmetic.params))}}`),
    arithmetic.outputBits === 16 ? kernel : 'td_softmax_s8_table',
  );
}

registerLowerer(logistic, lowerSigmoid);
registerLowerer(tanh, lowerSigmoid);
registerLowerer(relu, lowerRelu);
registerLowerer(relu6, lowerRelu);
registerLowerer(softmax, lowerSoftmax);
