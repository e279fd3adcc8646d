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
import type { Op, Pool2DAttrs, TensorData } from '../../ir/types.js';
import type { KernelEval, KernelPrepareContext } from '../kernel.js';
import { activationRangeQuantized, failOp, inputTensor, outputTensor } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';
import { type WindowGeometry, activationQuantization, tapRange, windowGeometry } from './conv-common.js';
import { activationRangeFloat } from '../op-utils.js';

type PoolKind = 'average' | 'max';

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

/** Float32 pool: the sum in (y, x) order rounded to float32 after each add, divided by the count. */
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
          let acc = kind === 'average' ? 0 : -3.4028234663852886e38;
          for (let fy = ys.start; fy < ys.end; fy++) {
            let at = batchBase + ((inY0 + fy) * inputWidth + inX0 + xs.start) * depth + c;
            for (let fx = xs.start; fx < xs.end; fx++, at += depth) {
              const value = input[at];
              if (kind === 'average') acc = fround(acc + value);
              else if (value > acc) acc = value;
            }
          }
          if (kind === 'average') acc = fround(acc / count);
          output[out + c] = acc < min ? min : acc > max ? max : acc;
        }
        out += depth;
      }
    }
  }
}

function preparePool(kind: PoolKind, { graph, op, opIndex }: KernelPrepareContext): KernelEval {
  const attrs = op.attrs as Pool2DAttrs;
  const input = inputTensor(graph, op, opIndex, 0);
  const output = outputTensor(graph, op, 0);
  if (input.dtype !== output.dtype || !['int8', 'int16', 'float32'].includes(input.dtype)) {
    failOp(op, opIndex, `input ${input.dtype} and output ${output.dtype} are not supported (expected both int8, int16 or float32)`);
  }
  const geometry = windowGeometry(op, opIndex, input, output, {
    padding: attrs.padding,
    strideH: attrs.strideH,
    strideW: attrs.strideW,
    dilationH: 1,
    dilationW: 1,
    filterHeight: attrs.filterH,
    filterWidth: attrs.filterW,
  });
  if (geometry.outputDepth !== geometry.inputDepth) {
    failOp(op, opIndex, `output tensor ${output.id} has ${geometry.outputDepth} channels, input ${input.id} has ${geometry.inputDepth}`);
  }
  checkWindowsNotEmpty(op, opIndex, geometry);

  if (input.dtype === 'float32') {
    const { min, max } = activationRangeFloat(attrs.activation);
    return (inputs, outputs) => floatPool(kind, geometry, inputs[0] as Float32Array, min, max, outputs[0] as Float32Array);
  }

  const inputQuantization = activationQuantization(op, opIndex, input, 'input');
  const outputQuantization = activationQuantization(op, opIndex, output, 'output');
  // TFLite's pooling prepare allows scales 1e-6 apart; the stored values are pooled as they are.
  if (Math.abs(inputQuantization.scale - outputQuantization.scale) > 1e-6 || inputQuantization.zeroPoint !== outputQuantization.zeroPoint) {
    failOp(
      op,
      opIndex,
      `input quantization (scale ${inputQuantization.scale}, zero point ${inputQuantization.zeroPoint}) differs from the output's ` +
        `(scale ${outputQuantization.scale}, zero point ${outputQuantization.zeroPoint}); TFLite pools require them equal`,
    );
  }
  const { min, max } = activationRangeQuantized(attrs.activation, output.dtype, outputQuantization.scale, outputQuantization.zeroPoint);
  const lowest = input.dtype === 'int8' ? -128 : -32768;
  return (inputs: readonly (TensorData | undefined)[], outputs: TensorData[]) =>
    integerPool(kind, geometry, inputs[0] as Int8Array | Int16Array, lowest, min, max, outputs[0] as Int8Array | Int16Array);
}

/** TFLite's AveragePool fails at run time on a window with no cell inside the image; refuse it at prepare. */
function checkWindowsNotEmpty(op: Op, opIndex: number, geometry: WindowGeometry): void {
  for (let oy = 0; oy < geometry.outputHeight; oy++) {
    const ys = tapRange(oy * geometry.strideHeight - geometry.padTop, geometry.inputHeight, geometry.filterHeight, 1);
    if (ys.end <= ys.start) failOp(op, opIndex, `output row ${oy} has a pooling window entirely in the padding`);
  }
  for (let ox = 0; ox < geometry.outputWidth; ox++) {
    const xs = tapRange(ox * geometry.strideWidth - geometry.padLeft, geometry.inputWidth, geometry.filterWidth, 1);
    if (xs.end <= xs.start) failOp(op, opIndex, `output column ${ox} has a pooling window entirely in the padding`);
  }
}

registerLegacyKernel('AVERAGE_POOL_2D', (context) => preparePool('average', context));
registerLegacyKernel('MAX_POOL_2D', (context) => preparePool('max', context));
