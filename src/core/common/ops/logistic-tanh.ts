/**
 * LOGISTIC and TANH, as TFLite Micro's kernels prepare them.
 *
 * - int8 (reference_integer_ops::Logistic / Tanh): inputScale·2^27 becomes a Q4.27 multiplier
 *   and shift (frexp, rounded half away from zero) and an input radius beyond which the output
 *   saturates. The output is fixed by the arithmetic: scale 1/256, zero point -128 for LOGISTIC
 *   (the zero point is checked, as TFLite Micro does), scale 1/128, zero point 0 for TANH
 *   (assumed, as TFLite Micro does).
 * - int16 (the table-interpolation kernels shared with the LSTM's gates): zero points 0, output
 *   scale 2^-15; a power-of-two input scale of 2^-12 (or 2^-11 for TANH) is used as is, any other
 *   scale becomes a 15-bit multiplier and right shift.
 * - float32: TFLite's float kernels, nothing to prepare.
 */
import { frexp, multiplyByQuantizedMultiplier, roundHalfAwayFromZero, roundingDivideByPOT } from './fixed-point.js';
import { logistic as fixedLogistic, tanh as fixedTanh } from './gemmlowp.js';
import { tableOf } from './lookup-table.js';
import { tensorName, type OpContext } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { inputRadius } from './softmax.js';
import { unaryTensors } from './unary.js';

/** Integer bits of the rescaled input of the int8 logistic and tanh (Q4.27). */
export const SIGMOID_INPUT_INTEGER_BITS = 4;

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
  const { fraction, exponent } = frexp(inputScale * 2 ** (31 - SIGMOID_INPUT_INTEGER_BITS));
  // static_cast<int32_t> of 2^31 saturates on Arm; it only happens for fractions within 2^-32 of 1.
  const inputMultiplier = Math.min(roundHalfAwayFromZero(fraction * 2 ** 31), 2147483647);
  return { inputZeroPoint, inputMultiplier, inputLeftShift: exponent, inputRangeRadius: inputRadius(SIGMOID_INPUT_INTEGER_BITS, exponent) };
}

/**
 * reference_integer_ops::Logistic / Tanh for one int8 value `q`: (q - zeroPoint) saturates at
 * the radius, else is rescaled to Q4.27, goes through gemmlowp's logistic (rounded to 8
 * fractional bits, minus 128: output scale 1/256, zero point -128) or tanh (rounded to 7: scale
 * 1/128, zero point 0), clamped to int8.
 */
export function sigmoidInt8(type: 'LOGISTIC' | 'TANH', params: SigmoidParams, q: number): number {
  const { inputZeroPoint, inputMultiplier, inputLeftShift, inputRangeRadius } = params;
  const x = q - inputZeroPoint;
  if (x <= -inputRangeRadius) return -128;
  if (x >= inputRangeRadius) return 127;
  const inputQ4 = multiplyByQuantizedMultiplier(x, inputMultiplier, inputLeftShift);
  const value =
    type === 'LOGISTIC'
      ? roundingDivideByPOT(fixedLogistic(inputQ4, SIGMOID_INPUT_INTEGER_BITS), 23) - 128
      : roundingDivideByPOT(fixedTanh(inputQ4, SIGMOID_INPUT_INTEGER_BITS), 24);
  return value < -128 ? -128 : value > 127 ? 127 : value;
}

/** The 256-entry table (lookup-table.ts) of sigmoidInt8: what the C code looks the int8 outputs up in. */
export function sigmoidInt8Table(type: 'LOGISTIC' | 'TANH', params: SigmoidParams): Uint8Array {
  return tableOf((q) => sigmoidInt8(type, params, q));
}

/**
 * How an int16 activation rescales its input before the table look-up: `x·multiplier` rounded
 * right by `leftShift` bits. A zero multiplier is TFLite's power-of-two case.
 */
export interface Int16ActivationScaling {
  multiplier: number;
  leftShift: number;
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

export interface SigmoidPlan {
  count: number;
  arithmetic: { flavour: 'float32' } | { flavour: 'int8'; params: SigmoidParams } | { flavour: 'int16'; scaling: Int16ActivationScaling };
}

function prepareSigmoid(context: OpContext): SigmoidPlan {
  const type = context.op.type;
  const { input, output, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
  if (input.dtype === 'float32') return { count, arithmetic: { flavour: 'float32' } };
  const inputQuantization = activationQuantization(context, input, 'input');
  if (input.dtype === 'int16') {
    const outputQuantization = activationQuantization(context, output, 'output');
    if (inputQuantization.zeroPoint !== 0 || outputQuantization.zeroPoint !== 0) {
      context.fail(`int16 ${type} needs zero points of 0, got ${inputQuantization.zeroPoint} and ${outputQuantization.zeroPoint}`);
    }
    const outputLog2 = checkedLog2(outputQuantization.scale);
    if (!outputLog2.powerOfTwo || outputLog2.log2 !== -15) {
      context.fail(`int16 output ${tensorName(output)} must have scale 2^-15, has ${outputQuantization.scale}`);
    }
    return { count, arithmetic: { flavour: 'int16', scaling: int16ActivationScaling(inputQuantization.scale, type === 'LOGISTIC' ? [0] : [0, 1]) } };
  }
  if (type === 'LOGISTIC') {
    const { zeroPoint } = activationQuantization(context, output, 'output');
    if (zeroPoint !== -128) context.fail(`int8 output ${tensorName(output)} must have zero point -128, has ${zeroPoint}`);
  }
  return { count, arithmetic: { flavour: 'int8', params: sigmoidParams(inputQuantization.scale, inputQuantization.zeroPoint) } };
}

const sigmoid = (type: string) =>
  defineOp<SigmoidPlan>({ types: [type], minInputs: 1, precisions: ['int8', 'int16', 'float32'], inPlace: 'elementwise', prepare: prepareSigmoid });

export const logistic = sigmoid('LOGISTIC');
export const tanh = sigmoid('TANH');
