/**
 * Small TD_GRU graphs for tests: a float GRU with seeded weights, its float64 reference (the cell
 * written out directly, ONNX's formulas), and an int8 twin quantized by hand from given input and
 * output ranges (symmetric per-tensor int8 weights, int32 biases, Q0.15 state).
 */
import type { Graph, Tensor, TensorData } from '../../../ir/types.js';
import { gruInputIndex, gruOpType, type GruAttrs } from '../../../ops/gru-layout.js';

export interface GruSpec extends GruAttrs {
  batch: number;
  time: number;
  inputSize: number;
  units: number;
  seed: number;
  /** Whether the recurrent n bias is a separate input (linear_before_reset only). */
  recurrentNBias: boolean;
}

/** Park–Miller, for reproducible weights. */
export function seededRandom(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

export interface FloatGruWeights {
  W: Record<'r' | 'z' | 'n', Float32Array>;
  R: Record<'r' | 'z' | 'n', Float32Array>;
  b: Record<'r' | 'z' | 'n', Float32Array>;
  rbn?: Float32Array;
}

export function gruWeights(spec: GruSpec): FloatGruWeights {
  const random = seededRandom(spec.seed);
  const values = (count: number, range: number) => Float32Array.from({ length: count }, () => (random() * 2 - 1) * range);
  const { inputSize: I, units: U } = spec;
  const scaleW = 1 / Math.sqrt(I);
  const scaleR = 1 / Math.sqrt(U);
  return {
    W: { r: values(U * I, scaleW), z: values(U * I, scaleW), n: values(U * I, scaleW) },
    R: { r: values(U * U, scaleR), z: values(U * U, scaleR), n: values(U * U, scaleR) },
    b: { r: values(U, 0.3), z: values(U, 0.3), n: values(U, 0.3) },
    rbn: spec.recurrentNBias ? values(U, 0.3) : undefined,
  };
}

function tensor(tensors: Tensor[], name: string, shape: number[], dtype: Tensor['dtype'], data?: TensorData, extra: Partial<Tensor> = {}): number {
  const id = tensors.length;
  tensors.push({ id, name, shape, dtype, ...(data ? { data } : {}), ...extra });
  return id;
}

function inputShape(spec: GruSpec): number[] {
  return spec.timeMajor ? [spec.time, spec.batch, spec.inputSize] : [spec.batch, spec.time, spec.inputSize];
}

function outputShape(spec: GruSpec): number[] {
  const input = inputShape(spec);
  return spec.returnSequences ? [input[0], input[1], spec.units] : [spec.batch, spec.units];
}

function attrsOf(spec: GruSpec): GruAttrs {
  return { linearBeforeReset: spec.linearBeforeReset, timeMajor: spec.timeMajor, reverse: spec.reverse, returnSequences: spec.returnSequences };
}

export function floatGruGraph(spec: GruSpec, weights = gruWeights(spec)): Graph {
  const tensors: Tensor[] = [];
  const { inputSize: I, units: U } = spec;
  const inputs = new Array<number>(12).fill(-1);
  inputs[0] = tensor(tensors, 'x', inputShape(spec), 'float32');
  for (const g of ['r', 'z', 'n'] as const) {
    inputs[gruInputIndex.inputWeights[g]] = tensor(tensors, `W_${g}`, [U, I], 'float32', weights.W[g]);
    inputs[gruInputIndex.recurrentWeights[g]] = tensor(tensors, `R_${g}`, [U, U], 'float32', weights.R[g]);
    inputs[gruInputIndex.bias[g]] = tensor(tensors, `b_${g}`, [U], 'float32', weights.b[g]);
  }
  if (weights.rbn) inputs[gruInputIndex.recurrentNBias] = tensor(tensors, 'rb_n', [U], 'float32', weights.rbn);
  inputs[gruInputIndex.hiddenState] = tensor(tensors, 'h', [spec.batch, U], 'float32', undefined, { variable: true });
  const output = tensor(tensors, 'y', outputShape(spec), 'float32');
  return { name: 'gru', tensors, ops: [{ type: gruOpType, inputs, outputs: [output], attrs: attrsOf(spec) }], inputs: [inputs[0]], outputs: [output] };
}

/** The GRU in float64, step by step, from a zero state (or `state`, updated in place). */
export function referenceGru(spec: GruSpec, weights: FloatGruWeights, x: Float32Array, state?: Float64Array): Float64Array {
  const { batch: B, time: T, inputSize: I, units: U } = spec;
  const h = state ?? new Float64Array(B * U);
  const out = new Float64Array(spec.returnSequences ? B * T * U : B * U);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const xAt = (b: number, t: number, i: number) => x[(spec.timeMajor ? t * B + b : b * T + t) * I + i];
  const mv = (m: Float32Array, v: (j: number) => number, unit: number, depth: number) => {
    let total = 0;
    for (let j = 0; j < depth; j++) total += m[unit * depth + j] * v(j);
    return total;
  };
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < T; k++) {
      const t = spec.reverse ? T - 1 - k : k;
      const hb = (j: number) => h[b * U + j];
      const r = Float64Array.from({ length: U }, (_, u) => sigmoid(mv(weights.W.r, (i) => xAt(b, t, i), u, I) + weights.b.r[u] + mv(weights.R.r, hb, u, U)));
      const z = Float64Array.from({ length: U }, (_, u) => sigmoid(mv(weights.W.z, (i) => xAt(b, t, i), u, I) + weights.b.z[u] + mv(weights.R.z, hb, u, U)));
      const n = Float64Array.from({ length: U }, (_, u) => {
        const xn = mv(weights.W.n, (i) => xAt(b, t, i), u, I) + weights.b.n[u];
        const hn = spec.linearBeforeReset
          ? r[u] * (mv(weights.R.n, hb, u, U) + (weights.rbn?.[u] ?? 0))
          : mv(weights.R.n, (j) => r[j] * hb(j), u, U);
        return Math.tanh(xn + hn);
      });
      for (let u = 0; u < U; u++) h[b * U + u] = (1 - z[u]) * n[u] + z[u] * h[b * U + u];
      if (spec.returnSequences) {
        const position = spec.timeMajor ? t * B + b : b * T + t;
        out.set(h.subarray(b * U, (b + 1) * U), position * U);
      }
    }
  }
  if (!spec.returnSequences) out.set(h);
  return out;
}

export interface Range {
  min: number;
  max: number;
}

/** Asymmetric int8 parameters of a float range (0 included), TFLite's way. */
export function int8Parameters({ min, max }: Range): { scale: number; zeroPoint: number } {
  const low = Math.min(min, 0);
  const high = Math.max(max, 0);
  const scale = (high - low) / 255 || 1;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - low / scale)));
  return { scale, zeroPoint };
}

/** The int8 twin of `floatGruGraph`, given the input and output ranges. */
export function int8GruGraph(spec: GruSpec, weights: FloatGruWeights, inputRange: Range, outputRange: Range): Graph {
  const tensors: Tensor[] = [];
  const { inputSize: I, units: U } = spec;
  const q = (scale: number, zeroPoint = 0) => ({ quantization: { scale: [scale], zeroPoint: [zeroPoint], axis: 0 } });
  const xq = int8Parameters(inputRange);
  const yq = int8Parameters(outputRange);
  const symmetric = (values: Float32Array) => {
    const scale = Math.max(...Array.from(values, Math.abs)) / 127 || 1;
    return { scale, data: Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / scale)))) };
  };
  const bias32 = (values: Float32Array, scale: number) => Int32Array.from(values, (v) => Math.round(v / scale));
  const inputs = new Array<number>(12).fill(-1);
  inputs[0] = tensor(tensors, 'x', inputShape(spec), 'int8', undefined, q(xq.scale, xq.zeroPoint));
  for (const g of ['r', 'z', 'n'] as const) {
    const w = symmetric(weights.W[g]);
    const r = symmetric(weights.R[g]);
    inputs[gruInputIndex.inputWeights[g]] = tensor(tensors, `W_${g}`, [U, I], 'int8', w.data, q(w.scale));
    inputs[gruInputIndex.recurrentWeights[g]] = tensor(tensors, `R_${g}`, [U, U], 'int8', r.data, q(r.scale));
    const biasScale = xq.scale * w.scale;
    inputs[gruInputIndex.bias[g]] = tensor(tensors, `b_${g}`, [U], 'int32', bias32(weights.b[g], biasScale), q(biasScale));
    if (g === 'n' && weights.rbn) {
      const rbScale = 2 ** -15 * r.scale;
      inputs[gruInputIndex.recurrentNBias] = tensor(tensors, 'rb_n', [U], 'int32', bias32(weights.rbn, rbScale), q(rbScale));
    }
  }
  inputs[gruInputIndex.hiddenState] = tensor(tensors, 'h', [spec.batch, U], 'int16', undefined, { variable: true, ...q(2 ** -15) });
  const output = tensor(tensors, 'y', outputShape(spec), 'int8', undefined, q(yq.scale, yq.zeroPoint));
  return { name: 'gru_int8', tensors, ops: [{ type: gruOpType, inputs, outputs: [output], attrs: attrsOf(spec) }], inputs: [inputs[0]], outputs: [output] };
}

/**
 * A bidirectional GRU: a forward TD_GRU and a reverse one (weights seeded `seed` and `seed + 1`)
 * on the same input, joined by CONCATENATION on the feature axis or by ADD. int8 joins keep the
 * directions' common output encoding (concat) or take [−2, 2] (add).
 */
export function bidirectionalGru(spec: GruSpec, join: 'concat' | 'add', dtype: 'int8' | 'float32' = 'int8'): Graph {
  const forwardSpec = { ...spec, reverse: false };
  const backwardSpec = { ...spec, reverse: true, seed: spec.seed + 1 };
  const make = (s: GruSpec) =>
    dtype === 'int8' ? int8GruGraph(s, gruWeights(s), { min: -2, max: 2 }, { min: -1, max: 1 }) : floatGruGraph(s, gruWeights(s));
  const forward = make(forwardSpec);
  const backward = make(backwardSpec);
  const tensors: Tensor[] = forward.tensors.map((t) => ({ ...t, name: `fw/${t.name}` }));
  const inputId = forward.inputs[0];
  tensors[inputId] = { ...tensors[inputId], name: 'x' };
  const remap = new Map<number, number>([[backward.inputs[0], inputId]]);
  for (const t of backward.tensors) {
    if (remap.has(t.id)) continue;
    remap.set(t.id, tensors.length);
    tensors.push({ ...t, id: tensors.length, name: `bw/${t.name}` });
  }
  const backwardOp = { ...backward.ops[0], inputs: backward.ops[0].inputs.map((id) => (id < 0 ? id : remap.get(id)!)), outputs: backward.ops[0].outputs.map((id) => remap.get(id)!) };
  const directionShape = tensors[forward.outputs[0]].shape;
  const joinedShape = join === 'concat' ? [...directionShape.slice(0, -1), 2 * spec.units] : [...directionShape];
  const quantization =
    dtype === 'int8' ? (join === 'concat' ? tensors[forward.outputs[0]].quantization : (() => {
      const q = int8Parameters({ min: -2, max: 2 });
      return { scale: [q.scale], zeroPoint: [q.zeroPoint], axis: 0 };
    })()) : undefined;
  const output = tensors.length;
  tensors.push({ id: output, name: 'y', shape: joinedShape, dtype, ...(quantization ? { quantization } : {}) });
  const joinOp =
    join === 'concat'
      ? { type: 'CONCATENATION', inputs: [forward.outputs[0], backwardOp.outputs[0]], outputs: [output], attrs: { axis: directionShape.length - 1, activation: 'none' } }
      : { type: 'ADD', inputs: [forward.outputs[0], backwardOp.outputs[0]], outputs: [output], attrs: { activation: 'none' } };
  return { name: `bigru_${join}`, tensors, ops: [forward.ops[0], backwardOp, joinOp] as Graph['ops'], inputs: [inputId], outputs: [output] };
}
