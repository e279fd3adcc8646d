import { elementCount, formatShape } from '../../ir/tensor.js';
import { mean, type MeanPlan } from '../../ops/mean.js';
import { fail, input, output, registerLowerer, tensorName, type LowerContext, type OpLowering } from '../lowering.js';
import { requantC } from '../params.js';

/**
 * MEAN over a contiguous run of axes (global average pooling as TFLite converts it: axes
 * [1, 2] of NHWC) → td_mean_s8 / td_mean_s16 / td_mean_f32 on the tensor seen as
 * [outer][reduce][inner], with the plan's folded multiplier (ops/mean.ts). Axes that are not
 * contiguous and an empty reduction are refused: the C kernels have neither.
 */
/** A reduction over one contiguous run of axes as the kernels see it: [outer][reduce][inner]. */
export function reductionLayout(context: LowerContext, planAxes: readonly number[], count: number): { outer: number; inner: number } {
  const x = input(context, 0, 'input');
  const axes = [...planAxes].sort((a, b) => a - b);
  if (axes.length === 0 || axes[axes.length - 1] - axes[0] !== axes.length - 1) {
    fail(context, `reduces axes [${planAxes.join(', ')}] of ${tensorName(x)}; the kernels reduce one contiguous run of axes`);
  }
  if (count === 0) fail(context, `reduces ${tensorName(x)} of shape ${formatShape(x.shape)} over zero elements`);
  return { outer: elementCount(x.shape.slice(0, axes[0])), inner: elementCount(x.shape.slice(axes[axes.length - 1] + 1)) };
}

function lowerMean({ axes: planAxes, count, integer }: MeanPlan, context: LowerContext): OpLowering {
  const x = input(context, 0, 'input');
  const y = output(context);
  const { outer, inner } = reductionLayout(context, planAxes, count);
  if (!integer) {
    return {
      kernels: ['td_mean_f32'],
      scratchBytes: 0,
      emit: (e) => `td_mean_f32(${outer}, ${count}, ${inner}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  if (x.dtype !== 'int8' && x.dtype !== 'int16') fail(context, `${x.dtype} MEAN has no C kernel (int8, int16 and float32 do)`);
  const { rescale } = integer;
  const params = `{${rescale ? 1 : 0}, ${-integer.inputZeroPoint}, ${integer.outputZeroPoint}, ${requantC(rescale ?? { multiplier: 0, shift: 0 })}, {${integer.min}, ${integer.max}}}`;
  const kernel = x.dtype === 'int16' ? 'td_mean_s16' : 'td_mean_s8';
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) =>
      `${kernel}(${e.struct('params', 'td_mean_params_s8', params)}, ${outer}, ${count}, ${inner}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

registerLowerer(mean, lowerMean);
