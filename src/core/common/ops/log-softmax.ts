/**
 * LOG_SOFTMAX over the last axis, float32 (TFLite's reference_ops::LogSoftmax): per row the
 * largest value m, the float32 sum of exp(x - m) in order, and x - m - log(sum). exp and log are
 * the C library's (expf, logf), whose last bit may differ between libraries. int8 (TFLite's fixed
 * output scale 16/256, zero point 127) is not implemented yet and is refused.
 */
import { tensorName } from './op.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface LogSoftmaxPlan {
  outer: number;
  depth: number;
}

export const logSoftmax = defineOp<LogSoftmaxPlan>({
  types: ['LOG_SOFTMAX'],
  minInputs: 1,
  precisions: ['float32'],
  prepare(context) {
    const { input, count } = unaryTensors(context, ['float32']);
    const depth = input.shape.at(-1) ?? 1;
    if (input.shape.length === 0 || depth === 0) context.fail(`input ${tensorName(input)} has no last axis to normalize`);
    return { outer: count / depth, depth };
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
