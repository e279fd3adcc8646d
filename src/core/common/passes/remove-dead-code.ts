/**
 * remove-dead-code: drops every op whose outputs do not reach a graph output, then every
 * tensor no remaining op (inputs, outputs, intermediates), graph input or graph output refers to, and renumbers the tensors
 * that are left so that `tensor.id` is again its index (the IR's invariant, checked by
 * `validateGraph`).
 *
 *     before                                   after
 *     %0 input ─ CONV_2D ─ %3 ─ SOFTMAX ─ %4   %0 input ─ CONV_2D ─ %3 ─ SOFTMAX ─ %4
 *                   └──── RESHAPE ─ %5 (unused)         (%1, %2 weights; %5 and its op gone,
 *     %6 (orphan weight)                                 tensors renumbered 0..4)
 *
 * Liveness: a tensor is live when it is a graph output or an input of a live op; an op is
 * live when one of its outputs is live (one backward walk, since ops are in execution order).
 * Renumbering keeps the surviving tensors in their original order; op inputs, op outputs and
 * the graph's inputs and outputs are mapped through it, and -1 (an absent optional input)
 * stays -1. Output values are unchanged bit for bit: every computation a graph output depends
 * on is kept.
 *
 * Preconditions: ops in execution order (`validateGraph`). Graph inputs are always kept, used
 * or not: they are the model's signature. Deliberately not handled: ops with side effects
 * beyond their outputs other than ASSIGN_VARIABLE (an LSTM's state tensors are its inputs, so a
 * dead LSTM goes with its state), and ops with no outputs, which are removed as dead. An op the
 * op library marks `updatesState` (ASSIGN_VARIABLE: the next run reads what it writes) is live.
 */

import type { Graph, Op, Tensor } from '../ir/types.js';
import { findOp } from '../ops/index.js';
import type { PassContext } from './pass.js';
import { registerPass } from './registry.js';

export function removeDeadCode(graph: Graph, context: PassContext): Graph {
  const live = new Set(graph.outputs);
  const keep = new Array<boolean>(graph.ops.length).fill(false);
  for (let index = graph.ops.length - 1; index >= 0; index--) {
    const op = graph.ops[index];
    if (!op.outputs.some((id) => live.has(id)) && !findOp(op.type)?.updatesState) continue;
    keep[index] = true;
    for (const id of op.inputs) if (id >= 0) live.add(id);
  }
  const ops = graph.ops.filter((_, index) => keep[index]);
  const used = new Set<number>([...graph.inputs, ...graph.outputs]);
  for (const op of ops) {
    for (const id of op.inputs) if (id >= 0) used.add(id);
    for (const id of op.outputs) used.add(id);
    for (const id of op.intermediates ?? []) used.add(id);
  }
  if (ops.length === graph.ops.length && used.size === graph.tensors.length) return graph;

  const newId = new Map<number, number>();
  const tensors: Tensor[] = [];
  for (const tensor of graph.tensors) {
    if (!used.has(tensor.id)) continue;
    newId.set(tensor.id, tensors.length);
    tensors.push(tensor.id === tensors.length ? tensor : { ...tensor, id: tensors.length });
  }
  const map = (id: number) => (id < 0 ? id : newId.get(id)!);
  const renumbered = ops.map((op) => {
    const inputs = op.inputs.map(map);
    const outputs = op.outputs.map(map);
    const intermediates = op.intermediates?.map(map);
    const same =
      inputs.every((id, i) => id === op.inputs[i]) && outputs.every((id, i) => id === op.outputs[i]) && (intermediates ?? []).every((id, i) => id === op.intermediates![i]);
    return same ? op : ({ ...op, inputs, outputs, ...(intermediates ? { intermediates } : {}) } as Op);
  });
  const removedOps = graph.ops.length - ops.length;
  const removedTensors = graph.tensors.length - tensors.length;
  context.log(`removed ${removedOps} op${removedOps === 1 ? '' : 's'} and ${removedTensors} tensor${removedTensors === 1 ? '' : 's'}`);
  return { ...graph, tensors, ops: renumbered, inputs: graph.inputs.map(map), outputs: graph.outputs.map(map) };
}

registerPass({
  name: 'remove-dead-code',
  description: 'removes ops and tensors that no graph output depends on and renumbers the tensors',
  requires: 'ops in execution order; graph inputs are kept even when unused',
  run: removeDeadCode,
});
