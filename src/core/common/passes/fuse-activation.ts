/**
 * fuse-activation: a standalone RELU, RELU6 or RELU_N1_TO_1 that follows a CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED or ADD becomes that op's fused activation.
 *
 *     before                                          after
 *     %0 ─ CONV_2D{activation=none} ─ %3 ─ RELU ─ %4    %0 ─ CONV_2D{activation=relu} ─ %4
 *                                                       (%3 left unused for remove-dead-code)
 *
 * The producer writes the activation's output tensor directly, so graph outputs and every
 * reader of that tensor are untouched.
 *
 * Math. A fused activation is a clamp of the op's result, applied after the bias:
 * - float32 (hybrid ops included): relu clamps to [0, FLT_MAX], relu6 to [0, 6], relu_n1_to_1
 *   to [-1, 1]; the standalone op applies the same clamp to the same float32 values, so the
 *   fusion is exact (the "no activation" clamp to ±FLT_MAX is subsumed).
 * - int8: the op requantizes its accumulator to the output's (scale s, zero point z) and clamps
 *   to [max(-128, z + round(lo/s)), min(127, z + round(hi/s))] (TFLite's
 *   CalculateActivationRangeQuantized). Unfused, it clamps to [-128, 127] with its own
 *   intermediate's parameters (s₁, z₁), then the activation requantizes with s₁/s (RELU, and
 *   RELU_N1_TO_1 in TFLite) or keeps the values (RELU6) and clamps to the same bounds. When
 *   s₁ = s and z₁ = z the requantization is the identity (multiplier 2^30, shift 1: exact for
 *   every int8), and two nested clamps equal one clamp to their intersection, so the fusion is
 *   bit-exact. Otherwise the unfused graph rounds twice and the fused one once: not exact, not
 *   fused. The condition is therefore: intermediate and activation output quantized per tensor
 *   with the same scale and zero point.
 *
 * Preconditions (checked by the rule's match): the producer has activation `none` and one
 * output; that output is read by the activation alone and is not a graph output; both
 * tensors have the same dtype and shape. Deliberately not handled: int16 and other integer
 * types (not exercised), differing quantization (see above), TANH / LOGISTIC (no fused form in
 * TFLite's kernels), other producers (pooling, MUL, SUB, CONCATENATION also take fused
 * activations, but TFLite converters rarely leave them unfused).
 */

import type { Activation, Op, Quantization, Tensor } from '../ir/types.js';
import type { PassContext } from './pass.js';
import { registerPass } from './registry.js';
import { type GraphView, type RewriteRule, applyRewriteRules } from './rewrite.js';
import { findOp } from '../ops/index.js';
import type { Graph } from '../ir/types.js';

/** Standalone activation op type → the fused activation it becomes. */
const fusedActivation: Readonly<Record<string, Activation>> = {
  RELU: 'relu',
  RELU6: 'relu6',
  RELU_N1_TO_1: 'relu_n1_to_1',
};

function sameQuantization(a: Quantization | undefined, b: Quantization | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.scale.length === 1 &&
    b.scale.length === 1 &&
    a.scale[0] === b.scale[0] &&
    (a.zeroPoint[0] ?? 0) === (b.zeroPoint[0] ?? 0)
  );
}

/** Whether the standalone activation from `intermediate` to `output` can be fused exactly. */
function exactlyFusable(intermediate: Tensor, output: Tensor): boolean {
  if (intermediate.dtype !== output.dtype) return false;
  if (intermediate.shape.length !== output.shape.length || intermediate.shape.some((dim, i) => dim !== output.shape[i])) return false;
  if (output.dtype === 'float32') return true;
  if (output.dtype === 'int8') return sameQuantization(intermediate.quantization, output.quantization);
  return false;
}

const fuseIntoProducer: RewriteRule = {
  name: 'fuse-into-producer',
  opTypes: Object.keys(fusedActivation),
  match(graph: GraphView, opIndex: number): boolean {
    const activation = graph.op(opIndex)!;
    if (activation.inputs.length !== 1 || activation.outputs.length !== 1) return false;
    const intermediate = activation.inputs[0];
    if (intermediate < 0 || graph.isGraphOutput(intermediate)) return false;
    const producerIndex = graph.producer(intermediate);
    if (producerIndex === undefined) return false;
    const producer = graph.op(producerIndex)!;
    // Ops whose kernels apply a fused activation after their bias say so in the op library.
    if (!findOp(producer.type)?.fusedActivation || producer.outputs.length !== 1) return false;
    if ((producer.attrs as { activation?: Activation }).activation !== 'none') return false;
    const readers = graph.consumers(intermediate);
    if (readers.length !== 1 || readers[0] !== opIndex) return false;
    return exactlyFusable(graph.tensor(intermediate), graph.tensor(activation.outputs[0]));
  },
  apply(graph, opIndex) {
    const activation = graph.op(opIndex)!;
    const producerIndex = graph.producer(activation.inputs[0])!;
    const producer = graph.op(producerIndex)!;
    graph.replaceOp(producerIndex, {
      ...producer,
      outputs: [activation.outputs[0]],
      attrs: { ...producer.attrs, activation: fusedActivation[activation.type] },
    } as Op);
    graph.removeOp(opIndex);
    return true;
  },
};

export function fuseActivation(graph: Graph, context: PassContext): Graph {
  return applyRewriteRules(graph, [fuseIntoProducer], context).graph;
}

registerPass({
  name: 'fuse-activation',
  description: 'turns a RELU / RELU6 / RELU_N1_TO_1 after CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or ADD into its fused activation',
  requires: 'float32, or int8 with the same per-tensor quantization before and after the activation (then exact)',
  run: fuseActivation,
});
