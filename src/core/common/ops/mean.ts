/**
 * MEAN over the axes given by the constant second input (int32 or int64; negative axes count
 * from the end, duplicates ignored); `keepDims` only changes the output shape, not the element
 * order.
 *
 * int8 and int16 follow TFLite Micro's reference reduce (EvalIntegerMean):
 * - input and output with the same scale and zero point: the int32 sum of the raw values divided
 *   by the element count with C integer division (truncating toward zero);
 * - otherwise QuantizedMeanOrSum: the int32 sum minus zeroPoint·count, requantized with
 *   QuantizeMultiplier(scaleIn/scaleOut) into which 1/count has been folded
 *   (multiplier·2^k / count, shift - k, k = min(⌊log2 count⌋, 32, 31 + shift)), plus the output
 *   zero point, clamped.
 * float32 sums in input order in float32 and divides by the count in float32.
 */
import type { ReducerAttrs, Tensor } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { dtypeRange } from './activation.js';
import { quantizeMultiplier, type QuantizedMultiplier } from './fixed-point.js';
import { expectConstant, expectDType, inputTensor, outputTensor, type OpContext } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';

/**
 * Folds 1/count into a quantized multiplier the way TFLite's QuantizedMeanOrSum does
 * (64-bit integer division, shift clamped so the result stays usable).
 */
export function foldCountIntoMultiplier(multiplier: number, shift: number, count: number): QuantizedMultiplier {
  const floorLog2 = count.toString(2).length - 1; // 63 - CountLeadingZeros(count)
  const k = Math.min(floorLog2, 32, 31 + shift);
  const folded = Number((BigInt(multiplier) << BigInt(k)) / BigInt(count));
  return { multiplier: folded | 0, shift: shift - k };
}

export interface MeanPlan {
  /** Reduced axes, in the order given, without duplicates. */
  axes: number[];
  /** Elements averaged into each output value. */
  count: number;
  /** int8 / int16 arithmetic; undefined for float32. */
  integer?: {
    inputZeroPoint: number;
    outputZeroPoint: number;
    /** QuantizedMeanOrSum's multiplier with 1/count folded in; undefined when input and output share quantization (plain division). */
    rescale: QuantizedMultiplier | undefined;
    min: number;
    max: number;
  };
}

/**
 * The reduced axes of MEAN and SUM (constant second input, int32 or int64; negative axes count
 * from the end, duplicates ignored), checked against the output's element count, and how many
 * input elements fold into each output value.
 */
export function reductionAxes(context: OpContext): { input: Tensor; output: Tensor; axes: number[]; count: number } {
  const input = inputTensor(context, 0, 'input');
  const axisTensor = inputTensor(context, 1, 'axis');
  const output = outputTensor(context);
  expectDType(context, input, 'input', 'float32', 'int8', 'int16');
  expectDType(context, output, 'output', input.dtype);
  expectDType(context, axisTensor, 'axis', 'int32', 'int64');
  const rank = input.shape.length;
  const axes: number[] = [];
  for (const value of expectConstant(context, axisTensor, 'axis')) {
    const raw = Number(value);
    const axis = raw < 0 ? raw + rank : raw;
    if (axis < 0 || axis >= rank) context.fail(`axis ${raw} is out of range for input shape ${formatShape(input.shape)}`);
    if (!axes.includes(axis)) axes.push(axis);
  }
  const keptShape = input.shape.filter((_, d) => !axes.includes(d));
  if (elementCount(keptShape) !== elementCount(output.shape)) {
    context.fail(
      `output tensor ${output.id} has shape ${formatShape(output.shape)}, reducing ${formatShape(input.shape)} over axes [${axes.join(', ')}] ` +
        `(keepDims ${(context.op.attrs as ReducerAttrs).keepDims}) gives ${formatShape(keptShape)}`,
    );
  }
  return { input, output, axes, count: elementCount(axes.map((d) => input.shape[d])) };
}

export const mean = defineOp<MeanPlan>({
  types: ['MEAN'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  prepare(context) {
    const { input, output, axes, count } = reductionAxes(context);
    if (input.dtype === 'float32') return { axes, count };

    const inputQuantization = activationQuantization(context, input, 'input');
    const outputQuantization = activationQuantization(context, output, 'output');
    let rescale: QuantizedMultiplier | undefined;
    if (inputQuantization.scale !== outputQuantization.scale || inputQuantization.zeroPoint !== outputQuantization.zeroPoint) {
      const { multiplier, shift } = quantizeMultiplier(inputQuantization.scale / outputQuantization.scale);
      rescale = count > 0 ? foldCountIntoMultiplier(multiplier, shift, count) : { multiplier, shift };
    }
    const { min, max } = dtypeRange[input.dtype]!;
    return { axes, count, integer: { inputZeroPoint: inputQuantization.zeroPoint, outputZeroPoint: outputQuantization.zeroPoint, rescale, min, max } };
  },
});
