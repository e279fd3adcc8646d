/**
 * SOFTMAX host kernel over the last dimension, from the plan of ops/softmax.ts.
 *
 * int8 input follows TFLite Micro's reference quantized softmax bit for bit, per row: the
 * differences to the row maximum are rescaled to Q5.26, exponentiated with gemmlowp's
 * exp_on_negative_values, summed in Q12.19, inverted with GetReciprocal
 * (one_over_one_plus_x_for_x_in_0_1) and each exponential is scaled by that reciprocal.
 * int16 input follows TFLite Micro's SoftmaxInt16 (the two interpolated tables of ops/int16-lut.ts).
 * float32 computes exp((x - max)·beta) / Σ in float32.
 */
import {
  multiplyByQuantizedMultiplier,
  roundingDivideByPOT,
  saturate,
  saturatingRoundingDoublingHighMul,
} from '../../ops/fixed-point.js';
import { reciprocal, rescale } from '../../ops/gemmlowp.js';
import { int16LutLookup } from '../../ops/int16-lut.js';
import { softmax, softmaxScaledExp, type Int16SoftmaxParams, type QuantizedSoftmaxParams } from '../../ops/softmax.js';
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
  const outputMin = outputBits === 8 ? -128 : -32768;
  const outputMax = outputBits === 8 ? 127 : 32767;
  const { diffMin } = params;
  const scaledExp = (diff: number) => softmaxScaledExp(params, diff);
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

/**
 * TFLite Micro's SoftmaxInt16 on `rows` rows of `depth` int16 values: per row, exp(x − max) from
 * the exp table (Q0.15), their sum in Q16.15, 1/sum from the 1/(1 + x) table after normalising the
 * sum by its leading zeros, and each exponential times that reciprocal shifted back to Q0.15,
 * clamped to [0, 32767].
 */
export function softmaxInt16(params: Int16SoftmaxParams, input: Int16Array, output: Int16Array, rows: number, depth: number): void {
  const { input: scaling, expLut, oneOverOnePlusXLut } = params;
  for (let row = 0; row < rows; row++) {
    const base = row * depth;
    let maxInRow = -32768;
    for (let c = 0; c < depth; c++) maxInRow = Math.max(maxInRow, input[base + c]);
    let sumOfExps = 0;
    for (let c = 0; c < depth; c++) {
      // [−65535, 0] ↔ [−10, 0], recentred to [−32768, 32767] for the table.
      const scaled = multiplyByQuantizedMultiplier(input[base + c] - maxInRow, scaling.multiplier, scaling.shift);
      const exp = int16LutLookup(saturate(scaled + 32767, -32768, 32767), expLut);
      output[base + c] = exp;
      sumOfExps = (sumOfExps + exp) | 0;
    }
    const headroomPlusOne = Math.clz32(sumOfExps);
    // ((int64)sum << (headroom − 1)) + 2^13 >> 14: the sum normalised to [2^16, 2^17).
    const shiftedSum = Math.floor((sumOfExps * 2 ** (headroomPlusOne - 1) + (1 << 13)) / 2 ** 14);
    // 1/(1 + x) with x = sum − 1, recentred from [0, 65535] to [−32768, 32767].
    const reciprocal = int16LutLookup(saturate(shiftedSum - (1 << 15) - (1 << 16), -32768, 32767), oneOverOnePlusXLut);
    const rightShift = 31 - headroomPlusOne;
    const round = 2 ** (rightShift - 1);
    for (let c = 0; c < depth; c++) {
      const result = Math.floor((output[base + c] * reciprocal + round) / 2 ** rightShift);
      output[base + c] = saturate(result, 0, 32767);
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
  if (arithmetic.flavour === 'int16') {
    const { params } = arithmetic;
    return (inputs, outputs) => softmaxInt16(params, inputs[0] as Int16Array, outputs[0] as Int16Array, rows, depth);
  }
  const { params, outputBits } = arithmetic;
  return (inputs, outputs) => softmaxQuantized(params, inputs[0] as Int8Array, outputs[0] as Int8Array | Int16Array, rows, depth, outputBits);
});
