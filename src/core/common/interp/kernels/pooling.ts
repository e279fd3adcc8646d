/**
 * AVERAGE_POOL_2D and MAX_POOL_2D host kernels, for int8, int16 and float32 NHWC tensors.
 *
 * Both follow TFLite Micro's reference pools: the window is clipped to the image, so padding
 * cells are never read and the average divides by the number of cells inside the image.
 * - int8 / int16 average (reference_integer_ops::AveragePool): integer sum, then
 *   `(sum > 0 ? sum + count/2 : sum - count/2) / count` with C's truncating division, then
 *   the activation clamp. Input and output share one scale and zero point, so the stored
 *   values are averaged directly.
 * - int8 / int16 max: the largest stored value (starting from the type's lowest), clamped.
 * - float32 average: float32 sum in (y, x) order, divided by the float count, clamped; max:
 *   the largest value, clamped.
 */
import { pool2d, type Pool2DPlan } from '../../ops/pool-2d.js';
import { tapRange, type WindowGeometry } from '../../ops/window.js';
import { registerKernel } from '../registry.js';

type PoolKind = Pool2DPlan['kind'];

/**
 * Integer pool over every output: the clipped window's sum (rounded, truncating average) or
 * maximum, clamped to [min, max]. `lowest` is the type's smallest value (max pool start).
 */
export function integerPool(
  kind: PoolKind,
  geometry: WindowGeometry,
  input: Int8Array | Int16Array,
  lowest: number,
  min: number,
  max: number,
  output: Int8Array | Int16Array,
): void {
  const { batches, inputHeight, inputWidth, inputDepth: depth, outputHeight, outputWidth, filterHeight, filterWidth } = geometry;
  let out = 0;
  for (let b = 0; b < batches; b++) {
    const batchBase = b * inputHeight * inputWidth * depth;
    for (let oy = 0; oy < outputHeight; oy++) {
      const inY0 = oy * geometry.strideHeight - geometry.padTop;
      const ys = tapRange(inY0, inputHeight, filterHeight, 1);
      for (let ox = 0; ox < outputWidth; ox++) {
        const inX0 = ox * geometry.strideWidth - geometry.padLeft;
        const xs = tapRange(inX0, inputWidth, filterWidth, 1);
        const count = (ys.end - ys.start) * (xs.end - xs.start);
        for (let c = 0; c < depth; c++) {
          let acc = kind === 'average' ? 0 : lowest;
          for (let fy = ys.start; fy < ys.end; fy++) {
            let at = batchBase + ((inY0 + fy) * inputWidth + inX0 + xs.start) * depth + c;
            for (let fx = xs.start; fx < xs.end; fx++, at += depth) {
              const value = input[at];
              if (kind === 'average') acc += value;
              else if (value > acc) acc = value;
            }
          }
          if (kind === 'average') {
            // Round half away from zero, then C's truncating division.
            const half = (count / 2) | 0;
            acc = acc > 0 ? ((acc + half) / count) | 0 : ((acc - half) / count) | 0;
          }
          output[out + c] = acc < min ? min : acc > max ? max : acc;
        }
        out += depth;
      }
    }
  }
}

/**
 * Float32 pool: the sum in (y, x) order rounded to float32 after each add, divided by the count;
 * L2 sums the float32 squares and takes the square root of the mean (reference_ops::L2Pool).
 */
export function floatPool(kind: PoolKind, geometry: WindowGeometry, input: Float32Array, min: number, max: number, output: Float32Array): void {
  const { batches, inputHeight, inputWidth, inputDepth: depth, outputHeight, outputWidth, filterHeight, filterWidth } = geometry;
  const fround = Math.fround;
  let out = 0;
  for (let b = 0; b < batches; b++) {
    const batchBase = b * inputHeight * inputWidth * depth;
    for (let oy = 0; oy < outputHeight; oy++) {
      const inY0 = oy * geometry.strideHeight - geometry.padTop;
      const ys = tapRange(inY0, inputHeight, filterHeight, 1);
      for (let ox = 0; ox < outputWidth; ox++) {
        const inX0 = ox * geometry.strideWidth - geometry.padLeft;
        const xs = tapRange(inX0, inputWidth, filterWidth, 1);
        const count = (ys.end - ys.start) * (xs.end - xs.start);
        for (let c = 0; c < depth; c++) {
          let acc = kind === 'max' ? -3.4028234663852886e38 : 0;
          for (let fy = ys.start; fy < ys.end; fy++) {
            let at = batchBase + ((inY0 + fy) * inputWidth + inX0 + xs.start) * depth + c;
            for (let fx = xs.start; fx < xs.end; fx++, at += depth) {
              const value = input[at];
              if (kind === 'average') acc = fround(acc + value);
              else if (kind === 'l2') acc = fround(acc + fround(value * value));
              else if (value > acc) acc = value;
            }
          }
          if (kind === 'average') acc = fround(acc / count);
          else if (kind === 'l2') acc = fround(Math.sqrt(fround(acc / count)));
          output[out + c] = acc < min ? min : acc > max ? max : acc;
        }
        out += depth;
      }
    }
  }
}

registerKernel(pool2d, ({ kind, dtype, geometry, activation: { min, max } }) => {
  if (dtype === 'float32') return (inputs, outputs) => floatPool(kind, geometry, inputs[0] as Float32Array, min, max, outputs[0] as Float32Array);
  const lowest = dtype === 'int8' ? -128 : -32768;
  return (inputs, outputs) => integerPool(kind, geometry, inputs[0] as Int8Array | Int16Array, lowest, min, max, outputs[0] as Int8Array | Int16Array);
});
