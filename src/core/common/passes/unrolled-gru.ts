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
 * An int8 TD_GRU is unrolled into int8 builtin ops (`unrollInt8`: one FULLY_CONNECTED per gate
 * with the TD_GRU's own int8 weights and int32 biases, no SPLIT; the encodings in
 * `unrolledInt8Scales`), which TFLite and TFLite Micro run. Its arithmetic is not the fused
 * kernel's: the fused int8 GRU keeps its gate sums in Q3.12 and its state in Q0.15, the unrolled
 * one rounds both to int8 every step, so its states differ from TD_GRU's by a few output steps
 * (up to 10 on the ONNX fixture and the search's freshly initialised GRUs, unrolled-gru.test.ts;
 * on a trained activity GRU 1.6 on average, but in 12% of the windows the state, near a boundary
 * between the stable states such a GRU holds, settles in another one, with the same accuracy:
 * qat-int8-gru.test.ts). For the
 * same reason no int8 pattern is folded back on import: a TD_GRU would compute something else than
 * the file, so the int8 builtin graph stays as it is, and the interpreter, the generated C and the
 * boards run it bit-exact as TFLite Micro's reference kernels do (TFLite's own XNNPACK rounds the
 * ties of its int8 MUL otherwise). Other types are left with a note. Folding accepts the float
 * pattern as written here, each ADD and MUL in either operand order; anything else is left as it is.
 */
import type { Graph, Op, Tensor } from '../ir/types.js';
import { roundHalfAwayFromZero } from '../ops/fixed-point.js';
import { gruStateScale } from '../ops/gru.js';
import { type GruAttrs, gruInputCount, gruInputIndex, gruOpType } from '../ops/gru-layout.js';
import { registerPass } from './registry.js';

interface Notes {
  notes: string[];
}

// ---------------------------------------------------------------- unroll

/** The graph with every float32 and int8 TD_GRU unrolled into builtin ops (the graph itself when there is none). */
export function unrollGru(graph: Graph, log: Notes = { notes: [] }, scales: UnrolledInt8Scales = unrolledInt8Scales): Graph {
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
    if (x.dtype !== 'float32' && x.dtype !== 'int8') {
      log.notes.push(`op ${index} (${gruOpType}) is ${x.dtype}: only float32 and int8 GRUs are unrolled, it stays a ${gruOpType} custom op`);
      return void ops.push(op);
    }
    changed = true;
    ops.push(...(x.dtype === 'int8' ? unrollInt8(graph, op, add, scales) : unrollOne(graph, op, add)));
  });
  return changed ? { ...graph, tensors, ops } : graph;
}

/**
 * x_t, time step t of x (`step` names its tensors): a tensor described by `fields`, cut from x by a
 * STRIDED_SLICE pushed on `ops` (the tensor is added before the slice's begin, end and strides).
 */
function sliceTimeStep(
  x: Tensor,
  timeAxis: number,
  t: number,
  step: string,
  fields: Omit<Tensor, 'id' | 'name'>,
  add: (fields: Omit<Tensor, 'id'>) => number,
  ops: Op[],
): number {
  const begin = [0, 0, 0];
  begin[timeAxis] = t;
  const end = [...x.shape];
  end[timeAxis] = t + 1;
  const vector = (label: string, values: number[]) => add({ name: `${step}/${label}`, shape: [3], dtype: 'int32', data: Int32Array.from(values) });
  const xt = add({ name: `${step}/x`, ...fields });
  ops.push({
    type: 'STRIDED_SLICE',
    inputs: [x.id, vector('begin', begin), vector('end', end), vector('strides', [1, 1, 1])],
    outputs: [xt],
    attrs: { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 1 << timeAxis, offset: false },
  } as Op);
  return xt;
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
    const xt = sliceTimeStep(x, timeAxis, t, step, { shape: [batch, features], dtype: 'float32' }, add, ops);
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

/**
 * The encodings of the int8 unrolled form. The r and z sums are int8 in Q3.4 (scale 2^-4, zero point
 * 0): the range [−8, 8) of the fused kernel's Q3.12 sums at 8 fractional bits fewer; the n sum and
 * its terms Q2.5 (tanh has reached 0.9993 at 4, and its slope is four times σ's). LOGISTIC and
 * TANH outputs take TFLite's fixed int8 encodings; h − n and z ⊙ (h − n), within (−2, 2), 2^-6;
 * r ⊙ h (without linear_before_reset), within (−1, 1), 2^-7; the state is the output's encoding.
 */
export interface UnrolledInt8Scales {
  /** The r and z products (each FULLY_CONNECTED) and their sums. */
  gateTerm: number;
  gateSum: number;
  /** The n products and r ⊙ (R_n·h + rb_n), and the n sum. */
  newTerm: number;
  newSum: number;
  difference: number;
  resetState: number;
}

export const unrolledInt8Scales: UnrolledInt8Scales = { gateTerm: 2 ** -4, gateSum: 2 ** -4, newTerm: 2 ** -5, newSum: 2 ** -5, difference: 2 ** -6, resetState: 2 ** -7 };

/**
 * One int8 TD_GRU as int8 builtin ops (the file comment's step, with one FULLY_CONNECTED per gate
 * instead of a stacked one and a SPLIT: each gate keeps its own weight scale, and the weights and
 * biases are the TD_GRU's own tensors). The state is int8 in the output's encoding, so each step
 * rounds it to the output's grid where the fused kernel keeps Q0.15: the two are close, not equal.
 */
function unrollInt8(graph: Graph, op: Op, add: (fields: Omit<Tensor, 'id'>) => number, scales: UnrolledInt8Scales): Op[] {
  const attrs = op.attrs as unknown as GruAttrs;
  const x = graph.tensors[op.inputs[gruInputIndex.input]];
  const output = graph.tensors[op.outputs[0]];
  const outputQ = output.quantization!;
  const weights = graph.tensors[op.inputs[gruInputIndex.inputWeights.r]];
  const [units, features] = weights.shape;
  const timeAxis = attrs.timeMajor ? 0 : 1;
  const steps = x.shape[timeAxis];
  const batch = x.shape[1 - timeAxis];
  const name = output.name;
  const lbr = attrs.linearBeforeReset;
  const q = (scale: number, zeroPoint = 0) => ({ scale: [scale], zeroPoint: [zeroPoint], axis: 0 });
  const { inputWeights: w, recurrentWeights: r, bias: b } = gruInputIndex;
  // The recurrent n bias is int32 at 2^-15 · s_Rn (Q0.15 state); the FULLY_CONNECTED of the int8 state wants s_y · s_Rn.
  let rbn = -1;
  const rbnId = op.inputs[gruInputIndex.recurrentNBias] ?? -1;
  if (lbr && rbnId >= 0) {
    const source = graph.tensors[rbnId];
    const rnScale = graph.tensors[op.inputs[r.n]].quantization!.scale[0];
    const data = Int32Array.from(source.data as Int32Array, (v) => roundHalfAwayFromZero((v * gruStateScale) / outputQ.scale[0]));
    rbn = add({ name: `${name}/recurrent_n_bias`, shape: [units], dtype: 'int32', data, quantization: q(outputQ.scale[0] * rnScale) });
  }
  // The initial state in the output's encoding (zeros: the output's zero point).
  const state = graph.tensors[op.inputs[gruInputIndex.hiddenState]];
  const initial = new Int8Array(batch * units).fill(outputQ.zeroPoint[0]);
  if (state.data) {
    const values = state.data as Int16Array;
    for (let i = 0; i < initial.length; i++) initial[i] = Math.max(-128, Math.min(127, roundHalfAwayFromZero((values[i % values.length] * gruStateScale) / outputQ.scale[0]) + outputQ.zeroPoint[0]));
  }
  const h0 = add({ name: `${name}/initial_state`, shape: [batch, units], dtype: 'int8', data: initial, quantization: { ...outputQ } });
  const fc = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };
  const ops: Op[] = [];
  const states: number[] = new Array<number>(steps);
  let h = h0;
  for (let k = 0; k < steps; k++) {
    const t = attrs.reverse ? steps - 1 - k : k;
    const last = k === steps - 1;
    const step = `${name}/step${t}`;
    const activation = (label: string, quantization: Tensor['quantization']) => add({ name: `${step}/${label}`, shape: [batch, units], dtype: 'int8', quantization });
    const gateSum = (label: string) => activation(label, q(scales.gateSum));
    const newSum = (label: string) => activation(label, q(scales.newSum));
    const term = (label: string) => activation(label, q(label.endsWith('n') || label.endsWith('r_h') ? scales.newTerm : scales.gateTerm));
    const xt = sliceTimeStep(x, timeAxis, t, step, { shape: [batch, features], dtype: 'int8', quantization: x.quantization && { ...x.quantization } }, add, ops);
    const project = (input: number, weightsId: number, bias: number, label: string) => {
      const out = term(label);
      ops.push({ type: 'FULLY_CONNECTED', inputs: [input, weightsId, bias], outputs: [out], attrs: fc } as Op);
      return out;
    };
    const binary = (type: string, a: number, bTensor: number, out: number) => {
      ops.push({ type, inputs: [a, bTensor], outputs: [out], attrs: { activation: 'none' } } as Op);
      return out;
    };
    const unary = (type: string, a: number, out: number) => {
      ops.push({ type, inputs: [a], outputs: [out], attrs: {} } as Op);
      return out;
    };
    const sigmoid = (label: string) => activation(label, q(1 / 256, -128));
    const [xr, xz, xn] = (['r', 'z', 'n'] as const).map((g) => project(xt, op.inputs[w[g]], op.inputs[b[g]], `x${g}`));
    const hr = project(h, op.inputs[r.r], -1, 'hr');
    const hz = project(h, op.inputs[r.z], -1, 'hz');
    const rGate = unary('LOGISTIC', binary('ADD', xr, hr, gateSum('r_sum')), sigmoid('r'));
    const zGate = unary('LOGISTIC', binary('ADD', xz, hz, gateSum('z_sum')), sigmoid('z'));
    let recurrentN: number;
    if (lbr) {
      const hn = project(h, op.inputs[r.n], rbn, 'hn');
      recurrentN = binary('MUL', rGate, hn, term('r_hn'));
    } else {
      const reset = binary('MUL', rGate, h, activation('r_h', q(scales.resetState)));
      recurrentN = project(reset, op.inputs[r.n], -1, 'rn_r_h');
    }
    const n = unary('TANH', binary('ADD', xn, recurrentN, newSum('n_sum')), activation('n', q(1 / 128)));
    const difference = binary('SUB', h, n, activation('h_minus_n', q(scales.difference)));
    const update = binary('MUL', zGate, difference, activation('z_h_minus_n', q(scales.difference)));
    const next = last && !attrs.returnSequences ? output.id : activation('h', { ...outputQ });
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
  description: 'writes each float32 or int8 TD_GRU as builtin TFLite ops unrolled over time (FULLY_CONNECTED, SPLIT, ADD, MUL, SUB, LOGISTIC, TANH, PACK), so TFLite runs the model',
  requires: 'float32 or int8 GRUs; the unrolled form starts each run from a zero state; an int8 GRU unrolled rounds its state to int8 every step (a few output steps from TD_GRU)',
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
  description: 'folds a float GRU unrolled over time into builtin ops (the pattern unroll-gru writes) back into one TD_GRU',
  requires: 'the float unrolled pattern exactly, starting from a zero state; anything else (int8 unrolled GRUs among them) is left as it is',
  run(graph, context) {
    const log = { notes: [] as string[] };
    const result = foldUnrolledGru(graph, log);
    for (const note of log.notes) context.log(note);
    return result;
  },
});
