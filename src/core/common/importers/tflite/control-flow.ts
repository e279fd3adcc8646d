/**
 * IF and WHILE: the subgraphs they run become Graphs in the op's attributes (ops/control-flow.ts).
 * The file gives subgraph indices (IfOptions then/else, WhileOptions cond/body); each is read
 * once per use, its own control flow resolved the same way. A subgraph that (directly or through
 * others) runs itself is refused: TFLite Micro cannot run recursion in bounded memory either.
 * Subgraphs may not use resource variables (TinyDeploy keeps state in the main graph only).
 */
import type { Graph, Op } from '../../ir/types.js';
import { graphProblems } from '../../ir/validate.js';
import { hasResourceVariables, type RawSubgraph } from './resource-variables.js';

/** Builtins whose options name subgraphs, and the attributes they become. */
const subgraphAttrs: Record<string, readonly [index: string, attr: string][]> = {
  IF: [
    ['thenSubgraphIndex', 'then'],
    ['elseSubgraphIndex', 'else'],
  ],
  WHILE: [
    ['condSubgraphIndex', 'cond'],
    ['bodySubgraphIndex', 'body'],
  ],
};

export function usesSubgraphs(ops: readonly Op[]): boolean {
  return ops.some((op) => op.type in subgraphAttrs);
}

/**
 * The ops with IF/WHILE attributes holding their subgraphs as Graphs. `readSubgraph` reads a
 * subgraph of the file; `stack` is the chain of subgraphs being read (recursion check).
 */
export function attachSubgraphs(
  ops: readonly Op[],
  readSubgraph: (index: number) => RawSubgraph,
  fail: (message: string) => never,
  stack: readonly number[] = [0],
): Op[] {
  return ops.map((op, opIndex) => {
    const fields = subgraphAttrs[op.type];
    if (!fields) return op;
    const attrs: Record<string, unknown> = {};
    for (const [indexField, attr] of fields) {
      const index = (op.attrs as Record<string, number | undefined>)[indexField] ?? 0;
      if (stack.includes(index)) {
        fail(`subgraph ${stack.at(-1)} operator ${opIndex} (${op.type}) runs subgraph ${index} as ${attr}, which is already running (${[...stack, index].join(' → ')}): recursion is not supported`);
      }
      const raw = readSubgraph(index);
      if (hasResourceVariables(raw)) fail(`subgraph ${index} (${attr} of ${op.type}) uses resource variables, which TinyDeploy supports in the main subgraph only`);
      const graph: Graph = {
        name: raw.name ?? `subgraph${index}`,
        tensors: raw.tensors,
        ops: attachSubgraphs(raw.ops, readSubgraph, fail, [...stack, index]),
        inputs: raw.inputs,
        outputs: raw.outputs,
      };
      // The same invariants as the main graph (each tensor written once, before it is read, …).
      const problems = graphProblems(graph);
      if (problems.length > 0) fail(`subgraph ${index} (${attr} of ${op.type}) is invalid: ${problems.join('; ')}`);
      attrs[attr] = graph;
    }
    return { ...op, attrs } as Op;
  });
}
