/**
 * Local rewrites as rules indexed by op type, after ONNX Runtime's `RewriteRule`: a rule names
 * the op types it looks at, `match` is a cheap test that changes nothing, and `apply` edits
 * the graph around the op and reports whether it changed anything. `applyRewriteRules` visits
 * every op in execution order, tries the rules registered for its type, and sweeps again until
 * a sweep changes nothing.
 *
 * Rules edit a `GraphEditor`: a working copy that shares every tensor, op and typed array of
 * the input graph until one is replaced, keeps producer and consumer indices up to date, and
 * turns back into a plain graph at the end. Removed ops leave a hole until then, so op indices
 * stay stable during a sweep. Tensors that lose their last user stay in the graph (the
 * `remove-dead-code` pass drops them and renumbers), which keeps tensor ids stable too. Rules
 * replace and remove ops but do not insert them: a rewrite that adds ops (inserting QUANTIZE
 * ops, splitting an op) is a whole-graph pass.
 */

import { PassError } from '../errors.js';
import type { Graph, Op, Tensor } from '../ir/types.js';
import type { PassContext } from './pass.js';

/** Read-only queries on a graph being rewritten: what `match` may look at. */
export interface GraphView {
  /** Number of op slots (removed ops leave empty slots until the end). */
  readonly opCount: number;
  tensor(id: number): Tensor;
  /** The op at `index`, or undefined when a rule removed it. */
  op(index: number): Op | undefined;
  /** Index of the op that writes `tensorId`, if any. */
  producer(tensorId: number): number | undefined;
  /** Indices of the ops that read `tensorId`, in execution order (an op reading it twice counts once). */
  consumers(tensorId: number): readonly number[];
  isGraphInput(tensorId: number): boolean;
  isGraphOutput(tensorId: number): boolean;
  /** Holds constant data (weights, shape vectors); variable tensors are state, not constants. */
  isConstant(tensorId: number): boolean;
}

/**
 * A local rewrite. `match` must be cheap and must not change anything; `apply` is called only
 * after `match` returned true, keeps ops in execution order (a tensor is written before it is
 * read) and returns whether it changed the graph.
 */
export interface RewriteRule {
  /** kebab-case, for logs: "fuse-activation: fuse-into-producer ×3". */
  readonly name: string;
  /** The op types whose ops the rule is tried on. */
  readonly opTypes: readonly string[];
  match(graph: GraphView, opIndex: number): boolean;
  apply(graph: GraphEditor, opIndex: number): boolean;
}

/** A working copy of a graph for rewrite rules; see the module comment. */
export class GraphEditor implements GraphView {
  private readonly source: Graph;
  private readonly tensors: Tensor[];
  private readonly ops: (Op | undefined)[];
  private readonly outputs: number[];
  private readonly inputSet: ReadonlySet<number>;
  private readonly producers = new Map<number, number>();
  private readonly readers = new Map<number, Set<number>>();
  private edited = false;

  constructor(graph: Graph) {
    this.source = graph;
    this.tensors = [...graph.tensors];
    this.ops = [...graph.ops];
    this.outputs = [...graph.outputs];
    this.inputSet = new Set(graph.inputs);
    this.ops.forEach((op, index) => this.index(op!, index));
  }

  get opCount(): number {
    return this.ops.length;
  }

  /** Whether any edit was made (`toGraph` returns the input graph itself otherwise). */
  get changed(): boolean {
    return this.edited;
  }

  tensor(id: number): Tensor {
    const tensor = this.tensors[id];
    if (!tensor) throw new PassError(`tensor ${id} does not exist (graph has ${this.tensors.length} tensors)`);
    return tensor;
  }

  op(index: number): Op | undefined {
    return this.ops[index];
  }

  producer(tensorId: number): number | undefined {
    return this.producers.get(tensorId);
  }

  consumers(tensorId: number): readonly number[] {
    const readers = this.readers.get(tensorId);
    return readers ? [...readers].sort((a, b) => a - b) : [];
  }

  isGraphInput(tensorId: number): boolean {
    return this.inputSet.has(tensorId);
  }

  isGraphOutput(tensorId: number): boolean {
    return this.outputs.includes(tensorId);
  }

  isConstant(tensorId: number): boolean {
    const tensor = this.tensor(tensorId);
    return tensor.data !== undefined && !tensor.variable;
  }

  /** Puts `op` in the slot at `index` (a new object: the old op is never modified). */
  replaceOp(index: number, op: Op): void {
    const old = this.ops[index];
    if (!old) throw new PassError(`op ${index} was removed or does not exist`);
    this.unindex(old, index);
    this.ops[index] = op;
    this.index(op, index);
    this.edited = true;
  }

  removeOp(index: number): void {
    const old = this.ops[index];
    if (!old) throw new PassError(`op ${index} was removed or does not exist`);
    this.unindex(old, index);
    this.ops[index] = undefined;
    this.edited = true;
  }

  /** Replaces the tensor with the same id (new shape, dtype, data, quantization, name). */
  setTensor(tensor: Tensor): void {
    this.tensor(tensor.id);
    this.tensors[tensor.id] = tensor;
    this.edited = true;
  }

  /** Appends a tensor and returns its id. */
  addTensor(fields: Omit<Tensor, 'id'>): number {
    const id = this.tensors.length;
    this.tensors.push({ ...fields, id });
    this.edited = true;
    return id;
  }

  /**
   * Makes every reader of `from` read `to` instead: op inputs and graph outputs. The caller
   * makes sure `to` is written before those readers run.
   */
  replaceUses(from: number, to: number): void {
    for (const index of this.consumers(from)) {
      const op = this.ops[index]!;
      this.replaceOp(index, { ...op, inputs: op.inputs.map((id) => (id === from ? to : id)) } as Op);
    }
    if (this.outputs.includes(from)) {
      this.outputs.forEach((id, i) => {
        if (id === from) this.outputs[i] = to;
      });
      this.edited = true;
    }
  }

  /** The edited graph with removed ops dropped; the input graph itself when nothing changed. */
  toGraph(): Graph {
    if (!this.edited) return this.source;
    return {
      ...this.source,
      tensors: [...this.tensors],
      ops: this.ops.filter((op): op is Op => op !== undefined),
      outputs: [...this.outputs],
    };
  }

  private index(op: Op, index: number): void {
    for (const id of op.inputs) {
      if (id < 0) continue;
      let readers = this.readers.get(id);
      if (!readers) this.readers.set(id, (readers = new Set()));
      readers.add(index);
    }
    for (const id of op.outputs) this.producers.set(id, index);
  }

  private unindex(op: Op, index: number): void {
    for (const id of op.inputs) this.readers.get(id)?.delete(index);
    for (const id of op.outputs) if (this.producers.get(id) === index) this.producers.delete(id);
  }
}

/** How many times each rule changed the graph. */
export type RuleCounts = Map<string, number>;

/** Sweeps after which a rule set that still changes the graph is taken to be looping. */
const MAX_SWEEPS = 64;

/**
 * Applies `rules` over the graph until a sweep changes nothing (see the module comment) and
 * logs how often each rule applied. Returns the input graph itself when no rule applied.
 * Throws when the rules are still changing the graph after 64 sweeps (two rules undoing each
 * other), naming them.
 */
export function applyRewriteRules(graph: Graph, rules: readonly RewriteRule[], context: Pick<PassContext, 'signal' | 'log'>): { graph: Graph; counts: RuleCounts } {
  const byType = new Map<string, RewriteRule[]>();
  for (const rule of rules) {
    for (const type of rule.opTypes) byType.set(type, [...(byType.get(type) ?? []), rule]);
  }
  const editor = new GraphEditor(graph);
  const counts: RuleCounts = new Map();
  for (let sweep = 0; ; sweep++) {
    context.signal.throwIfAborted();
    const appliedThisSweep = new Set<string>();
    for (let index = 0; index < editor.opCount; index++) {
      for (const rule of byType.get(editor.op(index)?.type ?? '') ?? []) {
        if (!editor.op(index)) break;
        if (rule.match(editor, index) && rule.apply(editor, index)) {
          counts.set(rule.name, (counts.get(rule.name) ?? 0) + 1);
          appliedThisSweep.add(rule.name);
        }
      }
    }
    if (appliedThisSweep.size === 0) break;
    if (sweep + 1 >= MAX_SWEEPS) {
      throw new PassError(`rules still changing the graph after ${MAX_SWEEPS} sweeps: ${[...appliedThisSweep].join(', ')}`);
    }
  }
  if (counts.size > 0) context.log(formatCounts(counts));
  return { graph: editor.toGraph(), counts };
}

/** "fuse-into-producer ×3, collapse-reshape-chain ×1". */
export function formatCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([name, count]) => `${name} ×${count}`).join(', ');
}
