/**
 * QUANTIZE and DEQUANTIZE host kernels, TFLite Micro's reference arithmetic, from the plans of
 * ops/quantize.ts. DEQUANTIZE of float16 is the exact widening of the IEEE half (the tensor
 * stores raw half bits).
 */
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { affineQuantize, dequantize, quantize } from '../../ops/quantize.js';
import { registerKernel } from '../registry.js';

/** The value of an IEEE 754 half given as its 16 raw bits. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

registerKernel(quantize, ({ count, output: { scale, zeroPoint }, range: { min, max }, requantize }) => {
  if (!requantize) {
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) {
        const q = affineQuantize(source[i], scale, zeroPoint);
        out[i] = q < min ? min : q > max ? max : q;
      }
    };
  }
  const { inputZeroPoint, multiplier: { multiplier, shift } } = requantize;
  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) {
      const centered = ((source[i] as number) - inputZeroPoint) | 0;
      const q = (multiplyByQuantizedMultiplier(centered, multiplier, shift) + zeroPoint) | 0;
      out[i] = q < min ? min : q > max ? max : q;
    }
  };
});

registerKernel(dequantize, ({ count, affine }) => {
  if (!affine) {
    return (inputs, outputs) => {
      const source = inputs[0] as Uint16Array;
      const out = outputs[0];
      for (let i = 0; i < count; i++) out[i] = halfToFloat(source[i]);
    };
  }
  const scales = affine.scales.map((s) => Math.fround(s));
  const { zeroPoints, inner } = affine;
  const channels = scales.length;
  return (inputs, outputs) => {
    const source = inputs[0] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < count; i++) {
      const channel = Math.floor(i / inner) % channels;
      out[i] = scales[channel] * ((source[i] as number) - zeroPoints[channel]); // stored as float32
    }
  };
});
