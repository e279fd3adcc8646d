/**
 * Comparisons, logical ops and selection, with numpy-style broadcasting, as TFLite Micro runs them
 * (comparisons.cc, logical.cc, select.cc). Every output here is BOOL (one byte, 0 or 1) except
 * SELECT's, which has the type of its operands.
 *
 * - EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: float32, int32, int64 and bool
 *   (EQUAL, NOT_EQUAL) compare the stored values (int64 exactly, as BigInts); int8 and int16 compare both sides after TFLite's
 *   rescaling (ComparisonsPrepare): each input offset by minus its zero point, shifted left by 8,
 *   and multiplied by its own scale as a multiplier below one
 *   (MultiplyByQuantizedMultiplierSmallerThanOneExp). A float NaN compares unordered: only
 *   NOT_EQUAL holds.
 * - LOGICAL_AND, LOGICAL_OR (broadcast), LOGICAL_NOT: on bool, any non-zero byte is true.
 * - SELECT_V2: condition, x and y broadcast together (up to 6 dimensions), output = cond ? x : y;
 *   SELECT: the condition has x's shape, or is a vector along x's first dimension. No rescaling:
 *   x, y and the output share one quantization.
 *
 * The comparison outcome of a, b is 0 (a < b), 1 (equal), 2 (a > b) or 3 (unordered), and each op
 * is the mask of outcomes for which it holds; the logical ops take outcome 2·a + b the same way.
 * Both back ends test `(mask >> outcome) & 1`.
 */
import type { Tensor } from '../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../ir/tensor.js';
import { broadcastShapes, withoutLeadingOnes, type Broadcast } from './elementwise.js';
import { multiplyByQuantizedMultiplierSmallerThanOne, quantizeMultiplierSmallerThanOne, type QuantizedMultiplier } from './fixed-point.js';
import { expectDType, inputTensor, outputTensor, tensorName, type OpContext } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { expectSameSize } from './unary.js';

export type ComparisonOp = 'EQUAL' | 'NOT_EQUAL' | 'LESS' | 'LESS_EQUAL' | 'GREATER' | 'GREATER_EQUAL';
export type LogicalOp = 'LOGICAL_AND' | 'LOGICAL_OR';

/** Outcomes (bit 0: a < b, 1: a = b, 2: a > b, 3: unordered) for which each comparison holds. */
export const comparisonMasks: Record<ComparisonOp, number> = {
  EQUAL: 0b0010,
  NOT_EQUAL: 0b1101,
  LESS: 0b0001,
  LESS_EQUAL: 0b0011,
  GREATER: 0b0100,
  GREATER_EQUAL: 0b0110,
};

/** Outcomes (bit 2·a + b of the two truth values) for which each logical op holds. */
export const logicalMasks: Record<LogicalOp, number> = { LOGICAL_AND: 0b1000, LOGICAL_OR: 0b1110 };

/** The comparison outcome of two numbers (or two int64 BigInts): 0 less, 1 equal, 2 greater, 3 unordered (NaN). */
export function compareOutcome<T extends number | bigint>(a: T, b: T): number {
  return a < b ? 0 : a === b ? 1 : a > b ? 2 : 3;
}

/** TFLite's rescaling of one quantized comparison operand. */
export interface ComparisonScaling {
  offset: number;
  multiplier: QuantizedMultiplier;
}

export const COMPARISON_LEFT_SHIFT = 8;

/** One stored value as TFLite compares it: (x - zeroPoint) · 2^8, times its scale (a multiplier below one). */
export function scaledComparand(x: number, { offset, multiplier }: ComparisonScaling): number {
  return multiplyByQuantizedMultiplierSmallerThanOne((x + offset) * 2 ** COMPARISON_LEFT_SHIFT, multiplier.multiplier, multiplier.shift);
}

export interface ComparisonPlan {
  broadcast: Broadcast;
  mask: number;
  flavour: 'float32' | 'int32' | 'int64' | 'bool' | 'int8' | 'int16';
  /** int8 and int16: each input's rescaling. */
  scaling?: [ComparisonScaling, ComparisonScaling];
}

/** The broadcast of two inputs to the output's shape; fails naming the three shapes when they do not agree. */
export function expectBroadcast(context: OpContext, input1: Tensor, input2: Tensor, output: Tensor): Broadcast {
  const broadcast = broadcastShapes(input1.shape, input2.shape);
  if (!broadcast || withoutLeadingOnes(output.shape) !== withoutLeadingOnes(broadcast.shape)) {
    context.fail(
      `shapes ${formatShape(input1.shape)} (${tensorName(input1)}) and ${formatShape(input2.shape)} (${tensorName(input2)}) do not broadcast to the output's ${formatShape(output.shape)}`,
    );
  }
  return broadcast;
}

function comparisonScaling(context: OpContext, tensor: Tensor, role: string): ComparisonScaling {
  const { scale, zeroPoint } = activationQuantization(context, tensor, role);
  if (!(scale < 1)) context.fail(`${role} ${tensorName(tensor)} has scale ${scale}: TFLite Micro compares quantized values only with scales below 1`);
  return { offset: -zeroPoint, multiplier: quantizeMultiplierSmallerThanOne(scale) };
}

function prepareComparison(context: OpContext): ComparisonPlan {
  const op = context.op.type as ComparisonOp;
  const input1 = inputTensor(context, 0, 'input 0');
  const input2 = inputTensor(context, 1, 'input 1');
  const output = outputTensor(context);
  const equality = op === 'EQUAL' || op === 'NOT_EQUAL';
  expectDType(context, input1, 'input 0', 'float32', 'int8', 'int16', 'int32', 'int64', ...(equality ? (['bool'] as const) : []));
  expectDType(context, input2, 'input 1', input1.dtype);
  expectDType(context, output, 'output', 'bool');
  const broadcast = expectBroadcast(context, input1, input2, output);
  const flavour = input1.dtype as ComparisonPlan['flavour'];
  const mask = comparisonMasks[op];
  if (flavour !== 'int8' && flavour !== 'int16') return { broadcast, mask, flavour };
  return { broadcast, mask, flavour, scaling: [comparisonScaling(context, input1, 'input 0'), comparisonScaling(context, input2, 'input 1')] };
}

export const comparisonOps = (['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'] as const).map((type) =>
  defineOp<ComparisonPlan>({ types: [type], minInputs: 2, precisions: ['float32'], prepare: prepareComparison }),
);

export interface LogicalPlan {
  broadcast: Broadcast;
  mask: number;
}

export const logicalBinaryOps = (['LOGICAL_AND', 'LOGICAL_OR'] as const).map((type) =>
  defineOp<LogicalPlan>({
    types: [type],
    minInputs: 2,
    precisions: ['float32'],
    inPlace: 'elementwise',
    prepare(context) {
      const input1 = inputTensor(context, 0, 'input 0');
      const input2 = inputTensor(context, 1, 'input 1');
      const output = outputTensor(context);
      for (const [tensor, role] of [[input1, 'input 0'], [input2, 'input 1'], [output, 'output']] as const) expectDType(context, tensor, role, 'bool');
      return { broadcast: expectBroadcast(context, input1, input2, output), mask: logicalMasks[type] };
    },
  }),
);

export const logicalNot = defineOp<{ count: number }>({
  types: ['LOGICAL_NOT'],
  minInputs: 1,
  precisions: ['float32'],
  inPlace: 'elementwise',
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'bool');
    expectDType(context, output, 'output', 'bool');
    return { count: expectSameSize(context, input, output) };
  },
});

/** The largest rank SELECT / SELECT_V2 and BROADCAST_TO run (TFLite Micro broadcasts up to 5). */
export const MAX_BROADCAST_RANK = 6;

export interface SelectPlan {
  /** Output shape and each operand's element step per output dimension (0 where broadcast). */
  shape: number[];
  conditionSteps: number[];
  xSteps: number[];
  ySteps: number[];
  elementBytes: number;
}

/** Element steps of `shape` broadcast to `target` (which it must broadcast to): 0 along the broadcast dimensions. */
export function stepsTo(shape: readonly number[], target: readonly number[]): number[] {
  return broadcastShapes(shape, target)!.strides1;
}

function prepareSelect(context: OpContext): SelectPlan {
  const condition = inputTensor(context, 0, 'condition');
  const x = inputTensor(context, 1, 'x');
  const y = inputTensor(context, 2, 'y');
  const output = outputTensor(context);
  expectDType(context, condition, 'condition', 'bool');
  expectDType(context, x, 'x', 'float32', 'int8', 'uint8', 'int16', 'int32', 'uint32', 'bool');
  expectDType(context, y, 'y', x.dtype);
  expectDType(context, output, 'output', x.dtype);
  if (x.quantization?.scale.length || y.quantization?.scale.length || output.quantization?.scale.length) {
    const [qx, qy, qOut] = [x, y, output].map((tensor) => JSON.stringify([tensor.quantization?.scale, tensor.quantization?.zeroPoint]));
    if (qx !== qy || qx !== qOut) context.fail(`x ${tensorName(x)}, y ${tensorName(y)} and output ${tensorName(output)} must share one quantization (SELECT does not rescale)`);
  }
  const elementBytes = dtypeBytes(x.dtype);
  const mismatch = (): never =>
    context.fail(`condition ${formatShape(condition.shape)}, x ${formatShape(x.shape)} and y ${formatShape(y.shape)} do not give the output's ${formatShape(output.shape)}`);
  if (context.op.type === 'SELECT') {
    if (formatShape(x.shape) !== formatShape(y.shape) || formatShape(x.shape) !== formatShape(output.shape)) mismatch();
    const shape = [...x.shape];
    const xSteps = stepsTo(shape, shape);
    if (formatShape(condition.shape) === formatShape(shape)) return { shape, conditionSteps: xSteps, xSteps, ySteps: xSteps, elementBytes };
    // TFLite's rank-one select: one condition per index of x's first dimension.
    if (condition.shape.length !== 1 || shape.length === 0 || condition.shape[0] !== shape[0]) mismatch();
    return { shape, conditionSteps: shape.map((_, d) => (d === 0 ? 1 : 0)), xSteps, ySteps: xSteps, elementBytes };
  }
  const partial = broadcastShapes(condition.shape, x.shape);
  const full = partial && broadcastShapes(partial.shape, y.shape);
  if (!full || withoutLeadingOnes(full.shape) !== withoutLeadingOnes(output.shape)) mismatch();
  const shape = full!.shape;
  if (shape.length > MAX_BROADCAST_RANK) context.fail(`output ${tensorName(output)} has ${shape.length} dimensions, at most ${MAX_BROADCAST_RANK} are broadcast`);
  return { shape, conditionSteps: stepsTo(condition.shape, shape), xSteps: stepsTo(x.shape, shape), ySteps: stepsTo(y.shape, shape), elementBytes };
}

// The quantizer leaves SELECT in float: x and y would need one encoding, which it gives only to a
// single data input; int8 SELECTs of imported models run as they are.
export const select = defineOp<SelectPlan>({ types: ['SELECT', 'SELECT_V2'], minInputs: 3, precisions: ['float32'], prepare: prepareSelect });

/** Calls `body(outIndex, index0, index1, …)` for every element of `shape`, each operand stepping by its own steps. */
export function forEachStepped(shape: readonly number[], steps: readonly (readonly number[])[], body: (out: number, indices: readonly number[]) => void): void {
  const rank = shape.length;
  const total = elementCount(shape);
  const counter = new Array<number>(rank).fill(0);
  const indices = steps.map(() => 0);
  for (let o = 0; o < total; o++) {
    body(o, indices);
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      for (let k = 0; k < steps.length; k++) indices[k] += steps[k][d];
      if (counter[d] < shape[d]) break;
      for (let k = 0; k < steps.length; k++) indices[k] -= steps[k][d] * shape[d];
      counter[d] = 0;
    }
  }
}
