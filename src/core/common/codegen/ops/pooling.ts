import { fail, input, output, registerLowerer, tile, type LowerContext, type OpLowering } from '../lowering.js';
import { clampC, clampF32C } from '../params.js';
import { pool2d, type Pool2DPlan } from '../../ops/pool-2d.js';

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D → td_avgpool_* / td_maxpool_* from the plan (ops/pool-2d.ts);
 * the C kernels pool int8, int16 and float32.
 */
export function lowerPool({ kind, dtype, geometry: g, activation }: Pool2DPlan, context: LowerContext): OpLowering {
  const suffix = ({ int8: 's8', int16: 's16', float32: 'f32' } as Partial<Record<string, string>>)[dtype];
  if (!suffix) fail(context, `${dtype} pooling has no C kernel (int8, int16 and float32 do)`);
  const x = input(context, 0, 'input');
  const y = output(context);
  const float = dtype === 'float32';
  const kernel = `td_${{ average: 'avgpool', max: 'maxpool', l2: 'l2pool' }[kind]}_${suffix}`;
  const params = `{${tile(g.strideHeight, g.strideWidth)}, ${tile(g.padTop, g.padLeft)}, ${tile(g.filterHeight, g.filterWidth)}, ${float ? clampF32C(activation) : clampC(activation)}}`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) =>
      `${kernel}(${e.struct('params', float ? 'td_pool_params_f32' : 'td_pool_params', params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
  };
}

registerLowerer(pool2d, lowerPool);
