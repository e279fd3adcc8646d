/**
 * ADD, SUB and MUL host kernels, bit-exact with TFLite Micro's reference kernels, from the plan of
 * ops/elementwise.ts (multipliers, shifts and clamps folded there). Broadcasting accepts any rank
 * (TFLite Micro accepts up to 6 for ADD/SUB and 4 for MUL); the result per element does not
 * depend on how the loops are arranged.
 */

import type { TensorData } from '../../ir/types.js';
import { elementCount } from '../../ir/tensor.js';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplierSmallerThanOne } from '../../ops/fixed-point.js';
import { add, mul, sub, type ElementwisePlan } from '../../ops/elementwise.js';
import type { KernelEval } from '../kernel.js';
import { registerKernel, type KernelFactory } from '../registry.js';

/** C++'s min(max(x, lo), hi) on floats: NaN passes through, as in TFLite's ActivationFunctionWithMinMax. */
export function clampFloat(x: number, min: number, max: number): number {
  const lower = x < min ? min : x;
  return max < lower ? max : lower;
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

type ScalarFunction = (a: number, b: number) => number;

/** The per-element function of the op and its plan. */
function scalarFunction(opType: string, { arithmetic }: ElementwisePlan): ScalarFunction {
  if (arithmetic.flavour === 'float32') {
    const { min, max } = arithmetic.activation;
    if (opType === 'ADD') return (a, b) => clampFloat(Math.fround(a + b), min, max);
    if (opType === 'SUB') return (a, b) => clampFloat(Math.fround(a - b), min, max);
    return (a, b) => clampFloat(Math.fround(a * b), min, max);
  }
  if (arithmetic.flavour === 'int32') {
    if (opType === 'ADD') return (a, b) => (a + b) | 0;
    if (opType === 'SUB') return (a, b) => (a - b) | 0;
    return (a, b) => Math.imul(a, b);
  }
  const { min, max } = arithmetic.activation;
  const clamp = (value: number) => (value < min ? min : value > max ? max : value);
  const offset1 = -arithmetic.input1.zeroPoint;
  const offset2 = -arithmetic.input2.zeroPoint;
  const outputZeroPoint = arithmetic.output.zeroPoint;
  const mOut = arithmetic.outputMultiplier;
  if (!arithmetic.sum) {
    return (a, b) => clamp(outputZeroPoint + multiplyByQuantizedMultiplier(Math.imul(a + offset1, b + offset2), mOut.multiplier, mOut.shift));
  }
  const { leftShift, input1: m1, input2: m2 } = arithmetic.sum;
  const shiftFactor = 2 ** leftShift;
  const sign = opType === 'ADD' ? 1 : -1;
  return (a, b) => {
    const scaled1 = multiplyByQuantizedMultiplierSmallerThanOne((a + offset1) * shiftFactor, m1.multiplier, m1.shift);
    const scaled2 = multiplyByQuantizedMultiplierSmallerThanOne((b + offset2) * shiftFactor, m2.multiplier, m2.shift);
    const raw = multiplyByQuantizedMultiplierSmallerThanOne((scaled1 + sign * scaled2) | 0, mOut.multiplier, mOut.shift);
    return clamp(raw + outputZeroPoint);
  };
}

const binaryKernel: KernelFactory<ElementwisePlan> = (plan, context) => {
  const apply = scalarFunction(context.op.type, plan);
  const { shape, strides1, strides2 } = plan.broadcast;
  const outputCount = elementCount(shape);
  if (plan.sameSize) {
    const evaluate: KernelEval = (inputs, outputs) => {
      const a = inputs[0] as TensorData;
      const b = inputs[1] as TensorData;
      const out = outputs[0];
      for (let i = 0; i < outputCount; i++) out[i] = apply(a[i] as number, b[i] as number);
    };
    return evaluate;
  }
  const { offsets1, offsets2 } = broadcastOffsets(shape, strides1, strides2);
  return (inputs, outputs) => {
    const a = inputs[0] as TensorData;
    const b = inputs[1] as TensorData;
    const out = outputs[0];
    for (let i = 0; i < outputCount; i++) out[i] = apply(a[offsets1[i]] as number, b[offsets2[i]] as number);
  };
};

for (const definition of [add, sub, mul]) registerKernel(definition, binaryKernel);
