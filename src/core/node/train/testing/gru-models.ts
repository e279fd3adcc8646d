/**
 * Small float GRU graphs for the training tests: the ONNX GRU fixture cut down to what training
 * takes (one input, one output), and classifiers built here with every TD_GRU form the lowering
 * must match (linear_before_reset on and off, reverse, last state only, an initial state, a
 * bidirectional pair written with REVERSE_V2 around the backward GRU).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph, Op, Tensor } from '../../../common/ir/types.js';
import { defaultGruAttrs, gruOpType, type GruAttrs } from '../../../common/ops/gru-layout.js';
import { readOnnx } from '../../../common/importers/onnx/index.js';
import { seededRandom } from '../../../common/interp/kernels/testing/gru-model.js';

const fixture = join(import.meta.dirname, '../../../../../test/fixtures/onnx/gru.onnx');

/**
 * gru.onnx up to its sequence output: a GRU, then a bidirectional GRU (a forward and a reverse
 * TD_GRU, both with linear_before_reset and a recurrent n bias) joined by CONCATENATION and
 * reshaped. Its last-state branch (strided slices and a dense layer) is left out.
 */
export function onnxGruSequence(): Graph {
  const graph = readOnnx(new Uint8Array(readFileSync(fixture)));
  const output = graph.ops.find((op) => op.type === 'RESHAPE')!.outputs[0];
  const needed = new Set<number>([output]);
  const ops: Op[] = [];
  for (const op of [...graph.ops].reverse()) {
    if (!op.outputs.some((id) => needed.has(id))) continue;
    ops.unshift(op);
    for (const id of op.inputs) if (id >= 0) needed.add(id);
  }
  return { ...graph, ops, outputs: [output] };
}

export interface GruClassifierOptions {
  steps: number;
  features: number;
  units: number;
  classes: number;
  attrs?: Partial<GruAttrs>;
  /** A recurrent n bias (input 10; linear_before_reset only). */
  recurrentNBias?: boolean;
  /** The hidden state starts from these values instead of zeros. */
  initialState?: boolean;
  /** A second GRU over the input reversed in time by REVERSE_V2, its output reversed back and concatenated. */
  reverseV2Bidirectional?: boolean;
  seed?: number;
}

/** input [1, steps, features] → TD_GRU(s) → MEAN over time (or the last state) → FC → SOFTMAX. */
export function gruClassifier(options: GruClassifierOptions): Graph {
  const { steps, features, units, classes } = options;
  const attrs: GruAttrs = { ...defaultGruAttrs, ...options.attrs };
  const random = seededRandom(options.seed ?? 1);
  const tensors: Tensor[] = [];
  const ops: Op[] = [];
  const tensor = (name: string, shape: number[], extra: Partial<Tensor> = {}) => {
    tensors.push({ id: tensors.length, name, shape, dtype: 'float32', ...extra });
    return tensors.length - 1;
  };
  const weights = (name: string, shape: number[], limit: number) =>
    tensor(name, shape, { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * random() - 1) * limit) });
  const ints = (name: string, values: number[]) => tensor(name, [values.length], { dtype: 'int32', data: Int32Array.from(values) });
  const gru = (input: number, name: string, gruAttrs: GruAttrs) => {
    const w = ['r', 'z', 'n'].map((gate) => weights(`${name}/W_${gate}`, [units, features], 0.8));
    const r = ['r', 'z', 'n'].map((gate) => weights(`${name}/R_${gate}`, [units, units], 0.8));
    const b = ['r', 'z', 'n'].map((gate) => weights(`${name}/b_${gate}`, [units], 0.5));
    const rbn = options.recurrentNBias ? weights(`${name}/rb_n`, [units], 0.5) : -1;
    const state = options.initialState ? weights(`${name}/h0`, [1, units], 0.9) : tensor(`${name}/h0`, [1, units]);
    tensors[state].variable = true;
    const output = tensor(name, gruAttrs.returnSequences ? [1, steps, units] : [1, units]);
    ops.push({ type: gruOpType, inputs: [input, ...w, ...r, ...b, rbn, state], outputs: [output], attrs: { ...gruAttrs } } as Op);
    return output;
  };
  const reverse = (input: number, name: string) => {
    const output = tensor(name, [...tensors[input].shape]);
    ops.push({ type: 'REVERSE_V2', inputs: [input, ints(`${name}/axis`, [1])], outputs: [output], attrs: {} } as Op);
    return output;
  };
  const input = tensor('input', [1, steps, features]);
  let x = gru(input, 'gru', attrs);
  if (options.reverseV2Bidirectional) {
    const backward = reverse(gru(reverse(input, 'reversed_input'), 'gru_backward', attrs), 'backward');
    const joined = tensor('bidirectional', attrs.returnSequences ? [1, steps, 2 * units] : [1, 2 * units]);
    ops.push({ type: 'CONCATENATION', inputs: [x, backward], outputs: [joined], attrs: { axis: -1, activation: 'none' } } as Op);
    x = joined;
  }
  if (attrs.returnSequences) {
    const pooled = tensor('mean_over_time', [1, tensors[x].shape[2]]);
    ops.push({ type: 'MEAN', inputs: [x, ints('mean/axes', [1])], outputs: [pooled], attrs: { keepDims: false } } as Op);
    x = pooled;
  }
  const depth = tensors[x].shape[1];
  const logits = tensor('logits', [1, classes]);
  ops.push({
    type: 'FULLY_CONNECTED',
    inputs: [x, weights('logits/weights', [classes, depth], 0.7), weights('logits/bias', [classes], 0.1)],
    outputs: [logits],
    attrs: { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false },
  } as Op);
  const probabilities = tensor('probabilities', [1, classes]);
  ops.push({ type: 'SOFTMAX', inputs: [logits], outputs: [probabilities], attrs: { beta: 1 } } as Op);
  return { name: 'gru-classifier', tensors, ops, inputs: [input], outputs: [probabilities] };
}
