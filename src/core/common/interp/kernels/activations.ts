/**
 * LOGISTIC, TANH, RELU and RELU6 as standalone ops.
 *
 * int8 follows TFLite Micro's reference kernels bit for bit:
 * - LOGISTIC / TANH (reference_integer_ops::Logistic / Tanh): Prepare turns inputScale·2^27 into
 *   a Q4.27 multiplier and shift (frexp, rounded half away from zero) and an input radius beyond
 *   which the output saturates; Eval rescales (x - zeroPoint) to Q4.27, applies gemmlowp's
 *   logistic or tanh and rounds the Q0.31 result to 8 fractional bits. The output is fixed by
 *   the arithmetic: scale 1/256, zero point -128 for LOGISTIC (checked, as TFLite Micro does),
 *   scale 1/128, zero point 0 for TANH (assumed, as TFLite Micro does).
 * - RELU (ReluQuantized): requantizes (x - zpIn) with QuantizeMultiplier(scaleIn/scaleOut), adds
 *   the output zero point and clamps below at it. int16 too.
 * - RELU6 (Relu6Quantized): clamps the raw input between its own zero point and the quantized
 *   6.0, without requantizing (TFLite keeps the input parameters on the output). int16 too.
 * int16 LOGISTIC / TANH use TFLite's table-interpolation kernels (shared with the LSTM's gates):
 * zero points 0, output scale 2^-15; a power-of-two input scale of 2^-12 (or 2^-11 for TANH) is
 * used as is, any other scale becomes a 15-bit multiplier and right shift, as TFLite Micro's
 * Prepare computes them.
 * float32 uses float32 arithmetic: TFLite's logistic with its cutoffs (x > 16.619 gives 1,
 * x < -9 gives exp(x)), tanh, and the clamps.
 */

import type { DType, Tensor, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import { frexp, multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAwayFromZero, roundingDivideByPOT } from '../../ops/fixed-point.js';
import { logistic, tanh } from '../../ops/gemmlowp.js';
import type { KernelEval, KernelPrepare, KernelPrepareContext } from '../kernel.js';
import { dtypeRange, expectDType, failOp, inputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { inputRadius } from './softmax.js';
import { sigmoidInt16, tanhInt16, type Int16ActivationScaling } from './lstm-activations.js';
import { registerLegacyKernel } from '../registry.js';

/** Integer bits of the rescaled input of the int8 logistic and tanh (Q4.27). */
const INPUT_INTEGER_BITS = 4;

/** Prepare-time parameters of the int8 logistic and tanh (TFLite Micro's OpData). */
export interface SigmoidParams {
  inputZeroPoint: number;
  inputMultiplier: number;
  inputLeftShift: number;
  /** |x - zeroPoint| at or beyond this saturates the output. */
  inputRangeRadius: number;
}

/** TFLite Micro's LogisticPrepare / TanhPrepare for int8 (identical for the two ops). */
export function sigmoidParams(inputScale: number, inputZeroPoint: number): SigmoidParams {
  const { fraction, exponent } = frexp(inputScale * 2 ** (31 - INPUT_INTEGER_BITS));
  // static_cast<int32_t> of 2^31 saturates on Arm; it only happens for fractions within 2^-32 of 1.
  const inputMultiplier = Math.min(roundHalfAwayFromZero(fraction * 2 ** 31), 2147483647);
  return {
    inputZeroPoint,
    inputMultiplier,
    inputLeftShift: exponent,
    inputRangeRadius: inputRadius(INPUT_INTEGER_BITS, exponent),
  };
}

/** reference_integer_ops::Logistic for int8: output scale 1/256, zero point -128. */
export function logisticInt8(params: SigmoidParams, input: ArrayLike<number>, output: { [i: number]: number }, count: number): void {
  const { inputZeroPoint, inputMultiplier, inputLeftShift, inputRangeRadius } = params;
  for (let i = 0; i < count; i++) {
    const x = input[i] - inputZeroPoint;
    if (x <= -inputRangeRadius) {
      output[i] = -128;
    } else if (x >= inputRangeRadius) {
      output[i] = 127;
    } else {
      const inputQ4 = multiplyByQuantizedMultiplier(x, inputMultiplier, inputLeftShift);
      const q23 = roundingDivideByPOT(logistic(inputQ4, INPUT_INTEGER_BITS), 23) - 128;
      output[i] = q23 < -128 ? -128 : q23 > 127 ? 127 : q23;
    }
  }
}

/** reference_integer_ops::Tanh for int8: output scale 1/128, zero point 0. */
export function tanhInt8(params: SigmoidParams, input: ArrayLike<number>, output: { [i: number]: number }, count: number): void {
  const { inputZeroPoint, inputMultiplier, inputLeftShift, inputRangeRadius } = params;
  for (let i = 0; i < count; i++) {
    const x = input[i] - inputZeroPoint;
    if (x <= -inputRangeRadius) {
      output[i] = -128;
    } else if (x >= inputRangeRadius) {
      output[i] = 127;
    } else {
      const inputQ4 = multiplyByQuantizedMultiplier(x, inputMultiplier, inputLeftShift);
      const q24 = roundingDivideByPOT(tanh(inputQ4, INPUT_INTEGER_BITS), 24);
      output[i] = q24 < -128 ? -128 : q24 > 127 ? 127 : q24;
    }
  }
}

/** TFLite's float reference logistic, in float32. */
export function logisticFloat(x: number): number {
  if (x > 16.619047164916992) return 1;
  if (x < -9) return Math.fround(Math.exp(x));
  return Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-x))));
}

/** Input and output of a unary op with equal element counts; fails naming the op otherwise. */
function unaryTensors({ graph, op, opIndex }: KernelPrepareContext, allowed: DType[]) {
  const input = inputTensor(graph, op, opIndex, 0);
  const output = outputTensor(graph, op, 0);
  expectDType(op, opIndex, input, 'input', ...allowed);
  expectDType(op, opIndex, output, 'output', input.dtype);
  if (elementCount(input.shape) !== elementCount(output.shape)) {
    failOp(op, opIndex, `output tensor ${output.id} has shape ${formatShape(output.shape)}, input has ${formatShape(input.shape)}`);
  }
  return { input, output, count: elementCount(input.shape) };
}

/**
 * TFLite's CheckedLog2 in float32: the rounded base-2 logarithm of a scale and whether the scale
 * is a power of two (within 1e-3 in the exponent).
 */
export function checkedLog2(x: number): { log2: number; powerOfTwo: boolean } {
  const log2 = Math.fround(Math.fround(Math.log(Math.fround(x))) * Math.fround(1 / Math.fround(Math.log(2))));
  const rounded = roundHalfAwayFromZero(log2);
  return { log2: rounded, powerOfTwo: Math.abs(Math.fround(log2 - rounded)) < Math.fround(1e-3) };
}

/**
 * TFLite Micro's int16 LOGISTIC / TANH Prepare: the input rescaling of the table look-up. The
 * table wants Q3.12 inputs times 3; a Q3.12 input (or a 2^-11 scale for TANH) is the power-of-two case
 * (multiplier 0), any other scale gets scale·4096·3 doubled until it exceeds 2^14 - 1/2.
 */
export function int16ActivationScaling(inputScale: number, acceptedPowerOfTwoShifts: readonly number[]): Int16ActivationScaling {
  const { log2, powerOfTwo } = checkedLog2(inputScale);
  const shift = 15 - 3 + log2;
  if (powerOfTwo && acceptedPowerOfTwoShifts.includes(shift)) return { multiplier: 0, leftShift: shift };
  let multiplier = inputScale * 4096 * 3;
  let leftShift = 0;
  while (multiplier <= 32767 / 2 && leftShift <= 30) {
    leftShift++;
    multiplier *= 2;
  }
  return { multiplier: Math.trunc(multiplier), leftShift };
}

/** The int16 evaluation of LOGISTIC / TANH after TFLite Micro's checks of the quantization. */
function prepareInt16Activation(context: KernelPrepareContext, input: Tensor, output: Tensor, count: number, kind: 'LOGISTIC' | 'TANH'): KernelEval {
  const { op, opIndex } = context;
  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
  if (inputQuantization.zeroPoint !== 0 || outputQuantization.zeroPoint !== 0) {
    failOp(op, opIndex, `int16 ${kind} needs zero points of 0, got ${inputQuantization.zeroPoint} and ${outputQuantization.zeroPoint}`);
  }
  const outputLog2 = checkedLog2(outputQuantization.scale);
  if (!outputLog2.powerOfTwo || outputLog2.log2 !== -15) {
    failOp(op, opIndex, `int16 output tensor ${output.id} must have scale 2^-15, has ${outputQuantization.scale}`);
  }
  const scaling = int16ActivationScaling(inputQuantization.scale, kind === 'LOGISTIC' ? [0] : [0, 1]);
  const f = kind === 'LOGISTIC' ? sigmoidInt16 : tanhInt16;
  return (inputs, outputs) => {
    const source = inputs[0] as Int16Array;
    const out = outputs[0];
    for (let i = 0; i < count; i++) out[i] = f(source[i], scaling);
  };
}

const prepareLogistic: KernelPrepare = (context) => {
  const { op, opIndex } = context;
  const { input, output, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
  if (input.dtype === 'float32') {
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) out[i] = logisticFloat(source[i]);
    };
  }
  if (input.dtype === 'int16') return prepareInt16Activation(context, input, output, count, 'LOGISTIC');
  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
  if (outputQuantization.zeroPoint !== -128) {
    failOp(op, opIndex, `int8 output tensor ${output.id} must have zero point -128, has ${outputQuantization.zeroPoint}`);
  }
  const params = sigmoidParams(inputQuantization.scale, inputQuantization.zeroPoint);
  return (inputs, outputs) => logisticInt8(params, inputs[0] as TensorData as Int8Array, outputs[0] as Int8Array, count);
};

const prepareTanh: KernelPrepare = (context) => {
  const { op, opIndex } = context;
  const { input, output, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
  if (input.dtype === 'float32') {
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) out[i] = Math.tanh(source[i]); // stored as float32
    };
  }
  if (input.dtype === 'int16') return prepareInt16Activation(context, input, output, count, 'TANH');
  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const params = sigmoidParams(inputQuantization.scale, inputQuantization.zeroPoint);
  return (inputs, outputs) => tanhInt8(params, inputs[0] as TensorData as Int8Array, outputs[0] as Int8Array, count);
};

const prepareRelu: KernelPrepare = (context) => {
  const { op, opIndex } = context;
  const { input, output, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
  if (input.dtype === 'float32') {
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) out[i] = source[i] < 0 ? 0 : source[i];
    };
  }
  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
  if (input.dtype === 'int16' && (inputQuantization.zeroPoint !== 0 || outputQuantization.zeroPoint !== 0)) {
    failOp(op, opIndex, `int16 RELU needs zero points of 0, got ${inputQuantization.zeroPoint} and ${outputQuantization.zeroPoint}`);
  }
  const { multiplier, shift } = quantizeMultiplier(inputQuantization.scale / outputQuantization.scale);
  const range = dtypeRange[input.dtype]!;
  const min = Math.max(range.min, outputQuantization.zeroPoint);
  const max = range.max;
  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) {
      const value = outputQuantization.zeroPoint + multiplyByQuantizedMultiplier((source[i] as number) - inputQuantization.zeroPoint, multiplier, shift);
      out[i] = value < min ? min : value > max ? max : value;
    }
  };
};

const prepareRelu6: KernelPrepare = (context) => {
  const { op, opIndex } = context;
  const { input, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
  if (input.dtype === 'float32') {
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) out[i] = source[i] > 6 ? 6 : source[i] < 0 ? 0 : source[i];
    };
  }
  const { scale, zeroPoint } = tensorQuantization(op, opIndex, input, 'input');
  const range = dtypeRange[input.dtype]!;
  // FloatToQuantizedType(6.0f, scale, zeroPoint): round(6/scale in float32) + zeroPoint, clamped to the type.
  const six = Math.min(range.max, Math.max(range.min, roundHalfAwayFromZero(Math.fround(6 / scale)) + zeroPoint));
  const lower = zeroPoint;
  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) {
      const value = source[i] as number;
      out[i] = value > six ? six : value < lower ? lower : value;
    }
  };
};

registerLegacyKernel('LOGISTIC', prepareLogistic);
registerLegacyKernel('TANH', prepareTanh);
registerLegacyKernel('RELU', prepareRelu);
registerLegacyKernel('RELU6', prepareRelu6);
