import { elementCount, tensorBytes } from '../../ir/tensor.js';
import { pack, split, splitV, unpack, type MultiCopyPlan } from '../../ops/pack-split.js';
import { shape } from '../../ops/shape.js';
import { depthToSpace, spaceToDepth } from '../../ops/space-depth.js';
import { slice, stridedSlice, type SlicePlan } from '../../ops/slice.js';
import { MAX_STRIDED_RANK, type StridedCopy } from '../../ops/strided-copy.js';
import { fail, input, output, registerLowerer, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';

/**
 * STRIDED_SLICE, SLICE, PACK, UNPACK, SPLIT, SPLIT_V, SPACE_TO_DEPTH, DEPTH_TO_SPACE → td_strided_copy (one call per copied
 * tensor, the calls joined with `||` so the first failure stops them), and SHAPE → td_reshape of
 * a constant vector, from the plans of ops/slice.ts, ops/pack-split.ts and ops/shape.ts.
 */
function copyParams(context: LowerContext, copy: StridedCopy, elementBytes: number): string {
  if (copy.count.length > MAX_STRIDED_RANK) fail(context, `the copy needs ${copy.count.length} dimensions after merging, the C kernel takes ${MAX_STRIDED_RANK}`);
  const padded = (values: number[], fill: number) => `{${[...values, ...new Array<number>(MAX_STRIDED_RANK - values.length).fill(fill)].join(', ')}}`;
  return `{${elementBytes}, ${copy.count.length}, ${padded(copy.count, 1)}, ${padded(copy.inputStep, 0)}, ${padded(copy.outputStep, 0)}, ${copy.inputBase}, ${copy.outputBase}}`;
}

function lowerCopies(context: LowerContext, steps: MultiCopyPlan['steps'], elementBytes: number, fill?: number): OpLowering {
  const calls = steps.map((step, i) => ({ step, params: copyParams(context, step.copy, elementBytes), suffix: steps.length === 1 ? 'params' : `params${i}` }));
  // The fill is a copy from one constant element with an input step of 0.
  const y0 = output(context, 0);
  const filled = elementCount(y0.shape);
  const fillParams = copyParams(context, { count: [filled], inputStep: [0], outputStep: [1], inputBase: 0, outputBase: 0 }, elementBytes);
  return {
    kernels: ['td_strided_copy'],
    scratchBytes: 0,
    emit: (e: OpEmitter) =>
      [
        ...(fill === undefined || filled === 0
          ? []
          : [`td_strided_copy(${e.struct('fill', 'td_strided_copy_params', fillParams)}, ${e.array('fill_value', y0.dtype, [fill])}, ${e.pointer(y0, 'write')})`]),
        ...calls.map(({ step, params, suffix }) => {
          const x = input(context, step.input, `input ${step.input}`);
          const y = output(context, step.output);
          return `td_strided_copy(${e.struct(suffix, 'td_strided_copy_params', params)}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`;
        }),
      ].join(' != TD_OK ? TD_ERROR_ARGUMENT : '),
  };
}

const lowerSlice = ({ copy, elementBytes }: SlicePlan, context: LowerContext) => lowerCopies(context, [{ input: 0, output: 0, copy }], elementBytes);
export const lowerMulti = ({ steps, elementBytes, fill }: MultiCopyPlan, context: LowerContext) => lowerCopies(context, steps, elementBytes, fill);

registerLowerer(stridedSlice, lowerSlice);
registerLowerer(slice, lowerSlice);
registerLowerer(pack, lowerMulti);
registerLowerer(unpack, lowerMulti);
registerLowerer(split, lowerMulti);
registerLowerer(splitV, lowerMulti);
registerLowerer(spaceToDepth, lowerMulti);
registerLowerer(depthToSpace, lowerMulti);
registerLowerer(shape, ({ values }, context) => {
  const y = output(context);
  return {
    kernels: ['td_reshape'],
    scratchBytes: 0,
    emit: (e) => `td_reshape(${tensorBytes(y)}, ${e.array('values', y.dtype === 'int64' ? 'int64' : 'int32', values)}, ${e.pointer(y, 'write')})`,
  };
});
