/**
 * remove-noop-reshapes: a RESHAPE that does not change the shape is removed, and a chain of
 * RESHAPEs is collapsed into the last one.
 *
 *     chain                                            collapsed
 *     %0 [1,4,4,2] ─ RESHAPE ─ %1 [32] ─ RESHAPE ─ %2 [2,16]   %0 ─ RESHAPE ─ %2 [2,16]
 *
 *     identity                                         removed
 *     %3 [1,8] ─ RESHAPE ─ %4 [1,8] ─ SOFTMAX ─ %5     %3 ─ SOFTMAX ─ %5
 *
 * Math: RESHAPE copies the bytes and only relabels the shape, so RESHAPE(RESHAPE(x, a), b) =
 * RESHAPE(x, b) byte for byte whatever `a` is, and a RESHAPE to the input's own shape is the
 * identity when the two tensors also have the same dtype and quantization (with different
 * quantization the same bytes stand for different real values: that is a requantization in
 * disguise, kept). The graph's outputs are unchanged bit for bit.
 *
 * How the identity is removed: readers of the output read the input instead. When the output
 * is a graph output, the tensor that keeps its name must be the output: then the op producing
 * the input writes the output directly and the input's other readers read the output.
 *
 * Preconditions (checked by the rules' match): for a chain, the middle tensor is read by the
 * second RESHAPE alone and is not a graph output. Deliberately not handled: a RESHAPE from a
 * graph input straight to a graph output (the model is then that reshape), and a reshape
 * chain whose middle tensor has other readers (both ops stay). The shape-vector inputs of
 * removed ops are left for `remove-dead-code`.
 */

import type { Graph, Op, Quantization, Tensor } from '../ir/types.js';
import type { PassContext } from './pass.js';
import { registerPass } from './registry.js';
import { type GraphView, type RewriteRule, applyRewriteRules } from './rewrite.js';

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function sameQuantization(a: Quantization | undefined, b: Quantization | undefined): boolean {
  if (!a || !b) return a === b;
  return sameNumbers(a.scale, b.scale) && sameNumbers(a.zeroPoint, b.zeroPoint) && (a.scale.length === 1 || a.axis === b.axis);
}

function isIdentity(input: Tensor, output: Tensor): boolean {
  return input.dtype === output.dtype && sameNumbers(input.shape, output.shape) && sameQuantization(input.quantization, output.quantization);
}

const collapseReshapeChain: RewriteRule = {
  name: 'collapse-reshape-chain',
  opTypes: ['RESHAPE'],
  match(graph: GraphView, opIndex: number): boolean {
    const middle = graph.op(opIndex)!.inputs[0];
    if (middle === undefined || middle < 0 || graph.isGraphOutput(middle)) return false;
    const producer = graph.producer(middle);
    if (producer === undefined || graph.op(producer)!.type !== 'RESHAPE') return false;
    const readers = graph.consumers(middle);
    return readers.length === 1 && readers[0] === opIndex;
  },
  apply(graph, opIndex) {
    const second = graph.op(opIndex)!;
    const firstIndex = graph.producer(second.inputs[0])!;
    const first = graph.op(firstIndex)!;
    graph.replaceOp(opIndex, { ...second, inputs: [first.inputs[0], ...second.inputs.slice(1)] } as Op);
    graph.removeOp(firstIndex);
    return true;
  },
};

const removeIdentityReshape: RewriteRule = {
  name: 'remove-identity-reshape',
  opTypes: ['RESHAPE'],
  match(graph: GraphView, opIndex: number): boolean {
    const op = graph.op(opIndex)!;
    const [input] = op.inputs;
    if (input === undefined || input < 0 || op.outputs.length !== 1) return false;
    const output = op.outputs[0];
    if (!isIdentity(graph.tensor(input), graph.tensor(output))) return false;
    if (!graph.isGraphOutput(output)) return true;
    // The output keeps its name: the input's producer must be able to write it instead.
    return graph.producer(input) !== undefined && !graph.isGraphOutput(input);
  },
  apply(graph, opIndex) {
    const op = graph.op(opIndex)!;
    const input = op.inputs[0];
    const output = op.outputs[0];
    graph.removeOp(opIndex);
    if (!graph.isGraphOutput(output)) {
      graph.replaceUses(output, input);
      return true;
    }
    const producerIndex = graph.producer(input)!;
    const producer = graph.op(producerIndex)!;
    graph.replaceOp(producerIndex, { ...producer, outputs: producer.outputs.map((id) => (id === input ? output : id)) } as Op);
    graph.replaceUses(input, output);
    return true;
  },
};

export function removeNoopReshapes(graph: Graph, context: PassContext): Graph {
  return applyRewriteRules(graph, [collapseReshapeChain, removeIdentityReshape], context).graph;
}

registerPass({
  name: 'remove-noop-reshapes',
  description: 'removes RESHAPEs to the same shape and collapses chains of RESHAPEs into one',
  requires: 'identity reshapes need the same dtype and quantization on both sides',
  run: removeNoopReshapes,
});
