/**
 * REDUCE_MAX and REDUCE_MIN (attr keep_dims; constant axes): the largest or smallest element over
 * the axes, as TFLite Micro's reduce kernels compute them — on the stored values for int8 and
 * int16, which must share the output's quantization (TFLite Micro requires it). The axes must be
 * contiguous once sorted (the usual H,W or last axis): the tensor is then [outer][reduce][inner].
 */
import type { Tensor } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';

export interface ReduceMinMaxPlan {
  maximum: boolean;
  outer: number;
  reduce: number;
  inner: number;
}

function sameQuantization(input: Tensor, output: Tensor): boolean {
  return input.quantization?.scale[0] === output.quantization?.scale[0] && (input.quantization?.zeroPoint[0] ?? 0) === (output.quantization?.zeroPoint[0] ?? 0);
}

export const reduceMinMax = defineOp<ReduceMinMaxPlan>({
  types: ['REDUCE_MAX', 'REDUCE_MIN'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const axisTensor = inputTensor(context, 1, 'axis');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'int16');
    expectDType(context, output, 'output', input.dtype);
    expectDType(context, axisTensor, 'axis', 'int32', 'int64');
    const rank = input.shape.length;
    const axes = [...new Set(Array.from(expectConstant(context, axisTensor, 'axis') as ArrayLike<number | bigint>, (value) => {
      const axis = Number(value) < 0 ? Number(value) + rank : Number(value);
      if (axis < 0 || axis >= rank) context.fail(`axis ${Number(value)} is out of range for input shape ${formatShape(input.shape)}`);
      return axis;
    }))].sort((a, b) => a - b);
    if (axes.length === 0) context.fail('axis is empty');
    if (axes.some((axis, i) => i > 0 && axis !== axes[i - 1] + 1)) context.fail(`axes [${axes.join(', ')}] are not contiguous; TinyDeploy reduces one run of axes`);
    const kept = input.shape.filter((_, d) => !axes.includes(d));
    if (elementCount(kept) !== elementCount(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, reducing over [${axes.join(', ')}] gives ${formatShape(kept)}`);
    if (input.dtype !== 'float32') {
      activationQuantization(context, input, 'input');
      activationQuantization(context, output, 'output');
      if (!sameQuantization(input, output)) context.fail(`input ${tensorName(input)} and output ${tensorName(output)} must share scale and zero point (TFLite Micro requires it)`);
    }
    return {
      maximum: context.op.type === 'REDUCE_MAX',
      outer: elementCount(input.shape.slice(0, axes[0])),
      reduce: elementCount(axes.map((d) => input.shape[d])),
      inner: elementCount(input.shape.slice(axes.at(-1)! + 1)),
    };
  },
});
