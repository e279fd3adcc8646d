import type { Graph, Op } from '../ir/types.js';

/**
 * Op order for a smaller arena. The importer's order is one topological order; in a residual
 * network a branch's op may come after the other branch although it only needs the block's input
 * (ResNet's 1x1 skip convolution after the two 3x3 convolutions), so the block's input stays live
 * beside both convolutions' outputs. Moving such an op earlier (right after the ops that produce
 * its inputs) frees the input sooner.
 *
 * Greedy: each op that could run earlier is tried at its earliest place; the move is kept when
 * `arenaOf` (the whole plan: lowerings, in-place decisions, the planner) gets smaller; repeated
 * until no move helps. Only ops without side effects are moved: a graph with variable tensors or
 * with an op outside `reorderable` keeps its order. Tensor ids are unchanged; the returned graph
 * is the one the generated code runs (its op indices are the code's).
 */

/** Ops whose only effect is writing their outputs from their inputs. */
const reorderable: ReadonlySet<string> = new Set([
  'ADD',
  'AVERAGE_POOL_2D',
  'CONCATENATION',
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'DEQUANTIZE',
  'FULLY_CONNECTED',
  'LOGISTIC',
  'MAX_POOL_2D',
  'MEAN',
  'MUL',
  'PAD',
  'QUANTIZE',
  'RELU',
  'RELU6',
  'RESHAPE',
  'SOFTMAX',
  'SUB',
  'TANH',
]);

/** The earliest index op `index` may run at: right after the last op producing one of its inputs. */
function earliest(ops: readonly Op[], index: number): number {
  const inputs = new Set(ops[index].inputs.filter((id) => id >= 0));
  let position = 0;
  for (let before = 0; before < index; before++) {
    if (ops[before].outputs.some((id) => inputs.has(id))) position = before + 1;
  }
  return position;
}

export function scheduleForArena(graph: Graph, arenaOf: (graph: Graph) => number): Graph {
  if (graph.ops.length < 3 || graph.tensors.some((tensor) => tensor.variable) || graph.ops.some((op) => !reorderable.has(op.type))) return graph;
  let best = graph;
  let bestArena: number | undefined;
  for (let improved = true; improved; ) {
    improved = false;
    for (let index = 0; index < best.ops.length; index++) {
      const to = earliest(best.ops, index);
      if (to >= index) continue;
      const ops = [...best.ops];
      const [moved] = ops.splice(index, 1);
      ops.splice(to, 0, moved);
      const trial = { ...best, ops };
      bestArena ??= arenaOf(best);
      const arena = arenaOf(trial);
      if (arena < bestArena) {
        best = trial;
        bestArena = arena;
        improved = true;
      }
    }
  }
  return best;
}
