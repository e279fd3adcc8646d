/**
 * Activation memory under the simplest liveness plan: ops run in graph order and every
 * non-constant tensor occupies its own bytes from the op that produces it (graph inputs and
 * variable tensors from the start) through the last op that reads it (graph outputs and
 * variable tensors to the end). The peak is the largest total of tensors live during one op.
 *
 * It is an estimate for reports, not an arena size: it does not share memory between tensors
 * whose lifetimes do not overlap inside an op, alias reshapes, or count kernel scratch buffers
 * (the codegen memory planner does those).
 */

import type { Graph } from '../ir/types.js';
import { tensorBytes } from '../ir/tensor.js';

export interface ActivationMemory {
  /** Bytes of tensors live during each op, by op index. */
  liveBytesPerOp: number[];
  /** The largest of `liveBytesPerOp` (0 for a graph without ops). */
  peakBytes: number;
  /** Index of the first op at which the peak occurs (-1 without ops). */
  peakOpIndex: number;
}

/** True for tensors that hold weights or other compile-time data (not activations or state). */
export function isConstantTensor(graph: Graph, id: number): boolean {
  const tensor = graph.tensors[id];
  return tensor.data !== undefined && !tensor.variable;
}

export function activationMemory(graph: Graph): ActivationMemory {
  const opCount = graph.ops.length;
  const lastOp = opCount - 1;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (id: number, opIndex: number) => {
    if (id < 0 || isConstantTensor(graph, id)) return;
    if (!first.has(id) || opIndex < first.get(id)!) first.set(id, opIndex);
    if (!last.has(id) || opIndex > last.get(id)!) last.set(id, opIndex);
  };
  graph.ops.forEach((op, opIndex) => {
    for (const id of op.inputs) touch(id, opIndex);
    for (const id of op.outputs) touch(id, opIndex);
  });
  if (opCount > 0) {
    for (const id of graph.inputs) touch(id, 0);
    for (const id of graph.outputs) touch(id, lastOp);
    graph.tensors.forEach((tensor) => {
      if (tensor.variable) {
        touch(tensor.id, 0);
        touch(tensor.id, lastOp);
      }
    });
  }
  // Difference array: +bytes where a lifetime starts, -bytes just after it ends.
  const delta = new Array<number>(opCount + 1).fill(0);
  for (const [id, start] of first) {
    const bytes = tensorBytes(graph.tensors[id]);
    delta[start] += bytes;
    delta[last.get(id)! + 1] -= bytes;
  }
  const liveBytesPerOp: number[] = [];
  let running = 0;
  let peakBytes = 0;
  let peakOpIndex = -1;
  for (let opIndex = 0; opIndex < opCount; opIndex++) {
    running += delta[opIndex];
    liveBytesPerOp.push(running);
    if (running > peakBytes || peakOpIndex < 0) {
      peakBytes = running;
      peakOpIndex = opIndex;
    }
  }
  return { liveBytesPerOp, peakBytes, peakOpIndex };
}
