/**
 * Host kernels of the ops that copy elements along strides (STRIDED_SLICE, SLICE, PACK, UNPACK,
 * SPLIT, SPLIT_V, SPACE_TO_DEPTH, DEPTH_TO_SPACE) and of SHAPE, from the plans of ops/slice.ts,
 * ops/pack-split.ts, ops/space-depth.ts and ops/shape.ts.
 */
import { pack, split, splitV, unpack, type MultiCopyPlan } from '../../ops/pack-split.js';
import { shape } from '../../ops/shape.js';
import { depthToSpace, spaceToDepth } from '../../ops/space-depth.js';
import { slice, stridedSlice, type SlicePlan } from '../../ops/slice.js';
import { stridedCopy } from '../../ops/strided-copy.js';
import type { KernelEval } from '../kernel.js';
import { registerKernel } from '../registry.js';

const sliceKernel = ({ copy }: SlicePlan): KernelEval => (inputs, outputs) => {
  stridedCopy(copy, inputs[0] as ArrayLike<number>, outputs[0] as unknown as { [i: number]: number });
};

export const multiCopyKernel = ({ steps, fill }: MultiCopyPlan): KernelEval => (inputs, outputs) => {
  if (fill !== undefined) {
    const out = outputs[0];
    if (out instanceof BigInt64Array) out.fill(BigInt(fill));
    else (out as Float32Array).fill(fill);
  }
  for (const step of steps) stridedCopy(step.copy, inputs[step.input] as ArrayLike<number>, outputs[step.output] as unknown as { [i: number]: number });
};

registerKernel(stridedSlice, sliceKernel);
registerKernel(slice, sliceKernel);
registerKernel(pack, multiCopyKernel);
registerKernel(unpack, multiCopyKernel);
registerKernel(split, multiCopyKernel);
registerKernel(splitV, multiCopyKernel);
registerKernel(spaceToDepth, multiCopyKernel);
registerKernel(depthToSpace, multiCopyKernel);
registerKernel(shape, ({ values }) => (_inputs, outputs) => {
  const out = outputs[0];
  values.forEach((value, i) => {
    out[i] = (out instanceof BigInt64Array ? BigInt(value) : value) as never;
  });
});
