/**
 * QUANTIZE and DEQUANTIZE, TFLite Micro's reference arithmetic.
 *
 * QUANTIZE
 * - float32 → int8 / uint8 / int16 (AffineQuantize): q = round(x / scale) + zeroPoint, the
 *   division in float32, rounding halves away from zero, clamped to the output type. Values
 *   beyond the int32 range saturate and NaN gives 0 before the zero point is added, as the Arm
 *   float-to-integer conversion does.
 * - int8 / uint8 / int16 / int32 → int8 / uint8 / int16 / int32 (Requantize):
 *   q = MultiplyByQuantizedMultiplier(q - zpIn, QuantizeMultiplier(scaleIn/scaleOut)) + zpOut,
 *   clamped to the output type.
 * The output must be quantized per tensor (TFLite Micro supports nothing else).
 *
 * DEQUANTIZE
 * - int8 / uint8 / int16 → float32: scale · (q - zeroPoint) in float32; per-channel parameters
 *   are applied along their axis (TFLite's PerChannelDequantize).
 * - float16 → float32: the exact widening of the IEEE half (the tensor stores raw half bits).
 */

import type { DType, Quantization, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import type { KernelPrepare, KernelPrepareContext } from '../kernel.js';
import { dtypeRange, expectDType, failOp, inputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** static_cast<int32_t>(float) as Arm's VCVT does it: truncate, saturate, NaN → 0. */
function floatToInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  return x <= INT32_MIN ? INT32_MIN : x >= INT32_MAX ? INT32_MAX : Math.trunc(x);
}

/** TFLite's AffineQuantize of one float32 value (before clamping to the output type). */
export function affineQuantize(value: number, scale: number, zeroPoint: number): number {
  return (floatToInt32(roundHalfAwayFromZero(Math.fround(value / Math.fround(scale)))) + zeroPoint) | 0;
}

/** The value of an IEEE 754 half given as its 16 raw bits. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

function sizeCheck({ op, opIndex }: KernelPrepareContext, input: { id: number; shape: number[] }, output: { id: number; shape: number[] }): number {
  if (elementCount(input.shape) !== elementCount(output.shape)) {
    failOp(op, opIndex, `output tensor ${output.id} has shape ${formatShape(output.shape)}, input tensor ${input.id} has ${formatShape(input.shape)}`);
  }
  return elementCount(input.shape);
}

const quantizedTypes: readonly DType[] = ['int8', 'uint8', 'int16', 'int32'];

const prepareQuantize: KernelPrepare = (context) => {
  const { graph, op, opIndex } = context;
  const input = inputTensor(graph, op, opIndex, 0);
  const output = outputTensor(graph, op, 0);
  expectDType(op, opIndex, input, 'input', 'float32', ...quantizedTypes);
  const count = sizeCheck(context, input, output);
  const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
  if ((output.quantization?.scale.length ?? 0) !== 1) {
    failOp(op, opIndex, `output tensor ${output.id} has ${output.quantization?.scale.length} scales, QUANTIZE supports per-tensor quantization only`);
  }
  const { zeroPoint, scale } = outputQuantization;

  if (input.dtype === 'float32') {
    expectDType(op, opIndex, output, 'output', 'int8', 'uint8', 'int16');
    const { min, max } = dtypeRange[output.dtype]!;
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) {
        const q = affineQuantize(source[i], scale, zeroPoint);
        out[i] = q < min ? min : q > max ? max : q;
      }
    };
  }

  expectDType(op, opIndex, output, 'output', ...quantizedTypes);
  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const { multiplier, shift } = quantizeMultiplier(inputQuantization.scale / scale);
  const { min, max } = dtypeRange[output.dtype]!;
  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) {
      const centered = ((source[i] as number) - inputQuantization.zeroPoint) | 0;
      const q = (multiplyByQuantizedMultiplier(centered, multiplier, shift) + zeroPoint) | 0;
      out[i] = q < min ? min : q > max ? max : q;
    }
  };
};

/** Scale and zero point of every element's channel (per-tensor parameters repeat one entry). */
function channelParameters(quantization: Quantization, shape: readonly number[]) {
  if (quantization.scale.length === 1) return { channelOf: () => 0, channels: 1 };
  const axis = quantization.axis;
  const inner = elementCount(shape.slice(axis + 1));
  const channels = shape[axis];
  return { channelOf: (i: number) => Math.floor(i / inner) % channels, channels };
}

const prepareDequantize: KernelPrepare = (context) => {
  const { graph, op, opIndex } = context;
  const input = inputTensor(graph, op, opIndex, 0);
  const output = outputTensor(graph, op, 0);
  expectDType(op, opIndex, input, 'input', 'int8', 'uint8', 'int16', 'float16');
  expectDType(op, opIndex, output, 'output', 'float32');
  const count = sizeCheck(context, input, output);

  if (input.dtype === 'float16') {
    return (inputs, outputs) => {
      const source = inputs[0] as Uint16Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) out[i] = halfToFloat(source[i]);
    };
  }

  tensorQuantization(op, opIndex, input, 'input');
  const quantization = input.quantization!;
  const { channelOf, channels } = channelParameters(quantization, input.shape);
  if (quantization.scale.length !== channels) {
    failOp(op, opIndex, `input tensor ${input.id} has ${quantization.scale.length} scales for ${channels} channels along axis ${quantization.axis}`);
  }
  const scales = quantization.scale.map((s) => Math.fround(s));
  const zeroPoints = quantization.scale.map((_, c) => quantization.zeroPoint[c] ?? 0);
  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) {
      const channel = channelOf(i);
      out[i] = scales[channel] * ((source[i] as number) - zeroPoints[channel]); // stored as float32
    }
  };
};

registerLegacyKernel('QUANTIZE', prepareQuantize);
registerLegacyKernel('DEQUANTIZE', prepareDequantize);
