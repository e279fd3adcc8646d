/**
 * SOFTMAX over the last dimension.
 *
 * int8 input with int8 output (scale 1/256, zero point -128) or int16 output (scale 1/65536,
 * zero point -32768), as TFLite Micro's reference quantized softmax: PreprocessSoftmaxScaling
 * turns beta·inputScale into a Q5.26 multiplier (5 integer bits for the scaled difference) and a
 * left shift; inputs more than CalculateInputRadius below the row maximum contribute nothing.
 * float32 computes exp((x - max)·beta) / Σ in float32. int16 input (TFLite's lookup-table
 * softmax) is not supported.
 */
import type { SoftmaxAttrs } from '../ir/types.js';
import { quantizeMultiplier } from './fixed-point.js';
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

export interface SoftmaxPlan {
  rows: number;
  depth: number;
  arithmetic: { flavour: 'float32'; beta: number } | { flavour: 'int8'; params: QuantizedSoftmaxParams; outputBits: 8 | 16 };
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
  precisions: ['int8', 'float32'],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    const { beta } = context.op.attrs as SoftmaxAttrs;
    if (input.shape.length < 1) context.fail(`input ${tensorName(input)} is a scalar, softmax needs at least one dimension`);
    const count = expectSameSize(context, input, output);
    const depth = input.shape[input.shape.length - 1];
    const rows = depth === 0 ? 0 : count / depth;
    expectDType(context, input, 'input', 'float32', 'int8');
    if (input.dtype === 'float32') {
      expectDType(context, output, 'output', 'float32');
      return { rows, depth, arithmetic: { flavour: 'float32', beta } };
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
