/**
 * MEAN host kernel (arithmetic in ops/mean.ts). TFLite Micro has no separate int8 path for the
 * 4-D mean over height and width; its float special case sums in the same order as the general
 * path, so one implementation serves both.
 */
import type { TensorData } from '../../ir/types.js';
import { elementCount } from '../../ir/tensor.js';
import { multiplyByQuantizedMultiplier } from '../../ops/fixed-point.js';
import { mean } from '../../ops/mean.js';
import { registerKernel } from '../registry.js';

/** The output offset of every input element of a reduction over `axes` (row-major, reduced axes skipped). */
export function reductionOffsets(shape: readonly number[], axes: readonly number[]): Int32Array {
  const rank = shape.length;
  const inputCount = elementCount(shape);
  const outputOffsets = new Int32Array(inputCount);
  const keptStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (axes.includes(d)) continue;
    keptStrides[d] = stride;
    stride *= shape[d];
  }
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < inputCount; i++) {
    outputOffsets[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset += keptStrides[d];
      if (index[d] < shape[d]) break;
      offset -= keptStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  return outputOffsets;
}

registerKernel(mean, ({ axes, count, integer }, { graph, op }) => {
  const input = graph.tensors[op.inputs[0]];
  const output = graph.tensors[op.outputs[0]];

  const inputCount = elementCount(input.shape);
  const outputOffsets = reductionOffsets(input.shape, axes);
  const outputCount = elementCount(output.shape);

  if (!integer) {
    const countFloat = Math.fround(count);
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0] as Float32Array;
      out.fill(0);
      for (let i = 0; i < inputCount; i++) out[outputOffsets[i]] = out[outputOffsets[i]] + source[i]; // stored as float32
      if (count > 0) for (let j = 0; j < outputCount; j++) out[j] = out[j] / countFloat;
    };
  }

  const sums = new Int32Array(outputCount);
  const sum = (source: TensorData) => {
    sums.fill(0);
    for (let i = 0; i < inputCount; i++) sums[outputOffsets[i]] += source[i] as number; // wraps like int32
  };
  const { rescale, min, max, outputZeroPoint } = integer;
  if (!rescale) {
    return (inputs, outputs) => {
      const out = outputs[0];
      sum(inputs[0] as TensorData);
      if (count > 0) for (let j = 0; j < outputCount; j++) out[j] = Math.trunc(sums[j] / count);
    };
  }
  const zeroPointSum = integer.inputZeroPoint * count;
  return (inputs, outputs) => {
    const out = outputs[0];
    sum(inputs[0] as TensorData);
    if (count === 0) return;
    for (let j = 0; j < outputCount; j++) {
      const shiftedSum = (sums[j] - zeroPointSum) | 0; // exact below 2^53, then wrapped to int32 as the C cast does
      const value = multiplyByQuantizedMultiplier(shiftedSum, rescale.multiplier, rescale.shift) + outputZeroPoint;
      out[j] = value < min ? min : value > max ? max : value;
    }
  };
});
