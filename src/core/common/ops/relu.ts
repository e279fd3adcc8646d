/**
 * RELU and RELU6 as standalone ops, as TFLite Micro prepares them.
 *
 * - RELU (ReluQuantized): requantizes (x - zpIn) with QuantizeMultiplier(scaleIn/scaleOut), adds
 *   the output zero point and clamps below at it. int8 and int16 (zero points 0).
 * - RELU6 (Relu6Quantized): clamps the raw input between its own zero point and the quantized
 *   6.0, without requantizing (TFLite keeps the input parameters on the output). int8 and int16.
 * - float32: the clamps [0, FLT_MAX] and [0, 6].
 */
import type { QuantizedMultiplier } from './fixed-point.js';
import { activationRangeFloat, activationRangeQuantized, type ActivationRange } from './activation.js';
import type { OpContext } from './op.js';
import { activationQuantization, rescale, type AffineQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface ReluPlan {
  count: number;
  arithmetic:
    | { flavour: 'float32'; clamp: ActivationRange }
    | {
        flavour: 'int8' | 'int16';
        input: AffineQuantization;
        output: AffineQuantization;
        /** RELU: the rescale of (x - zpIn) to the output scale; RELU6 does not rescale. */
        multiplier?: QuantizedMultiplier;
        /** In the output's stored domain (RELU6: the input's, which it keeps). */
        clamp: ActivationRange;
      };
}

function prepareRelu(context: OpContext): ReluPlan {
  const six = context.op.type === 'RELU6';
  const { input, output, count } = unaryTensors(context, ['float32', 'int8', 'int16']);
  if (input.dtype === 'float32') return { count, arithmetic: { flavour: 'float32', clamp: activationRangeFloat(context, six ? 'relu6' : 'relu') } };
  const flavour = input.dtype as 'int8' | 'int16';
  const inputQuantization = activationQuantization(context, input, 'input');
  if (six) {
    const clamp = activationRangeQuantized(context, 'relu6', input.dtype, inputQuantization.scale, inputQuantization.zeroPoint);
    return { count, arithmetic: { flavour, input: inputQuantization, output: inputQuantization, clamp } };
  }
  const outputQuantization = activationQuantization(context, output, 'output');
  if (flavour === 'int16' && (inputQuantization.zeroPoint !== 0 || outputQuantization.zeroPoint !== 0)) {
    context.fail(`int16 RELU needs zero points of 0, got ${inputQuantization.zeroPoint} and ${outputQuantization.zeroPoint}`);
  }
  return {
    count,
    arithmetic: {
      flavour,
      input: inputQuantization,
      output: outputQuantization,
      multiplier: rescale(context, inputQuantization.scale / outputQuantization.scale, 'output'),
      clamp: activationRangeQuantized(context, 'relu', input.dtype, outputQuantization.scale, outputQuantization.zeroPoint),
    },
  };
}

const reluOp = (type: string) =>
  defineOp<ReluPlan>({ types: [type], minInputs: 1, precisions: ['int8', 'int16', 'float32'], inPlace: 'elementwise', prepare: prepareRelu });

export const relu = reluOp('RELU');
export const relu6 = reluOp('RELU6');
