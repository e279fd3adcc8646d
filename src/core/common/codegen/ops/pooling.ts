import { fail, input, output, registerLowerer, tile, type LowerContext, type OpLowering } from '../lowering.js';
import { clampC, clampF32C } from '../params.js';
import { pool2d, type Pool2DPlan } from '../../ops/pool-2d.js';

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D → td_avgpool_* / td_maxpool_* from the plan (ops/pool-2d.ts);
 * the C kernels pool int8 and float32 (no int16).
 */
function lowerPool({ kind, dtype, geometry: g, activation }: Pool2DPlan, context: LowerContext): OpLowering {
  if (dtype !== 'int8' && dtype !== 'float32') fail(context, `${dtype} pooling has no C kernel (int8 and float32 do)`);
  const x = input(context, 0, 'input');
  const y = output(context);
  const float = dtype === 'float32';
  const kernel = `td_${kind === 'average' ? 'avgpool' : 'maxpool'}_${float ? 'f32' : 's8'}`;
  const params = `{${tile(g.strideHeight, g.strideWidth)}, ${tile(g.padTop, g.padLeft)}, ${tile(g.filterHeight, g.filterWidth)}, ${float ? clampF32C(activation) : clampC(activation)}}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) =>
      `${kernel}(${e.struct('params', float ? 'td_pool_params_f32' : 'td_pool_params', params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
  };
}

registerLowerer(pool2d, lowerPool);
