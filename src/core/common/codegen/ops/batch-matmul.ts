import { batchMatmul } from '../../ops/batch-matmul.js';
import { input, output, registerLowerer } from '../lowering.js';
import { requantC } from '../params.js';

/** BATCH_MATMUL → td_batch_matmul_s8 / _s16 / _f32, from the plan of ops/batch-matmul.ts. */
registerLowerer(batchMatmul, ({ m, k, n, adjX, adjY, lhsOffsets, rhsOffsets, arithmetic }, context) => {
  const x = input(context, 0, 'x');
  const y = input(context, 1, 'y');
  const out = output(context);
  const kernel = `td_batch_matmul_${{ float32: 'f32', int8: 's8', int16: 's16' }[arithmetic.flavour]}`;
  const quantized = arithmetic.flavour === 'float32' ? '0, 0, 0, {0, 0}' : `${arithmetic.lhsOffset}, ${arithmetic.rhsOffset}, ${arithmetic.outputOffset}, ${requantC(arithmetic.multiplier)}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) => {
      const params = `{${lhsOffsets.length}, ${m}, ${k}, ${n}, ${adjX ? 1 : 0}, ${adjY ? 1 : 0}, ${e.array('lhs_offsets', 'int32', lhsOffsets)}, ${e.array('rhs_offsets', 'int32', rhsOffsets)}, ${quantized}}`;
      return `${kernel}(${e.struct('params', 'td_batch_matmul_params', params)}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'read')}, ${e.pointer(out, 'write')})`;
    },
  };
});
