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
  registerLowerer,
  tensorName,
  tile,
  type LowerContext,
  type OpLowering,
} from '../lowering.js';
import { activationF32, activationS8, perChannelRequant } from '../params.js';

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

registerLowerer('CONV_2D', lowerConvolution);
registerLowerer('DEPTHWISE_CONV_2D', lowerConvolution);
