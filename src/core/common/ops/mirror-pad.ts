/**
 * MIRROR_PAD (attr mode: 'reflect' or 'symmetric'; paddings the constant second input, [rank, 2]
 * of int32 or int64): the input surrounded by its own mirror image, as TFLite's mirror_pad.cc
 * reads it — output index o along a dimension of size n with `before` b reads input o - b inside,
 * and outside REFLECT mirrors about the edge element (b - o, 2n - 2 - (o - b)) while SYMMETRIC
 * repeats it (b - 1 - o, 2n - 1 - (o - b)); REFLECT needs b, a ≤ n - 1, SYMMETRIC ≤ n.
 *
 * Along each dimension the output is three runs (before, the input, after), each a step of +1 or
 * -1 through the input, so the op is one strided copy per combination of runs (ops/strided-copy.ts):
 * both back ends run the plan as PACK's and SPLIT's.
 */
import { dtypeBytes, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import type { CopyStep, MultiCopyPlan } from './pack-split.js';
import { defineOp } from './registry.js';
import { simplifyStridedCopy, stridesOf } from './strided-copy.js';

/** One run of an output dimension: `count` outputs from `outputStart`, reading the input from `inputStart` by `inputStep`. */
export interface CopyRun {
  outputStart: number;
  count: number;
  inputStart: number;
  inputStep: number;
}

/** The strided copies of every combination of one run per dimension (empty runs dropped). */
export function copiesOfRuns(runs: readonly CopyRun[][], inputShape: readonly number[], outputShape: readonly number[]): CopyStep[] {
  const inStrides = stridesOf(inputShape);
  const outStrides = stridesOf(outputShape);
  let combos: CopyRun[][] = [[]];
  for (const dimension of runs) combos = combos.flatMap((prefix) => dimension.filter((run) => run.count > 0).map((run) => [...prefix, run]));
  return combos.map((combo) => ({
    input: 0,
    output: 0,
    copy: simplifyStridedCopy({
      count: combo.map((run) => run.count),
      inputStep: combo.map((run, d) => run.inputStep * inStrides[d]),
      outputStep: outStrides,
      inputBase: combo.reduce((sum, run, d) => sum + run.inputStart * inStrides[d], 0),
      outputBase: combo.reduce((sum, run, d) => sum + run.outputStart * outStrides[d], 0),
    }),
  }));
}

export const mirrorPad = defineOp<MultiCopyPlan>({
  types: ['MIRROR_PAD'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const paddings = inputTensor(context, 1, 'paddings');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'uint8', 'int16', 'int32', 'int64');
    expectDType(context, output, 'output', input.dtype);
    expectDType(context, paddings, 'paddings', 'int32', 'int64');
    const mode = (context.op.attrs as { mode?: string }).mode ?? 'reflect';
    if (mode !== 'reflect' && mode !== 'symmetric') context.fail(`mode ${mode} is neither reflect nor symmetric`);
    const rank = input.shape.length;
    const values = Array.from(expectConstant(context, paddings, 'paddings') as ArrayLike<number | bigint>, Number);
    if (values.length !== rank * 2) context.fail(`paddings ${tensorName(paddings)} has ${values.length} values, expected ${rank * 2} for input shape ${formatShape(input.shape)}`);
    const offset = mode === 'reflect' ? 0 : 1;
    const runs = input.shape.map((n, d) => {
      const [before, after] = [values[2 * d], values[2 * d + 1]];
      const limit = n - 1 + offset;
      if (before < 0 || after < 0 || before > limit || after > limit) {
        context.fail(`paddings [${before}, ${after}] of dimension ${d} (size ${n}) must lie in [0, ${limit}] for ${mode.toUpperCase()} mode`);
      }
      return [
        { outputStart: 0, count: before, inputStart: before - offset, inputStep: -1 },
        { outputStart: before, count: n, inputStart: 0, inputStep: 1 },
        { outputStart: before + n, count: after, inputStart: n - 2 + offset, inputStep: -1 },
      ];
    });
    const expected = input.shape.map((n, d) => n + values[2 * d] + values[2 * d + 1]);
    if (formatShape(expected) !== formatShape(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, paddings [${values.join(', ')}] give ${formatShape(expected)}`);
    return { steps: copiesOfRuns(runs, input.shape, output.shape), elementBytes: dtypeBytes(input.dtype) };
  },
});
