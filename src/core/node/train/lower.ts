/**
 * A TinyDeploy graph as a trainable TensorFlow.js computation, and back. Every op the float
 * interpreter runs has a training lowering here; the weights of conv, depthwise, FC, LSTM and GRU ops
 * become tfjs variables initialised from the model (float32, or int8 weights dequantized with
 * their scales), kept in the IR's own layout (TFLite's OHWI filters, [units, inputs] matrices) so
 * writing them back is a copy. Everything else constant (shape vectors, paddings, axes, element-
 * wise operands) stays constant.
 *
 * The lowered computation is batched: the first dimension of every activation is the batch (the
 * model's shapes have 1 there). `forward` runs the ops in graph order, as the interpreter does;
 * with `logits`, a SOFTMAX that produces the output is left out (its input, scaled by beta, is
 * returned) so a loss can take the log-softmax in a numerically stable way.
 *
 * `toGraph` writes the variables' current values into a copy of the graph: before any training
 * step the copy is the model itself (float weights bit for bit), and the interpreter reproduces
 * the lowered computation's outputs within float rounding (`lower.test.ts`).
 */

import { PassError } from '../../common/errors.js';
import type { Activation, Graph, Op, OpOf, Tensor } from '../../common/ir/types.js';
import { formatShape } from '../../common/ir/tensor.js';
import { lstmGateInputs, lstmInputIndex } from '../../common/ops/lstm-layout.js';
import { gruAttrs, gruGateNames, gruInputIndex, gruOpType } from '../../common/ops/gru-layout.js';
import type { Tf } from './engine.js';
import { hasFusedLstm, lstmSequence } from './lstm-sequence.js';
import { biasActivation } from './bias-activation.js';

type T = ReturnType<Tf['tensor']>;
type Variable = ReturnType<Tf['variable']>;

export interface ForwardOptions {
  /** Leave out a SOFTMAX that produces the output: return its (beta-scaled) input. */
  logits?: boolean;
  /**
   * Multiplies tensor `id`'s last axis by the given vector (per-channel gates): the gradient of
   * the loss with respect to a gate of ones is the first-order Taylor importance of each channel.
   */
  gates?: ReadonlyMap<number, T>;
  /** Fake quantization (`qat-int8`): weights as they are read, the graph input, each op's output, the LSTM's internals. */
  quantize?: QuantizeHooks;
  /** A training step (not an evaluation): the quantization hooks record the ranges the activations take. */
  training?: boolean;
}

/**
 * What fake quantization does to the lowered computation (see `fake-quant.ts`): each returns the
 * value as the int8 model would hold it, with straight-through gradients.
 */
export interface QuantizeHooks {
  /** A forward pass starts. */
  begin(training: boolean): void;
  /** A trainable tensor as the op reads it (weights fake-quantized, biases as they are). */
  weight(id: number, value: T): T;
  /** The graph input. */
  input(id: number, value: T): T;
  /** The output of op `index`. */
  output(op: Op, index: number, value: T): T;
  /** Inside LSTM op `index`. */
  lstm(index: number): LstmQuantizeHooks;
  /** Inside GRU op `index`. */
  gru(index: number): GruQuantizeHooks;
}

/** The int8 GRU's internal encodings (`interp/kernels/gru-integer.ts`). */
export interface GruQuantizeHooks {
  /**
   * On the int16 grid of 2^exponent (gate pre-activations Q3.12: −12; gate activations and the
   * state Q0.15: −15), clamped to int16; `wide` rounds to the grid without clamping (a product the
   * kernel keeps in int32).
   */
  fixed(value: T, exponent: number, wide?: boolean): T;
}

/** The int8 LSTM's internal encodings (`interp/kernels/lstm-integer.ts`). */
export interface LstmQuantizeHooks {
  /** int16 with the power-of-two scale 2^exponent (gate inputs Q3.12: −12; gate outputs Q0.15: −15). */
  fixed(value: T, exponent: number): T;
  /** The int16 cell state. */
  cell(value: T): T;
  /** The int8 hidden state (also the op's output). */
  hidden(value: T): T;
  /** The float hidden and cell state of every step (range tracking during training). */
  observe(hidden: readonly T[], cell: readonly T[]): void;
}

export interface LoweredGraph {
  readonly graph: Graph;
  /** The trainable weights by tensor id, in the IR layout of each tensor. */
  readonly variables: ReadonlyMap<number, Variable>;
  /** Output 0 of the graph for a batch of inputs ([batch, …the input's shape after its first dimension]). */
  forward(input: T, options?: ForwardOptions): T;
  /** A copy of the graph with the variables' current values as float32 weights. */
  toGraph(): Graph;
  /** Frees the variables and constants. */
  dispose(): void;
}

/** Weight inputs of each trainable op type (tensor input slots). */
const weightSlots: Record<string, readonly number[]> = {
  CONV_2D: [1, 2],
  DEPTHWISE_CONV_2D: [1, 2],
  FULLY_CONNECTED: [1, 2],
  UNIDIRECTIONAL_SEQUENCE_LSTM: Object.values(lstmGateInputs).flatMap(({ inputWeights, recurrentWeights, bias }) => [inputWeights, recurrentWeights, bias]),
  [gruOpType]: [
    ...gruGateNames.flatMap((gate) => [gruInputIndex.inputWeights[gate], gruInputIndex.recurrentWeights[gate], gruInputIndex.bias[gate]]),
    gruInputIndex.recurrentNBias,
  ],
};

/** Op types with a training lowering. */
export const trainableOpTypes: readonly string[] = [
  ...Object.keys(weightSlots),
  'AVERAGE_POOL_2D',
  'MAX_POOL_2D',
  'ADD',
  'SUB',
  'MUL',
  'RESHAPE',
  'SOFTMAX',
  'CONCATENATION',
  'PAD',
  'MEAN',
  'LOGISTIC',
  'TANH',
  'RELU',
  'RELU6',
  'REVERSE_V2',
];

/** The tensor ids that become variables: the weight and bias inputs of conv, depthwise, FC, LSTM and GRU ops. */
export function trainableTensorIds(graph: Graph): number[] {
  const ids = new Set<number>();
  for (const op of graph.ops) {
    for (const slot of weightSlots[op.type] ?? []) {
      const id = op.inputs[slot];
      if (id !== undefined && id >= 0 && graph.tensors[id].data) ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/** Real values of a constant: float32 as it is, int8/int16 through its (per-channel) quantization. */
export function realValues(tensor: Tensor): Float32Array {
  const data = tensor.data;
  if (!data) throw new PassError(`tensor ${tensor.id} (${tensor.name}) has no data`);
  if (data instanceof Float32Array) return data;
  const q = tensor.quantization;
  if (!q || (tensor.dtype !== 'int8' && tensor.dtype !== 'int16' && tensor.dtype !== 'int32')) {
    throw new PassError(`tensor ${tensor.id} (${tensor.name}) is ${tensor.dtype} without quantization parameters; training needs float32 or quantized weights`);
  }
  const result = new Float32Array(data.length);
  const channels = q.scale.length;
  const inner = channels > 1 ? tensor.shape.slice(q.axis + 1).reduce((a, b) => a * b, 1) : 1;
  for (let i = 0; i < data.length; i++) {
    const channel = channels > 1 ? Math.floor(i / inner) % channels : 0;
    result[i] = (Number(data[i]) - (q.zeroPoint[channel] ?? 0)) * q.scale[channel];
  }
  return result;
}

/**
 * Checks the graph can be trained: one input, one output, float32 activations, every op with a
 * training lowering. Throws a PassError naming the op or tensor otherwise.
 */
export function checkTrainable(graph: Graph): void {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new PassError(`training needs a model with one input and one output; this one has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs`);
  }
  const weights = new Set(trainableTensorIds(graph));
  graph.ops.forEach((op, index) => {
    if (!trainableOpTypes.includes(op.type)) {
      throw new PassError(`op ${index} (${op.type}) has no training lowering (trainable ops: ${trainableOpTypes.join(', ')})`, { opIndex: index, op: op.type });
    }
    for (const id of [...op.inputs, ...op.outputs]) {
      if (id < 0 || weights.has(id)) continue;
      const tensor = graph.tensors[id];
      if (!tensor.data && tensor.dtype !== 'float32') {
        throw new PassError(
          `op ${index} (${op.type}): tensor ${id} (${tensor.name}) is ${tensor.dtype}; training runs on float models (train the float model, then quantize it)`,
          { opIndex: index, op: op.type },
        );
      }
    }
    if (op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM' && (op as OpOf<'UNIDIRECTIONAL_SEQUENCE_LSTM'>).attrs.timeMajor) {
      throw new PassError(`op ${index} (UNIDIRECTIONAL_SEQUENCE_LSTM) is time-major; training lowers batch-major LSTMs only`, { opIndex: index });
    }
    if (op.type === gruOpType && gruAttrs(op.attrs).timeMajor) {
      throw new PassError(`op ${index} (${gruOpType}) is time-major; training lowers batch-major GRUs only`, { opIndex: index });
    }
  });
}

/** Lowers `graph` onto `tf` (see the module comment). Throws a PassError for a graph it cannot train. */
export function lowerGraph(tf: Tf, graph: Graph): LoweredGraph {
  checkTrainable(graph);
  const variables = new Map<number, Variable>();
  for (const id of trainableTensorIds(graph)) {
    const tensor = graph.tensors[id];
    variables.set(id, tf.variable(tf.tensor(realValues(tensor), tensor.shape, "float32"), true));
  }
  const constants = new Map<number, T>();
  const constant = (id: number): T => {
    let value = constants.get(id);
    if (!value) {
      const tensor = graph.tensors[id];
      value = tf.keep(tf.tensor(realValues(tensor), tensor.shape.length ? tensor.shape : [], 'float32'));
      constants.set(id, value);
    }
    return value;
  };
  const operand = (id: number): T | undefined => variables.get(id) ?? (graph.tensors[id].data && !graph.tensors[id].variable ? constant(id) : undefined);
  const intData = (id: number): number[] => Array.from(graph.tensors[id].data as ArrayLike<number | bigint>, Number);

  function forward(input: T, options: ForwardOptions = {}): T {
    const values = new Map<number, T>();
    const quantize = options.quantize;
    quantize?.begin(options.training ?? false);
    const value = (id: number): T => {
      let result = values.get(id);
      if (result) return result;
      result = operand(id);
      if (!result) throw new PassError(`tensor ${id} (${graph.tensors[id].name}) is read before any op writes it`);
      if (quantize && variables.has(id)) {
        // Once per forward: a weight read by two ops is fake-quantized once.
        result = quantize.weight(id, result);
        values.set(id, result);
      }
      return result;
    };
    const inputTensor = graph.tensors[graph.inputs[0]];
    const expected = inputTensor.shape.slice(1);
    if (input.shape.length !== inputTensor.shape.length || input.shape.slice(1).some((dim, i) => dim !== expected[i])) {
      throw new PassError(`training input has shape ${formatShape(input.shape)}, expected [batch, ${expected.join(', ')}] for model input ${formatShape(inputTensor.shape)}`);
    }
    values.set(graph.inputs[0], quantize ? quantize.input(graph.inputs[0], input) : input);
    const outputId = graph.outputs[0];
    for (const [index, op] of graph.ops.entries()) {
      if (options.logits && op.type === 'SOFTMAX' && op.outputs[0] === outputId) {
        const beta = (op as OpOf<'SOFTMAX'>).attrs.beta;
        values.set(outputId, beta === 1 ? value(op.inputs[0]) : value(op.inputs[0]).mul(beta));
        continue;
      }
      let result = lowerOp(tf, graph, op, index, value, intData, quantize);
      if (quantize) result = quantize.output(op, index, result);
      const gate = options.gates?.get(op.outputs[0]);
      if (gate) result = result.mul(gate);
      values.set(op.outputs[0], result);
    }
    return value(outputId);
  }

  return {
    graph,
    variables,
    forward,
    toGraph() {
      const tensors = graph.tensors.map((tensor) => {
        const variable = variables.get(tensor.id);
        if (!variable) return tensor;
        const data = new Float32Array(variable.dataSync() as Float32Array);
        const copy: Tensor = { ...tensor, dtype: 'float32', data };
        delete copy.quantization;
        return copy;
      });
      return { ...graph, tensors };
    },
    dispose() {
      for (const variable of variables.values()) variable.dispose();
      for (const value of constants.values()) value.dispose();
      variables.clear();
      constants.clear();
    },
  };
}

function activate(tf: Tf, x: T, activation: Activation | undefined): T {
  switch (activation ?? 'none') {
    case 'none':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'relu_n1_to_1':
      return tf.clipByValue(x, -1, 1);
    case 'tanh':
      return tf.tanh(x);
    default:
      throw new PassError(`fused activation ${activation} has no training lowering`);
  }
}

/** The batched shape of an activation tensor: its IR shape with the batch dimension free. */
function batched(graph: Graph, id: number, op: Op, index: number): number[] {
  const shape = graph.tensors[id].shape;
  if (shape.length === 0 || shape[0] !== 1) {
    throw new PassError(`op ${index} (${op.type}): tensor ${id} has shape ${formatShape(shape)}; training needs a batch dimension of 1 first`, { opIndex: index });
  }
  return [-1, ...shape.slice(1)];
}

const biasAdders = new WeakMap<Tf, (x: T, bias: T) => T>();

/**
 * x + bias along the last axis. On wasm and cpu the bias gradient is one pass of column sums
 * (`bias-activation.ts`); elsewhere one matrix product (ones · dy) instead of tfjs' broadcast
 * reduction.
 */
function addBias(tf: Tf, x: T, bias: T): T {
  const fused = biasActivation(tf, x, bias, false);
  if (fused) return fused;
  let add = biasAdders.get(tf);
  if (!add) {
    add = tf.customGrad((input, b) => {
      const [value, weights] = [input as T, b as T];
      return {
        value: value.add(weights),
        gradFunc: (dy) => {
          const gradient = dy as T;
          const channels = weights.shape[0]!;
          const rows = gradient.size / channels;
          return [gradient, tf.matMul(tf.ones([1, rows]), gradient.reshape([rows, channels])).reshape([channels])];
        },
      };
    }) as unknown as (x: T, bias: T) => T;
    biasAdders.set(tf, add);
  }
  return add(x, bias);
}

/** The bias, then the fused activation; a bias and a ReLU with one gradient kernel where the back end has it. */
function biasAndActivate(tf: Tf, y: T, bias: T | undefined, activation: Activation | undefined): T {
  if (bias && activation === 'relu') {
    const fused = biasActivation(tf, y, bias, true);
    if (fused) return fused;
  }
  return activate(tf, bias ? addBias(tf, y, bias) : y, activation);
}

function lowerOp(tf: Tf, graph: Graph, op: Op, index: number, value: (id: number) => T, intData: (id: number) => number[], quantize?: QuantizeHooks): T {
  const x = () => value(op.inputs[0]);
  const optional = (slot: number) => (op.inputs[slot] !== undefined && op.inputs[slot] >= 0 ? value(op.inputs[slot]) : undefined);
  switch (op.type) {
    case 'CONV_2D': {
      const { attrs } = op as OpOf<'CONV_2D'>;
      // IR filter [out, h, w, in] → tfjs [h, w, in, out].
      const filter = value(op.inputs[1]).transpose([1, 2, 3, 0]) as never;
      const y: T = tf.conv2d(x() as never, filter, [attrs.strideH, attrs.strideW], attrs.padding, 'NHWC', [attrs.dilationH, attrs.dilationW]);
      return biasAndActivate(tf, y, optional(2), attrs.activation);
    }
    case 'DEPTHWISE_CONV_2D': {
      const { attrs } = op as OpOf<'DEPTHWISE_CONV_2D'>;
      const input = x();
      const channels = input.shape[3]!;
      const weights = value(op.inputs[1]);
      const [, kh, kw, total] = weights.shape as number[];
      const filter = weights.reshape([kh, kw, channels, total / channels]) as never;
      const y: T = tf.depthwiseConv2d(input as never, filter, [attrs.strideH, attrs.strideW], attrs.padding, 'NHWC', [attrs.dilationH, attrs.dilationW]);
      return biasAndActivate(tf, y, optional(2), attrs.activation);
    }
    case 'FULLY_CONNECTED': {
      const { attrs } = op as OpOf<'FULLY_CONNECTED'>;
      const weights = value(op.inputs[1]);
      const [units, depth] = weights.shape as number[];
      const y = biasAndActivate(tf, tf.matMul(x().reshape([-1, depth]), weights.transpose()), optional(2), attrs.activation);
      const out = graph.tensors[op.outputs[0]].shape;
      return y.reshape(out.length >= 2 && out[0] === 1 ? [-1, ...out.slice(1)] : [-1, units]);
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const { attrs } = op as OpOf<'AVERAGE_POOL_2D'>;
      const input = x();
      const [, height, width] = input.shape as number[];
      if (op.type === 'AVERAGE_POOL_2D' && attrs.filterH === height && attrs.filterW === width && attrs.padding === 'valid') {
        // A global average (DS-CNN's last pool): a mean, whose gradient is a broadcast (the wasm AvgPoolGrad is a slow loop).
        return activate(tf, tf.mean(input, [1, 2], true), attrs.activation);
      }
      const pool = op.type === 'MAX_POOL_2D' ? tf.maxPool : tf.avgPool;
      return activate(tf, pool(input as never, [attrs.filterH, attrs.filterW], [attrs.strideH, attrs.strideW], attrs.padding), attrs.activation);
    }
    case 'ADD':
    case 'SUB':
    case 'MUL': {
      const { attrs } = op as OpOf<'ADD'>;
      const a = value(op.inputs[0]);
      const b = value(op.inputs[1]);
      const y = op.type === 'ADD' ? a.add(b) : op.type === 'SUB' ? a.sub(b) : a.mul(b);
      return activate(tf, y, attrs.activation);
    }
    case 'RESHAPE':
      return x().reshape(batched(graph, op.outputs[0], op, index));
    case 'SOFTMAX': {
      const { beta } = (op as OpOf<'SOFTMAX'>).attrs;
      const input = x();
      return tf.softmax(beta === 1 ? input : input.mul(beta));
    }
    case 'CONCATENATION': {
      const { attrs } = op as OpOf<'CONCATENATION'>;
      const parts = op.inputs.map((id) => value(id));
      const rank = parts[0].shape.length;
      return activate(tf, tf.concat(parts, attrs.axis < 0 ? attrs.axis + rank : attrs.axis), attrs.activation);
    }
    case 'PAD': {
      const flat = intData(op.inputs[1]);
      const paddings: [number, number][] = [];
      for (let d = 0; d < flat.length / 2; d++) paddings.push([flat[2 * d], flat[2 * d + 1]]);
      if (paddings[0][0] !== 0 || paddings[0][1] !== 0) throw new PassError(`op ${index} (PAD) pads the batch dimension; training cannot batch it`, { opIndex: index });
      return tf.pad(x(), paddings);
    }
    case 'MEAN': {
      const { keepDims } = (op as OpOf<'MEAN'>).attrs;
      const input = x();
      const axes = [...new Set(intData(op.inputs[1]).map((axis) => (axis < 0 ? axis + input.shape.length : axis)))];
      if (axes.includes(0)) throw new PassError(`op ${index} (MEAN) reduces the batch dimension; training cannot batch it`, { opIndex: index });
      return tf.mean(input, axes, keepDims);
    }
    case 'LOGISTIC':
      return tf.sigmoid(x());
    case 'TANH':
      return tf.tanh(x());
    case 'RELU':
      return tf.relu(x());
    case 'RELU6':
      return tf.relu6(x());
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
      return lowerLstm(tf, op as OpOf<'UNIDIRECTIONAL_SEQUENCE_LSTM'>, value, quantize?.lstm(index));
    case 'REVERSE_V2': {
      const input = x();
      const axes = [...new Set(intData(op.inputs[1]).map((axis) => (axis < 0 ? axis + input.shape.length : axis)))];
      if (axes.includes(0)) throw new PassError(`op ${index} (REVERSE_V2) reverses the batch dimension; training cannot batch it`, { opIndex: index });
      return tf.reverse(input, axes);
    }
    case gruOpType:
      return lowerGru(tf, graph, op, value, quantize?.gru(index));
    default:
      throw new PassError(`op ${index} (${op.type}) has no training lowering`, { opIndex: index });
  }
}

/**
 * The batch-major LSTM unrolled over its time steps, state starting at zero (the interpreter's
 * reset mode): f, i, o = σ(W·x + b + R·h), g = tanh(W_c·x + b_c + R_c·h), c = f·c + i·g (clipped
 * when cell_clip > 0), h = o·tanh(c). The input projections of all steps are one matrix product;
 * each step adds one product with the four recurrent matrices side by side.
 *
 * With quantization hooks, the values take the int8 LSTM's encodings where its kernel holds them:
 * each of the two gate products in Q3.12 and their sum saturated there, the gate activations in
 * Q0.15, both cell products and the cell in the cell's int16 scale, the hidden state in int8.
 */
function lowerLstm(tf: Tf, op: OpOf<'UNIDIRECTIONAL_SEQUENCE_LSTM'>, value: (id: number) => T, quantize?: LstmQuantizeHooks): T {
  const gates = ['input', 'forget', 'cell', 'output'] as const;
  const input = value(op.inputs[lstmInputIndex.input]);
  const [, steps, features] = input.shape as number[];
  const units = value(op.inputs[lstmInputIndex.inputToForgetWeights]).shape[0]!;
  // Transposed once here rather than in every product (the wasm back end multiplies untransposed operands fastest).
  const inputWeights = tf.concat(gates.map((gate) => value(op.inputs[lstmGateInputs[gate].inputWeights])), 0).transpose(); // [features, 4u]
  const recurrentWeights = tf.concat(gates.map((gate) => value(op.inputs[lstmGateInputs[gate].recurrentWeights])), 0).transpose(); // [u, 4u]
  const bias = tf.concat(gates.map((gate) => value(op.inputs[lstmGateInputs[gate].bias])), 0); // [4u]
  let projected = addBias(tf, tf.matMul(input.reshape([-1, features]), inputWeights), bias).reshape([-1, steps, 4 * units]);
  if (quantize) projected = quantize.fixed(projected, -12);
  const { cellClip } = op.attrs;
  // On wasm and cpu the recurrence is one kernel with a hand-written gradient (`lstm-sequence.ts`).
  if (!quantize && hasFusedLstm(tf)) return lstmSequence(tf, projected, recurrentWeights, cellClip);
  const batch = projected.shape[0]!;
  let hidden: T = tf.zeros([batch, units]);
  let cell: T = tf.zeros([batch, units]);
  const outputs: T[] = [];
  const cells: T[] = [];
  const perStep = tf.unstack(projected, 1);
  if (!quantize) {
    for (let t = 0; t < steps; t++) {
      const sums = perStep[t].add(tf.matMul(hidden, recurrentWeights));
      const [i, f, g, o] = tf.split(sums, 4, 1);
      cell = tf.sigmoid(f).mul(cell).add(tf.sigmoid(i).mul(tf.tanh(g)));
      if (cellClip > 0) cell = tf.clipByValue(cell, -cellClip, cellClip);
      hidden = tf.tanh(cell).mul(tf.sigmoid(o));
      outputs.push(hidden);
    }
    return tf.stack(outputs, 1);
  }
  const q15 = (x: T) => quantize.fixed(x, -15);
  const floatHidden: T[] = [];
  for (let t = 0; t < steps; t++) {
    // Both products in Q3.12, their sum saturated to int16 (the fixed hook clamps).
    const sums = quantize.fixed(perStep[t].add(quantize.fixed(tf.matMul(hidden, recurrentWeights), -12)), -12);
    const [i, f, g, o] = tf.split(sums, 4, 1);
    cell = quantize.cell(quantize.cell(q15(tf.sigmoid(f)).mul(cell)).add(quantize.cell(q15(tf.sigmoid(i)).mul(q15(tf.tanh(g))))));
    if (cellClip > 0) cell = tf.clipByValue(cell, -cellClip, cellClip);
    cells.push(cell);
    const h = q15(tf.tanh(cell)).mul(q15(tf.sigmoid(o)));
    floatHidden.push(h);
    hidden = quantize.hidden(h);
    outputs.push(hidden);
  }
  quantize.observe(floatHidden, cells);
  return tf.stack(outputs, 1);
}

/**
 * The batch-major TD_GRU (`ops/gru-layout.ts`) unrolled over its time steps (last to first when
 * `reverse`), the state starting from the hidden-state tensor's initial value (zeros when it has
 * none: the interpreter's reset mode): r, z = σ(W·x + b + R·h);
 * n = tanh(W_n·x + b_n + r ⊙ (R_n·h + rb_n)) with linear_before_reset, tanh(W_n·x + b_n + R_n·(r ⊙ h))
 * without; h' = n + z ⊙ (h − n). The input projections of all steps are one matrix product; each
 * step multiplies the state by the recurrent matrices side by side (r and z only, without
 * linear_before_reset, whose n product needs r first). The output is every step's state at that
 * step's position, or the final state without `return_sequences`.
 *
 * With quantization hooks, the values take the int8 GRU's encodings where its kernel
 * (`interp/kernels/gru-integer.ts`) holds them: each input and recurrent product in Q3.12 (per gate,
 * saturated), their sums saturated there, r, z and n in Q0.15, r ⊙ (R_n·h + rb_n) rounded to Q3.12
 * (r ⊙ h to Q0.15 without linear_before_reset), z ⊙ (h − n) rounded to Q0.15 unclamped and the
 * state saturated to Q0.15; the int8 output is the op's output hook.
 */
function lowerGru(tf: Tf, graph: Graph, op: Op, value: (id: number) => T, quantize?: GruQuantizeHooks): T {
  const { linearBeforeReset, reverse, returnSequences } = gruAttrs(op.attrs);
  const slot = (index: number) => value(op.inputs[index]);
  const input = slot(gruInputIndex.input);
  const [, steps, features] = input.shape as number[];
  const units = slot(gruInputIndex.inputWeights.r).shape[0]!;
  const q12 = (x: T) => (quantize ? quantize.fixed(x, -12) : x);
  const q15 = (x: T) => (quantize ? quantize.fixed(x, -15) : x);
  const inputWeights = tf.concat(gruGateNames.map((gate) => slot(gruInputIndex.inputWeights[gate])), 0).transpose(); // [features, 3u]
  const bias = tf.concat(gruGateNames.map((gate) => slot(gruInputIndex.bias[gate])), 0); // [3u]
  const recurrent = (gates: readonly ('r' | 'z' | 'n')[]) => tf.concat(gates.map((gate) => slot(gruInputIndex.recurrentWeights[gate])), 0).transpose(); // [u, k·u]
  const recurrentNBiasId = op.inputs[gruInputIndex.recurrentNBias];
  const recurrentNBias = recurrentNBiasId !== undefined && recurrentNBiasId >= 0 ? value(recurrentNBiasId) : undefined;
  // Each gate's input product in Q3.12 (the three side by side: the grid is per element).
  const projected = q12(addBias(tf, tf.matMul(input.reshape([-1, features]), inputWeights), bias)).reshape([-1, steps, 3 * units]);
  const batch = projected.shape[0]!;
  const state = graph.tensors[op.inputs[gruInputIndex.hiddenState]];
  let hidden: T = state.data ? q15(tf.tensor(realValues(state), [1, units], 'float32').tile([batch, 1])) : tf.zeros([batch, units]);
  const perStep = tf.unstack(projected, 1);
  const outputs: T[] = new Array<T>(steps);
  const allRecurrent = linearBeforeReset ? recurrent(['r', 'z', 'n']) : recurrent(['r', 'z']);
  const newRecurrent = linearBeforeReset ? undefined : recurrent(['n']);
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    const [xr, xz, xn] = tf.split(perStep[t], 3, 1);
    const products = tf.matMul(hidden, allRecurrent);
    let r: T;
    let z: T;
    let n: T;
    if (newRecurrent) {
      const [hr, hz] = tf.split(q12(products), 2, 1);
      r = q15(tf.sigmoid(q12(xr.add(hr))));
      z = q15(tf.sigmoid(q12(xz.add(hz))));
      n = q15(tf.tanh(q12(xn.add(q12(tf.matMul(q15(r.mul(hidden)), newRecurrent))))));
    } else {
      const [hr, hz, hn] = tf.split(products, 3, 1);
      // The recurrent n bias joins the n product before it is rounded (the kernel adds it in int32).
      const [qr, qz, qn] = [hr, hz, recurrentNBias ? hn.add(recurrentNBias) : hn].map(q12);
      r = q15(tf.sigmoid(q12(xr.add(qr))));
      z = q15(tf.sigmoid(q12(xz.add(qz))));
      n = q15(tf.tanh(q12(xn.add(q12(r.mul(qn))))));
    }
    const update = z.mul(hidden.sub(n));
    hidden = q15(n.add(quantize ? quantize.fixed(update, -15, true) : update));
    outputs[t] = hidden;
  }
  return returnSequences ? tf.stack(outputs, 1) : hidden;
}
