/**
 * SOFTMAX over the last dimension.
 *
 * int8 input with int8 output (scale 1/256, zero point -128) or int16 output (scale 1/65536,
 * zero point -32768) follows TFLite Micro's reference quantized softmax bit for bit:
 * - Prepare: PreprocessSoftmaxScaling turns beta·inputScale into a Q5.26 multiplier (5 integer
 *   bits for the scaled difference) and a left shift; inputs more than CalculateInputRadius
 *   below the row maximum contribute nothing.
 * - Eval, per row: the differences to the row maximum are rescaled to Q5.26, exponentiated with
 *   gemmlowp's exp_on_negative_values, summed in Q12.19, inverted with GetReciprocal
 *   (one_over_one_plus_x_for_x_in_0_1) and each exponential is scaled by that reciprocal.
 * float32 computes exp((x - max)·beta) / Σ in float32.
 *
 * int16 input (TFLite's lookup-table softmax) is not supported.
 */

import type { SoftmaxAttrs, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import { multiplyByQuantizedMultiplierGreaterThanOne, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../../ops/fixed-point.js';
import { expOnNegativeValues, reciprocal, rescale } from '../../ops/gemmlowp.js';
import type { KernelEval, KernelPrepare } from '../kernel.js';
import { expectDType, failOp, inputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';

/** Integer bits of the scaled input difference (Q5.26), as in TFLite. */
const SCALED_DIFF_INTEGER_BITS = 5;
/** Integer bits of the sum of exponentials (Q12.19). */
const ACCUMULATION_INTEGER_BITS = 12;

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

/** Parameters of the quantized softmax, exposed so the C generator can emit the same numbers. */
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
 * TFLite's reference Softmax<int8_t, OutputT> on `rows` rows of `depth` int8 values. `outputBits`
 * is 8 or 16; the output is offset by the type minimum (zero point -128 or -32768).
 */
export function softmaxQuantized(
  params: QuantizedSoftmaxParams,
  input: ArrayLike<number>,
  output: { [i: number]: number },
  rows: number,
  depth: number,
  outputBits: 8 | 16,
): void {
  const { inputMultiplier, inputLeftShift, diffMin } = params;
  const outputMin = outputBits === 8 ? -128 : -32768;
  const outputMax = outputBits === 8 ? 127 : 32767;
  const scaledExp = (diff: number) =>
    expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, inputMultiplier, inputLeftShift), SCALED_DIFF_INTEGER_BITS);
  for (let row = 0; row < rows; row++) {
    const base = row * depth;
    let maxInRow = -128; // the input is int8
    for (let c = 0; c < depth; c++) maxInRow = Math.max(maxInRow, input[base + c]);

    let sumOfExps = 0;
    for (let c = 0; c < depth; c++) {
      const diff = input[base + c] - maxInRow;
      if (diff >= diffMin) sumOfExps = (sumOfExps + rescale(scaledExp(diff), 0, ACCUMULATION_INTEGER_BITS)) | 0;
    }
    const { scale, bitsOverUnit } = reciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    const exponent = bitsOverUnit + 31 - outputBits;
    if (exponent < 0 || exponent > 31) throw new RangeError(`softmax output exponent ${exponent} is outside [0, 31]`);
    for (let c = 0; c < depth; c++) {
      const diff = input[base + c] - maxInRow;
      if (diff >= diffMin) {
        const unsaturated = roundingDivideByPOT(saturatingRoundingDoublingHighMul(scale, scaledExp(diff)), exponent);
        const shifted = unsaturated + outputMin;
        output[base + c] = shifted < outputMin ? outputMin : shifted > outputMax ? outputMax : shifted;
      } else {
        output[base + c] = outputMin;
      }
    }
  }
}

/** TFLite's float reference softmax: exp((x - max)·beta) / Σ, every step in float32. */
export function softmaxFloat(beta: number, input: Float32Array, output: Float32Array, rows: number, depth: number): void {
  const betaFloat = Math.fround(beta);
  for (let row = 0; row < rows; row++) {
    const base = row * depth;
    let max = -3.4028234663852886e38;
    for (let c = 0; c < depth; c++) if (max < input[base + c]) max = input[base + c]; // std::max: NaN is skipped
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const value = Math.fround(Math.exp(Math.fround(Math.fround(input[base + c] - max) * betaFloat)));
      output[base + c] = value;
      sum = Math.fround(sum + value);
    }
    for (let c = 0; c < depth; c++) output[base + c] = Math.fround(output[base + c] / sum);
  }
}

const prepareSoftmax: KernelPrepare = ({ graph, op, opIndex }) => {
  const input = inputTensor(graph, op, opIndex, 0);
  const output = outputTensor(graph, op, 0);
  const { beta } = op.attrs as SoftmaxAttrs;
  if (input.shape.length < 1) failOp(op, opIndex, `input tensor ${input.id} is a scalar, softmax needs at least one dimension`);
  if (elementCount(input.shape) !== elementCount(output.shape)) {
    failOp(op, opIndex, `output tensor ${output.id} has shape ${formatShape(output.shape)}, input has ${formatShape(input.shape)}`);
  }
  const depth = input.shape[input.shape.length - 1];
  const rows = depth === 0 ? 0 : elementCount(input.shape) / depth;
  expectDType(op, opIndex, input, 'input', 'float32', 'int8');

  if (input.dtype === 'float32') {
    expectDType(op, opIndex, output, 'output', 'float32');
    const evaluate: KernelEval = (inputs, outputs) =>
      softmaxFloat(beta, inputs[0] as Float32Array, outputs[0] as Float32Array, rows, depth);
    return evaluate;
  }

  expectDType(op, opIndex, output, 'output', 'int8', 'int16');
  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
  const outputBits = output.dtype === 'int8' ? 8 : 16;
  if (outputBits === 8) {
    if (outputQuantization.zeroPoint !== -128 || outputQuantization.scale !== 1 / 256) {
      failOp(op, opIndex, `int8 output tensor ${output.id} must have scale 1/256 and zero point -128, has scale ${outputQuantization.scale} and zero point ${outputQuantization.zeroPoint}`);
    }
  } else if (outputQuantization.zeroPoint !== -32768 || Math.abs(outputQuantization.scale - 1 / 65536) > 0.001 / 65536) {
    failOp(op, opIndex, `int16 output tensor ${output.id} must have scale 1/65536 and zero point -32768, has scale ${outputQuantization.scale} and zero point ${outputQuantization.zeroPoint}`);
  }
  let params: QuantizedSoftmaxParams;
  try {
    params = quantizedSoftmaxParams(beta, inputQuantization.scale);
  } catch (error) {
    failOp(op, opIndex, (error as Error).message);
  }
  return (inputs, outputs) => softmaxQuantized(params, inputs[0] as TensorData as Int8Array, outputs[0] as Int8Array | Int16Array, rows, depth, outputBits);
};

registerLegacyKernel('SOFTMAX', prepareSoftmax);
