/**
 * GATHER_ND and EMBEDDING_LOOKUP: slices picked by runtime indices, as TFLite Micro runs them.
 *
 * GATHER_ND (gather_nd.cc): indices of shape [..., k] pick, for each of their k-tuples, the slice
 * params[i0, …, ik-1] (the remaining dimensions of params); the output is
 * indices.shape[:-1] + params.shape[k:]. An index outside its dimension fails the invocation.
 *
 * EMBEDDING_LOOKUP (embedding_lookup.cc): ids (int32, 1-D) pick rows of the value table (≥ 2-D,
 * float32 or int8); the output is [ids, ...value.shape[1:]]. An int8 table with a float32 output
 * (the hybrid form) is dequantized on the way — value · scale in float32, the zero point must be
 * 0 — otherwise rows are copied. An id outside the table fails the invocation.
 */
import { dtypeBytes, elementCount, formatShape } from '../ir/tensor.js';
import { expectDType, inputTensor, outputTensor, tensorName } from './op.js';
import { gatherTensors } from './gather-resize.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';

export interface GatherNdPlan {
  /** params.shape[:k]: the dimensions an index tuple addresses. */
  dims: number[];
  /** Index tuples. */
  count: number;
  /** Elements of one slice (params.shape[k:]). */
  inner: number;
  elementBytes: number;
}

export const gatherNd = defineOp<GatherNdPlan>({
  types: ['GATHER_ND'],
  minInputs: 2,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  prepare(context) {
    const { params, indices, output } = gatherTensors(context);
    const depth = indices.shape.at(-1) ?? 0;
    if (indices.shape.length < 1 || depth < 1 || depth > params.shape.length) {
      context.fail(`indices ${tensorName(indices)} of shape ${formatShape(indices.shape)} must end in a depth from 1 to ${params.shape.length} (the rank of params)`);
    }
    const expected = [...indices.shape.slice(0, -1), ...params.shape.slice(depth)];
    if (elementCount(expected) !== elementCount(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}`);
    return { dims: params.shape.slice(0, depth), count: elementCount(indices.shape.slice(0, -1)), inner: elementCount(params.shape.slice(depth)), elementBytes: dtypeBytes(params.dtype) };
  },
});

export interface EmbeddingLookupPlan {
  rows: number;
  /** Elements of one row. */
  rowSize: number;
  /** Ids looked up. */
  count: number;
  elementBytes: number;
  /** int8 table, float32 output: the table's scale (float32). */
  dequantizeScale?: number;
}

export const embeddingLookup = defineOp<EmbeddingLookupPlan>({
  types: ['EMBEDDING_LOOKUP'],
  minInputs: 2,
  precisions: ['int8', 'float32'],
  prepare(context) {
    const ids = inputTensor(context, 0, 'ids');
    const value = inputTensor(context, 1, 'value');
    const output = outputTensor(context);
    expectDType(context, ids, 'ids', 'int32');
    expectDType(context, value, 'value', 'float32', 'int8');
    expectDType(context, output, 'output', ...(value.dtype === 'int8' ? (['int8', 'float32'] as const) : (['float32'] as const)));
    if (ids.shape.length !== 1) context.fail(`ids ${tensorName(ids)} has shape ${formatShape(ids.shape)}, expected one dimension`);
    if (value.shape.length < 2) context.fail(`value ${tensorName(value)} has shape ${formatShape(value.shape)}, expected at least two dimensions`);
    const expected = [ids.shape[0], ...value.shape.slice(1)];
    if (formatShape(expected) !== formatShape(output.shape)) context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected ${formatShape(expected)}`);
    const plan = { rows: value.shape[0], rowSize: elementCount(value.shape.slice(1)), count: ids.shape[0], elementBytes: dtypeBytes(value.dtype) };
    if (value.dtype === output.dtype) return plan;
    const q = activationQuantization(context, value, 'value');
    if (q.zeroPoint !== 0) context.fail(`value ${tensorName(value)} has zero point ${q.zeroPoint}; a hybrid lookup needs 0 (TFLite Micro requires it)`);
    return { ...plan, dequantizeScale: Math.fround(q.scale) };
  },
});
