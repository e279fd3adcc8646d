/**
 * TD_GRU ⇄ builtin TFLite ops. TFLite has no GRU: a model with TinyDeploy's fused GRU written as
 * the TD_GRU custom op runs in TinyDeploy only. `unroll-gru` writes each float TD_GRU as the
 * builtin ops TFLite runs, unrolled over time (as TFLite's converter writes a Keras GRU without
 * a GRU op); `fold-unrolled-gru` recognises that pattern (on import of a .tflite file, or as a
 * pass) and folds it back into one TD_GRU with the same weights.
 *
 * One step, for x_t the step's slice of the input and h the last state (zeros before the first):
 *
 *     x_t  = STRIDED_SLICE(x)                         time axis shrunk: [B, I]
 *     gx   = FULLY_CONNECTED(x_t, [W_r;W_z;W_n], [b_r;b_z;b_n])       [B, 3U]
 *     xr, xz, xn = SPLIT(gx, axis 1)
 *   linear_before_reset:
 *     gh   = FULLY_CONNECTED(h, [R_r;R_z;R_n], [0;0;rb_n])            [B, 3U]
 *     hr, hz, hn = SPLIT(gh, axis 1)
 *     n    = TANH(ADD(xn, MUL(r, hn)))
 *   otherwise:
 *     gh   = FULLY_CONNECTED(h, [R_r;R_z])                            [B, 2U]
 *     hr, hz = SPLIT(gh, axis 1)
 *     n    = TANH(ADD(xn, FULLY_CONNECTED(MUL(r, h), R_n)))
 *     r    = LOGISTIC(ADD(xr, hr)),  z = LOGISTIC(ADD(xz, hz))
 *     h'   = ADD(n, MUL(z, SUB(h, n)))                 = (1 − z) ⊙ n + z ⊙ h
 *
 * The steps run first to last (last to first for a reverse GRU); the states are PACKed along the
 * time axis in time order (return_sequences) or the last one is the output. The unrolled form
 * starts every run from a zero state, as TFLite runs a stateless Keras GRU: a TD_GRU keeps its
 * state across runs (streaming), so the two agree on a model's first run, or on every run when
 * the state is reset between runs. Folding gives the TD_GRU a fresh state.
 *
 * Only float32 TD_GRUs are unrolled (an integer one would need an encoding for every intermediate
 * the fused kernel keeps in int16); the others are left with a note. Folding accepts the pattern
 * as written here, each ADD and MUL in either operand order; anything else is left as it is.
 */
import type { Graph, Op, Tensor } from '../ir/types.js';
import { type GruAttrs, gruInputCount, gruInputIndex, gruOpType } from '../ops/gru-layout.js';
import { registerPass } from './registry.js';

interface Notes {
  notes: string[];
}

// ---------------------------------------------------------------- unroll

/** The graph with every float32 TD_GRU unrolled into builtin ops (the graph itself when there is none). */
export function unrollGru(graph: Graph, log: Notes = { notes: [] }): Graph {
  if (!graph.ops.some((op) => op.type === gruOpType)) return graph;
  const tensors: Tensor[] = [...graph.tensors];
  const ops: Op[] = [];
  const add = (fields: Omit<Tensor, 'id'>) => {
    tensors.push({ ...fields, id: tensors.length });
    return tensors.length - 1;
  };
  let changed = false;
  graph.ops.forEach((op, index) => {
    if (op.type !== gruOpType) return void ops.push(op);
    const x = graph.tensors[op.inputs[gruInputIndex.input]];
    if (x.dtype !== 'float32') {
      log.notes.push(`op ${index} (${gruOpType}) is ${x.dtype}: only float32 GRUs are unrolled, it stays a ${gruOpType} custom op`);
      return void ops.push(op);
    }
    changed = true;
    ops.push(...unrollOne(graph, op, add));
  });
  return changed ? { ...graph, tensors, ops } : graph;
}

function unrollOne(graph: Graph, op: Op, add: (fields: Omit<Tensor, 'id'>) => number): Op[] {
  const attrs = op.attrs as unknown as GruAttrs;
  const input = (slot: number) => (op.inputs[slot] ?? -1) >= 0 ? graph.tensors[op.inputs[slot]] : undefined;
  const floats = (slot: number, count: number) => (input(slot)?.data as Float32Array | undefined) ?? new Float32Array(count);
  const x = graph.tensors[op.inputs[gruInputIndex.input]];
  const output = graph.tensors[op.outputs[0]];
  const units = input(gruInputIndex.inputWeights.r)!.shape[0];
  const features = input(gruInputIndex.inputWeights.r)!.shape[1];
  const timeAxis = attrs.timeMajor ? 0 : 1;
  const steps = x.shape[timeAxis];
  const batch = x.shape[1 - timeAxis];
  const name = output.name;
  const lbr = attrs.linearBeforeReset;
  const stack = (slots: number[], rows: number, cols: number) => {
    const data = new Float32Array(slots.length * rows * cols);
    slots.forEach((slot, k) => data.set(floats(slot, rows * cols), k * rows * cols));
    return data;
  };
  const { inputWeights: w, recurrentWeights: r, bias: b } = gruInputIndex;
  const constant = (label: string, shape: number[], data: Float32Array | Int32Array, dtype: 'float32' | 'int32' = 'float32') => add({ name: `${name}/${label}`, shape, dtype, data });
  const wx = constant('input_weights', [3 * units, features], stack([w.r, w.z, w.n], units, features));
  const bx = constant('input_bias', [3 * units], stack([b.r, b.z, b.n], units, 1));
  const recurrentGates = lbr ? [r.r, r.z, r.n] : [r.r, r.z];
  const wh = constant('recurrent_weights', [recurrentGates.length * units, units], stack(recurrentGates, units, units));
  let bh = -1;
  if (lbr) {
    const data = new Float32Array(3 * units);
    data.set(floats(gruInputIndex.recurrentNBias, units), 2 * units);
    bh = constant('recurrent_bias', [3 * units], data);
  }
  const rn = lbr ? -1 : op.inputs[r.n];
  const axisOne = constant('split_axis', [], Int32Array.of(1), 'int32');
  const h0 = constant('initial_state', [batch, units], new Float32Array(batch * units));
  const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };
  const ops: Op[] = [];
  const states: number[] = new Array<number>(steps);
  let h = h0;
  for (let k = 0; k < steps; k++) {
    const t = attrs.reverse ? steps - 1 - k : k;
    const last = k === steps - 1;
    const step = `${name}/step${t}`;
    const activation = (label: string, width = units) => add({ name: `${step}/${label}`, shape: [batch, width], dtype: 'float32' });
    const begin = [0, 0, 0];
    begin[timeAxis] = t;
    const end = [...x.shape];
    end[timeAxis] = t + 1;
    const vector = (label: string, values: number[]) => add({ name: `${step}/${label}`, shape: [3], dtype: 'int32', data: Int32Array.from(values) });
    const xt = add({ name: `${step}/x`, shape: [batch, features], dtype: 'float32' });
    ops.push({
      type: 'STRIDED_SLICE',
      inputs: [x.id, vector('begin', begin), vector('end', end), vector('strides', [1, 1, 1])],
      outputs: [xt],
      attrs: { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 1 << timeAxis, offset: false },
    } as Op);
    const gx = activation('gx', 3 * units);
    ops.push({ type: 'FULLY_CONNECTED', inputs: [xt, wx, bx], outputs: [gx], attrs: fc } as Op);
    const gh = activation('gh', recurrentGates.length * units);
    ops.push({ type: 'FULLY_CONNECTED', inputs: [h, wh, bh], outputs: [gh], attrs: fc } as Op);
    const [xr, xz, xn] = ['xr', 'xz', 'xn'].map((label) => activation(label));
    ops.push({ type: 'SPLIT', inputs: [axisOne, gx], outputs: [xr, xz, xn], attrs: { numSplits: 3 } } as Op);
    const hParts = (lbr ? ['hr', 'hz', 'hn'] : ['hr', 'hz']).map((label) => activation(label));
    ops.push({ type: 'SPLIT', inputs: [axisOne, gh], outputs: hParts, attrs: { numSplits: hParts.length } } as Op);
    const binary = (type: string, a: number, bTensor: number, label: string) => {
      const out = activation(label);
      ops.push({ type, inputs: [a, bTensor], outputs: [out], attrs: { activation: 'none' } } as Op);
      return out;
    };
    const unary = (type: string, a: number, label: string) => {
      const out = activation(label);
      ops.push({ type, inputs: [a], outputs: [out], attrs: {} } as Op);
      return out;
    };
    const rGate = unary('LOGISTIC', binary('ADD', xr, hParts[0], 'r_sum'), 'r');
    const zGate = unary('LOGISTIC', binary('ADD', xz, hParts[1], 'z_sum'), 'z');
    let recurrentN: number;
    if (lbr) {
      recurrentN = binary('MUL', rGate, hParts[2], 'r_hn');
    } else {
      const reset = binary('MUL', rGate, h, 'r_h');
      recurrentN = activation('rn_r_h');
      ops.push({ type: 'FULLY_CONNECTED', inputs: [reset, rn, -1], outputs: [recurrentN], attrs: fc } as Op);
    }
    const n = unary('TANH', binary('ADD', xn, recurrentN, 'n_sum'), 'n');
    const update = binary('MUL', zGate, binary('SUB', h, n, 'h_minus_n'), 'z_h_minus_n');
    const next = last && !attrs.returnSequences ? output.id : activation('h');
    ops.push({ type: 'ADD', inputs: [n, update], outputs: [next], attrs: { activation: 'none' } } as Op);
    states[t] = next;
    h = next;
  }
  if (attrs.returnSequences) ops.push({ type: 'PACK', inputs: states, outputs: [output.id], attrs: { axis: timeAxis, valuesCount: steps } } as Op);
  return ops;
}

// ---------------------------------------------------------------- fold

interface Step {
  /** Ops of the step (slice included). */
  ops: number[];
  x: number;
  t: number;
  timeAxis: number;
  /** Input projection weights and bias ([3U, I], [3U] or -1). */
  wx: number;
  bx: number;
  /** Recurrent weights ([3U, U] or [2U, U]), their bias (or -1), R_n when not linear_before_reset. */
  wh: number;
  bh: number;
  rn: number;
  lbr: boolean;
  h: number;
  next: number;
}

class View {
  readonly producer = new Map<number, number>();
  readonly readers = new Map<number, number[]>();
  readonly outputs: Set<number>;
  constructor(readonly graph: Graph) {
    graph.ops.forEach((op, index) => {
      for (const id of op.outputs) this.producer.set(id, index);
      for (const id of op.inputs) if (id >= 0) this.readers.set(id, [...(this.readers.get(id) ?? []), index]);
    });
    this.outputs = new Set(graph.outputs);
  }
  op(index: number | undefined): Op | undefined {
    return index === undefined ? undefined : this.graph.ops[index];
  }
  /** The one op reading tensor, when exactly one does and it is not a graph output. */
  soleReader(tensor: number): number | undefined {
    const readers = this.readers.get(tensor) ?? [];
    return readers.length === 1 && !this.outputs.has(tensor) ? readers[0] : undefined;
  }
  constant(tensor: number): Tensor | undefined {
    const t = tensor >= 0 ? this.graph.tensors[tensor] : undefined;
    return t?.data && t.dtype === 'float32' && !t.variable ? t : undefined;
  }
}

/** Matches one unrolled step from its input projection (FULLY_CONNECTED of a time slice). */
function matchStep(view: View, fcIndex: number): Step | undefined {
  const { graph } = view;
  const gxOp = graph.ops[fcIndex];
  if (gxOp.type !== 'FULLY_CONNECTED' || (gxOp.attrs as { activation?: string }).activation !== 'none') return undefined;
  const sliceIndex = view.producer.get(gxOp.inputs[0]);
  const slice = view.op(sliceIndex);
  if (slice?.type !== 'STRIDED_SLICE' || view.soleReader(gxOp.inputs[0]) !== fcIndex) return undefined;
  const x = graph.tensors[slice.inputs[0]];
  const sliceAttrs = slice.attrs as { shrinkAxisMask: number; beginMask: number; endMask: number; ellipsisMask: number; newAxisMask: number };
  if (x.shape.length !== 3 || sliceAttrs.beginMask || sliceAttrs.endMask || sliceAttrs.ellipsisMask || sliceAttrs.newAxisMask) return undefined;
  const timeAxis = sliceAttrs.shrinkAxisMask === 1 ? 0 : sliceAttrs.shrinkAxisMask === 2 ? 1 : -1;
  if (timeAxis < 0) return undefined;
  const begin = graph.tensors[slice.inputs[1]]?.data;
  const end = graph.tensors[slice.inputs[2]]?.data;
  const strides = graph.tensors[slice.inputs[3]]?.data;
  if (!begin || !end || !strides || Array.from(strides as Int32Array).some((s) => Number(s) !== 1)) return undefined;
  // The whole batch and every feature of one step.
  const other = 1 - timeAxis;
  if (Number(begin[other]) !== 0 || Number(begin[2]) !== 0 || Number(end[other]) !== x.shape[other] || Number(end[2]) !== x.shape[2]) return undefined;
  const wx = view.constant(gxOp.inputs[1]);
  if (!wx || wx.shape[0] % 3 !== 0) return undefined;
  const units = wx.shape[0] / 3;
  const bx = gxOp.inputs[2] ?? -1;
  if (bx >= 0 && !view.constant(bx)) return undefined;
  const splitX = view.op(view.soleReader(gxOp.outputs[0]));
  if (splitX?.type !== 'SPLIT' || splitX.outputs.length !== 3 || Number(graph.tensors[splitX.inputs[0]].data?.[0]) !== 1) return undefined;
  const [xr, xz, xn] = splitX.outputs;
  const ops = [sliceIndex!, fcIndex, view.producer.get(splitX.outputs[0])!];
  // r and z: LOGISTIC(ADD(x part, h part)), the h parts from one SPLIT of the recurrent projection.
  const gate = (part: number): { gate: number; other: number } | undefined => {
    const addIndex = view.soleReader(part);
    const addOp = view.op(addIndex);
    if (addOp?.type !== 'ADD' || (addOp.attrs as { activation?: string }).activation !== 'none') return undefined;
    const other = addOp.inputs[0] === part ? addOp.inputs[1] : addOp.inputs[0];
    const sigmoidIndex = view.soleReader(addOp.outputs[0]);
    const sigmoid = view.op(sigmoidIndex);
    if (sigmoid?.type !== 'LOGISTIC') return undefined;
    ops.push(addIndex!, sigmoidIndex!);
    return { gate: sigmoid.outputs[0], other };
  };
  const rMatch = gate(xr);
  const zMatch = gate(xz);
  if (!rMatch || !zMatch) return undefined;
  const splitHIndex = view.producer.get(rMatch.other);
  const splitH = view.op(splitHIndex);
  if (splitH?.type !== 'SPLIT' || splitH.outputs[0] !== rMatch.other || splitH.outputs[1] !== zMatch.other) return undefined;
  const lbr = splitH.outputs.length === 3;
  if (!lbr && splitH.outputs.length !== 2) return undefined;
  const ghIndex = view.producer.get(splitH.inputs[1]);
  const ghOp = view.op(ghIndex);
  if (ghOp?.type !== 'FULLY_CONNECTED' || (ghOp.attrs as { activation?: string }).activation !== 'none' || view.soleReader(ghOp.outputs[0]) !== splitHIndex) return undefined;
  const wh = view.constant(ghOp.inputs[1]);
  if (!wh || wh.shape[0] !== splitH.outputs.length * units || wh.shape[1] !== units) return undefined;
  const bh = ghOp.inputs[2] ?? -1;
  if (bh >= 0 && !view.constant(bh)) return undefined;
  const h = ghOp.inputs[0];
  ops.push(ghIndex!, splitHIndex!);
  // n = TANH(ADD(xn, recurrent n term)).
  const nAddIndex = view.soleReader(xn);
  const nAdd = view.op(nAddIndex);
  if (nAdd?.type !== 'ADD' || (nAdd.attrs as { activation?: string }).activation !== 'none') return undefined;
  const recurrentN = nAdd.inputs[0] === xn ? nAdd.inputs[1] : nAdd.inputs[0];
  const termIndex = view.producer.get(recurrentN);
  const term = view.op(termIndex);
  let rn = -1;
  const isMul = (op: Op | undefined, a: number, b: number) => op?.type === 'MUL' && (op.attrs as { activation?: string }).activation === 'none' && ((op.inputs[0] === a && op.inputs[1] === b) || (op.inputs[0] === b && op.inputs[1] === a));
  if (lbr) {
    if (!isMul(term, rMatch.gate, splitH.outputs[2])) return undefined;
    ops.push(termIndex!);
  } else {
    if (term?.type !== 'FULLY_CONNECTED' || (term.attrs as { activation?: string }).activation !== 'none' || (term.inputs[2] ?? -1) >= 0) return undefined;
    const rnTensor = view.constant(term.inputs[1]);
    const resetIndex = view.producer.get(term.inputs[0]);
    if (!rnTensor || !isMul(view.op(resetIndex), rMatch.gate, h)) return undefined;
    rn = rnTensor.id;
    ops.push(resetIndex!, termIndex!);
  }
  const tanhIndex = view.soleReader(nAdd.outputs[0]);
  const tanh = view.op(tanhIndex);
  if (tanh?.type !== 'TANH') return undefined;
  ops.push(nAddIndex!, tanhIndex!);
  const n = tanh.outputs[0];
  // h' = ADD(n, MUL(z, SUB(h, n))).
  const nReaders = view.readers.get(n) ?? [];
  const subIndex = nReaders.find((i) => graph.ops[i].type === 'SUB');
  const sub = view.op(subIndex);
  if (!sub || sub.inputs[0] !== h || sub.inputs[1] !== n) return undefined;
  const mulIndex = view.soleReader(sub.outputs[0]);
  const mul = view.op(mulIndex);
  if (!isMul(mul, zMatch.gate, sub.outputs[0])) return undefined;
  const outIndex = view.soleReader(mul!.outputs[0]);
  const out = view.op(outIndex);
  if (out?.type !== 'ADD' || (out.attrs as { activation?: string }).activation !== 'none' || !((out.inputs[0] === n && out.inputs[1] === mul!.outputs[0]) || (out.inputs[1] === n && out.inputs[0] === mul!.outputs[0]))) return undefined;
  if (nReaders.length !== 2 || !nReaders.includes(outIndex!)) return undefined;
  ops.push(subIndex!, mulIndex!, outIndex!);
  // Every tensor made inside the step is read inside it only.
  const inside = new Set(ops);
  for (const index of ops) {
    for (const id of graph.ops[index].outputs) {
      if (index === outIndex) continue;
      if (view.outputs.has(id) || (view.readers.get(id) ?? []).some((reader) => !inside.has(reader))) return undefined;
    }
  }
  return { ops, x: x.id, t: Number(begin[timeAxis]), timeAxis, wx: wx.id, bx, wh: wh.id, bh, rn, lbr, h, next: out.outputs[0] };
}

/** The graph with every unrolled GRU (the pattern `unrollGru` writes) folded into one TD_GRU. */
export function foldUnrolledGru(graph: Graph, log: Notes = { notes: [] }): Graph {
  if (!graph.ops.some((op) => op.type === 'SPLIT')) return graph;
  const view = new View(graph);
  const steps: Step[] = [];
  graph.ops.forEach((op, index) => {
    if (op.type !== 'FULLY_CONNECTED') return;
    const step = matchStep(view, index);
    if (step) steps.push(step);
  });
  if (steps.length === 0) return graph;
  const byNextState = new Map(steps.map((step) => [step.h, step]));
  const removed = new Set<number>();
  const replacements = new Map<number, Op>();
  const tensors: Tensor[] = [...graph.tensors];
  const add = (fields: Omit<Tensor, 'id'>) => {
    tensors.push({ ...fields, id: tensors.length });
    return tensors.length - 1;
  };
  for (const first of steps) {
    // A chain starts from a zero constant state.
    const initial = view.constant(first.h);
    if (!initial || (initial.data as Float32Array).some((v) => v !== 0)) continue;
    const chain = [first];
    for (;;) {
      const next = byNextState.get(chain[chain.length - 1].next);
      if (!next) break;
      chain.push(next);
    }
    const x = graph.tensors[first.x];
    const count = x.shape[first.timeAxis];
    if (chain.length !== count) continue;
    const reverse = count > 1 && chain[1].t < chain[0].t;
    const same = (s: Step) => s.x === first.x && s.timeAxis === first.timeAxis && s.wx === first.wx && s.bx === first.bx && s.wh === first.wh && s.bh === first.bh && s.rn === first.rn && s.lbr === first.lbr;
    if (!chain.every((s, k) => same(s) && s.t === (reverse ? count - 1 - k : k))) continue;
    // Intermediate states: read by the next step and at most a PACK of all states in time order.
    const states = [...chain].sort((a, b) => a.t - b.t).map((s) => s.next);
    const last = chain[chain.length - 1].next;
    const packReaders = (view.readers.get(states[0]) ?? []).filter((i) => graph.ops[i].type === 'PACK');
    const pack = packReaders.length === 1 ? graph.ops[packReaders[0]] : undefined;
    const packed = pack !== undefined && pack.inputs.length === count && pack.inputs.every((id, k) => id === states[k]) && (pack.attrs as { axis: number }).axis === first.timeAxis;
    const stepOps = new Set(chain.flatMap((s) => s.ops));
    const allowed = (id: number, reader: number) => stepOps.has(reader) || (packed && reader === packReaders[0]) || (!packed && id === last);
    if (!chain.every((s) => (view.readers.get(s.next) ?? []).every((reader) => allowed(s.next, reader)))) continue;
    if (!packed && chain.slice(0, -1).some((s) => view.outputs.has(s.next))) continue;
    if (packed && chain.some((s) => view.outputs.has(s.next))) continue;
    // The TD_GRU's parameters, sliced out of the stacked weights.
    const wx = graph.tensors[first.wx];
    const wh = graph.tensors[first.wh];
    const units = wx.shape[0] / 3;
    const features = wx.shape[1];
    const batch = x.shape[1 - first.timeAxis];
    const name = graph.tensors[packed ? pack!.outputs[0] : last].name;
    const rows = (tensor: Tensor | undefined, gate: number, cols: number) => {
      const values = new Float32Array(units * cols);
      if (tensor) values.set((tensor.data as Float32Array).subarray(gate * units * cols, (gate + 1) * units * cols));
      return values;
    };
    const constant = (label: string, shape: number[], data: Float32Array) => add({ name: `${name}/${label}`, shape, dtype: 'float32', data });
    const bx = first.bx >= 0 ? graph.tensors[first.bx] : undefined;
    const bh = first.bh >= 0 ? graph.tensors[first.bh] : undefined;
    const inputs = new Array<number>(gruInputCount).fill(-1);
    inputs[gruInputIndex.input] = first.x;
    (['r', 'z', 'n'] as const).forEach((g, k) => {
      inputs[gruInputIndex.inputWeights[g]] = constant(`W_${g}`, [units, features], rows(wx, k, features));
      const recurrent = g === 'n' && !first.lbr ? graph.tensors[first.rn] : wh;
      inputs[gruInputIndex.recurrentWeights[g]] = constant(`R_${g}`, [units, units], g === 'n' && !first.lbr ? rows(recurrent, 0, units) : rows(recurrent, k, units));
      const bias = rows(bx, k, 1);
      // Recurrent biases of r and z (and of n without linear_before_reset, which has none here) add to the same sums.
      if (g !== 'n' && bh) {
        const extra = rows(bh, k, 1);
        for (let u = 0; u < units; u++) bias[u] = Math.fround(bias[u] + extra[u]);
      }
      inputs[gruInputIndex.bias[g]] = constant(`b_${g}`, [units], bias);
    });
    if (first.lbr) inputs[gruInputIndex.recurrentNBias] = constant('rb_n', [units], rows(bh, 2, 1));
    const state = add({ name: `${name}/hidden_state`, shape: [batch, units], dtype: 'float32', variable: true });
    inputs[gruInputIndex.hiddenState] = state;
    const attrs: GruAttrs = { linearBeforeReset: first.lbr, timeMajor: first.timeAxis === 0, reverse, returnSequences: packed };
    const gru = { type: gruOpType, inputs, outputs: [packed ? pack!.outputs[0] : last], attrs } as unknown as Op;
    const position = Math.min(...stepOps);
    for (const index of stepOps) removed.add(index);
    if (packed) removed.add(packReaders[0]);
    replacements.set(position, gru);
    log.notes.push(`folded ${count} unrolled GRU steps (${stepOps.size + (packed ? 1 : 0)} ops) into one ${gruOpType}${reverse ? ' (reverse)' : ''}`);
  }
  if (replacements.size === 0) return graph;
  const ops = graph.ops.flatMap((op, index) => (replacements.has(index) ? [replacements.get(index)!] : removed.has(index) ? [] : [op]));
  // Tensors only the removed ops used are dropped, the others renumbered.
  const used = new Set<number>([...graph.inputs, ...graph.outputs, ...ops.flatMap((op) => [...op.inputs, ...op.outputs])]);
  const renumber = new Map<number, number>();
  const kept: Tensor[] = [];
  for (const tensor of tensors) {
    if (!used.has(tensor.id)) continue;
    renumber.set(tensor.id, kept.length);
    kept.push({ ...tensor, id: kept.length });
  }
  const map = (id: number) => (id < 0 ? id : renumber.get(id)!);
  return {
    ...graph,
    tensors: kept,
    ops: ops.map((op) => ({ ...op, inputs: op.inputs.map(map), outputs: op.outputs.map(map) }) as Op),
    inputs: graph.inputs.map(map),
    outputs: graph.outputs.map(map),
  };
}

registerPass({
  name: 'unroll-gru',
  description: 'writes each float32 TD_GRU as builtin TFLite ops unrolled over time (FULLY_CONNECTED, SPLIT, ADD, MUL, SUB, LOGISTIC, TANH, PACK), so TFLite runs the model',
  requires: 'float32 GRUs (integer ones stay TD_GRU); the unrolled form starts each run from a zero state',
  run(graph, context) {
    const log = { notes: [] as string[] };
    const result = unrollGru(graph, log);
    for (const note of log.notes) context.log(note, 'warning');
    if (result !== graph) context.log(`unrolled ${graph.ops.filter((op) => op.type === gruOpType).length - result.ops.filter((op) => op.type === gruOpType).length} GRU(s) into builtin ops`);
    return result;
  },
});

registerPass({
  name: 'fold-unrolled-gru',
  description: 'folds a GRU unrolled over time into builtin ops (the pattern unroll-gru writes) back into one TD_GRU',
  requires: 'the unrolled pattern exactly, starting from a zero state; anything else is left as it is',
  run(graph, context) {
    const log = { notes: [] as string[] };
    const result = foldUnrolledGru(graph, log);
    for (const note of log.notes) context.log(note);
    return result;
  },
});
