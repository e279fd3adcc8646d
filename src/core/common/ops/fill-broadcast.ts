/**
 * Ops that make tensors from shapes and values, as TFLite runs them:
 * - ADD_N: the element-wise sum of N inputs of one shape, in input order (float32, int32 wrapping;
 *   int8 as TFLite Micro's reference AddN: every input shares one scale and zero point, each
 *   offset value is shifted left by 20 and halved (input multiplier 1/2), the int32 sum wraps and
 *   is rescaled by 2·scale / (2^20·output scale). TFLite Micro starts that sum from the rescaled
 *   input offset, not from 0 — one extra -zeroPoint term — and so does TinyDeploy, to stay
 *   byte-identical);
 * - ZEROS_LIKE: zeros of the input's type and shape;
 * - FILL: the output (shape given by the constant or static `dims` input) filled with the scalar
 *   `value` input (any type; a quantized value and output share one encoding);
 * - BROADCAST_TO: the input broadcast to the constant `shape` input (numpy rules, up to 6 dimensions
 *   after merging);
 * - BROADCAST_ARGS: the broadcast of two int32 / int64 shape vectors, computed at run time.
 * ZEROS_LIKE, FILL and BROADCAST_TO are strided copies (ops/strided-copy.ts): a fill from one
 * element, a copy with input steps of 0 along the broadcast dimensions.
 */
import type { Tensor } from '../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../ir/tensor.js';
import { activationRangeQuantized, type ActivationRange } from './activation.js';
import { stepsTo } from './comparison.js';
import { expectConstant, expectDType, expectShape, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import type { MultiCopyPlan } from './pack-split.js';
import { multiplyByQuantizedMultiplierSmallerThanOne, quantizeMultiplierSmallerThanOne, saturate, type QuantizedMultiplier } from './fixed-point.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { simplifyStridedCopy, stridesOf } from './strided-copy.js';

/** int8 ADD_N's arithmetic (TFLite Micro's add_n.cc OpData). */
export interface AddNInt8Arithmetic {
  /** -zero point shared by every input. */
  inputOffset: number;
  outputOffset: number;
  /** kAddNIntegerShift. */
  leftShift: number;
  input: QuantizedMultiplier;
  output: QuantizedMultiplier;
  activation: ActivationRange;
}

export interface AddNPlan {
  inputs: number;
  count: number;
  flavour: 'float32' | 'int32' | 'int8';
  /** int8 only. */
  arithmetic?: AddNInt8Arithmetic;
}

export const ADD_N_LEFT_SHIFT = 20;

function addNInt8Arithmetic(context: OpContext, first: Tensor, output: Tensor): AddNInt8Arithmetic {
  const input = activationQuantization(context, first, 'input 0');
  const out = activationQuantization(context, output, 'output');
  context.op.inputs.forEach((_, i) => {
    const { scale, zeroPoint } = activationQuantization(context, inputTensor(context, i), `input ${i}`);
    if (scale !== input.scale || zeroPoint !== input.zeroPoint) {
      context.fail(`input ${i} ${tensorName(inputTensor(context, i))} has scale ${scale} and zero point ${zeroPoint}, input 0 has ${input.scale} and ${input.zeroPoint}: int8 ADD_N needs one quantization for every input`);
    }
  });
  const twiceInputScale = 2 * input.scale;
  const outputMultiplier = twiceInputScale / (2 ** ADD_N_LEFT_SHIFT * out.scale);
  if (!(outputMultiplier < 1)) context.fail(`input scale ${input.scale} over output scale ${out.scale} is at least 2^19: TFLite Micro's int8 ADD_N rescales only below that`);
  return {
    inputOffset: -input.zeroPoint,
    outputOffset: out.zeroPoint,
    leftShift: ADD_N_LEFT_SHIFT,
    input: quantizeMultiplierSmallerThanOne(input.scale / twiceInputScale),
    output: quantizeMultiplierSmallerThanOne(outputMultiplier),
    activation: activationRangeQuantized(context, 'none', 'int8', out.scale, out.zeroPoint),
  };
}

export const addN = defineOp<AddNPlan>({
  types: ['ADD_N'],
  minInputs: 1,
  precisions: ['float32'],
  prepare(context) {
    const output = outputTensor(context);
    expectDType(context, output, 'output', 'float32', 'int32', 'int8');
    context.op.inputs.forEach((_, i) => {
      const tensor = inputTensor(context, i);
      expectDType(context, tensor, `input ${i}`, output.dtype);
      expectShape(context, tensor, `input ${i}`, output.shape);
    });
    const flavour = output.dtype as AddNPlan['flavour'];
    const plan: AddNPlan = { inputs: context.op.inputs.length, count: elementCount(output.shape), flavour };
    return flavour === 'int8' ? { ...plan, arithmetic: addNInt8Arithmetic(context, inputTensor(context, 0), output) } : plan;
  },
});

/** One output element of int8 ADD_N from its inputs' stored values, as TFLite Micro's reference AddN computes it. */
export function addNInt8(values: ArrayLike<number>, { inputOffset, outputOffset, leftShift, input, output, activation }: AddNInt8Arithmetic): number {
  const scaled = (x: number) => multiplyByQuantizedMultiplierSmallerThanOne((x + inputOffset) * 2 ** leftShift, input.multiplier, input.shift);
  // TFLite Micro's sum starts from the rescaled offset (its `x = input1_offset`), and wraps as int32.
  let sum = scaled(0);
  for (let k = 0; k < values.length; k++) sum = (sum + scaled(values[k])) | 0;
  const result = multiplyByQuantizedMultiplierSmallerThanOne(sum, output.multiplier, output.shift) + outputOffset;
  return saturate(result, activation.min, activation.max);
}

/** The int32 / int64 values of a constant shape vector. */
function shapeValues(context: OpContext, tensor: Tensor, role: string): number[] {
  expectDType(context, tensor, role, 'int32', 'int64');
  if (tensor.shape.length !== 1) context.fail(`${role} ${tensorName(tensor)} has shape ${formatShape(tensor.shape)}, expected a vector`);
  return Array.from(expectConstant(context, tensor, role), Number);
}

function expectSameEncoding(context: OpContext, from: Tensor, to: Tensor, role: string): void {
  const encoding = (tensor: Tensor) => JSON.stringify([tensor.quantization?.scale ?? [], tensor.quantization?.zeroPoint ?? []]);
  if (encoding(from) !== encoding(to)) context.fail(`${role} ${tensorName(from)} and output ${tensorName(to)} must share one quantization (${context.op.type} does not rescale)`);
}

export const zerosLike = defineOp<MultiCopyPlan>({
  types: ['ZEROS_LIKE'],
  minInputs: 1,
  precisions: ['float32'],
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'int16', 'int32', 'int64', 'bool');
    expectDType(context, output, 'output', input.dtype);
    expectShape(context, output, 'output', input.shape);
    return { steps: [], elementBytes: dtypeBytes(output.dtype), fill: 0 };
  },
});

export const fill = defineOp<MultiCopyPlan>({
  types: ['FILL'],
  minInputs: 2,
  precisions: ['int8', 'float32'],
  preservesQuantization: { input: 1 },
  prepare(context) {
    const dims = inputTensor(context, 0, 'dims');
    const value = inputTensor(context, 1, 'value');
    const output = outputTensor(context);
    expectDType(context, value, 'value', 'float32', 'int8', 'int16', 'int32', 'int64', 'bool');
    expectDType(context, output, 'output', value.dtype);
    if (elementCount(value.shape) !== 1) context.fail(`value ${tensorName(value)} has shape ${formatShape(value.shape)}, expected a scalar`);
    if (dims.data) expectShape(context, output, 'output', shapeValues(context, dims, 'dims'));
    expectSameEncoding(context, value, output, 'value');
    const count = elementCount(output.shape);
    return { steps: [{ input: 1, output: 0, copy: { count: [count], inputStep: [0], outputStep: [1], inputBase: 0, outputBase: 0 } }], elementBytes: dtypeBytes(output.dtype) };
  },
});

export const broadcastTo = defineOp<MultiCopyPlan>({
  types: ['BROADCAST_TO'],
  minInputs: 2,
  precisions: ['int8', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    const shape = shapeValues(context, inputTensor(context, 1, 'shape'), 'shape');
    expectDType(context, output, 'output', input.dtype);
    expectShape(context, output, 'output', shape);
    expectSameEncoding(context, input, output, 'input');
    const padded = [...new Array<number>(Math.max(0, shape.length - input.shape.length)).fill(1), ...input.shape];
    if (padded.length !== shape.length || padded.some((dim, d) => dim !== shape[d] && dim !== 1)) {
      context.fail(`input ${tensorName(input)} of shape ${formatShape(input.shape)} does not broadcast to ${formatShape(shape)}`);
    }
    const copy = simplifyStridedCopy({ count: shape, inputStep: stepsTo(input.shape, shape), outputStep: stridesOf(shape), inputBase: 0, outputBase: 0 });
    return { steps: [{ input: 0, output: 0, copy }], elementBytes: dtypeBytes(output.dtype) };
  },
});

export interface BroadcastArgsPlan {
  /** Lengths of the two shape vectors and of the output. */
  length1: number;
  length2: number;
  length: number;
}

export const broadcastArgs = defineOp<BroadcastArgsPlan>({
  types: ['BROADCAST_ARGS'],
  minInputs: 2,
  precisions: ['float32'],
  prepare(context) {
    const shape1 = inputTensor(context, 0, 'shape 0');
    const shape2 = inputTensor(context, 1, 'shape 1');
    const output = outputTensor(context);
    expectDType(context, shape1, 'shape 0', 'int32', 'int64');
    expectDType(context, shape2, 'shape 1', shape1.dtype);
    expectDType(context, output, 'output', shape1.dtype);
    for (const [tensor, role] of [[shape1, 'shape 0'], [shape2, 'shape 1']] as const) {
      if (tensor.shape.length !== 1) context.fail(`${role} ${tensorName(tensor)} has shape ${formatShape(tensor.shape)}, expected a vector`);
    }
    const length = Math.max(shape1.shape[0], shape2.shape[0]);
    expectShape(context, output, 'output', [length]);
    return { length1: shape1.shape[0], length2: shape2.shape[0], length };
  },
});

/** The broadcast of two shapes, aligned on their last dimension; undefined when a pair of dimensions differs and neither is 1. */
export function broadcastArgsValues(shape1: readonly number[], shape2: readonly number[]): number[] | undefined {
  const length = Math.max(shape1.length, shape2.length);
  const result: number[] = [];
  for (let i = 0; i < length; i++) {
    const a = shape1[i - (length - shape1.length)] ?? 1;
    const b = shape2[i - (length - shape2.length)] ?? 1;
    if (a !== b && a !== 1 && b !== 1) return undefined;
    result.push(a === 1 ? b : a);
  }
  return result;
}
