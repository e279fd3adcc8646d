import { computeOutSize, computePadding } from '../../interp/op-utils.js';
import type { OpOf } from '../../ir/types.js';
import {
  expectDType,
  expectRank,
  expectShape,
  fail,
  input,
  output,
  quantization,
  registerLegacyLowerer,
  tile,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { activationF32, activationS8 } from '../params.js';

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D → td_avgpool_* / td_maxpool_*. int8 pooling does not rescale,
 * so input and output must share scale and zero point (TFLite requires it too).
 */
function lowerPool(context: LowerContext): OpLowering {
  const op = context.op as OpOf<'AVERAGE_POOL_2D'> | OpOf<'MAX_POOL_2D'>;
  const x = input(context, 0, 'input');
  const y = output(context);
  expectRank(context, x, 'input', 4);
  const { strideH, strideW, filterH, filterW, padding } = op.attrs;
  if (!(strideH >= 1 && strideW >= 1 && filterH >= 1 && filterW >= 1)) {
    fail(context, `stride ${strideH}x${strideW} and window ${filterH}x${filterW} must be at least 1`);
  }
  const [batches, height, width, channels] = x.shape;
  const outputHeight = computeOutSize(padding, height, filterH, strideH);
  const outputWidth = computeOutSize(padding, width, filterW, strideW);
  expectShape(context, y, 'output', [batches, outputHeight, outputWidth, channels]);
  const geometry = `${tile(strideH, strideW)}, ${tile(computePadding(strideH, 1, height, filterH, outputHeight), computePadding(strideW, 1, width, filterW, outputWidth))}, ${tile(filterH, filterW)}`;
  const kind = op.type === 'AVERAGE_POOL_2D' ? 'avgpool' : 'maxpool';

  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    const activation = activationF32(context, op.attrs.activation);
    const kernel = `td_${kind}_f32`;
    return {
      kernels: [kernel],
      scratchBytes: 0,
      emit: (e) =>
        `${kernel}(${e.struct('params', 'td_pool_params_f32', `{${geometry}, ${activation}}`)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
    };
  }
  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  const inputQuant = quantization(context, x, 'input');
  const outputQuant = quantization(context, y, 'output');
  if (inputQuant.scale !== outputQuant.scale || inputQuant.zeroPoint !== outputQuant.zeroPoint) {
    fail(
      context,
      `input (scale ${inputQuant.scale}, zero point ${inputQuant.zeroPoint}) and output (scale ${outputQuant.scale}, zero point ${outputQuant.zeroPoint}) must share quantization`,
    );
  }
  const activation = activationS8(context, op.attrs.activation, 'int8', outputQuant.scale, outputQuant.zeroPoint);
  const kernel = `td_${kind}_s8`;
  return {
    kernels: [kernel],
    scratchBytes: 0,
    emit: (e) =>
      `${kernel}(${e.struct('params', 'td_pool_params', `{${geometry}, ${activation}}`)}, ${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`,
  };
}

registerLegacyLowerer('AVERAGE_POOL_2D', lowerPool);
registerLegacyLowerer('MAX_POOL_2D', lowerPool);
