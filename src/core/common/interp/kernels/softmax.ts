/**
 * SOFTMAX host kernel over the last dimension, from the plan of ops/softmax.ts.
 *
 * int8 input follows TFLite Micro's reference quantized softmax bit for bit, per row: the
 * differences to the row maximum are rescaled to Q5.26, exponentiated with gemmlowp's
 * exp_on_negative_values, summed in Q12.19, inverted with GetReciprocal
 * (one_over_one_plus_x_for_x_in_0_1) and each exponential is scaled by that reciprocal.
 * float32 computes exp((x - max)·beta) / Σ in float32.
 */
import { multiplyByQuantizedMultiplierGreaterThanOne, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../../ops/fixed-point.js';
import { expOnNegativeValues, reciprocal, rescale } from '../../ops/gemmlowp.js';
import { SCALED_DIFF_INTEGER_BITS, softmax, type QuantizedSoftmaxParams } from '../../ops/softmax.js';
import { registerKernel } from '../registry.js';

/** Integer bits of the sum of exponentials (Q12.19). */
const ACCUMULATION_INTEGER_BITS = 12;

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

registerKernel(softmax, ({ rows, depth, arithmetic }) => {
  if (arithmetic.flavour === 'float32') {
    return (inputs, outputs) => softmaxFloat(arithmetic.beta, inputs[0] as Float32Array, outputs[0] as Float32Array, rows, depth);
  }
  const { params, outputBits } = arithmetic;
  return (inputs, outputs) => softmaxQuantized(params, inputs[0] as Int8Array, outputs[0] as Int8Array | Int16Array, rows, depth, outputBits);
});
