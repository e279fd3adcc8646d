/**
 * CUMSUM (axis the constant second input, one int32 value, negative counting from the end; attrs
 * exclusive, reverse): running sums along the axis, as TFLite Micro's cumsum.cc computes them.
 *
 * - float32 (reference_ops::CumSum): a float32 accumulator per line along the axis, in the
 *   axis's order (backwards when reversed); exclusive writes the sum before adding.
 * - int8 (TFLite Micro's 8-bit path, ADD's arithmetic): each x - zpIn shifted left by 20 and scaled
 *   by QuantizeMultiplierSmallerThanOneExp(1/2); the accumulator starts from the scaled input offset
 *   (-zpIn, as the reference kernel does), then the running sum (exclusive: before adding) is
 *   rescaled by 2·sIn / (2^20·sOut), plus zpOut, clamped to int8.
 */
import { formatShape } from '../ir/tensor.js';
import { dtypeRange } from './activation.js';
import { multiplyByQuantizedMultiplierSmallerThanOne, quantizeMultiplierSmallerThanOne, type QuantizedMultiplier } from './fixed-point.js';
import { expectConstant, expectDType, inputTensor, tensorName } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { unaryTensors } from './unary.js';

export interface CumsumPlan {
  /** Elements before the axis, along it, and after it. */
  outer: number;
  depth: number;
  inner: number;
  exclusive: boolean;
  reverse: boolean;
  integer?: { inputOffset: number; outputOffset: number; leftShift: number; input: QuantizedMultiplier; output: QuantizedMultiplier; min: number; max: number };
}

const leftShift = 20;

export const cumsum = defineOp<CumsumPlan>({
  types: ['CUMSUM'],
  minInputs: 2,
  precisions: ['int8', 'float32'],
  prepare(context) {
    const { input, output } = unaryTensors(context, ['float32', 'int8']);
    if (formatShape(input.shape) !== formatShape(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, input ${tensorName(input)} has ${formatShape(input.shape)}`);
    const axisTensor = inputTensor(context, 1, 'axis');
    expectDType(context, axisTensor, 'axis', 'int32');
    const values = Array.from(expectConstant(context, axisTensor, 'axis') as ArrayLike<number>, Number);
    const rank = input.shape.length;
    if (values.length !== 1) context.fail(`axis ${tensorName(axisTensor)} has ${values.length} values, expected 1`);
    const axis = values[0] < 0 ? values[0] + rank : values[0];
    if (axis < 0 || axis >= rank) context.fail(`axis ${values[0]} is out of range for input shape ${formatShape(input.shape)}`);
    const { exclusive = false, reverse = false } = context.op.attrs as { exclusive?: boolean; reverse?: boolean };
    const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    const plan = { outer: product(input.shape.slice(0, axis)), depth: input.shape[axis], inner: product(input.shape.slice(axis + 1)), exclusive, reverse };
    if (input.dtype === 'float32') return plan;
    const qIn = activationQuantization(context, input, 'input');
    const qOut = activationQuantization(context, output, 'output');
    const f = Math.fround;
    const twiceMaxInputScale = 2 * f(qIn.scale);
    return {
      ...plan,
      integer: {
        inputOffset: -qIn.zeroPoint,
        outputOffset: qOut.zeroPoint,
        leftShift,
        input: quantizeMultiplierSmallerThanOne(f(qIn.scale) / twiceMaxInputScale),
        output: quantizeMultiplierSmallerThanOne(twiceMaxInputScale / (2 ** leftShift * f(qOut.scale))),
        ...dtypeRange.int8!,
      },
    };
  },
});

/** Runs CUMSUM's plan on the input `x` into `y` (float32 or int8 values). */
export function runCumsum(plan: CumsumPlan, x: ArrayLike<number>, y: { [i: number]: number }): void {
  const { outer, depth, inner, exclusive, reverse, integer } = plan;
  const f = Math.fround;
  const scaled = (v: number) => (integer ? multiplyByQuantizedMultiplierSmallerThanOne((v * 2 ** integer.leftShift) | 0, integer.input.multiplier, integer.input.shift) : v);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let accumulator = integer ? scaled(integer.inputOffset) : 0;
      for (let d = 0; d < depth; d++) {
        const index = (o * depth + (reverse ? depth - 1 - d : d)) * inner + i;
        const term = integer ? scaled(integer.inputOffset + x[index]) : x[index];
        const before = accumulator;
        accumulator = integer ? (accumulator + term) | 0 : f(accumulator + term);
        const sum = exclusive ? before : accumulator;
        if (!integer) {
          y[index] = sum;
        } else {
          const raw = multiplyByQuantizedMultiplierSmallerThanOne(sum, integer.output.multiplier, integer.output.shift) + integer.outputOffset;
          y[index] = raw < integer.min ? integer.min : raw > integer.max ? integer.max : raw;
        }
      }
    }
  }
}
