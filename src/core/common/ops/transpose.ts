/**
 * TRANSPOSE: output dimension i is input dimension perm[i] (TFLite's reference_ops::Transpose,
 * up to 6 dimensions). It moves elements without arithmetic, so any dtype is accepted and a
 * quantized output keeps the input's parameters (TFLite Micro copies the stored values).
 * `perm` is the constant int32 second input; negative entries count from the end.
 */
import { dtypeBytes, formatShape } from '../ir/tensor.js';
import { expectConstant, expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { defineOp } from './registry.js';

export interface TransposePlan {
  /** Input shape (rank 1 to 6). */
  inputShape: number[];
  /** Output dimension i reads input dimension perm[i] (normalized to 0 … rank-1). */
  perm: number[];
  elementBytes: number;
}

export const MAX_TRANSPOSE_RANK = 6;

export const transpose = defineOp<TransposePlan>({
  types: ['TRANSPOSE'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const permTensor = inputTensor(context, 1, 'perm');
    const output = outputTensor(context);
    expectDType(context, input, 'input', 'float32', 'int8', 'uint8', 'int16', 'int32', 'uint32', 'bool');
    expectDType(context, output, 'output', input.dtype);
    expectDType(context, permTensor, 'perm', 'int32', 'int64');
    const rank = input.shape.length;
    if (rank < 1 || rank > MAX_TRANSPOSE_RANK) context.fail(`input ${tensorName(input)} has shape ${formatShape(input.shape)}: TRANSPOSE takes 1 to ${MAX_TRANSPOSE_RANK} dimensions`);
    const raw = Array.from(expectConstant(context, permTensor, 'perm') as ArrayLike<number | bigint>, Number);
    if (raw.length !== rank) context.fail(`perm ${tensorName(permTensor)} has ${raw.length} entries [${raw.join(', ')}], input has ${rank} dimensions`);
    const perm = raw.map((p) => (p < 0 ? p + rank : p));
    if (perm.some((p) => !Number.isInteger(p) || p < 0 || p >= rank) || new Set(perm).size !== rank) {
      context.fail(`perm [${raw.join(', ')}] is not a permutation of 0 … ${rank - 1}`);
    }
    const expected = perm.map((p) => input.shape[p]);
    if (formatShape(expected) !== formatShape(output.shape)) {
      context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, perm [${raw.join(', ')}] gives ${formatShape(expected)}`);
    }
    return { inputShape: [...input.shape], perm, elementBytes: dtypeBytes(input.dtype) };
  },
});

/**
 * The input element offset of each output element, in output order: the one loop both back
 * ends run (the C kernel walks the same odometer).
 */
export function transposeSourceIndices({ inputShape, perm }: TransposePlan): Int32Array {
  const rank = inputShape.length;
  const inputStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inputStrides[d] = inputStrides[d + 1] * inputShape[d + 1];
  const outShape = perm.map((p) => inputShape[p]);
  const strides = perm.map((p) => inputStrides[p]);
  const count = outShape.reduce((a, b) => a * b, 1);
  const indices = new Int32Array(count);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    indices[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      offset += strides[d];
      if (counter[d] < outShape[d]) break;
      offset -= strides[d] * outShape[d];
      counter[d] = 0;
    }
  }
  return indices;
}
