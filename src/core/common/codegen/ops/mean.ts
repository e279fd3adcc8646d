import { foldCountIntoMultiplier } from '../../interp/kernels/mean.js';
import { quantizeMultiplier } from '../../ops/fixed-point.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import type { OpOf } from '../../ir/types.js';
import {
  expectConstant,
  expectDType,
  fail,
  input,
  output,
  quantization,
  registerLegacyLowerer,
  tensorName,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { requantC } from '../params.js';

/**
 * MEAN over a contiguous run of axes (global average pooling as TFLite converts it: axes
 * [1, 2] of NHWC) → td_mean_s8 / td_mean_f32 on the tensor seen as [outer][reduce][inner].
 * int8 follows TFLite Micro's EvalIntegerMean: a plain truncating division when input and
 * output share quantization, else a requantization with 1/count folded into the multiplier
 * (the interpreter's own foldCountIntoMultiplier). Axes that are not contiguous are refused.
 */
function lowerMean(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'MEAN'>;
  const x = input(context, 0, 'input');
  const axesTensor = input(context, 1, 'axes');
  const y = output(context);
  const rank = x.shape.length;
  const requested = Array.from(expectConstant(context, axesTensor, 'axes') as ArrayLike<number | bigint>, (axis) => Number(axis));
  const axes = [...new Set(requested.map((axis) => (axis < 0 ? axis + rank : axis)))].sort((a, b) => a - b);
  if (axes.some((axis) => axis < 0 || axis >= rank)) fail(context, `axes [${requested.join(', ')}] are out of range for ${tensorName(x)} of shape ${formatShape(x.shape)}`);
  if (axes.length === 0 || axes[axes.length - 1] - axes[0] !== axes.length - 1) {
    fail(context, `reduces axes [${requested.join(', ')}] of ${tensorName(x)}; the kernels reduce one contiguous run of axes`);
  }
  const outer = elementCount(x.shape.slice(0, axes[0]));
  const reduce = elementCount(x.shape.slice(axes[0], axes[axes.length - 1] + 1));
  const inner = elementCount(x.shape.slice(axes[axes.length - 1] + 1));
  if (elementCount(y.shape) !== outer * inner) {
    fail(context, `output ${tensorName(y)} has shape ${formatShape(y.shape)}, expected ${outer * inner} values (keepDims ${op.attrs.keepDims})`);
  }
  if (reduce === 0) fail(context, `reduces ${tensorName(x)} of shape ${formatShape(x.shape)} over zero elements`);
  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    return {
      kernels: ['td_mean_f32'],
      scratchBytes: 0,
      emit: (e) => `td_mean_f32(${outer}, ${reduce}, ${inner}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
    };
  }
  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  const qx = quantization(context, x, 'input');
  const qy = quantization(context, y, 'output');
  const rescale = qx.scale !== qy.scale || qx.zeroPoint !== qy.zeroPoint;
  const folded = rescale ? (() => {
    const { multiplier, shift } = quantizeMultiplier(qx.scale / qy.scale);
    return foldCountIntoMultiplier(multiplier, shift, reduce);
  })() : { multiplier: 0, shift: 0 };
  const params = `{${rescale ? 1 : 0}, ${-qx.zeroPoint}, ${qy.zeroPoint}, ${requantC(folded)}, {-128, 127}}`;
  return {
    kernels: ['td_mean_s8'],
    scratchBytes: 0,
    emit: (e) =>
      `td_mean_s8(${e.struct('params', 'td_mean_params_s8', params)}, ${outer}, ${reduce}, ${inner}, ${e.pointer(x, 'read')}, ${e.pointer(y, 'write')})`,
  };
}

registerLegacyLowerer('MEAN', lowerMean);
