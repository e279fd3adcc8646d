/**
 * QUANTIZE and DEQUANTIZE, as TFLite Micro prepares them.
 *
 * QUANTIZE
 * - float32 → int8 / uint8 / int16 (AffineQuantize): q = round(x / scale) + zeroPoint, the
 *   division in float32, rounding halves away from zero, clamped to the output type.
 * - int8 / uint8 / int16 / int32 → int8 / uint8 / int16 / int32 (Requantize):
 *   q = MultiplyByQuantizedMultiplier(q - zpIn, QuantizeMultiplier(scaleIn/scaleOut)) + zpOut,
 *   clamped to the output type.
 * The output must be quantized per tensor (TFLite Micro supports nothing else).
 *
 * DEQUANTIZE
 * - int8 / uint8 / int16 → float32: scale · (q - zeroPoint) in float32; per-channel parameters
 *   are applied along their axis (TFLite's PerChannelDequantize).
 * - float16 → float32: the exact widening of the IEEE half.
 */
import type { DType } from '../ir/types.js';
import { elementCount } from '../ir/tensor.js';
import { roundHalfAwayFromZero, type QuantizedMultiplier } from './fixed-point.js';
import { dtypeRange, type ActivationRange } from './activation.js';
import { expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { activationQuantization, rescale, type AffineQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { expectSameSize } from './unary.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** static_cast<int32_t>(float) as Arm's VCVT does it: truncate, saturate, NaN → 0. */
function floatToInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  return x <= INT32_MIN ? INT32_MIN : x >= INT32_MAX ? INT32_MAX : Math.trunc(x);
}

/**
 * TFLite's AffineQuantize of one float32 value (before clamping to the output type). Values
 * beyond the int32 range saturate and NaN gives 0 before the zero point is added.
 */
export function affineQuantize(value: number, scale: number, zeroPoint: number): number {
  return (floatToInt32(roundHalfAwayFromZero(Math.fround(value / Math.fround(scale)))) + zeroPoint) | 0;
}

const quantizedTypes: readonly DType[] = ['int8', 'uint8', 'int16', 'int32'];

export interface QuantizePlan {
  count: number;
  output: AffineQuantization;
  /** The output type's range. */
  range: ActivationRange;
  /** Requantization of an integer input; absent for a float32 input. */
  requantize?: { inputZeroPoint: number; multiplier: QuantizedMultiplier };
}

export const quantize = defineOp<QuantizePlan>({
  types: ['QUANTIZE'],
  minInputs: 1,
  // A conversion the quantizer inserts; it never gives QUANTIZE a precision.
  precisions: [],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', ...quantizedTypes);
    const count = expectSameSize(context, input, output);
    const outputQuantization = activationQuantization(context, output, 'output');
    if (input.dtype === 'float32') {
      expectDType(context, output, 'output', 'int8', 'uint8', 'int16');
      return { count, output: outputQuantization, range: dtypeRange[output.dtype]! };
    }
    expectDType(context, output, 'output', ...quantizedTypes);
    const inputQuantization = activationQuantization(context, input, 'input');
    const multiplier = rescale(context, inputQuantization.scale / outputQuantization.scale, 'output');
    return { count, output: outputQuantization, range: dtypeRange[output.dtype]!, requantize: { inputZeroPoint: inputQuantization.zeroPoint, multiplier } };
  },
});

export interface DequantizePlan {
  count: number;
  /** Absent for a float16 input. */
  affine?: {
    /** One scale and zero point per channel (one entry when per tensor). */
    scales: readonly number[];
    zeroPoints: readonly number[];
    /** Elements per step of the channel axis (the product of the dimensions after it). */
    inner: number;
  };
}

export const dequantize = defineOp<DequantizePlan>({
  types: ['DEQUANTIZE'],
  minInputs: 1,
  // A conversion the quantizer inserts; it never gives DEQUANTIZE a precision.
  precisions: [],
  prepare(context: OpContext) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'int8', 'uint8', 'int16', 'float16');
    expectDType(context, output, 'output', 'float32');
    const count = expectSameSize(context, input, output);
    if (input.dtype === 'float16') return { count };
    const q = input.quantization;
    if (!q || q.scale.length === 0) context.fail(`input ${tensorName(input)} has no quantization parameters`);
    const channels = q.scale.length === 1 ? 1 : input.shape[q.axis];
    if (q.scale.length !== channels) {
      context.fail(`input ${tensorName(input)} has ${q.scale.length} scales for ${channels} channels along axis ${q.axis}`);
    }
    const inner = channels === 1 ? count : elementCount(input.shape.slice(q.axis + 1));
    return { count, affine: { scales: q.scale, zeroPoints: q.scale.map((_, c) => q.zeroPoint[c] ?? 0), inner } };
  },
});
