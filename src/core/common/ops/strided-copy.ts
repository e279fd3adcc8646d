/**
 * The copy shared by the ops that move elements along strides without arithmetic (STRIDED_SLICE,
 * SLICE, PACK, UNPACK, SPLIT, SPLIT_V): element (i0, …, ik) of an odometer over `count` goes from
 * `inputBase + Σ ij·inputStep[j]` to `outputBase + Σ ij·outputStep[j]` (in elements). Both back
 * ends run this plan as it is: the interpreter in stridedCopy, the C code in td_strided_copy.
 */
export interface StridedCopy {
  /** Odometer sizes, outermost first (at most MAX_STRIDED_RANK). */
  count: number[];
  inputStep: number[];
  outputStep: number[];
  inputBase: number;
  outputBase: number;
}

export const MAX_STRIDED_RANK = 6;

/** Row-major strides of a shape (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/** Runs a strided copy between two typed arrays of the same element type. */
export function stridedCopy(plan: StridedCopy, input: ArrayLike<number | bigint>, output: { [i: number]: number | bigint }): void {
  const { count, inputStep, outputStep } = plan;
  const rank = count.length;
  if (count.some((c) => c === 0)) return;
  const total = count.reduce((a, b) => a * b, 1);
  const counter = new Array<number>(rank).fill(0);
  let source = plan.inputBase;
  let target = plan.outputBase;
  for (let i = 0; i < total; i++) {
    output[target] = input[source];
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      source += inputStep[d];
      target += outputStep[d];
      if (counter[d] < count[d]) break;
      source -= inputStep[d] * count[d];
      target -= outputStep[d] * count[d];
      counter[d] = 0;
    }
  }
}

/**
 * Merges dimensions that are contiguous in both input and output (fewer, longer runs), and drops
 * dimensions of size 1, so that any copy of a tensor up to rank 6 — and most of higher rank — fits
 * MAX_STRIDED_RANK. Always keeps at least one dimension.
 */
export function simplifyStridedCopy(plan: StridedCopy): StridedCopy {
  const dims: { count: number; inputStep: number; outputStep: number }[] = [];
  plan.count.forEach((count, d) => {
    if (count === 1) return;
    const step = { count, inputStep: plan.inputStep[d], outputStep: plan.outputStep[d] };
    const last = dims.at(-1);
    if (last && last.inputStep === step.inputStep * step.count && last.outputStep === step.outputStep * step.count) {
      last.count *= step.count;
      last.inputStep = step.inputStep;
      last.outputStep = step.outputStep;
    } else {
      dims.push(step);
    }
  });
  if (dims.length === 0) dims.push({ count: plan.count.includes(0) ? 0 : 1, inputStep: 1, outputStep: 1 });
  return {
    count: dims.map((d) => d.count),
    inputStep: dims.map((d) => d.inputStep),
    outputStep: dims.map((d) => d.outputStep),
    inputBase: plan.inputBase,
    outputBase: plan.outputBase,
  };
}
