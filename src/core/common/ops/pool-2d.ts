/**
 * AVERAGE_POOL_2D and MAX_POOL_2D over NHWC tensors of int8, int16 or float32: the window from
 * the attributes (no dilation), the output depth the input's. TFLite Micro's reference pools clip
 * the window to the image, so padding is never read. Quantized pools do not rescale: input and
 * output share their quantization (TFLite's prepare allows scales 1e-6 apart) and the stored values
 * are pooled as they are.
 */
import type { DType, Graph, Op, Pool2DAttrs } from '../ir/types.js';
import { activationRangeFloat, activationRangeQuantized, type ActivationRange } from './activation.js';
import { inputTensor, outputTensor, type OpWindow } from './op.js';
import { activationQuantization } from './quantization.js';
import { defineOp } from './registry.js';
import { tapRange, windowGeometry, type WindowGeometry } from './window.js';

export interface Pool2DPlan {
  /** 'l2' is L2_POOL_2D (float32 only, ops/l2-pool.ts): sqrt of the mean of squares. */
  kind: 'average' | 'max' | 'l2';
  /** Dtype of the input and the output. */
  dtype: DType;
  geometry: WindowGeometry;
  /** Clamp in the output's stored domain (quantized) or in float32. */
  activation: ActivationRange;
}

function poolWindow(_graph: Graph, op: Op): OpWindow {
  const { padding, strideH, strideW, filterH, filterW } = op.attrs as Pool2DAttrs;
  return { filterHeight: filterH, filterWidth: filterW, strideH, strideW, dilationH: 1, dilationW: 1, padding };
}

export const pool2d = defineOp<Pool2DPlan>({
  types: ['AVERAGE_POOL_2D', 'MAX_POOL_2D'],
  minInputs: 1,
  precisions: ['int8', 'int16', 'float32'],
  preservesQuantization: { input: 0 },
  window: poolWindow,
  prepare(context) {
    const attrs = context.op.attrs as Pool2DAttrs;
    const input = inputTensor(context, 0, 'input');
    const output = outputTensor(context);
    if (input.dtype !== output.dtype || !['int8', 'int16', 'float32'].includes(input.dtype)) {
      context.fail(`input ${input.dtype} and output ${output.dtype} are not supported (expected both int8, int16 or float32)`);
    }
    const geometry = windowGeometry(context, input, output, poolWindow(context.graph, context.op));
    if (geometry.outputDepth !== geometry.inputDepth) {
      context.fail(`output tensor ${output.id} has ${geometry.outputDepth} channels, input ${input.id} has ${geometry.inputDepth}`);
    }
    // TFLite's AveragePool fails at run time on a window with no cell inside the image; refuse it here.
    for (let oy = 0; oy < geometry.outputHeight; oy++) {
      const ys = tapRange(oy * geometry.strideHeight - geometry.padTop, geometry.inputHeight, geometry.filterHeight, 1);
      if (ys.end <= ys.start) context.fail(`output row ${oy} has a pooling window entirely in the padding`);
    }
    for (let ox = 0; ox < geometry.outputWidth; ox++) {
      const xs = tapRange(ox * geometry.strideWidth - geometry.padLeft, geometry.inputWidth, geometry.filterWidth, 1);
      if (xs.end <= xs.start) context.fail(`output column ${ox} has a pooling window entirely in the padding`);
    }
    const kind = context.op.type === 'AVERAGE_POOL_2D' ? 'average' : 'max';
    if (input.dtype === 'float32') return { kind, dtype: input.dtype, geometry, activation: activationRangeFloat(context, attrs.activation) };
    const inputQuantization = activationQuantization(context, input, 'input');
    const outputQuantization = activationQuantization(context, output, 'output');
    if (Math.abs(inputQuantization.scale - outputQuantization.scale) > 1e-6 || inputQuantization.zeroPoint !== outputQuantization.zeroPoint) {
      context.fail(
        `input quantization (scale ${inputQuantization.scale}, zero point ${inputQuantization.zeroPoint}) differs from the output's ` +
          `(scale ${outputQuantization.scale}, zero point ${outputQuantization.zeroPoint}); TFLite pools require them equal`,
      );
    }
    const activation = activationRangeQuantized(context, attrs.activation, output.dtype, outputQuantization.scale, outputQuantization.zeroPoint);
    return { kind, dtype: input.dtype, geometry, activation };
  },
});
