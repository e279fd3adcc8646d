/**
 * CONV_2D: input [N, H, W, C], filter [Cout, FH, FW, C / groups], optional bias [Cout], output
 * [N, OH, OW, Cout]. Grouped convolution when the filter has fewer input channels than the input
 * (TFLite Micro's reference kernel runs it; a back end without it says so when it lowers the plan).
 *
 * Arithmetic by flavour (see quantization.ts): int8 and 16x8 with per-channel multipliers folded
 * as TFLite's PopulateConvolutionQuantizationParams, float32 in the reference order, hybrid with
 * the input quantized per batch.
 */
import type { Conv2DAttrs, Graph, Op, OpOf } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { inputTensor, optionalInputTensor, outputTensor, tensorName, type OpContext, type OpWindow } from './op.js';
import { prepareWeighted, type WeightedArithmetic } from './quantization.js';
import { defineOp } from './registry.js';
import { windowGeometry, type WindowGeometry } from './window.js';

/** Geometry of a convolution: the window plus grouping. */
export interface ConvGeometry extends WindowGeometry {
  groups: number;
  /** Input channels each filter reads (C / groups). */
  filterDepth: number;
}

export interface Conv2DPlan {
  geometry: ConvGeometry;
  arithmetic: WeightedArithmetic;
  hasBias: boolean;
}

/** The window of a CONV_2D or DEPTHWISE_CONV_2D: the filter's spatial size and the attributes. */
export function convWindow(graph: Graph, op: Op): OpWindow | undefined {
  const filter = graph.tensors[op.inputs[1]];
  if (!filter || filter.shape.length !== 4) return undefined;
  const { padding, strideH, strideW, dilationH, dilationW } = (op as OpOf<'CONV_2D'>).attrs;
  return { filterHeight: filter.shape[1], filterWidth: filter.shape[2], strideH, strideW, dilationH, dilationW, padding };
}

/** Geometry of a CONV_2D op from its tensors and attributes. */
export function convGeometry(context: OpContext): ConvGeometry {
  const input = inputTensor(context, 0, 'input');
  const filter = inputTensor(context, 1, 'filter');
  const output = outputTensor(context);
  if (filter.shape.length !== 4) {
    context.fail(`filter ${tensorName(filter)} has shape ${formatShape(filter.shape)}, expected rank 4 [Cout, FH, FW, Cin]`);
  }
  const [outputChannels, , , filterDepth] = filter.shape;
  const geometry = windowGeometry(context, input, output, convWindow(context.graph, context.op)!);
  if (geometry.outputDepth !== outputChannels) {
    context.fail(`output tensor ${output.id} has ${geometry.outputDepth} channels, filter ${filter.id} has ${outputChannels}`);
  }
  if (filterDepth < 1 || geometry.inputDepth % filterDepth !== 0) {
    context.fail(`input tensor ${input.id} has ${geometry.inputDepth} channels, not a multiple of the filter depth ${filterDepth}`);
  }
  const groups = geometry.inputDepth / filterDepth;
  if (outputChannels % groups !== 0) context.fail(`${outputChannels} output channels cannot be split into ${groups} groups`);
  return { ...geometry, groups, filterDepth };
}

export const conv2d = defineOp<Conv2DPlan>({
  types: ['CONV_2D'],
  minInputs: 2,
  weights: [{ input: 1, axis: 0, bias: 2 }],
  fusedActivation: true,
  precisions: ['int8', 'int16', 'float32'],
  window: convWindow,
  macs(graph, op) {
    const filter = graph.tensors[op.inputs[1]];
    const output = graph.tensors[op.outputs[0]];
    if (!filter || filter.shape.length !== 4 || !output) return 0;
    const [, kernelH, kernelW, filterInChannels] = filter.shape;
    return elementCount(output.shape) * kernelH * kernelW * filterInChannels;
  },
  prepare(context) {
    const geometry = convGeometry(context);
    const bias = optionalInputTensor(context, 2);
    const arithmetic = prepareWeighted(
      context,
      { input: inputTensor(context, 0), weights: inputTensor(context, 1), bias, output: outputTensor(context) },
      { channels: geometry.outputDepth, axis: 0, activation: (context.op.attrs as Conv2DAttrs).activation, int32BiasFor16x8: true },
    );
    return { geometry, arithmetic, hasBias: bias !== undefined };
  },
});
