/**
 * CONCATENATION along any axis (negative axes count from the end), for float32, int8, uint8,
 * int16, int32, int64 and bool.
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
import type { ConcatenationAttrs, DType } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { dtypeRange } from './activation.js';
import { expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';

const quantized: ReadonlySet<DType> = new Set<DType>(['int8', 'uint8', 'int16']);

/** ConcatenationWithScaling of one input: round(q·scale + bias) + zero point, in float32, clamped to [min, max]. */
export interface ConcatenationRequantization {
  scale: number;
  bias: number;
  outputZeroPoint: number;
  min: number;
  max: number;
}

export interface ConcatenationPlan {
  /** Product of the output dimensions before the axis. */
  outerSize: number;
  /** Per input: the elements it contributes to each outer slice (its size along the axis × the inner size), and its requantization when its quantization differs from the output's. */
  inputs: { copySize: number; requantize?: ConcatenationRequantization }[];
}

export const concatenation = defineOp<ConcatenationPlan>({
  types: ['CONCATENATION'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 'all' },
  prepare(context) {
    const { op } = context;
    const attrs = op.attrs as ConcatenationAttrs;
    const output = outputTensor(context);
    expectDType(context, output, 'output', 'float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool');
    if (attrs.activation !== 'none') context.fail(`fused activation ${attrs.activation} is not supported on CONCATENATION`);
    const rank = output.shape.length;
    const axis = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
    if (axis < 0 || axis >= rank) context.fail(`axis ${attrs.axis} is out of range for output shape ${formatShape(output.shape)}`);
    if (op.inputs.length === 0) context.fail('has no inputs');

    const innerSize = elementCount(output.shape.slice(axis + 1));
    const outputQuantization = quantized.has(output.dtype) ? activationQuantization(context, output, 'output') : undefined;
    let axisTotal = 0;
    const inputs = op.inputs.map((_, i) => {
      const input = inputTensor(context, i);
      expectDType(context, input, `input ${i}`, output.dtype);
      if (input.shape.length !== rank || input.shape.some((dim, d) => d !== axis && dim !== output.shape[d])) {
        context.fail(`input ${i} ${tensorName(input)} has shape ${formatShape(input.shape)}, which does not concatenate into ${formatShape(output.shape)} along axis ${axis}`);
      }
      axisTotal += input.shape[axis];
      const copySize = input.shape[axis] * innerSize;
      if (!outputQuantization) return { copySize };
      const { scale: inputScale, zeroPoint } = activationQuantization(context, input, `input ${i}`);
      if (inputScale === outputQuantization.scale && zeroPoint === outputQuantization.zeroPoint) return { copySize };
      const scale = Math.fround(inputScale * Math.fround(1 / outputQuantization.scale));
      const { min, max } = dtypeRange[output.dtype]!;
      return { copySize, requantize: { scale, bias: Math.fround(-zeroPoint * scale), outputZeroPoint: outputQuantization.zeroPoint, min, max } };
    });
    if (axisTotal !== output.shape[axis]) {
      context.fail(`inputs add up to ${axisTotal} along axis ${axis}, output shape ${formatShape(output.shape)} has ${output.shape[axis]}`);
    }
    return { outerSize: elementCount(output.shape.slice(0, axis)), inputs };
  },
});
