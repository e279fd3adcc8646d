/**
 * SUM over the axes given by the constant second input (the axes as MEAN reads them, ops/mean.ts;
 * `keepDims` only changes the output shape).
 *
 * int8 and int16 follow TFLite Micro's reduce (QuantizedMeanOrSum with compute_sum): the int32 sum
 * of the stored values, then in float32 `round(sum · s + b) + zpOut` with s = sIn / sOut and
 * b = -zpIn · s · count (each product rounded to float32), rounded half away from zero, and the
 * int32 result *truncated* to the output type (TFLite casts without clamping, so a sum past the
 * type's range wraps). float32 sums in input order in float32.
 */
import { roundHalfAwayFromZero } from './fixed-point.js';
import { reductionAxes } from './mean.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';

export interface SumPlan {
  /** Reduced axes, in the order given, without duplicates. */
  axes: number[];
  /** Elements summed into each output value. */
  count: number;
  /** int8 / int16 arithmetic; undefined for float32. */
  integer?: {
    /** sIn / sOut in float32. */
    scale: number;
    /** -zpIn · scale · count in float32. */
    bias: number;
    outputZeroPoint: number;
    bits: 8 | 16;
  };
}

export const sum = defineOp<SumPlan>({
  types: ['SUM'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  prepare(context) {
    const { input, output, axes, count } = reductionAxes(context);
    if (input.dtype === 'float32') return { axes, count };
    const qIn = activationQuantization(context, input, 'input');
    const qOut = activationQuantization(context, output, 'output');
    const f = Math.fround;
    const scale = f(f(qIn.scale) / f(qOut.scale));
    const bias = f(f(-qIn.zeroPoint * scale) * f(count));
    return { axes, count, integer: { scale, bias, outputZeroPoint: qOut.zeroPoint, bits: input.dtype === 'int8' ? 8 : 16 } };
  },
});

/** One output value of an integer SUM from its int32 sum (wrapped to the output type as TFLite's cast does). */
export function requantizeSum(total: number, { scale, bias, outputZeroPoint, bits }: NonNullable<SumPlan['integer']>): number {
  const f = Math.fround;
  const real = f(f(f(total) * scale) + bias);
  const rounded = roundHalfAwayFromZero(real) + outputZeroPoint;
  const shift = 32 - bits;
  return (rounded << shift) >> shift;
}
