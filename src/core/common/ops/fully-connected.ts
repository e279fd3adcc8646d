/**
 * FULLY_CONNECTED: weights [units, depth] (leading dimensions flattened into the units), optional
 * bias [units]; the input is read as [batches, depth] and the output as [batches, units], whatever
 * their ranks (`keepNumDims` only changes the output shape).
 *
 * Arithmetic by flavour (see quantization.ts): int8 and 16x8 with per-channel multipliers, or with
 * per-tensor weights TFLite's GetQuantizedConvolutionMultipler and the weight zero point; an int64
 * bias selects the 16x8 64-bit accumulator. float32 in the reference order; hybrid with each batch
 * row quantized at run time (asymmetrically with `asymmetricQuantizeInputs`).
 */
import type { FullyConnectedAttrs } from '../ir/types.js';
import { elementCount, formatShape } from '../ir/tensor.js';
import { inputTensor, optionalInputTensor, outputTensor, tensorName } from './op.js';
import { prepareWeighted, type WeightedArithmetic } from './quantization.js';
import { defineOp } from './registry.js';

/** Sizes of a fully connected op: `batches` rows of `depth` inputs times `units` weight rows. */
export interface MatMulShape {
  batches: number;
  units: number;
  depth: number;
}

export interface FullyConnectedPlan {
  shape: MatMulShape;
  arithmetic: WeightedArithmetic;
  /** Hybrid: quantize each input row asymmetrically (TFLite's option), else symmetrically. */
  asymmetricInputs: boolean;
}

export const fullyConnected = defineOp<FullyConnectedPlan>({
  types: ['FULLY_CONNECTED'],
  minInputs: 2,
  weights: [{ input: 1, axis: 0, bias: 2 }],
  fusedActivation: true,
  precisions: ['int8', 'int16', 'float32'],
  macs(graph, op) {
    const weights = graph.tensors[op.inputs[1]];
    const output = graph.tensors[op.outputs[0]];
    if (!weights || weights.shape.length !== 2 || !output) return 0;
    // Every output element is a dot product over the weights' input dimension.
    return elementCount(output.shape) * weights.shape[1];
  },
  prepare(context) {
    const attrs = context.op.attrs as FullyConnectedAttrs;
    const input = inputTensor(context, 0, 'input');
    const weights = inputTensor(context, 1, 'weights');
    const output = outputTensor(context);
    if (weights.shape.length < 2) {
      context.fail(`weights ${tensorName(weights)} have shape ${formatShape(weights.shape)}, expected [units, depth]`);
    }
    const depth = weights.shape[weights.shape.length - 1];
    const units = elementCount(weights.shape) / depth;
    if (output.shape[output.shape.length - 1] !== units) {
      context.fail(`output ${tensorName(output)} has shape ${formatShape(output.shape)}, expected last dimension ${units} (weight rows)`);
    }
    const batches = elementCount(output.shape) / units;
    if (elementCount(input.shape) !== batches * depth) {
      context.fail(
        `input ${tensorName(input)} has shape ${formatShape(input.shape)}, expected ${batches} x ${depth} elements ` +
          `for weights ${formatShape(weights.shape)} and output ${formatShape(output.shape)}`,
      );
    }
    const arithmetic = prepareWeighted(
      context,
      { input, weights, bias: optionalInputTensor(context, 2), output },
      { channels: units, axis: 0, activation: attrs.activation, int32BiasFor16x8: true, fullyConnected: true },
    );
    return { shape: { batches, units, depth }, arithmetic, asymmetricInputs: attrs.asymmetricQuantizeInputs };
  },
});
