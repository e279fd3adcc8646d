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
  // DSP builds: int8 averages over one to three channels (no word of four lanes) run an entry of their own
  // (bench/shapes seed 329, 1x2 over 3x21x1: 2,480 instructions through td_avgpool_s8, 2,080 narrow, 2,280 portable).
  const narrow = context.options.dsp && kind === 'average' && suffix === 's8' && x.shape[3] < 4;
  const kernel = narrow ? 'td_avgpool_s8_narrow' : `td_${{ average: 'avgpool', max: 'maxpool', l2: 'l2pool' }[kind]}_${suffix}`;
  const params = `{${tile(g.strideHeight, g.strideWidth)}, ${tile(g.padTop, g.padLeft)}, ${tile(g.filterHeight, g.filterWidth)}, ${float ? clampF32C(activation) : clampC(activation)}}`;
  return {
    // The portable td_avgpool_s8_narrow is td_avgpool_s8 (a DSP build's own one links nothing else; --gc-sections).
    kernels: narrow ? [kernel, 'td_avgpool_s8'] : [kernel],
    scratchBytes: 0,
    emit: (e) =>
      `${kernel}(${e.struct('params', float ? 'td_pool_params_f32' : 'td_pool_params', params)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
  };
}

registerLowerer(pool2d, lowerPool);
