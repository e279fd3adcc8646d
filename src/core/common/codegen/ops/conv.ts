import { computeOutSize, computePadding } from '../../interp/op-utils.js';
import type { OpOf } from '../../ir/types.js';
import { conv2dS8BufferSize, convF32BufferSize, depthwiseConv2dS8BufferSize } from '../kernel-buffers.js';
import {
  channelScales,
  dims4,
  expectConstant,
  expectDType,
  expectRank,
  expectShape,
  fail,
  input,
  optionalInput,
  output,
  quantization,
  registerLegacyLowerer,
  registerLowerer,
  type OpEmitter,
  tensorName,
  tile,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { activationF32, activationS8, clampC, clampF32C, perChannelRequant } from '../params.js';
import { conv2d, type Conv2DPlan } from '../../ops/conv-2d.js';
import type { ChannelMultipliers } from '../../ops/quantization.js';
import type { WindowGeometry } from '../../ops/window.js';

/**
 * CONV_2D and DEPTHWISE_CONV_2D → td_conv2d_* / td_depthwise_conv2d_*. int8: per-channel
 * requantization (a per-tensor filter scale is repeated per channel, as TFLite Micro does),
 * symmetric filters, int32 bias. float32: the float kernels, fused activation as a clamp.
 */

interface Geometry {
  batches: number;
  inputHeight: number;
  inputWidth: number;
  inputChannels: number;
  filterHeight: number;
  filterWidth: number;
  outputChannels: number;
  outputHeight: number;
  outputWidth: number;
  paddingHeight: number;
  paddingWidth: number;
}

function geometry(context: LowerContext, depthwise: boolean): Geometry {
  const op = context.op as OpOf<'CONV_2D'> | OpOf<'DEPTHWISE_CONV_2D'>;
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const y = output(context);
  expectRank(context, x, 'input', 4);
  expectRank(context, filter, 'filter', 4);
  expectRank(context, y, 'output', 4);
  const { strideH, strideW, dilationH, dilationW, padding } = op.attrs;
  if (!(strideH >= 1 && strideW >= 1 && dilationH >= 1 && dilationW >= 1)) {
    fail(context, `stride ${strideH}x${strideW} and dilation ${dilationH}x${dilationW} must be at least 1`);
  }
  const [batches, inputHeight, inputWidth, inputChannels] = x.shape;
  const filterHeight = filter.shape[1];
  const filterWidth = filter.shape[2];
  const outputChannels = depthwise ? filter.shape[3] : filter.shape[0];
  if (depthwise) {
    if (filter.shape[0] !== 1) fail(context, `filter ${tensorName(filter)} has shape [${filter.shape}], expected [1, h, w, channels]`);
    if (outputChannels % inputChannels !== 0) {
      fail(context, `filter has ${outputChannels} channels, not a multiple of the ${inputChannels} input channels`);
    }
  } else if (filter.shape[3] !== inputChannels) {
    fail(context, `filter ${tensorName(filter)} has ${filter.shape[3]} input channels, input has ${inputChannels} (grouped convolution is not supported)`);
  }
  const outputHeight = computeOutSize(padding, inputHeight, filterHeight, strideH, dilationH);
  const outputWidth = computeOutSize(padding, inputWidth, filterWidth, strideW, dilationW);
  expectShape(context, y, 'output', [batches, outputHeight, outputWidth, outputChannels]);
  return {
    batches,
    inputHeight,
    inputWidth,
    inputChannels,
    filterHeight,
    filterWidth,
    outputChannels,
    outputHeight,
    outputWidth,
    paddingHeight: computePadding(strideH, dilationH, inputHeight, filterHeight, outputHeight),
    paddingWidth: computePadding(strideW, dilationW, inputWidth, filterWidth, outputWidth),
  };
}

function lowerConvolution(context: LowerContext): OpLowering {
  const depthwise = context.op.type === 'DEPTHWISE_CONV_2D';
  const op = context.op as OpOf<'CONV_2D'> | OpOf<'DEPTHWISE_CONV_2D'>;
  const g = geometry(context, depthwise);
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  expectConstant(context, filter, 'filter');
  if (bias) {
    expectConstant(context, bias, 'bias');
    expectShape(context, bias, 'bias', [g.outputChannels]);
  }
  const { strideH, strideW, dilationH, dilationW } = op.attrs;
  const depthMultiplier = g.outputChannels / g.inputChannels;
  const geometryFields = `${tile(strideH, strideW)}, ${tile(g.paddingHeight, g.paddingWidth)}, ${tile(dilationH, dilationW)}`;
  const inputDims = x.shape;
  const filterDims = filter.shape;
  const name = depthwise ? 'td_depthwise_conv2d' : 'td_conv2d';

  if (y.dtype === 'float32') {
    expectDType(context, x, 'input', 'float32');
    expectDType(context, filter, 'filter', 'float32');
    if (bias) expectDType(context, bias, 'bias', 'float32');
    const activation = activationF32(context, op.attrs.activation);
    const kernel = `${name}_f32`;
    return {
      kernels: [kernel],
      scratchBytes: convF32BufferSize(dims4(context, inputDims, 'input'), dims4(context, filterDims, 'filter')),
      emit: (e) => {
        const params = depthwise
          ? e.struct('params', 'td_depthwise_conv_params_f32', `{${depthMultiplier}, ${geometryFields}, ${activation}}`)
          : e.struct('params', 'td_conv_params_f32', `{${geometryFields}, ${activation}}`);
        return `${kernel}(${e.context()}, ${params}, ${e.dims(inputDims, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filterDims, 'filter')}, ${e.pointer(filter, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;
      },
    };
  }

  expectDType(context, y, 'output', 'int8');
  expectDType(context, x, 'input', 'int8');
  expectDType(context, filter, 'filter', 'int8');
  if (bias) expectDType(context, bias, 'bias', 'int32');
  const inputQuant = quantization(context, x, 'input');
  const outputQuant = quantization(context, y, 'output');
  const filterScales = channelScales(context, filter, 'filter', g.outputChannels, depthwise ? 3 : 0);
  if (filter.quantization!.scale.length === 1 && (filter.quantization!.zeroPoint[0] ?? 0) !== 0) {
    fail(context, `filter ${tensorName(filter)} has zero point ${filter.quantization!.zeroPoint[0]}, expected 0 (symmetric int8 weights)`);
  }
  const { multipliers, shifts } = perChannelRequant(context, inputQuant.scale, filterScales, outputQuant.scale);
  const activation = activationS8(context, op.attrs.activation, 'int8', outputQuant.scale, outputQuant.zeroPoint);
  const kernel = `${name}_s8`;
  const bufferSize = depthwise ? depthwiseConv2dS8BufferSize : conv2dS8BufferSize;
  const scratchBytes = bufferSize(context.options.dsp, dims4(context, inputDims, 'input'), dims4(context, filterDims, 'filter'));
  return {
    kernels: [kernel],
    scratchBytes,
    emit: (e) => {
      const offsets = `${-inputQuant.zeroPoint}, ${outputQuant.zeroPoint}`;
      const params = depthwise
        ? e.struct('params', 'td_depthwise_conv_params', `{${offsets}, ${depthMultiplier}, ${geometryFields}, ${activation}}`)
        : e.struct('params', 'td_conv_params', `{${offsets}, ${geometryFields}, ${activation}}`);
      const quant = e.struct(
        'quant',
        'td_per_channel_quant',
        `{${e.array('multiplier', 'int32', multipliers)}, ${e.array('shift', 'int32', shifts)}}`,
      );
      return `${kernel}(${e.context()}, ${params}, ${quant}, ${e.dims(inputDims, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filterDims, 'filter')}, ${e.pointer(filter, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;
    },
  };
}

registerLegacyLowerer('DEPTHWISE_CONV_2D', lowerConvolution);

/**
 * CONV_2D → td_conv2d_s8 / td_conv2d_f32, from the op library's plan (ops/conv-2d.ts): the
 * geometry, the per-channel multipliers and the clamp are the plan's; this file only refuses what
 * the C kernels do not run (grouped convolution, 16x8) and prints the call.
 */
function lowerConv2D(plan: Conv2DPlan, context: LowerContext): OpLowering {
  const { geometry: g, arithmetic } = plan;
  if (g.groups > 1) fail(context, `grouped convolution (${g.groups} groups) has no C kernel`);
  const x = input(context, 0, 'input');
  const filter = input(context, 1, 'filter');
  const bias = optionalInput(context, 2);
  const y = output(context);
  expectConstant(context, filter, 'filter');
  if (bias) expectConstant(context, bias, 'bias');
  const geometryFields = windowFields(g);
  const inputDims = dims4(context, x.shape, 'input');
  const filterDims = dims4(context, filter.shape, 'filter');
  const call = (kernel: string, params: string, quant: string | undefined, e: OpEmitter) =>
    `${kernel}(${e.context()}, ${params}, ${quant ? `${quant}, ` : ''}${e.dims(x.shape, 'input')}, ${e.pointer(x, 'read')}, ${e.dims(filter.shape, 'filter')}, ${e.pointer(filter, 'read')}, ${bias ? e.pointer(bias, 'read') : 'NULL'}, ${e.dims(y.shape, 'output')}, ${e.pointer(y, 'write')})`;

  if (arithmetic.flavour === 'float32') {
    return {
      kernels: ['td_conv2d_f32'],
      scratchBytes: convF32BufferSize(inputDims, filterDims),
      emit: (e) => call('td_conv2d_f32', e.struct('params', 'td_conv_params_f32', `{${geometryFields}, ${clampF32C(arithmetic.activation)}}`), undefined, e),
    };
  }
  if (arithmetic.flavour !== 'int8') fail(context, `${arithmetic.flavour} convolution has no C kernel (int8 and float32 do)`);
  return {
    kernels: ['td_conv2d_s8'],
    scratchBytes: conv2dS8BufferSize(context.options.dsp, inputDims, filterDims),
    emit: (e) => {
      const offsets = `${-arithmetic.input.zeroPoint}, ${arithmetic.output.zeroPoint}`;
      const params = e.struct('params', 'td_conv_params', `{${offsets}, ${geometryFields}, ${clampC(arithmetic.activation)}}`);
      return call('td_conv2d_s8', params, perChannelQuant(e, arithmetic.requant), e);
    },
  };
}

/** `{stride}, {padding}, {dilation}` of a window plan, as the td_*_params structs list them. */
export function windowFields(g: WindowGeometry): string {
  return `${tile(g.strideHeight, g.strideWidth)}, ${tile(g.padTop, g.padLeft)}, ${tile(g.dilationHeight, g.dilationWidth)}`;
}

/** A `td_per_channel_quant` of a plan's multipliers and shifts. */
export function perChannelQuant(e: OpEmitter, requant: ChannelMultipliers): string {
  return e.struct('quant', 'td_per_channel_quant', `{${e.array('multiplier', 'int32', requant.multipliers)}, ${e.array('shift', 'int32', requant.shifts)}}`);
}

registerLowerer(conv2d, lowerConv2D);
