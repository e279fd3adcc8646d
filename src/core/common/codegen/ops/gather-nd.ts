import { embeddingLookup, gatherNd } from '../../ops/gather-nd.js';
import { cFloat } from '../c-source.js';
import { fail, input, output, registerLowerer, tensorName } from '../lowering.js';

/** The deepest index tuple td_gather_nd takes (td_kernels.h TD_GATHER_ND_MAX_DEPTH). */
const maxDepth = 6;

/**
 * GATHER_ND → td_gather_nd; EMBEDDING_LOOKUP → td_gather (rows along axis 0) or, for an int8
 * table with a float32 output, td_embedding_lookup_s8_f32 (ops/gather-nd.ts).
 */
registerLowerer(gatherNd, ({ dims, count, inner, elementBytes }, context) => {
  const params = input(context, 0, 'params');
  const indices = input(context, 1, 'indices');
  const y = output(context);
  if (indices.dtype !== 'int32') fail(context, `indices ${tensorName(indices)} are ${indices.dtype}: the C kernel takes int32 indices`);
  if (dims.length > maxDepth) fail(context, `index tuples of ${dims.length} exceed the C kernel's ${maxDepth}`);
  const padded = [...dims, ...new Array<number>(maxDepth - dims.length).fill(1)];
  const initializer = `{${elementBytes}, ${dims.length}, ${count}, ${inner}, {${padded.join(', ')}}}`;
  return {
    kernels: ['td_gather_nd'],
    scratchBytes: 0,
    emit: (e) => `td_gather_nd(${e.struct('params', 'td_gather_nd_params', initializer)}, ${e.pointer(params, 'read')}, ${e.pointer(indices, 'read')}, ${e.pointer(y, 'write')})`,
  };
});

registerLowerer(embeddingLookup, ({ rows, rowSize, count, elementBytes, dequantizeScale }, context) => {
  const ids = input(context, 0, 'ids');
  const value = input(context, 1, 'value');
  const y = output(context);
  if (dequantizeScale !== undefined) {
    return {
      kernels: ['td_embedding_lookup_s8_f32'],
      scratchBytes: 0,
      emit: (e) => `td_embedding_lookup_s8_f32(${rows}, ${rowSize}, ${count}, ${cFloat(dequantizeScale)}, ${e.pointer(ids, 'read')}, ${e.pointer(value, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  const initializer = `{${elementBytes}, 1, 1, ${rows}, ${count}, ${rowSize}}`;
  return {
    kernels: ['td_gather'],
    scratchBytes: 0,
    emit: (e) => `td_gather(${e.struct('params', 'td_gather_params', initializer)}, ${e.pointer(value, 'read')}, ${e.pointer(ids, 'read')}, ${e.pointer(y, 'write')})`,
  };
});
