import { frexp, roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import { elementCount } from '../../ir/tensor.js';
import type { OpOf } from '../../ir/types.js';
import { cFloat, cInt } from '../c-source.js';
import {
  expectDType,
  expectShape,
  fail,
  input,
  output,
  quantization,
  registerLegacyLowerer,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { activationF32, activationS8, requant, requantC } from '../params.js';

/**
 * LOGISTIC, TANH, RELU, RELU6 and SOFTMAX → td_logistic_* / td_tanh_* / td_relu_* /
 * td_relu6_s8 / td_softmax_*. The int8 parameters are those of TFLite Micro's prepare functions:
 * gemmlowp's Q4.27 input rescaling for logistic and tanh, PreprocessSoftmaxScaling with 5
 * integer bits for softmax, a requantization plus clamp for RELU.
 */

/** TFLite's CalculateInputRadius: the largest input magnitude that does not saturate. */
export function inputRadius(integerBits: number, leftShift: number, totalSignedBits = 31): number {
  const maxInputRescaled = (((1 << integerBits) - 1) * 2 ** (totalSignedBits - integerBits)) / 2 ** leftShift;
  return Math.floor(maxInputRescaled);
}

function expectSameShape(context: LowerContext) {
  const x = input(context, 0, 'input');
  const y = output(context);
  expectShape(context, y, 'output', x.shape);
  return { x, y, size: elementCount(x.shape) };
}

function expectOutputQuantization(context: LowerContext, scale: number, zeroPoint: number): void {
  const q = quantization(context, output(context), 'output');
  if (Math.fround(q.scale) !== Math.fround(scale) || q.zeroPoint !== zeroPoint) {
    fail(context, `output has scale ${q.scale} and zero point ${q.zeroPoint}, expected scale ${scale} and zero point ${zeroPoint}`);
  }
}

function lowerSigmoidLike(context: LowerContext): OpLowering {
  const { x, y, size } = expectSameShape(context);
  const name = context.op.type === 'LOGISTIC' ? 'logistic' : 'tanh';
  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    const kernel = `td_${name}_f32`;
    return { kernels: [kernel], scratchBytes: 0, emit: (e) => `${kernel}(${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})` };
  }
  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  if (name === 'logistic') expectOutputQuantization(context, 1 / 256, -128);
  else expectOutputQuantization(context, 1 / 128, 0);
  const q = quantization(context, x, 'input');
  const inputIntegerBits = 4;
  const { fraction, exponent: leftShift } = frexp(q.scale * 2 ** (31 - inputIntegerBits));
  const multiplier = roundHalfAwayFromZero(fraction * 2 ** 31);
  if (multiplier >= 2 ** 31) fail(context, `input scale ${q.scale} gives a multiplier of 2^31, which int32 cannot hold`);
  const params = `{${-q.zeroPoint}, ${cInt(inputRadius(inputIntegerBits, leftShift))}, ${cInt(multiplier)}, ${leftShift}}`;
  const kernel = `td_${name}_s8`;
  const type = name === 'logistic' ? 'td_logistic_params_s8' : 'td_tanh_params_s8';
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => `${kernel}(${e.struct('params', type, params)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

function lowerRelu(context: LowerContext): OpLowering {
  const { x, y, size } = expectSameShape(context);
  const six = context.op.type === 'RELU6';
  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    const range = activationF32(context, six ? 'relu6' : 'relu');
    return {
      kernels: ['td_relu_f32'],
      scratchBytes: 0,
      emit: (e) => `td_relu_f32(${e.struct('range', 'td_activation_f32', range)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  const qx = quantization(context, x, 'input');
  const qy = quantization(context, y, 'output');
  if (six) {
    // TFLite Micro's Relu6 clamps in the input's quantized domain without rescaling.
    if (qx.scale !== qy.scale || qx.zeroPoint !== qy.zeroPoint) fail(context, 'input and output must share quantization');
    const range = activationS8(context, 'relu6', 'int8', qx.scale, qx.zeroPoint);
    return {
      kernels: ['td_relu6_s8'],
      scratchBytes: 0,
      emit: (e) => `td_relu6_s8(${e.struct('range', 'td_activation', range)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  const multiplier = requantC(requant(context, qx.scale / qy.scale, 'output'));
  const range = `{${Math.max(-128, qy.zeroPoint)}, 127}`;
  return {
    kernels: ['td_relu_s8'],
    scratchBytes: 0,
    emit: (e) =>
      `td_relu_s8(${e.struct('params', 'td_relu_params_s8', `{${-qx.zeroPoint}, ${qy.zeroPoint}, ${multiplier}, ${range}}`)}, ${size}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

function lowerSoftmax(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'SOFTMAX'>;
  const { x, y, size } = expectSameShape(context);
  const depth = x.shape[x.shape.length - 1] ?? 1;
  const rows = depth === 0 ? 0 : size / depth;
  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    return {
      kernels: ['td_softmax_f32'],
      scratchBytes: 0,
      emit: (e) => `td_softmax_f32(${cFloat(op.attrs.beta)}, ${rows}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  expectOutputQuantization(context, 1 / 256, -128);
  const q = quantization(context, x, 'input');
  const scaledDiffIntegerBits = 5;
  const real = Math.min(op.attrs.beta * q.scale * 2 ** (31 - scaledDiffIntegerBits), 2 ** 31 - 1);
  const { multiplier, shift } = requant(context, real, 'input beta');
  if (shift < 0) fail(context, `beta ${op.attrs.beta} × input scale ${q.scale} is too small for the fixed-point softmax`);
  const diffMin = -inputRadius(scaledDiffIntegerBits, shift);
  return {
    kernels: ['td_softmax_s8'],
    scratchBytes: 0,
    emit: (e) =>
      `td_softmax_s8(${e.struct('params', 'td_softmax_params_s8', `{${cInt(multiplier)}, ${shift}, ${cInt(diffMin)}}`)}, ${rows}, ${depth}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

registerLegacyLowerer('LOGISTIC', lowerSigmoidLike);
registerLegacyLowerer('TANH', lowerSigmoidLike);
registerLegacyLowerer('RELU', lowerRelu);
registerLegacyLowerer('RELU6', lowerRelu);
registerLegacyLowerer('SOFTMAX', lowerSoftmax);
