/**
 * ADD, SUB and MUL: binary elementwise ops with numpy-style broadcasting and a fused activation.
 *
 * int8 and int16 follow TFLite Micro's reference kernels bit for bit:
 * - ADD/SUB use the "general" rescaling path: both inputs are offset, shifted left by 20 bits
 *   (15 for int16), scaled to twice the larger input scale with
 *   MultiplyByQuantizedMultiplierSmallerThanOneExp, added (or subtracted), rescaled to the output
 *   scale, offset and clamped to the activation range. ADD computes the scale ratios in double,
 *   SUB first forms twice the larger scale in float32, as the two TFLite Micro kernels do.
 * - MUL multiplies the offset inputs in int32 and requantizes the product with
 *   MultiplyByQuantizedMultiplier(scale1·scale2/scaleOut).
 * float32 computes `activation(a ∘ b)` in float32, clamping to ±FLT_MAX when there is no
 * activation (TFLite's "lowest/max float" bounds). int32 is the plain wrapped operation.
 *
 * Broadcasting accepts any rank (TFLite Micro accepts up to 6 for ADD/SUB and 4 for MUL); the
 * result per element does not depend on how the loops are arranged.
 */

import type { DType, ElementwiseAttrs, Tensor, TensorData } from '../../ir/types.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierSmallerThanOne,
  quantizeMultiplier,
  quantizeMultiplierSmallerThanOne,
  type QuantizedMultiplier,
} from '../../ops/fixed-point.js';
import type { KernelEval, KernelPrepare, KernelPrepareContext } from '../kernel.js';
import { activationRangeFloat, activationRangeQuantized, expectDType, failOp, inputTensor, outputTensor, tensorQuantization } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';

/** C++'s min(max(x, lo), hi) on floats: NaN passes through, as in TFLite's ActivationFunctionWithMinMax. */
export function clampFloat(x: number, min: number, max: number): number {
  const lower = x < min ? min : x;
  return max < lower ? max : lower;
}

/**
 * How two shapes broadcast: the output shape (numpy rules, shapes aligned on their last
 * dimension) and, for each input, the element stride of every output dimension (0 where the
 * input is broadcast). Returns undefined when the shapes are incompatible.
 */
export function broadcastShapes(
  shape1: readonly number[],
  shape2: readonly number[],
): { shape: number[]; strides1: number[]; strides2: number[] } | undefined {
  const rank = Math.max(shape1.length, shape2.length);
  const padded1 = [...new Array<number>(rank - shape1.length).fill(1), ...shape1];
  const padded2 = [...new Array<number>(rank - shape2.length).fill(1), ...shape2];
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (padded1[d] !== padded2[d] && padded1[d] !== 1 && padded2[d] !== 1) return undefined;
    shape.push(padded1[d] === 1 ? padded2[d] : padded1[d]);
  }
  const strides = (padded: number[]) => {
    const result = new Array<number>(rank).fill(0);
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      result[d] = padded[d] === 1 && shape[d] !== 1 ? 0 : stride;
      stride *= padded[d];
    }
    return result;
  };
  return { shape, strides1: strides(padded1), strides2: strides(padded2) };
}

/** Offsets into each input for every output element, in output order (precomputed once per op). */
function broadcastOffsets(shape: readonly number[], strides1: readonly number[], strides2: readonly number[]) {
  const count = elementCount(shape);
  const offsets1 = new Int32Array(count);
  const offsets2 = new Int32Array(count);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let offset1 = 0;
  let offset2 = 0;
  for (let i = 0; i < count; i++) {
    offsets1[i] = offset1;
    offsets2[i] = offset2;
    // Odometer step over the output index, updating both input offsets incrementally.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset1 += strides1[d];
      offset2 += strides2[d];
      if (index[d] < shape[d]) break;
      offset1 -= strides1[d] * shape[d];
      offset2 -= strides2[d] * shape[d];
      index[d] = 0;
    }
  }
  return { offsets1, offsets2 };
}

/** A shape without its leading 1s: [1, 1, 4, 3] and [4, 3] describe the same elements in the same order. */
function withoutLeadingOnes(shape: readonly number[]): readonly number[] {
  let start = 0;
  while (start < shape.length - 1 && shape[start] === 1) start++;
  return shape.slice(start);
}

type BinaryOp = 'ADD' | 'SUB' | 'MUL';
type ScalarFunction = (a: number, b: number) => number;

/**
 * The per-element function for the op and dtype, with every multiplier computed once, as
 * TFLite Micro's Prepare does.
 */
function scalarFunction(context: KernelPrepareContext, opType: BinaryOp, input1: Tensor, input2: Tensor, output: Tensor): ScalarFunction {
  const { op, opIndex } = context;
  const attrs = op.attrs as ElementwiseAttrs;
  const dtype = output.dtype;
  if (dtype === 'float32') {
    const { min, max } = activationRangeFloat(attrs.activation);
    if (opType === 'ADD') return (a, b) => clampFloat(Math.fround(a + b), min, max);
    if (opType === 'SUB') return (a, b) => clampFloat(Math.fround(a - b), min, max);
    return (a, b) => clampFloat(Math.fround(a * b), min, max);
  }
  if (dtype === 'int32') {
    if (attrs.activation !== 'none') failOp(op, opIndex, `fused activation ${attrs.activation} is not supported on int32 ${opType}`);
    if (opType === 'ADD') return (a, b) => (a + b) | 0;
    if (opType === 'SUB') return (a, b) => (a - b) | 0;
    return (a, b) => Math.imul(a, b);
  }
  // int8 / int16
  const q1 = tensorQuantization(op, opIndex, input1, 'input 0');
  const q2 = tensorQuantization(op, opIndex, input2, 'input 1');
  const qOut = tensorQuantization(op, opIndex, output, 'output');
  const range = activationRangeQuantized(attrs.activation, dtype, qOut.scale, qOut.zeroPoint);
  const clamp = (value: number) => (value < range.min ? range.min : value > range.max ? range.max : value);

  if (opType === 'MUL') {
    if (dtype === 'int16' && (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qOut.zeroPoint !== 0)) {
      failOp(op, opIndex, `int16 MUL needs zero points of 0, got ${q1.zeroPoint}, ${q2.zeroPoint} and ${qOut.zeroPoint}`);
    }
    const { multiplier, shift } = quantizeMultiplier((q1.scale * q2.scale) / qOut.scale);
    const offset1 = -q1.zeroPoint;
    const offset2 = -q2.zeroPoint;
    return (a, b) =>
      clamp(qOut.zeroPoint + multiplyByQuantizedMultiplier(Math.imul(a + offset1, b + offset2), multiplier, shift));
  }

  const leftShift = dtype === 'int16' ? 15 : 20;
  let twiceMaxInputScale: number;
  let realMultiplier1: number;
  let realMultiplier2: number;
  let realOutputMultiplier: number;
  if (opType === 'ADD') {
    twiceMaxInputScale = 2 * Math.max(q1.scale, q2.scale);
    realMultiplier1 = q1.scale / twiceMaxInputScale;
    realMultiplier2 = q2.scale / twiceMaxInputScale;
    realOutputMultiplier = twiceMaxInputScale / (2 ** leftShift * qOut.scale);
  } else {
    // TFLite Micro's SUB keeps these intermediates in float32.
    twiceMaxInputScale = Math.fround(2 * Math.max(q1.scale, q2.scale));
    realMultiplier1 = Math.fround(q1.scale / twiceMaxInputScale);
    realMultiplier2 = Math.fround(q2.scale / twiceMaxInputScale);
    realOutputMultiplier = Math.fround(twiceMaxInputScale / Math.fround(2 ** leftShift * qOut.scale));
  }
  const smallerThanOne = (real: number, role: string): QuantizedMultiplier => {
    if (!(real > 0 && real < 1)) failOp(op, opIndex, `${role} rescale factor ${real} is not in (0, 1); check the tensor scales`);
    return quantizeMultiplierSmallerThanOne(real);
  };
  const m1 = smallerThanOne(realMultiplier1, 'input 0');
  const m2 = smallerThanOne(realMultiplier2, 'input 1');
  const mOut = smallerThanOne(realOutputMultiplier, 'output');
  const offset1 = -q1.zeroPoint;
  const offset2 = -q2.zeroPoint;
  const shiftFactor = 2 ** leftShift;
  const sign = opType === 'ADD' ? 1 : -1;
  return (a, b) => {
    const scaled1 = multiplyByQuantizedMultiplierSmallerThanOne((a + offset1) * shiftFactor, m1.multiplier, m1.shift);
    const scaled2 = multiplyByQuantizedMultiplierSmallerThanOne((b + offset2) * shiftFactor, m2.multiplier, m2.shift);
    const raw = multiplyByQuantizedMultiplierSmallerThanOne((scaled1 + sign * scaled2) | 0, mOut.multiplier, mOut.shift);
    return clamp(raw + qOut.zeroPoint);
  };
}

const supported: readonly DType[] = ['float32', 'int8', 'int16', 'int32'];

function prepareBinary(opType: BinaryOp): KernelPrepare {
  return (context) => {
    const { graph, op, opIndex } = context;
    const input1 = inputTensor(graph, op, opIndex, 0);
    const input2 = inputTensor(graph, op, opIndex, 1);
    const output = outputTensor(graph, op, 0);
    expectDType(op, opIndex, output, 'output', ...supported);
    expectDType(op, opIndex, input1, 'input 0', output.dtype);
    expectDType(op, opIndex, input2, 'input 1', output.dtype);
    const broadcast = broadcastShapes(input1.shape, input2.shape);
    if (!broadcast) {
      failOp(op, opIndex, `input shapes ${formatShape(input1.shape)} and ${formatShape(input2.shape)} do not broadcast`);
    }
    if (formatShape(withoutLeadingOnes(output.shape)) !== formatShape(withoutLeadingOnes(broadcast.shape))) {
      failOp(op, opIndex, `output tensor ${output.id} has shape ${formatShape(output.shape)}, inputs broadcast to ${formatShape(broadcast.shape)}`);
    }
    const apply = scalarFunction(context, opType, input1, input2, output);
    const outputCount = elementCount(output.shape);
    const count1 = elementCount(input1.shape);
    const count2 = elementCount(input2.shape);

    if (count1 === outputCount && count2 === outputCount) {
      const evaluate: KernelEval = (inputs, outputs) => {
        const a = inputs[0] as TensorData;
        const b = inputs[1] as TensorData;
        const out = outputs[0];
        for (let i = 0; i < outputCount; i++) out[i] = apply(a[i] as number, b[i] as number);
      };
      return evaluate;
    }
    const { offsets1, offsets2 } = broadcastOffsets(broadcast.shape, broadcast.strides1, broadcast.strides2);
    return (inputs, outputs) => {
      const a = inputs[0] as TensorData;
      const b = inputs[1] as TensorData;
      const out = outputs[0];
      for (let i = 0; i < outputCount; i++) out[i] = apply(a[offsets1[i]] as number, b[offsets2[i]] as number);
    };
  };
}

registerLegacyKernel('ADD', prepareBinary('ADD'));
registerLegacyKernel('SUB', prepareBinary('SUB'));
registerLegacyKernel('MUL', prepareBinary('MUL'));
