/**
 * MEAN over the axes given by the constant int32 second input (negative axes count from the
 * end, duplicates ignored); `keepDims` only changes the output shape, not the element order.
 *
 * int8 and int16 follow TFLite Micro's reference reduce (EvalIntegerMean):
 * - input and output with the same scale and zero point: the int32 sum of the raw values divided
 *   by the element count with C integer division (truncating toward zero);
 * - otherwise QuantizedMeanOrSum: the int32 sum minus zeroPoint·count, requantized with
 *   QuantizeMultiplier(scaleIn/scaleOut) into which 1/count has been folded
 *   (multiplier·2^k / count, shift - k, k = min(⌊log2 count⌋, 32, 31 + shift)), plus the output
 *   zero point, clamped.
 * TFLite Micro has no separate int8 path for the 4-D mean over height and width; its float
 * special case sums in the same order as the general path, so one implementation serves both.
 * float32 sums in input order in float32 and divides by the count in float32.
 */

import type { DType, ReducerAttrs, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../ops/fixed-point.js';
import type { KernelPrepare } from '../kernel.js';
import { dtypeRange, expectDType, failOp, inputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';

/**
 * Folds 1/count into a quantized multiplier the way TFLite's QuantizedMeanOrSum does
 * (64-bit integer division, shift clamped so the result stays usable).
 */
export function foldCountIntoMultiplier(multiplier: number, shift: number, count: number): { multiplier: number; shift: number } {
  const floorLog2 = count.toString(2).length - 1; // 63 - CountLeadingZeros(count)
  const k = Math.min(floorLog2, 32, 31 + shift);
  const folded = Number((BigInt(multiplier) << BigInt(k)) / BigInt(count));
  return { multiplier: folded | 0, shift: shift - k };
}

const prepareMean: KernelPrepare = ({ graph, op, opIndex }) => {
  const input = inputTensor(graph, op, opIndex, 0);
  const axisTensor = inputTensor(graph, op, opIndex, 1);
  const output = outputTensor(graph, op, 0);
  const supported: DType[] = ['float32', 'int8', 'int16'];
  expectDType(op, opIndex, input, 'input', ...supported);
  expectDType(op, opIndex, output, 'output', input.dtype);
  expectDType(op, opIndex, axisTensor, 'axis', 'int32');
  if (!axisTensor.data) failOp(op, opIndex, `axis tensor ${axisTensor.id} is not constant`);
  const rank = input.shape.length;
  const axes: number[] = [];
  for (const raw of axisTensor.data as Int32Array) {
    const axis = raw < 0 ? raw + rank : raw;
    if (axis < 0 || axis >= rank) failOp(op, opIndex, `axis ${raw} is out of range for input shape ${formatShape(input.shape)}`);
    if (!axes.includes(axis)) axes.push(axis);
  }
  const keptShape = input.shape.filter((_, d) => !axes.includes(d));
  const count = elementCount(axes.map((d) => input.shape[d]));
  if (elementCount(keptShape) !== elementCount(output.shape)) {
    failOp(op, opIndex, `output tensor ${output.id} has shape ${formatShape(output.shape)}, reducing ${formatShape(input.shape)} over axes [${axes.join(', ')}] (keepDims ${(op.attrs as ReducerAttrs).keepDims}) gives ${formatShape(keptShape)}`);
  }

  // Output offset of every input element (row-major over the input, reduced axes skipped).
  const inputCount = elementCount(input.shape);
  const outputOffsets = new Int32Array(inputCount);
  const keptStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (axes.includes(d)) continue;
    keptStrides[d] = stride;
    stride *= input.shape[d];
  }
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < inputCount; i++) {
    outputOffsets[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset += keptStrides[d];
      if (index[d] < input.shape[d]) break;
      offset -= keptStrides[d] * input.shape[d];
      index[d] = 0;
    }
  }
  const outputCount = elementCount(output.shape);

  if (input.dtype === 'float32') {
    const countFloat = Math.fround(count);
    return (inputs, outputs) => {
      const source = inputs[0] as Float32Array;
      const out = outputs[0] as Float32Array;
      out.fill(0);
      for (let i = 0; i < inputCount; i++) out[outputOffsets[i]] = out[outputOffsets[i]] + source[i]; // stored as float32
      if (count > 0) for (let j = 0; j < outputCount; j++) out[j] = out[j] / countFloat;
    };
  }

  const inputQuantization = tensorQuantization(op, opIndex, input, 'input');
  const outputQuantization = tensorQuantization(op, opIndex, output, 'output');
  const sums = new Int32Array(outputCount);
  const sum = (source: TensorData) => {
    sums.fill(0);
    for (let i = 0; i < inputCount; i++) sums[outputOffsets[i]] += source[i] as number; // wraps like int32
  };
  if (inputQuantization.scale === outputQuantization.scale && inputQuantization.zeroPoint === outputQuantization.zeroPoint) {
    return (inputs, outputs) => {
      const out = outputs[0];
      sum(inputs[0] as TensorData);
      if (count > 0) for (let j = 0; j < outputCount; j++) out[j] = Math.trunc(sums[j] / count);
    };
  }
  const { multiplier, shift } = quantizeMultiplier(inputQuantization.scale / outputQuantization.scale);
  const folded = count > 0 ? foldCountIntoMultiplier(multiplier, shift, count) : { multiplier, shift };
  const { min, max } = dtypeRange[input.dtype]!;
  const zeroPointSum = inputQuantization.zeroPoint * count;
  return (inputs, outputs) => {
    const out = outputs[0];
    sum(inputs[0] as TensorData);
    if (count === 0) return;
    for (let j = 0; j < outputCount; j++) {
      const shiftedSum = (sums[j] - zeroPointSum) | 0; // exact below 2^53, then wrapped to int32 as the C cast does
      const value = multiplyByQuantizedMultiplier(shiftedSum, folded.multiplier, folded.shift) + outputQuantization.zeroPoint;
      out[j] = value < min ? min : value > max ? max : value;
    }
  };
};

registerLegacyKernel('MEAN', prepareMean);
