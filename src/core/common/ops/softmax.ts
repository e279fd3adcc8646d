/**
 * SOFTMAX over the last dimension.
 *
 * int8 input with int8 output (scale 1/256, zero point -128) or int16 output (scale 1/65536,
 * zero point -32768), as TFLite Micro's reference quantized softmax: PreprocessSoftmaxScaling
 * turns beta·inputScale into a Q5.26 multiplier (5 integer bits for the scaled difference) and a
 * left shift; inputs more than CalculateInputRadius below the row maximum contribute nothing.
 * float32 computes exp((x - max)·beta) / Σ in float32.
 *
 * int16 input with int16 output (TFLite Micro's SoftmaxInt16; input zero point 0, output scale
 * 1/32768 and zero point 0): the difference to the row maximum, rescaled by
 * QuantizeMultiplier(input_scale·beta / (10/65535)) so that [−10, 0] spans [−65535, 0], is moved
 * to [−32768, 32767] and looked up in a 513-entry exp table (Q0.15); the sum of the exponentials
 * is normalised by its leading zeros and looked up in a 1/(1 + x) table; each exponential times
 * that reciprocal is shifted back to Q0.15 (`int16-lut.ts` builds the tables as TFLite does).
 */
import type { SoftmaxAttrs } from '../ir/types.js';
import { multiplyByQuantizedMultiplierGreaterThanOne, quantizeMultiplier, type QuantizedMultiplier } from './fixed-point.js';
import { expOnNegativeValues } from './gemmlowp.js';
import { softmaxInt16Luts } from './int16-lut.js';
import { expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { expectSameSize } from './unary.js';

/** Integer bits of the scaled input difference (Q5.26), as in TFLite. */
export const SCALED_DIFF_INTEGER_BITS = 5;

/**
 * TFLite's PreprocessSoftmaxScaling (double rounding build): beta·inputScale·2^(31 - integerBits),
 * capped at 2^31 - 1, as a multiplier greater than one.
 */
export function softmaxInputScaling(beta: number, inputScale: number, integerBits: number): { multiplier: number; leftShift: number } {
  const real = Math.min(beta * inputScale * 2 ** (31 - integerBits), 2 ** 31 - 1);
  if (!(real > 1)) throw new RangeError(`softmax input multiplier ${real} (beta ${beta} · scale ${inputScale}) is not above 1`);
  const { multiplier, shift } = quantizeMultiplier(real);
  return { multiplier, leftShift: shift };
}

/**
 * TFLite's CalculateInputRadius: the largest input magnitude (in input units) whose rescaled
 * value still fits `integerBits` integer bits of a 31-bit fraction.
 */
export function inputRadius(integerBits: number, leftShift: number, totalSignedBits = 31): number {
  return Math.floor(((2 ** integerBits - 1) * 2 ** (totalSignedBits - integerBits)) / 2 ** leftShift);
}

/** Parameters of the quantized softmax. */
export interface QuantizedSoftmaxParams {
  inputMultiplier: number;
  inputLeftShift: number;
  /** Differences to the row maximum below this (≤ 0) contribute 0. */
  diffMin: number;
}

export function quantizedSoftmaxParams(beta: number, inputScale: number): QuantizedSoftmaxParams {
  const { multiplier, leftShift } = softmaxInputScaling(beta, inputScale, SCALED_DIFF_INTEGER_BITS);
  return { inputMultiplier: multiplier, inputLeftShift: leftShift, diffMin: -inputRadius(SCALED_DIFF_INTEGER_BITS, leftShift) };
}

/**
 * exp(beta·inputScale·diff) of one difference to the row maximum (diff ≤ 0) as TFLite's
 * reference computes it: diff rescaled to Q5.26 (MultiplyByQuantizedMultiplierGreaterThanOne)
 * and gemmlowp's exp_on_negative_values, a Q0.31 raw value. Differences below diffMin count 0.
 */
export function softmaxScaledExp(params: QuantizedSoftmaxParams, diff: number): number {
  if (diff < params.diffMin) return 0;
  return expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, params.inputMultiplier, params.inputLeftShift), SCALED_DIFF_INTEGER_BITS);
}

/**
 * The int8 softmax's exponentials of all 256 differences an int8 row can hold: entry k is
 * softmaxScaledExp(−k) (0 below diffMin). The C kernel looks them up instead of evaluating
 * exp_on_negative_values twice per value.
 */
export function softmaxExpTable(params: QuantizedSoftmaxParams): Int32Array {
  const table = new Int32Array(256);
  for (let k = 0; k < 256; k++) table[k] = softmaxScaledExp(params, -k);
  return table;
}

/** TFLite Micro's int16 softmax: the input rescaling and the two tables. */
export interface Int16SoftmaxParams {
  /** input_scale·beta / (10/65535) as TFLite's QuantizeMultiplier gives it. */
  input: QuantizedMultiplier;
  expLut: Int16Array;
  oneOverOnePlusXLut: Int16Array;
}

export interface SoftmaxPlan {
  rows: number;
  depth: number;
  arithmetic:
    | { flavour: 'float32'; beta: number }
    | { flavour: 'int8'; params: QuantizedSoftmaxParams; outputBits: 8 | 16 }
    | { flavour: 'int16'; params: Int16SoftmaxParams };
}

let int16Luts: ReturnType<typeof softmaxInt16Luts> | undefined;

/** The int16 softmax's parameters for this input scale and beta (the tables are the same for every op). */
export function int16SoftmaxParams(beta: number, inputScale: number): Int16SoftmaxParams {
  int16Luts ??= softmaxInt16Luts();
  return { input: quantizeMultiplier((inputScale * beta) / (10 / 65535)), expLut: int16Luts.exp, oneOverOnePlusXLut: int16Luts.oneOverOnePlusX };
}

/** TFLite's fixed output quantization of the int8-input softmax. */
function expectSoftmaxOutput(context: OpContext, bits: 8 | 16, scale: number, zeroPoint: number): void {
  const output = outputTensor(context);
  const fits = bits === 8 ? zeroPoint === -128 && scale === 1 / 256 : zeroPoint === -32768 && Math.abs(scale - 1 / 65536) <= 0.001 / 65536;
  if (!fits) {
    const expected = bits === 8 ? 'scale 1/256 and zero point -128' : 'scale 1/65536 and zero point -32768';
    context.fail(`int${bits} output ${tensorName(output)} must have ${expected}, has scale ${scale} and zero point ${zeroPoint}`);
  }
}

export const softmax = defineOp<SoftmaxPlan>({
  types: ['SOFTMAX'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    const { beta } = context.op.attrs as SoftmaxAttrs;
    if (input.shape.length < 1) context.fail(`input ${tensorName(input)} is a scalar, softmax needs at least one dimension`);
    const count = expectSameSize(context, input, output);
    const depth = input.shape[input.shape.length - 1];
    const rows = depth === 0 ? 0 : count / depth;
    expectDType(context, input, 'input', 'float32', 'int8', 'int16');
    if (input.dtype === 'float32') {
      expectDType(context, output, 'output', 'float32');
      return { rows, depth, arithmetic: { flavour: 'float32', beta } };
    }
    if (input.dtype === 'int16') {
      expectDType(context, output, 'output', 'int16');
      const inputQuantization = activationQuantization(context, input, 'input');
      const outputQuantization = activationQuantization(context, output, 'output');
      if (inputQuantization.zeroPoint !== 0) context.fail(`int16 input ${tensorName(input)} must have zero point 0, has ${inputQuantization.zeroPoint}`);
      const { scale, zeroPoint } = outputQuantization;
      // TFLite Micro: zero point 0 and a scale within 0.1% of 1/32768.
      if (zeroPoint !== 0 || Math.abs(scale - 1 / 32768) > 0.001 / 32768) {
        context.fail(`int16 output ${tensorName(output)} must have scale 1/32768 and zero point 0, has scale ${scale} and zero point ${zeroPoint}`);
      }
      return { rows, depth, arithmetic: { flavour: 'int16', params: int16SoftmaxParams(beta, inputQuantization.scale) } };
    }
    expectDType(context, output, 'output', 'int8', 'int16');
    const inputQuantization = activationQuantization(context, input, 'input');
    const outputQuantization = activationQuantization(context, output, 'output');
    const outputBits = output.dtype === 'int8' ? 8 : 16;
    expectSoftmaxOutput(context, outputBits, outputQuantization.scale, outputQuantization.zeroPoint);
    try {
      return { rows, depth, arithmetic: { flavour: 'int8', params: quantizedSoftmaxParams(beta, inputQuantization.scale), outputBits } };
    } catch (error) {
      return context.fail((error as Error).message);
    }
  },
});
