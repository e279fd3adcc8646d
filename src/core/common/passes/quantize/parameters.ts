/**
 * The arithmetic of post-training quantization, TFLite's conventions (the converter's
 * `quantization_utils.cc` and the MLIR quantizer), shared by the graph quantizer and the LSTM:
 *
 * - activations, int8 asymmetric per tensor: the range is widened to include 0, then
 *   `scale = (max − min) / 255` and `zeroPoint = round(−128 − min / scale)` clamped to int8, in
 *   float32 arithmetic (so a ReLU output, min 0, gets zero point −128);
 * - activations, int16 symmetric per tensor (TFLite's 16x8 scheme): `scale = max|x| / 32767`,
 *   zero point 0;
 * - weights, int8 symmetric: `scale = max|w| / 127` per output channel (or per tensor), values
 *   `round(w / scale)` in [−127, 127], zero point 0;
 * - biases: `scale = inputScale · weightScale[c]` (the accumulator's scale), int32 for int8
 *   activations and int64 for int16 ones, zero point 0;
 * - the outputs whose range TFLite fixes: SOFTMAX and LOGISTIC 1/256 with zero point −128, TANH
 *   1/128 with zero point 0 (int16: LOGISTIC and TANH 2^-15, SOFTMAX 1/32768, zero point 0).
 *
 * Rounding is half away from zero (`std::round`), as in the converter.
 */

import { elementCount } from '../../ir/tensor.js';
import type { Quantization, Tensor } from '../../ir/types.js';
import { roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import type { ValueRange } from './observers.js';

/** Integer activation types the quantizer produces. */
export type QuantizedDType = 'int8' | 'int16';

const INT32_MAX = 2147483647;

/** Per-tensor quantization parameters. */
export function perTensor(scale: number, zeroPoint: number): Quantization {
  return { scale: [scale], zeroPoint: [zeroPoint], axis: 0 };
}

/**
 * TFLite's GetAsymmetricQuantizationParams for int8: the range widened to include 0, the scale
 * and zero point computed in float32. An all-zero range (a tensor that is always 0) gets the
 * scale of [0, 1] so that every kernel still has a usable, positive scale.
 */
export function asymmetricInt8(range: ValueRange): Quantization {
  const min = Math.fround(Math.min(range.min, 0));
  let max = Math.fround(Math.max(range.max, 0));
  if (max === min) max = 1;
  const scale = Math.fround(Math.fround(max - min) / 255);
  const fromMin = Math.fround(-128 - Math.fround(min / scale));
  // `+ 0` turns the −0 that rounding a small negative value gives into 0.
  const zeroPoint = fromMin < -128 ? -128 : fromMin > 127 ? 127 : roundHalfAwayFromZero(fromMin) + 0;
  return perTensor(scale, zeroPoint);
}

/** TFLite's 16x8 activations: symmetric int16, `scale = max|x| / 32767`, zero point 0. */
export function symmetricInt16(range: ValueRange): Quantization {
  const magnitude = Math.max(Math.abs(range.min), Math.abs(range.max)) || 1;
  return perTensor(Math.fround(magnitude / 32767), 0);
}

/** The default encoding of an activation with this range in `dtype`. */
export function activationQuantization(dtype: QuantizedDType, range: ValueRange): Quantization {
  return dtype === 'int8' ? asymmetricInt8(range) : symmetricInt16(range);
}

/**
 * The output encoding TFLite fixes for an op type whatever the calibration says, or undefined
 * when the op's output is calibrated. int8: SOFTMAX and LOGISTIC 1/256 (zero point −128, the
 * range [0, 1)), TANH 1/128 (zero point 0, [−1, 1)). int16: LOGISTIC and TANH 2^-15, SOFTMAX
 * 1/32768, zero point 0, as TFLite Micro's int16 kernels require.
 */
export function fixedOutputQuantization(opType: string, dtype: QuantizedDType): Quantization | undefined {
  if (dtype === 'int8') {
    if (opType === 'SOFTMAX' || opType === 'LOGISTIC') return perTensor(1 / 256, -128);
    if (opType === 'TANH') return perTensor(1 / 128, 0);
    return undefined;
  }
  if (opType === 'LOGISTIC' || opType === 'TANH') return perTensor(2 ** -15, 0);
  if (opType === 'SOFTMAX') return perTensor(1 / 32768, 0);
  return undefined;
}

/** Int8 weights with their quantization. */
export interface QuantizedWeights {
  data: Int8Array;
  quantization: Quantization;
}

/**
 * Symmetric int8 weights: one scale per slice along `axis` (per channel) or, with `axis`
 * undefined, one for the whole tensor; `scale = max|w| / 127` (1 for an all-zero channel),
 * `q = round(w / scale)` clamped to [−127, 127], zero points 0.
 */
export function quantizeWeights(tensor: Tensor, axis: number | undefined): QuantizedWeights {
  const values = tensor.data as Float32Array;
  const count = elementCount(tensor.shape);
  const channels = axis === undefined ? 1 : tensor.shape[axis];
  const inner = axis === undefined ? count : elementCount(tensor.shape.slice(axis + 1));
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const magnitude = new Float64Array(channels);
  for (let i = 0; i < count; i++) {
    const channel = channelOf(i);
    magnitude[channel] = Math.max(magnitude[channel], Math.abs(values[i]));
  }
  const scales = Array.from(magnitude, (max) => (max > 0 ? Math.fround(max / 127) : 1));
  const data = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const q = roundHalfAwayFromZero(values[i] / scales[channelOf(i)]);
    data[i] = q < -127 ? -127 : q > 127 ? 127 : q;
  }
  return { data, quantization: { scale: scales, zeroPoint: scales.map(() => 0), axis: axis ?? 0 } };
}

/** A quantized bias and how many of its values had to be clamped to the integer range. */
export interface QuantizedBias {
  data: Int32Array | BigInt64Array;
  quantization: Quantization;
  clamped: number;
}

/**
 * A float bias in the accumulator's scale, `inputScale · weightScales[c]` (one weight scale:
 * the same for every channel): int32 (clamped to ±(2^31 − 1), as the converter does) for int8
 * activations, int64 for int16 ones.
 */
export function quantizeBias(tensor: Tensor, inputScale: number, weightScales: readonly number[], dtype: 'int32' | 'int64'): QuantizedBias {
  const values = tensor.data as Float32Array;
  const count = values.length;
  const scales = Array.from({ length: weightScales.length }, (_, c) => Math.fround(inputScale * weightScales[c]));
  const scaleOf = (i: number) => scales[scales.length === 1 ? 0 : i];
  let clamped = 0;
  const quantization: Quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis: 0 };
  if (dtype === 'int64') {
    const data = new BigInt64Array(count);
    for (let i = 0; i < count; i++) data[i] = BigInt(roundHalfAwayFromZero(values[i] / scaleOf(i)));
    return { data, quantization, clamped };
  }
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const q = roundHalfAwayFromZero(values[i] / scaleOf(i));
    if (Math.abs(q) > INT32_MAX) clamped++;
    data[i] = Math.max(-INT32_MAX, Math.min(INT32_MAX, q));
  }
  return { data, quantization, clamped };
}

/** A float constant that is not a weight (an ADD operand, say), encoded like an activation of its own range. */
export function quantizeConstant(tensor: Tensor, dtype: QuantizedDType): { data: Int8Array | Int16Array; quantization: Quantization } {
  const values = tensor.data as Float32Array;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const quantization = activationQuantization(dtype, values.length > 0 ? { min, max } : { min: 0, max: 0 });
  return { data: quantizeValues(values, quantization, dtype), quantization };
}

/** TFLite's AffineQuantize of float values into int8 or int16 with per-tensor parameters. */
export function quantizeValues(values: Float32Array, quantization: Quantization, dtype: QuantizedDType): Int8Array | Int16Array {
  const scale = Math.fround(quantization.scale[0]);
  const zeroPoint = quantization.zeroPoint[0];
  const [low, high] = dtype === 'int8' ? [-128, 127] : [-32768, 32767];
  const result = dtype === 'int8' ? new Int8Array(values.length) : new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(Math.fround(values[i] / scale)) + zeroPoint;
    result[i] = q < low ? low : q > high ? high : q;
  }
  return result;
}
