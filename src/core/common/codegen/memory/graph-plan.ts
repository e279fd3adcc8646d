import { CodegenError } from '../../errors.js';
import type { Graph, Op, Tensor } from '../../ir/types.js';
import { elementCount, formatShape, tensorBytes } from '../../ir/tensor.js';
import { greedyByAreaPlanner, greedyByLifetimePlanner, greedyBySizePlanner } from './greedy.js';
import { peakLiveBytes, verifyPlan, type BufferRequest, type MemoryPlan, type MemoryPlanner, type OffsetConstraint } from './planner.js';
import { windowedOutputDelta } from './windowed.js';

/**
 * Plans the RAM of a whole graph: activations, variable state and kernel scratch, with in-place
 * reuse where the op allows it, then hands the buffers to a MemoryPlanner strategy.
 *
 * What lives in the arena:
 * - every non-constant tensor an op reads or writes, plus the graph inputs and outputs. A graph
 *   input is live from step 0 (the caller fills it before the run) and a graph output until the
 *   last step (the caller reads it after), so nothing else may take their place meanwhile;
 * - variable tensors (LSTM state), live over the whole run, so their contents survive between
 *   runs and nothing else ever shares their bytes;
 * - each op's kernel scratch buffer, live at that op's step only.
 * Constant tensors (weights, biases, shape vectors) are not planned: they stay in flash.
 *
 * In-place reuse (the output shares the input's bytes), decided op by op:
 * - `alias`: RESHAPE's output is its input reinterpreted; the op emits no code. Always taken
 *   when the input is not constant, whatever the input's other readers (nobody writes it).
 * - `overwrite`: an element-wise op (ADD, SUB, MUL, and the unary activations) writes its
 *   output into an input of the output's shape and type that is dead after the op: not a graph
 *   output, not variable, and read by no later op (through any alias). This is safe only
 *   because those kernels compute `output[i]` from `input[i]` (and the other, possibly
 *   broadcast, input) and read it before writing it, as td_kernels.h promises; a kernel that
 *   breaks that rule must be removed from `overwriteOps`.
 * - `shift`: a convolution, depthwise convolution or pooling writes its output over the part of
 *   its input it has finished reading: the output starts `delta` bytes from the input (see
 *   windowed.ts for the kernel contract and the bound). Taken when the input dies at the op
 *   under the same conditions as `overwrite`. The two buffers stay separate but move as one
 *   (an offset constraint of the planner). Chained shifts drift (each moves the output further
 *   below its input) and a rigid pair can block other buffers, so the shifts taken are searched
 *   per strategy (see planGraphMemory) and a shift that does not shrink the arena is dropped.
 * Nothing else runs in place (no concatenation, no fully connected layer).
 */

export type InPlaceKind = 'alias' | 'overwrite' | 'shift';

export interface InPlaceDecision {
  opIndex: number;
  kind: InPlaceKind;
  /** The op's output tensor that shares memory. */
  output: number;
  /** The input tensor whose bytes it takes. */
  input: number;
  /** For `shift`: the output's offset minus the input's, in bytes (≤ 0, a multiple of 16). */
  delta?: number;
}

export interface GraphMemoryOptions {
  /** The strategy (default: greedy by size, by area and by lifetime, the smallest arena wins). */
  planner?: MemoryPlanner;
  /** Scratch bytes of each op's kernel call, by op index (missing or 0: none). */
  scratchBytes?: readonly number[];
  /** In-place reuse (default true); false plans every tensor on its own (for comparison). */
  inPlace?: boolean;
  /** Output-over-input overlap of windowed ops (`shift`, default true; needs `inPlace`). */
  overlap?: boolean;
  /** Ops whose kernel call writes its output in another order, by op index: no overlap for them (OpLowering.outputApart). */
  outputApart?: readonly boolean[];
}

export interface GraphMemoryPlan {
  arenaBytes: number;
  strategy: string;
  /** Arena offset of every planned tensor, by tensor id (aliased tensors share one offset). */
  tensorOffsets: Map<number, number>;
  /** Arena offset and size of each op's scratch buffer, by op index (ops without scratch are absent). */
  scratch: Map<number, { offset: number; bytes: number }>;
  inPlace: InPlaceDecision[];
  /** The buffers handed to the planner, for reports and checks. */
  buffers: BufferRequest[];
  /** The most bytes live at one step, counting overlapped pairs in full (the lower bound of any plan without overlaps). */
  peakLiveBytes: number;
  /** Sum of the variable (state) tensors' bytes, included in the arena. */
  stateBytes: number;
}

/** The strategies tried when the caller names none (each with and without overlaps; the smallest arena wins). */
const defaultStrategies: readonly MemoryPlanner[] = [greedyBySizePlanner, greedyByAreaPlanner, greedyByLifetimePlanner];

/** Element-wise ops whose kernels may write their output over an input (see the contract above). */
export const overwriteOps: ReadonlySet<string> = new Set(['ADD', 'SUB', 'MUL', 'RELU', 'RELU6', 'LOGISTIC', 'TANH']);

/** Whether a tensor lives in the arena rather than in flash. */
export function isArenaTensor(tensor: Tensor): boolean {
  return tensor.variable === true || tensor.data === undefined;
}

/** Plans the arena of `graph` (see the module comment for what is planned and when memory is shared). */
export function planGraphMemory(graph: Graph, options: GraphMemoryOptions = {}): GraphMemoryPlan {
  const lastStep = Math.max(0, graph.ops.length - 1);
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (id: number, step: number) => {
    if (id < 0 || !isArenaTensor(graph.tensors[id])) return;
    first.set(id, Math.min(first.get(id) ?? step, step));
    last.set(id, Math.max(last.get(id) ?? step, step));
  };
  graph.inputs.forEach((id) => touch(id, 0));
  graph.ops.forEach((op, step) => {
    op.inputs.forEach((id) => touch(id, step));
    op.outputs.forEach((id) => touch(id, step));
  });
  graph.outputs.forEach((id) => touch(id, lastStep));
  for (const tensor of graph.tensors) {
    if (tensor.variable && first.has(tensor.id)) {
      first.set(tensor.id, 0);
      last.set(tensor.id, lastStep);
    }
  }
  for (const id of first.keys()) {
    const tensor = graph.tensors[id];
    if (tensor.shape.some((dim) => !Number.isInteger(dim) || dim < 0)) {
      throw new CodegenError(`tensor ${id} (${tensor.name}) has shape ${formatShape(tensor.shape)}: only static shapes can be planned`, {
        tensor: id,
      });
    }
  }

  // Union-find over tensors that share bytes; the root carries the group's span and size.
  const parent = new Map<number, number>();
  const root = (id: number): number => {
    let r = id;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  const members = new Map<number, number[]>([...first.keys()].map((id) => [id, [id]]));
  const span = (group: number) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const id of members.get(group)!) {
      lo = Math.min(lo, first.get(id)!);
      hi = Math.max(hi, last.get(id)!);
    }
    return { lo, hi };
  };
  const merge = (output: number, input: number) => {
    const into = root(input);
    const from = root(output);
    parent.set(from, into);
    members.get(into)!.push(...members.get(from)!);
    members.delete(from);
  };

  const decisions: InPlaceDecision[] = [];
  const outputs = new Set(graph.outputs);
  if (options.inPlace !== false) {
    graph.ops.forEach((op, step) => {
      const decision = inPlaceCandidate(graph, op, step, { root, members, span, outputs, first });
      if (decision) {
        merge(decision.output, decision.input);
        decisions.push(decision);
      }
    });
  }

  const buffers: BufferRequest[] = [];
  let stateBytes = 0;
  for (const [group, ids] of members) {
    const { lo, hi } = span(group);
    const size = Math.max(...ids.map((id) => tensorBytes(graph.tensors[id])));
    for (const id of ids) if (graph.tensors[id].variable) stateBytes += tensorBytes(graph.tensors[id]);
    buffers.push({ key: `t${group}`, size, firstUse: lo, lastUse: hi });
  }
  (options.scratchBytes ?? []).forEach((bytes, step) => {
    if (bytes > 0) buffers.push({ key: `scratch${step}`, size: bytes, firstUse: step, lastUse: step });
  });

  const shifts: InPlaceDecision[] = [];
  if (options.inPlace !== false && options.overlap !== false) {
    graph.ops.forEach((op, step) => {
      if (options.outputApart?.[step]) return;
      const decision = shiftCandidate(graph, op, step, { root, members, span, outputs, first });
      if (decision) shifts.push(decision);
    });
  }
  const constraintOf = (shift: InPlaceDecision): OffsetConstraint => ({
    buffer: `t${root(shift.output)}`,
    relativeTo: `t${root(shift.input)}`,
    delta: shift.delta!,
  });
  const planWith = (strategy: MemoryPlanner, chosen: readonly InPlaceDecision[]): MemoryPlan => {
    const constraints = chosen.map(constraintOf);
    const candidate = strategy.plan(buffers, constraints);
    verifyPlan(buffers, candidate, constraints);
    return candidate;
  };
  // Overlaps chain into rigid groups whose extent grows with every shift, and a rigid pair can
  // block other buffers, so which shifts to take is searched: for each strategy, forward from
  // none (largest saving first, kept when the arena does not grow) and backward from all
  // (dropped when the arena does not grow); the smallest arena wins.
  const strategies = options.planner ? [options.planner] : defaultStrategies;
  const bySaving = [...shifts].sort((a, b) => shiftSaving(graph, b) - shiftSaving(graph, a) || a.opIndex - b.opIndex);
  let best: { plan: MemoryPlan; chosen: InPlaceDecision[] } | undefined;
  for (const strategy of strategies) {
    const starts: InPlaceDecision[][] = shifts.length > 0 ? [[], bySaving] : [[]];
    for (const start of starts) {
      let chosen = start;
      let plan = planWith(strategy, chosen);
      const consider = (trialChosen: InPlaceDecision[]) => {
        const trial = planWith(strategy, trialChosen);
        if (trial.arenaBytes <= plan.arenaBytes) {
          chosen = trialChosen;
          plan = trial;
        }
      };
      if (start.length === 0) for (const shift of bySaving) consider([...chosen, shift]);
      for (const shift of [...chosen].reverse()) consider(chosen.filter((other) => other !== shift));
      if (!best || plan.arenaBytes < best.plan.arenaBytes) best = { plan, chosen };
    }
  }
  const plan = best!.plan;
  const chosen = best!.chosen;
  decisions.push(...chosen);
  decisions.sort((a, b) => a.opIndex - b.opIndex);
  const tensorOffsets = new Map<number, number>();
  for (const id of first.keys()) tensorOffsets.set(id, plan.offsets.get(`t${root(id)}`)!);
  const scratch = new Map<number, { offset: number; bytes: number }>();
  (options.scratchBytes ?? []).forEach((bytes, step) => {
    if (bytes > 0) scratch.set(step, { offset: plan.offsets.get(`scratch${step}`)!, bytes });
  });
  return {
    arenaBytes: plan.arenaBytes,
    strategy: plan.strategy,
    tensorOffsets,
    scratch,
    inPlace: decisions,
    buffers,
    peakLiveBytes: peakLiveBytes(buffers),
    stateBytes,
  };
}

interface GroupView {
  root(id: number): number;
  members: Map<number, number[]>;
  span(group: number): { lo: number; hi: number };
  outputs: ReadonlySet<number>;
  first: ReadonlyMap<number, number>;
}

/** Bytes a shift saves at its op when both buffers are otherwise placed apart. */
function shiftSaving(graph: Graph, shift: InPlaceDecision): number {
  const input = tensorBytes(graph.tensors[shift.input]);
  const output = tensorBytes(graph.tensors[shift.output]);
  return input + output - Math.max(input - shift.delta!, output);
}

/** Whether the input group `input` may be overwritten at `step`: it dies there and nothing else needs it. */
function inputDiesAt(graph: Graph, input: number, step: number, groups: GroupView): boolean {
  const group = groups.root(input);
  if (groups.members.get(group)!.some((id) => groups.outputs.has(id) || graph.tensors[id].variable)) return false;
  return groups.span(group).hi === step;
}

function shiftCandidate(graph: Graph, op: Op, step: number, groups: GroupView): InPlaceDecision | undefined {
  if (op.outputs.length !== 1) return undefined;
  const input = op.inputs[0];
  const output = op.outputs[0];
  if (input === undefined || input < 0 || !groups.first.has(input) || !groups.first.has(output)) return undefined;
  if (graph.tensors[output].variable || groups.root(input) === groups.root(output)) return undefined;
  if (!inputDiesAt(graph, input, step, groups)) return undefined;
  // The output's group must begin with this op (nothing of it is live before).
  if (groups.span(groups.root(output)).lo !== step) return undefined;
  const delta = windowedOutputDelta(graph, op);
  return delta === undefined ? undefined : { opIndex: step, kind: 'shift', output, input, delta };
}

function inPlaceCandidate(graph: Graph, op: Op, step: number, groups: GroupView): InPlaceDecision | undefined {
  if (op.outputs.length !== 1) return undefined;
  const output = op.outputs[0];
  if (!groups.first.has(output)) return undefined;
  const outputTensor = graph.tensors[output];
  if (outputTensor.variable) return undefined;

  if (op.type === 'RESHAPE') {
    const input = op.inputs[0];
    if (input === undefined || input < 0 || !groups.first.has(input)) return undefined;
    if (tensorBytes(graph.tensors[input]) !== tensorBytes(outputTensor)) return undefined;
    return { opIndex: step, kind: 'alias', output, input };
  }

  if (!overwriteOps.has(op.type)) return undefined;
  const inputs = op.inputs.filter((id) => id >= 0);
  for (const input of inputs) {
    if (!groups.first.has(input)) continue;
    const tensor = graph.tensors[input];
    if (tensor.variable || tensor.dtype !== outputTensor.dtype) continue;
    if (elementCount(tensor.shape) !== elementCount(outputTensor.shape)) continue;
    const group = groups.root(input);
    // The same buffer read twice by this op (x + x) must not be overwritten while read.
    if (inputs.filter((other) => groups.first.has(other) && groups.root(other) === group).length > 1) continue;
    if (!inputDiesAt(graph, input, step, groups)) continue;
    return { opIndex: step, kind: 'overwrite', output, input };
  }
  return undefined;
}
