/**
 * TRANSPOSE_CONV (inputs: output_shape constant [N, OH, OW, Cout], weights [Cout, Kh, Kw, Cin],
 * input NHWC, optional bias [Cout]; attrs padding, strides, fused activation), as TFLite's
 * reference kernels compute it — by scatter: each input pixel adds input · weight into the
 * outputs its window covers, in the order (batch, in_y, in_x, in_c, k_y, k_x, out_c), then the bias
 * and the clamp. The leading padding is TFLite's ComputePaddingHeightWidth taken on the *output*
 * size (transpose_conv.cc).
 *
 * - float32: the sums in float32 in that order, plus the bias, clamped.
 * - int8 (reference_integer_ops::TransposeConv): int32 sums of (x - zpIn) · w (symmetric per-channel
 *   or per-tensor weights), plus the int32 bias, MultiplyByQuantizedMultiplier with the channel's
 *   PopulateConvolutionQuantizationParams multiplier, plus zpOut, clamped.
 * - 16x8 (the int16 reference_integer_ops::TransposeConv TFLite Micro runs with an int64 scratch):
 *   int16 activations with zero point 0, symmetric int8 weights, an int64 bias (or the int16 bias
 *   of older converters, which TFLite Micro widens to int64); int64 sums of x · w, plus the bias,
 *   TFLite's 64-bit MultiplyByQuantizedMultiplier, no output offset, clamped.
 */
import type { Activation, Padding } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { activationRangeFloat, activationRangeQuantized, type ActivationRange } from './activation.js';
import { expectConstant, expectDType, expectRank, inputTensor, optionalInputTensor, outputTensor, tensorName } from './op.js';
import { activationQuantization, channelMultipliers, weightScales, type ChannelMultipliers } from './quantization.js';
import { defineOp } from './registry.js';
import { computeOutSize, computePadding } from './window.js';

export interface TransposeConvPlan {
  /** [N, H, W, Cin] of the input and [N, OH, OW, Cout] of the output. */
  input: number[];
  output: number[];
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  arithmetic:
    | { flavour: 'float32'; activation: ActivationRange }
    | { flavour: 'int8'; inputOffset: number; outputOffset: number; requant: ChannelMultipliers; activation: ActivationRange }
    | { flavour: 'int16'; requant: ChannelMultipliers; activation: ActivationRange };
}

interface TransposeConvAttrs {
  padding?: Padding;
  strideH?: number;
  strideW?: number;
  activation?: Activation;
}

export const transposeConv = defineOp<TransposeConvPlan>({
  types: ['TRANSPOSE_CONV'],
  minInputs: 3,
  weights: [{ input: 1, axis: 0, bias: 3 }],
  precisions: ['int8', 'int16', 'float32'],
  macs(graph, op) {
    const input = graph.tensors[op.inputs[2]];
    const filter = graph.tensors[op.inputs[1]];
    return elementCount(input.shape) * elementCount(filter.shape.slice(0, 3));
  },
  prepare(context) {
    const attrs = context.op.attrs as TransposeConvAttrs;
    const shapeTensor = inputTensor(context, 0, 'output_shape');
    const filter = inputTensor(context, 1, 'weights');
    const input = inputTensor(context, 2, 'input');
    const bias = optionalInputTensor(context, 3);
    const output = outputTensor(context);
    expectRank(context, input, 'input', 4);
    expectRank(context, filter, 'weights', 4);
    expectDType(context, input, 'input', 'float32', 'int8', 'int16');
    expectDType(context, output, 'output', input.dtype);
    expectDType(context, filter, 'weights', input.dtype === 'int16' ? 'int8' : input.dtype);
    expectDType(context, shapeTensor, 'output_shape', 'int32');
    const declared = Array.from(expectConstant(context, shapeTensor, 'output_shape') as ArrayLike<number>, Number);
    if (formatShape(declared) !== formatShape(output.shape)) context.fail(`output_shape [${declared.join(', ')}] differs from the output ${tensorName(output)}'s shape ${formatShape(output.shape)}`);
    const [n, h, w, cin] = input.shape;
    const [cout, kh, kw, fcin] = filter.shape;
    const [on, oh, ow, oc] = output.shape;
    if (fcin !== cin || oc !== cout || on !== n) {
      context.fail(`weights ${formatShape(filter.shape)} do not fit input ${formatShape(input.shape)} and output ${formatShape(output.shape)} ([Cout, Kh, Kw, Cin] expected)`);
    }
    const padding = attrs.padding ?? 'same';
    const [sh, sw] = [attrs.strideH ?? 1, attrs.strideW ?? 1];
    if (sh < 1 || sw < 1) context.fail(`strides ${sh}x${sw} must be positive`);
    // TFLite computes the padding as if the output were a convolution's input.
    const [convH, convW] = [computeOutSize(padding, oh, kh, sh), computeOutSize(padding, ow, kw, sw)];
    if (convH !== h || convW !== w) context.fail(`input ${formatShape(input.shape)} does not match a ${padding} transpose convolution to ${formatShape(output.shape)} with ${kh}x${kw} weights and strides ${sh}x${sw} (expected ${convH}x${convW})`);
    const geometry = {
      input: [n, h, w, cin],
      output: [on, oh, ow, oc],
      filterHeight: kh,
      filterWidth: kw,
      strideHeight: sh,
      strideWidth: sw,
      padTop: computePadding(sh, 1, oh, kh, h),
      padLeft: computePadding(sw, 1, ow, kw, w),
    };
    const activation = attrs.activation ?? 'none';
    if (bias) {
      if (input.dtype === 'int16') expectDType(context, bias, 'bias', 'int64', 'int16');
      else expectDType(context, bias, 'bias', input.dtype === 'int8' ? 'int32' : 'float32');
      if (elementCount(bias.shape) !== cout) context.fail(`bias ${tensorName(bias)} has shape ${formatShape(bias.shape)}, expected [${cout}]`);
    }
    if (input.dtype === 'float32') return { ...geometry, arithmetic: { flavour: 'float32', activation: activationRangeFloat(context, activation) } };
    const qIn = activationQuantization(context, input, 'input');
    const qOut = activationQuantization(context, output, 'output');
    const requant = channelMultipliers(context, qIn.scale, weightScales(context, filter, cout, 0), qOut.scale);
    if (input.dtype === 'int16') {
      for (const [role, tensor, zeroPoint] of [
        ['input', input, qIn.zeroPoint],
        ['output', output, qOut.zeroPoint],
      ] as const) {
        if (zeroPoint !== 0) context.fail(`int16 ${role} ${tensorName(tensor)} has zero point ${zeroPoint}, expected 0`);
      }
      return { ...geometry, arithmetic: { flavour: 'int16', requant, activation: activationRangeQuantized(context, activation, 'int16', qOut.scale, 0) } };
    }
    return {
      ...geometry,
      arithmetic: { flavour: 'int8', inputOffset: -qIn.zeroPoint, outputOffset: qOut.zeroPoint, requant, activation: activationRangeQuantized(context, activation, 'int8', qOut.scale, qOut.zeroPoint) },
    };
  },
});

/**
 * The scatter of TRANSPOSE_CONV into `sums` (zeroed first): `add(target, x, w)` accumulates one
 * product in the kernel's order.
 */
export function transposeConvScatter(plan: TransposeConvPlan, add: (target: number, inputIndex: number, filterIndex: number) => void): void {
  const [batches, h, w, cin] = plan.input;
  const [, oh, ow, cout] = plan.output;
  const { filterHeight: kh, filterWidth: kw } = plan;
  for (let b = 0; b < batches; b++) {
    for (let iy = 0; iy < h; iy++) {
      for (let ix = 0; ix < w; ix++) {
        for (let ic = 0; ic < cin; ic++) {
          const inputIndex = ((b * h + iy) * w + ix) * cin + ic;
          const oy0 = iy * plan.strideHeight - plan.padTop;
          const ox0 = ix * plan.strideWidth - plan.padLeft;
          for (let fy = 0; fy < kh; fy++) {
            const oy = oy0 + fy;
            if (oy < 0 || oy >= oh) continue;
            for (let fx = 0; fx < kw; fx++) {
              const ox = ox0 + fx;
              if (ox < 0 || ox >= ow) continue;
              const base = ((b * oh + oy) * ow + ox) * cout;
              for (let oc = 0; oc < cout; oc++) add(base + oc, inputIndex, ((oc * kh + fy) * kw + fx) * cin + ic);
            }
          }
        }
      }
    }
  }
}
