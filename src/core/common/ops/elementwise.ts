/**
 * ADD, SUB and MUL: binary elementwise ops with numpy-style broadcasting and a fused activation.
 *
 * int8 and int16 follow TFLite Micro's reference kernels:
 * - ADD/SUB use the "general" rescaling path: both inputs are offset, shifted left by 20 bits
 *   (15 for int16), scaled to twice the larger input scale with
 *   MultiplyByQuantizedMultiplierSmallerThanOneExp, added (or subtracted), rescaled to the output
 *   scale, offset and clamped to the activation range. ADD computes the scale ratios in double,
 *   SUB first forms twice the larger scale in float32, as the two TFLite Micro kernels do.
 * - MUL multiplies the offset inputs in int32 and requantizes the product with
 *   MultiplyByQuantizedMultiplier(scale1·scale2/scaleOut).
 * float32 computes `activation(a ∘ b)` in float32, clamping to ±FLT_MAX when there is no
 * activation. int32 is the plain wrapped operation, without activation.
 */
import type { ElementwiseAttrs } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { quantizeMultiplierSmallerThanOne, type QuantizedMultiplier } from './fixed-point.js';
import { activationRangeFloat, activationRangeQuantized, type ActivationRange } from './activation.js';
import { expectDType, inputTensor, outputTensor, tensorName, type OpContext, type Precision } from './op.js';
import { activationQuantization, rescale, type AffineQuantization } from './quantization.js';
import { defineOp } from './registry.js';

/** The output shape of two broadcast inputs and each input's element stride per output dimension (0 where broadcast). */
export interface Broadcast {
  shape: number[];
  strides1: number[];
  strides2: number[];
}

/**
 * How two shapes broadcast (numpy rules, shapes aligned on their last dimension), or undefined
 * when they are incompatible.
 */
export function broadcastShapes(shape1: readonly number[], shape2: readonly number[]): Broadcast | undefined {
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

/** A shape without its leading 1s: [1, 1, 4, 3] and [4, 3] describe the same elements in the same order. */
export function withoutLeadingOnes(shape: readonly number[]): string {
  let start = 0;
  while (start < shape.length - 1 && shape[start] === 1) start++;
  return formatShape(shape.slice(start));
}

export type ElementwiseArithmetic =
  | { flavour: 'float32'; activation: ActivationRange }
  | { flavour: 'int32' }
  | {
      flavour: 'int8' | 'int16';
      input1: AffineQuantization;
      input2: AffineQuantization;
      output: AffineQuantization;
      /** Clamp in the output's stored domain. */
      activation: ActivationRange;
      /** MUL: the product's rescale. ADD/SUB: the rescale of the sum to the output scale. */
      outputMultiplier: QuantizedMultiplier;
      /** ADD/SUB: the inputs' headroom shift and their rescales to twice the larger input scale. */
      sum?: { leftShift: number; input1: QuantizedMultiplier; input2: QuantizedMultiplier };
    };

export interface ElementwisePlan {
  broadcast: Broadcast;
  /** Both inputs have the output's element count (no broadcasting to do). */
  sameSize: boolean;
  arithmetic: ElementwiseArithmetic;
}

/** TFLite Micro's Prepare of ADD and SUB: the rescales of the general quantized path. */
function sumRescales(context: OpContext, q1: AffineQuantization, q2: AffineQuantization, qOut: AffineQuantization, leftShift: number) {
  // TFLite Micro's ADD works in double; its SUB keeps these intermediates in float32.
  const f = context.op.type === 'SUB' ? Math.fround : (x: number) => x;
  const twiceMaxInputScale = f(2 * Math.max(q1.scale, q2.scale));
  const smallerThanOne = (real: number, role: string): QuantizedMultiplier => {
    if (!(real > 0 && real < 1)) context.fail(`${role} rescale factor ${real} is not in (0, 1); check the tensor scales`);
    return quantizeMultiplierSmallerThanOne(real);
  };
  const input1 = smallerThanOne(f(q1.scale / twiceMaxInputScale), 'input 0');
  const input2 = smallerThanOne(f(q2.scale / twiceMaxInputScale), 'input 1');
  const outputMultiplier = smallerThanOne(f(twiceMaxInputScale / f(2 ** leftShift * qOut.scale)), 'output');
  return { sum: { leftShift, input1, input2 }, outputMultiplier };
}

function prepareElementwise(context: OpContext): ElementwisePlan {
  const input1 = inputTensor(context, 0, 'input 0');
  const input2 = inputTensor(context, 1, 'input 1');
  const output = outputTensor(context);
  expectDType(context, output, 'output', 'float32', 'int8', 'int16', 'int32');
  expectDType(context, input1, 'input 0', output.dtype);
  expectDType(context, input2, 'input 1', output.dtype);
  const broadcast = broadcastShapes(input1.shape, input2.shape);
  if (!broadcast || withoutLeadingOnes(output.shape) !== withoutLeadingOnes(broadcast.shape)) {
    context.fail(
      `shapes ${formatShape(input1.shape)} (${tensorName(input1)}) and ${formatShape(input2.shape)} (${tensorName(input2)}) do not broadcast to the output's ${formatShape(output.shape)}`,
    );
  }
  const count = elementCount(output.shape);
  const sameSize = elementCount(input1.shape) === count && elementCount(input2.shape) === count;
  const { activation } = context.op.attrs as ElementwiseAttrs;
  const dtype = output.dtype;
  if (dtype === 'float32') return { broadcast, sameSize, arithmetic: { flavour: 'float32', activation: activationRangeFloat(context, activation) } };
  if (dtype === 'int32') {
    if (activation !== 'none') context.fail(`fused activation ${activation} is not supported on int32 ${context.op.type}`);
    return { broadcast, sameSize, arithmetic: { flavour: 'int32' } };
  }
  const q1 = activationQuantization(context, input1, 'input 0');
  const q2 = activationQuantization(context, input2, 'input 1');
  const qOut = activationQuantization(context, output, 'output');
  const flavour = dtype as 'int8' | 'int16';
  const range = activationRangeQuantized(context, activation, dtype, qOut.scale, qOut.zeroPoint);
  const quantized = { flavour, input1: q1, input2: q2, output: qOut, activation: range };
  if (context.op.type !== 'MUL') {
    return { broadcast, sameSize, arithmetic: { ...quantized, ...sumRescales(context, q1, q2, qOut, dtype === 'int16' ? 15 : 20) } };
  }
  if (dtype === 'int16' && (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qOut.zeroPoint !== 0)) {
    context.fail(`int16 MUL needs zero points of 0, got ${q1.zeroPoint}, ${q2.zeroPoint} and ${qOut.zeroPoint}`);
  }
  const outputMultiplier = rescale(context, (q1.scale * q2.scale) / qOut.scale, 'output');
  return { broadcast, sameSize, arithmetic: { ...quantized, outputMultiplier } };
}

const elementwise = (type: string, precisions: readonly Precision[], fusedActivation: boolean) =>
  defineOp<ElementwisePlan>({ types: [type], minInputs: 2, fusedActivation, precisions, inPlace: 'elementwise', prepare: prepareElementwise });

export const add = elementwise('ADD', ['int8', 'int16', 'float32'], true);
export const sub = elementwise('SUB', ['int8', 'float32'], false);
export const mul = elementwise('MUL', ['int8', 'float32'], false);
