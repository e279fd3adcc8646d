/**
 * fold-constants: an op whose inputs are all constant is evaluated once, here, with the host
 * interpreter's kernel for it, and replaced by its result: its output tensors become constant
 * tensors (same id, name, dtype, shape and quantization, with data) and the op is removed.
 *
 *     before                                        after
 *     %1 int8 const ─ DEQUANTIZE ─ %2 float32        %2 float32 const (= scale · (q − zeroPoint))
 *     %0 input ─ CONV_2D(%0, %2, %3) ─ %4            %0 input ─ CONV_2D(%0, %2, %3) ─ %4
 *
 *     %5 const [2,3] ─ RESHAPE ─ %6 [6]             %6 const [6] (the same values)
 *
 * Math: whatever the op's kernel computes, bit for bit (the kernels are TFLite's reference
 * arithmetic), so the graph's outputs do not change at all. One forward sweep folds chains: an
 * op whose inputs were just folded is folded in turn. The inputs that fed a folded op stay in
 * the graph; `remove-dead-code` drops them once nothing reads them.
 *
 * Preconditions: ops in execution order. Left alone, deliberately:
 * - ops with no kernel in the host interpreter, and ops whose kernel refuses their tensors
 *   (logged as a warning with the kernel's reason);
 * - ops writing a graph output (the output stays computed, so a runtime still has an op
 *   writing its output buffer) or reading a variable tensor (LSTM state is not constant);
 * - ops with no inputs at all;
 * - folds whose results would exceed the `maxBytes` option (folding a DEQUANTIZE makes int8
 *   weights four times larger in flash).
 */

import { InterpreterError } from '../errors.js';
import { allocateData, elementCount, tensorBytes } from '../ir/tensor.js';
import type { Graph, Op, Tensor, TensorData } from '../ir/types.js';
import { findKernel } from '../interp/registry.js';
import '../interp/kernels/index.js';
import { formatCounts } from './rewrite.js';
import type { PassContext } from './pass.js';
import { registerPass } from './registry.js';

export type FoldConstantsOptions = {
  /** Largest total size in bytes of one op's folded outputs; unset: no limit. */
  maxBytes?: number;
};

export function foldConstants(graph: Graph, context: PassContext<FoldConstantsOptions>): Graph {
  const maxBytes = context.options.maxBytes ?? Infinity;
  const tensors = [...graph.tensors];
  const working: Graph = { ...graph, tensors };
  const outputs = new Set(graph.outputs);
  const ops: Op[] = [];
  const folded = new Map<string, number>();
  let tooLarge = 0;
  graph.ops.forEach((op, opIndex) => {
    const result = foldable(op, tensors, outputs) ? evaluate(working, op, opIndex, maxBytes, context) : undefined;
    if (result === 'too large') tooLarge++;
    if (!result || result === 'too large') {
      ops.push(op);
      return;
    }
    op.outputs.forEach((id, i) => {
      tensors[id] = { ...tensors[id], data: result[i] };
    });
    folded.set(op.type, (folded.get(op.type) ?? 0) + 1);
  });
  if (tooLarge > 0) context.log(`left ${tooLarge} op${tooLarge === 1 ? '' : 's'} unfolded: result larger than maxBytes = ${maxBytes}`, 'warning');
  if (folded.size === 0) return graph;
  context.log(`folded ${formatCounts(folded)}`);
  return { ...working, ops };
}

function foldable(op: Op, tensors: readonly Tensor[], graphOutputs: ReadonlySet<number>): boolean {
  const present = op.inputs.filter((id) => id >= 0);
  return (
    present.length > 0 &&
    op.outputs.length > 0 &&
    present.every((id) => tensors[id].data !== undefined && !tensors[id].variable) &&
    op.outputs.every((id) => !graphOutputs.has(id) && !tensors[id].variable) &&
    findKernel(op.type) !== undefined
  );
}

/** The op's outputs computed by its kernel; undefined when the kernel refuses the op. */
function evaluate(graph: Graph, op: Op, opIndex: number, maxBytes: number, context: PassContext): TensorData[] | 'too large' | undefined {
  const bytes = op.outputs.reduce((sum, id) => sum + tensorBytes(graph.tensors[id]), 0);
  if (bytes > maxBytes) return 'too large';
  try {
    const run = findKernel(op.type)!({ graph, op, opIndex });
    const results = op.outputs.map((id) => allocateData(graph.tensors[id].dtype, elementCount(graph.tensors[id].shape)));
    run(
      op.inputs.map((id) => (id < 0 ? undefined : graph.tensors[id].data)),
      results,
    );
    return results;
  } catch (error) {
    if (!(error instanceof InterpreterError)) throw error;
    const label = `op ${opIndex} (${op.type})`;
    context.log(`not folded: ${error.message.startsWith(label) ? '' : `${label}: `}${error.message}`, 'warning');
    return undefined;
  }
}

registerPass<FoldConstantsOptions>({
  name: 'fold-constants',
  description: 'evaluates ops whose inputs are all constant with the host kernels and replaces them by constant tensors',
  requires: 'a host kernel for each op to fold (others are left alone); never folds an op writing a graph output',
  options: {
    maxBytes: { type: 'number', description: 'largest size in bytes of one folded result (default: no limit)' },
  },
  run: foldConstants,
});
