/**
 * Test support for the conv, depthwise, fully connected and pool kernel tests: one-op graphs,
 * a seeded random source, and straight transcriptions of TFLite's reference loops (one
 * output at a time, taps outside the image skipped) that the optimized host kernels are
 * compared with. Test-only; nothing in the interpreter imports it.
 */
import type { DType, Graph, TensorData } from '../../ir/types.js';
import { allocateData, elementCount } from '../../ir/tensor.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../ops/fixed-point.js';
import { computeOutSize, computePadding } from '../../ops/window.js';
import { findKernel } from '../registry.js';
import { multiplyByQuantizedMultiplierInt64 } from '../kernels/conv-common.js';
import { singleOpGraph as buildSingleOpGraph, type TensorSpec as OneOpTensor } from './single-op.js';

export interface TensorSpec {
  dtype: DType;
  shape: number[];
  data?: TensorData;
  scale?: number[];
  zeroPoint?: number[];
  axis?: number;
}

/** The spec in testing/single-op's form; only inputs after the first keep their data as constants. */
function oneOpTensor(spec: TensorSpec, constant: boolean): OneOpTensor {
  return {
    dtype: spec.dtype,
    shape: spec.shape,
    data: constant ? spec.data : undefined,
    quantization: spec.scale ? { scale: spec.scale, zeroPoint: spec.zeroPoint ?? spec.scale.map(() => 0), axis: spec.axis ?? 0 } : undefined,
  };
}

/** A graph holding one op; input 0 is the graph input, the other inputs are constants. */
export function singleOpGraph(type: string, attrs: object, inputs: (TensorSpec | undefined)[], output: TensorSpec): Graph {
  return buildSingleOpGraph({ type, attrs, inputs: inputs.map((spec, i) => (spec ? oneOpTensor(spec, i > 0) : null)), output: oneOpTensor(output, false) });
}

/** Prepares and runs the op of a one-op graph on the specs' data; returns the output. */
export function runSingleOp(type: string, attrs: object, inputs: (TensorSpec | undefined)[], output: TensorSpec): TensorData {
  const graph = singleOpGraph(type, attrs, inputs, output);
  const evaluate = prepareSingleOp(graph);
  const result = allocateData(output.dtype, elementCount(output.shape));
  evaluate(
    inputs.map((spec) => spec?.data),
    [result],
  );
  return result;
}

/** Only prepares (for tests of prepare-time errors). */
export function prepareSingleOp(graph: Graph) {
  const op = graph.ops[0];
  const prepare = findKernel(op.type);
  if (!prepare) throw new Error(`no kernel for ${op.type}`);
  return prepare({ graph, op, opIndex: 0 });
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [min, max]. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    ints<T extends Int8Array | Int16Array | Int32Array>(array: T, min: number, max: number): T {
      for (let i = 0; i < array.length; i++) array[i] = min + Math.floor(next() * (max - min + 1));
      return array;
    },
    floats(array: Float32Array, min: number, max: number): Float32Array {
      for (let i = 0; i < array.length; i++) array[i] = min + next() * (max - min);
      return array;
    },
  };
}

export interface ReferenceWindow {
  padding: 'same' | 'valid';
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
}

/** Output size and leading padding along one axis, as TFLite computes them. */
export function axisGeometry(padding: 'same' | 'valid', size: number, filter: number, stride: number, dilation: number) {
  const out = computeOutSize(padding, size, filter, stride, dilation);
  return { out, pad: computePadding(stride, dilation, size, filter, out) };
}

/**
 * Integer convolution transcribed from reference_integer_ops::ConvPerChannel: for every
 * output, Σ filter·(input − inputZeroPoint) over taps inside the image, then `finish(acc, oc)`.
 */
export function referenceConvSums(
  input: Int8Array | Int16Array,
  inputShape: number[],
  inputZeroPoint: number,
  filter: Int8Array,
  filterShape: number[],
  window: ReferenceWindow,
): { sums: number[]; outputShape: number[] } {
  const [batches, height, width, depth] = inputShape;
  const [outDepth, filterHeight, filterWidth, filterDepth] = filterShape;
  const groups = depth / filterDepth;
  const perGroup = outDepth / groups;
  const ys = axisGeometry(window.padding, height, filterHeight, window.strideH, window.dilationH);
  const xs = axisGeometry(window.padding, width, filterWidth, window.strideW, window.dilationW);
  const sums: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < ys.out; oy++) {
      for (let ox = 0; ox < xs.out; ox++) {
        for (let oc = 0; oc < outDepth; oc++) {
          const group = Math.floor(oc / perGroup);
          let acc = 0;
          for (let fy = 0; fy < filterHeight; fy++) {
            const iy = oy * window.strideH - ys.pad + window.dilationH * fy;
            for (let fx = 0; fx < filterWidth; fx++) {
              const ix = ox * window.strideW - xs.pad + window.dilationW * fx;
              if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
              for (let ic = 0; ic < filterDepth; ic++) {
                const x = input[((b * height + iy) * width + ix) * depth + ic + group * filterDepth];
                const w = filter[((oc * filterHeight + fy) * filterWidth + fx) * filterDepth + ic];
                acc += w * (x - inputZeroPoint);
              }
            }
          }
          sums.push(acc);
        }
      }
    }
  }
  return { sums, outputShape: [batches, ys.out, xs.out, outDepth] };
}

/** Integer depthwise convolution transcribed from reference_integer_ops::DepthwiseConvPerChannel. */
export function referenceDepthwiseSums(
  input: Int8Array | Int16Array,
  inputShape: number[],
  inputZeroPoint: number,
  filter: Int8Array,
  filterShape: number[],
  window: ReferenceWindow,
): { sums: number[]; outputShape: number[] } {
  const [batches, height, width, depth] = inputShape;
  const [, filterHeight, filterWidth, outDepth] = filterShape;
  const multiplier = outDepth / depth;
  const ys = axisGeometry(window.padding, height, filterHeight, window.strideH, window.dilationH);
  const xs = axisGeometry(window.padding, width, filterWidth, window.strideW, window.dilationW);
  const sums: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < ys.out; oy++) {
      for (let ox = 0; ox < xs.out; ox++) {
        for (let ic = 0; ic < depth; ic++) {
          for (let m = 0; m < multiplier; m++) {
            const oc = m + ic * multiplier;
            let acc = 0;
            for (let fy = 0; fy < filterHeight; fy++) {
              for (let fx = 0; fx < filterWidth; fx++) {
                const iy = oy * window.strideH - ys.pad + window.dilationH * fy;
                const ix = ox * window.strideW - xs.pad + window.dilationW * fx;
                if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                const x = input[((b * height + iy) * width + ix) * depth + ic];
                acc += filter[(fy * filterWidth + fx) * outDepth + oc] * (x - inputZeroPoint);
              }
            }
            sums[((b * ys.out + oy) * xs.out + ox) * outDepth + oc] = acc;
          }
        }
      }
    }
  }
  return { sums, outputShape: [batches, ys.out, xs.out, outDepth] };
}

/**
 * The int8 requantization of the reference kernels, one output: int32 wrap of acc + bias,
 * MultiplyByQuantizedMultiplier with the multiplier of `realMultiplier`, zero point, clamp.
 */
export function referenceRequantize8(acc: number, bias: number, realMultiplier: number, zeroPoint: number, min = -128, max = 127): number {
  const { multiplier, shift } = quantizeMultiplier(realMultiplier);
  const value = multiplyByQuantizedMultiplier((acc + bias) | 0, multiplier, shift) + zeroPoint;
  return Math.min(max, Math.max(min, value));
}

/** The 16x8 requantization with a 64-bit accumulator (int64 bias), one output. */
export function referenceRequantize16Wide(acc: number, bias: number, realMultiplier: number, min = -32768, max = 32767): number {
  const { multiplier, shift } = quantizeMultiplier(realMultiplier);
  return Math.min(max, Math.max(min, multiplyByQuantizedMultiplierInt64(acc + bias, multiplier, shift)));
}

/**
 * Float convolution transcribed from reference_ops::Conv / DepthwiseConv: per output, the
 * taps inside the image in order, float32 rounding after each multiply and add.
 */
export function referenceFloatConv(
  input: Float32Array,
  inputShape: number[],
  filter: Float32Array,
  filterShape: number[],
  bias: Float32Array | undefined,
  window: ReferenceWindow,
  depthwise: boolean,
): Float32Array {
  const [batches, height, width, depth] = inputShape;
  const [filterHeight, filterWidth] = [filterShape[1], filterShape[2]];
  const outDepth = depthwise ? filterShape[3] : filterShape[0];
  const filterDepth = depthwise ? 1 : filterShape[3];
  const groups = depthwise ? depth : depth / filterDepth;
  const perGroup = outDepth / groups;
  const ys = axisGeometry(window.padding, height, filterHeight, window.strideH, window.dilationH);
  const xs = axisGeometry(window.padding, width, filterWidth, window.strideW, window.dilationW);
  const output = new Float32Array(batches * ys.out * xs.out * outDepth);
  const f = Math.fround;
  let i = 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < ys.out; oy++) {
      for (let ox = 0; ox < xs.out; ox++) {
        for (let oc = 0; oc < outDepth; oc++) {
          const group = Math.floor(oc / perGroup);
          let total = 0;
          for (let fy = 0; fy < filterHeight; fy++) {
            for (let fx = 0; fx < filterWidth; fx++) {
              const iy = oy * window.strideH - ys.pad + window.dilationH * fy;
              const ix = ox * window.strideW - xs.pad + window.dilationW * fx;
              if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
              for (let ic = 0; ic < filterDepth; ic++) {
                const x = input[((b * height + iy) * width + ix) * depth + ic + group * filterDepth];
                const w = depthwise
                  ? filter[(fy * filterWidth + fx) * outDepth + oc]
                  : filter[((oc * filterHeight + fy) * filterWidth + fx) * filterDepth + ic];
                total = f(total + f(x * w));
              }
            }
          }
          output[i++] = bias ? f(total + bias[oc]) : total;
        }
      }
    }
  }
  return output;
}
