import type { DType } from '../ir/types.js';
import { dataFromBytes } from '../ir/tensor.js';

/**
 * How a board's bytes compare with the host's for one tensor. Integer tensors are checked bit
 * for bit; float tensors too (`equal`), and additionally against a tolerance relative to the
 * largest host value, because a board's float arithmetic may legitimately differ in the last
 * bits (a compiler that contracts to FMA, a different libm).
 */
export interface TensorComparison {
  dtype: DType;
  elements: number;
  /** Byte-identical. */
  equal: boolean;
  /** Elements whose values differ. */
  differing: number;
  /** First differing element, or -1. */
  firstDifference: number;
  /** max |board − host| over the elements (in the tensor's own units: int8 steps or float values). */
  maxAbsDifference: number;
  /** max |host| over the elements: the scale of the float tolerance. */
  maxAbsReference: number;
}

export function compareTensorBytes(dtype: DType, expected: Uint8Array, actual: Uint8Array): TensorComparison {
  if (expected.length !== actual.length) {
    throw new RangeError(`compareTensorBytes: ${dtype} tensor of ${expected.length} bytes compared with ${actual.length} bytes`);
  }
  const reference = dataFromBytes(dtype, expected.slice()) as ArrayLike<number | bigint>;
  const observed = dataFromBytes(dtype, actual.slice()) as ArrayLike<number | bigint>;
  let differing = 0;
  let firstDifference = -1;
  let maxAbsDifference = 0;
  let maxAbsReference = 0;
  for (let i = 0; i < reference.length; i++) {
    const want = Number(reference[i]);
    const got = Number(observed[i]);
    maxAbsReference = Math.max(maxAbsReference, Math.abs(want));
    if (Object.is(want, got) || want === got) continue;
    differing++;
    if (firstDifference < 0) firstDifference = i;
    const difference = Number.isNaN(want) !== Number.isNaN(got) ? Infinity : Math.abs(got - want);
    maxAbsDifference = Math.max(maxAbsDifference, Number.isNaN(difference) ? 0 : difference);
  }
  const equal = expected.every((byte, i) => byte === actual[i]);
  return { dtype, elements: reference.length, equal, differing, firstDifference, maxAbsDifference, maxAbsReference };
}

/** Float tolerance of a board's outputs: max|Δ| ≤ `relative` · max|host output| (TinyDeploy uses 1e-4). */
export const floatOutputTolerance = 1e-4;

/** Whether a comparison passes: bytes equal for integer tensors, the relative tolerance for float. */
export function comparisonPasses(comparison: TensorComparison, relative = floatOutputTolerance): boolean {
  if (comparison.equal) return true;
  if (comparison.dtype !== 'float32' && comparison.dtype !== 'float16') return false;
  return comparison.maxAbsDifference <= relative * comparison.maxAbsReference;
}
