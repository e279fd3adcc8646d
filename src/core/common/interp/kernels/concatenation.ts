/**
 * CONCATENATION along any axis (negative axes count from the end), for float32, int8, uint8,
 * int16, int32 and int64.
 *
 * Inputs whose quantization equals the output's are copied, as TFLite Micro does. A quantized
 * input whose scale or zero point differs is requantized into the output's parameters with
 * TFLite's ConcatenationWithScaling arithmetic, in float32:
 *   q_out = round(q_in · s + b) + zp_out,  s = scale_in · (1 / scale_out),  b = -zp_in · s,
 * rounding halves away from zero and clamping to the output type. (TFLite refuses such int8
 * inputs and TFLite Micro copies their raw bytes, so models converted by TFLite never reach
 * this path; graphs rewritten by TinyDeploy's passes may.)
 *
 * Fused activations are refused, as in TFLite Micro.
 */

import type { ConcatenationAttrs, DType, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import type { KernelPrepare } from '../kernel.js';
import { dtypeRange, expectDType, failOp, inputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';
import { roundHalfAwayFromZero } from '../../ops/fixed-point.js';

const supported: readonly DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'];
const quantized: ReadonlySet<DType> = new Set<DType>(['int8', 'uint8', 'int16']);

/** How one input lands in the output: a copy, or a float32 requantization. */
interface InputPlan {
  /** Elements this input contributes to each outer slice: its size along the axis × the inner size. */
  copySize: number;
  requantize?: { scale: number; bias: number; outputZeroPoint: number; min: number; max: number };
}

/**
 * TFLite's ConcatenationWithScaling for one value: round(q·scale + bias) + zero point, in float32,
 * clamped to [min, max].
 */
export function requantizeForConcatenation(value: number, plan: NonNullable<InputPlan['requantize']>): number {
  const rounded = roundHalfAwayFromZero(Math.fround(Math.fround(value * plan.scale) + plan.bias)) + plan.outputZeroPoint;
  return rounded < plan.min ? plan.min : rounded > plan.max ? plan.max : rounded;
}

const prepareConcatenation: KernelPrepare = ({ graph, op, opIndex }) => {
  const attrs = op.attrs as ConcatenationAttrs;
  const output = outputTensor(graph, op, 0);
  expectDType(op, opIndex, output, 'output', ...supported);
  if (attrs.activation !== 'none') failOp(op, opIndex, `fused activation ${attrs.activation} is not supported on CONCATENATION`);
  const rank = output.shape.length;
  const axis = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
  if (axis < 0 || axis >= rank) failOp(op, opIndex, `axis ${attrs.axis} is out of range for output shape ${formatShape(output.shape)}`);
  if (op.inputs.length === 0) failOp(op, opIndex, 'has no inputs');

  const innerSize = elementCount(output.shape.slice(axis + 1));
  const outerSize = elementCount(output.shape.slice(0, axis));
  const outputQuantization = quantized.has(output.dtype) ? tensorQuantization(op, opIndex, output, 'output') : undefined;
  let axisTotal = 0;
  const plans: InputPlan[] = op.inputs.map((_, i) => {
    const input = inputTensor(graph, op, opIndex, i);
    expectDType(op, opIndex, input, `input ${i}`, output.dtype);
    const matches =
      input.shape.length === rank && input.shape.every((dim, d) => d === axis || dim === output.shape[d]);
    if (!matches) {
      failOp(op, opIndex, `input ${i} (tensor ${input.id}) has shape ${formatShape(input.shape)}, which does not concatenate into ${formatShape(output.shape)} along axis ${axis}`);
    }
    axisTotal += input.shape[axis];
    const plan: InputPlan = { copySize: input.shape[axis] * innerSize };
    if (outputQuantization) {
      const inputQuantization = tensorQuantization(op, opIndex, input, `input ${i}`);
      if (inputQuantization.scale !== outputQuantization.scale || inputQuantization.zeroPoint !== outputQuantization.zeroPoint) {
        const scale = Math.fround(inputQuantization.scale * Math.fround(1 / outputQuantization.scale));
        const { min, max } = dtypeRange[output.dtype]!;
        plan.requantize = { scale, bias: Math.fround(-inputQuantization.zeroPoint * scale), outputZeroPoint: outputQuantization.zeroPoint, min, max };
      }
    }
    return plan;
  });
  if (axisTotal !== output.shape[axis]) {
    failOp(op, opIndex, `inputs add up to ${axisTotal} along axis ${axis}, output shape ${formatShape(output.shape)} has ${output.shape[axis]}`);
  }

  return (inputs, outputs) => {
    const out = outputs[0];
    let position = 0;
    for (let outer = 0; outer < outerSize; outer++) {
      plans.forEach((plan, i) => {
        const input = inputs[i] as TensorData;
        const start = outer * plan.copySize;
        if (plan.requantize) {
          for (let j = 0; j < plan.copySize; j++) out[position + j] = requantizeForConcatenation(input[start + j] as number, plan.requantize);
        } else {
          out.set(input.subarray(start, start + plan.copySize) as never, position);
        }
        position += plan.copySize;
      });
    }
  };
};

registerLegacyKernel('CONCATENATION', prepareConcatenation);
