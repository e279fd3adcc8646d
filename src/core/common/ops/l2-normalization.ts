/**
 * L2_NORMALIZATION over the last axis, as TFLite Micro computes it.
 *
 * - float32 (reference_ops::L2Normalization): the float32 sum of squares in order, its square
 *   root raised to at least 1e-6, each value divided by it.
 * - int8 (reference_integer_ops::L2Normalization): the int32 sum of (x - zpIn)², its inverse
 *   square root by GetInvSqrtQuantizedMultiplierExp (ops/gemmlowp.ts), each x - zpIn multiplied
 *   by it with 7 more bits of left shift, clamped to int8. The output must be scale 1/128, zero
 *   point 0 (TFLite's fixed output quantization).
 */
import { formatShape } from '../ir/tensor.js';
import type { Activation } from '../ir/types.js';
import { multiplyByQuantizedMultiplier } from './fixed-point.js';
import { invSqrtQuantizedMultiplierExp } from './gemmlowp.js';
import { tensorName } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface L2NormalizationPlan {
  outer: number;
  depth: number;
  /** int8: the input zero point; undefined for float32. */
  inputZeroPoint?: number;
}

export const l2Normalization = defineOp<L2NormalizationPlan>({
  types: ['L2_NORMALIZATION'],
  minInputs: 1,
  precisions: ['int8', 'float32'],
  prepare(context) {
    const { input, output, count } = unaryTensors(context, ['float32', 'int8']);
    if (formatShape(input.shape) !== formatShape(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, input ${tensorName(input)} has ${formatShape(input.shape)}`);
    const activation = (context.op.attrs as { activation?: Activation }).activation ?? 'none';
    if (activation !== 'none') context.fail(`fused activation ${activation} is not supported (TFLite takes none)`);
    const depth = input.shape.at(-1) ?? 1;
    const outer = depth === 0 ? 0 : count / depth;
    if (input.dtype === 'float32') return { outer, depth };
    const qIn = activationQuantization(context, input, 'input');
    const qOut = activationQuantization(context, output, 'output');
    if (qOut.scale !== 1 / 128 || qOut.zeroPoint !== 0) context.fail(`output ${tensorName(output)} has scale ${qOut.scale} and zero point ${qOut.zeroPoint}; int8 L2_NORMALIZATION needs 1/128 and 0`);
    return { outer, depth, inputZeroPoint: qIn.zeroPoint };
  },
});

/** One row of int8 L2_NORMALIZATION (`depth` values from `offset`). */
export function l2NormalizeInt8(x: ArrayLike<number>, y: { [i: number]: number }, offset: number, depth: number, zeroPoint: number): void {
  let sum = 0;
  for (let c = 0; c < depth; c++) {
    const v = x[offset + c] - zeroPoint;
    sum = (sum + v * v) | 0;
  }
  const { multiplier, shift } = invSqrtQuantizedMultiplierExp(sum, -1);
  for (let c = 0; c < depth; c++) {
    const value = multiplyByQuantizedMultiplier(x[offset + c] - zeroPoint, multiplier, shift + 7);
    y[offset + c] = Math.max(-128, Math.min(127, value));
  }
}

/** One row of float32 L2_NORMALIZATION. */
export function l2NormalizeFloat(x: ArrayLike<number>, y: { [i: number]: number }, offset: number, depth: number): void {
  const f = Math.fround;
  let sum = 0;
  for (let c = 0; c < depth; c++) sum = f(sum + f(x[offset + c] * x[offset + c]));
  const norm = Math.max(f(Math.sqrt(sum)), f(1e-6));
  for (let c = 0; c < depth; c++) y[offset + c] = f(x[offset + c] / norm);
}

