/**
 * DEPTHWISE_CONV_2D: input [N, H, W, C], filter [1, FH, FW, C·M], optional bias [C·M], output
 * [N, OH, OW, C·M]; output channel `c·M + m` reads input channel `c` (M, the depth multiplier,
 * follows from the shapes: some converters leave the attribute at 0 or 1).
 *
 * Arithmetic by flavour (see quantization.ts): int8 with per-channel multipliers, 16x8 always
 * with the 64-bit accumulator and an int64 bias (TFLite's reference 16x8 kernel), float32 in the
 * reference order, hybrid with the input quantized per batch.
 */
import type { DepthwiseConv2DAttrs } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { convWindow } from './conv-2d.js';
import { inputTensor, optionalInputTensor, outputTensor, tensorName } from './op.js';
import { prepareWeighted, type WeightedArithmetic } from './quantization.js';
import { defineOp } from './registry.js';
import { windowGeometry, type WindowGeometry } from './window.js';

/** Geometry of a depthwise convolution: the window plus the depth multiplier. */
export interface DepthwiseGeometry extends WindowGeometry {
  depthMultiplier: number;
}

export interface DepthwiseConv2DPlan {
  geometry: DepthwiseGeometry;
  arithmetic: WeightedArithmetic;
}

export const depthwiseConv2d = defineOp<DepthwiseConv2DPlan>({
  types: ['DEPTHWISE_CONV_2D'],
  minInputs: 2,
  weights: [{ input: 1, axis: 3, bias: 2 }],
  fusedActivation: true,
  precisions: ['int8', 'int16', 'float32'],
  window: (graph, op) => {
    const window = convWindow(graph, op);
    return window && { ...window, channelBlocks: true };
  },
  macs(graph, op) {
    const filter = graph.tensors[op.inputs[1]];
    const output = graph.tensors[op.outputs[0]];
    if (!filter || filter.shape.length !== 4 || !output) return 0;
    return elementCount(output.shape) * filter.shape[1] * filter.shape[2];
  },
  prepare(context) {
    const input = inputTensor(context, 0, 'input');
    const filter = inputTensor(context, 1, 'filter');
    const output = outputTensor(context);
    if (filter.shape.length !== 4 || filter.shape[0] !== 1) {
      context.fail(`filter ${tensorName(filter)} has shape ${formatShape(filter.shape)}, expected [1, FH, FW, Cout]`);
    }
    const geometry = windowGeometry(context, input, output, convWindow(context.graph, context.op)!);
    const filterChannels = filter.shape[3];
    if (geometry.outputDepth !== filterChannels) {
      context.fail(`output tensor ${output.id} has ${geometry.outputDepth} channels, filter ${filter.id} has ${filterChannels}`);
    }
    const depthMultiplier = geometry.outputDepth / geometry.inputDepth;
    if (!Number.isInteger(depthMultiplier) || depthMultiplier < 1) {
      context.fail(`${geometry.outputDepth} output channels is not a multiple of the ${geometry.inputDepth} input channels`);
    }
    const arithmetic = prepareWeighted(
      context,
      { input, weights: filter, bias: optionalInputTensor(context, 2), output },
      {
        channels: geometry.outputDepth,
        axis: 3,
        activation: (context.op.attrs as DepthwiseConv2DAttrs).activation,
        int32BiasFor16x8: false,
        alwaysWide16x8: true,
      },
    );
    return { geometry: { ...geometry, depthMultiplier }, arithmetic };
  },
});
