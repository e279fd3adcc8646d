/**
 * LOG_SOFTMAX over the last axis, float32 (TFLite's reference_ops::LogSoftmax): per row the
 * largest value m, the float32 sum of exp(x - m) in order, and x - m - log(sum). exp and log are
 * the C library's (expf, logf), whose last bit may differ between libraries.
 *
 * int8 (reference_integer_ops::LogSoftmax; output scale 16/256 and zero point 127, TFLite's fixed
 * quantization): differences to the row maximum in Q5.26 (softmax's input scaling, beta 1), the
 * sum of their exps in Q12.19 (differences below diff_min skipped), its log in Q5.26
 * (ops/gemmlowp.ts), each difference minus the log rounded to Q4 plus 127, clamped; differences
 * at or below max(diff_min - 1, the log mapped back to input units) give -128.
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplierSmallerThanOne, roundingDivideByPOT, type QuantizedMultiplier } from './fixed-point.js';
import { expOnNegativeValues, logXForXGreaterThanOrEqualTo1, rescale } from './gemmlowp.js';
import { tensorName } from './op.js';
import { activationQuantization } from './quantization.js';
import { quantizedSoftmaxParams, type QuantizedSoftmaxParams } from './softmax.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface LogSoftmaxPlan {
  outer: number;
  depth: number;
  /** int8 arithmetic; undefined for float32. */
  integer?: QuantizedSoftmaxParams & { reverse: QuantizedMultiplier };
}

export const logSoftmax = defineOp<LogSoftmaxPlan>({
  types: ['LOG_SOFTMAX'],
  minInputs: 1,
  precisions: ['int8', 'float32'],
  prepare(context) {
    const { input, output, count } = unaryTensors(context, ['float32', 'int8']);
    const depth = input.shape.at(-1) ?? 1;
    if (input.shape.length === 0 || depth === 0) context.fail(`input ${tensorName(input)} has no last axis to normalize`);
    const plan = { outer: count / depth, depth };
    if (input.dtype === 'float32') return plan;
    const qOut = activationQuantization(context, output, 'output');
    if (qOut.scale !== 16 / 256 || qOut.zeroPoint !== 127) context.fail(`output ${tensorName(output)} has scale ${qOut.scale} and zero point ${qOut.zeroPoint}; int8 LOG_SOFTMAX needs 16/256 and 127`);
    const params = quantizedSoftmaxParams(1, Math.fround(activationQuantization(context, input, 'input').scale));
    const reverse = quantizeMultiplierSmallerThanOne(2 ** (31 - params.inputLeftShift) / params.inputMultiplier);
    return { ...plan, integer: { ...params, reverse } };
  },
});

/** One float32 row of LOG_SOFTMAX. */
export function logSoftmaxRow(x: ArrayLike<number>, y: { [i: number]: number }, offset: number, depth: number): void {
  const f = Math.fround;
  let max = -3.4028234663852886e38;
  for (let c = 0; c < depth; c++) max = Math.max(max, x[offset + c]);
  let sum = 0;
  for (let c = 0; c < depth; c++) sum = f(sum + f(Math.exp(f(x[offset + c] - max))));
  const logSum = f(Math.log(sum));
  for (let c = 0; c < depth; c++) y[offset + c] = f(f(x[offset + c] - max) - logSum);
}

/** One int8 row of LOG_SOFTMAX (reference_integer_ops::LogSoftmax). */
export function logSoftmaxRowInt8(params: NonNullable<LogSoftmaxPlan['integer']>, x: ArrayLike<number>, y: { [i: number]: number }, offset: number, depth: number): void {
  const { inputMultiplier, inputLeftShift, diffMin, reverse } = params;
  let max = -128;
  for (let c = 0; c < depth; c++) max = Math.max(max, x[offset + c]);
  let sum = 0;
  for (let c = 0; c < depth; c++) {
    const diff = x[offset + c] - max;
    if (diff >= diffMin) sum = (sum + rescale(expOnNegativeValues(multiplyByQuantizedMultiplier(diff, inputMultiplier, inputLeftShift), 5), 0, 12)) | 0;
  }
  const logSum = logXForXGreaterThanOrEqualTo1(sum, 5, 12);
  const adjustedDiffMin = Math.max(diffMin - 1, multiplyByQuantizedMultiplier((logSum - 2147483648) | 0, reverse.multiplier, reverse.shift));
  for (let c = 0; c < depth; c++) {
    const diff = x[offset + c] - max;
    if (diff > adjustedDiffMin) {
      const value = roundingDivideByPOT((multiplyByQuantizedMultiplier(diff, inputMultiplier, inputLeftShift) - logSum) | 0, 31 - 5 - 4) + 127;
      y[offset + c] = Math.max(-128, Math.min(127, value));
    } else {
      y[offset + c] = -128;
    }
  }
}
