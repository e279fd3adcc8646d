/**
 * Candidate networks as TinyDeploy graphs: each search family's builder turns a candidate (one
 * value per parameter of its space) into a float32 IR graph with freshly initialised weights
 * (Glorot-uniform from a seeded generator, biases 0, LSTM forget-gate biases 1), batch 1, ending in
 * SOFTMAX over the classes: what the training engine lowers, the quantizer quantizes and the C
 * generator builds. Time series come as [1, steps, features]; images as [1, H, W] or [1, H, W, C].
 */

import { UsageError } from '../errors.js';
import type { Activation, Graph, Op, Tensor } from '../ir/types.js';
import { seededRandom } from './random.js';
import type { Candidate, SearchSpace } from './space.js';

export interface BuildOptions {
  /** The model's input shape, batch first (1). */
  inputShape: number[];
  classes: number;
  /** Seed of the weight initialisation. */
  seed?: number;
}

class Builder {
  readonly tensors: Tensor[] = [];
  readonly ops: Op[] = [];
  readonly random: () => number;
  constructor(seed: number) {
    this.random = seededRandom(seed);
  }
  tensor(name: string, shape: number[], extra: Partial<Tensor> = {}): number {
    const id = this.tensors.length;
    this.tensors.push({ id, name, shape, dtype: 'float32', ...extra });
    return id;
  }
  glorot(name: string, shape: number[], fanIn: number, fanOut: number): number {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const count = shape.reduce((a, b) => a * b, 1);
    return this.tensor(name, shape, { data: Float32Array.from({ length: count }, () => (2 * this.random() - 1) * limit) });
  }
  constant(name: string, values: number[]): number {
    return this.tensor(name, [values.length], { data: Float32Array.from(values) });
  }
  ints(name: string, values: number[]): number {
    return this.tensor(name, [values.length], { dtype: 'int32', data: Int32Array.from(values) });
  }
  shape(id: number): number[] {
    return this.tensors[id].shape;
  }
  reshape(input: number, shape: number[], name: string): number {
    const output = this.tensor(name, shape);
    this.ops.push({ type: 'RESHAPE', inputs: [input, this.ints(`${name}/shape`, shape)], outputs: [output], attrs: { newShape: shape } });
    return output;
  }
  dense(input: number, units: number, activation: Activation, name: string): number {
    const depth = this.shape(input).at(-1)!;
    const weights = this.glorot(`${name}/weights`, [units, depth], depth, units);
    const bias = this.constant(`${name}/bias`, new Array<number>(units).fill(0));
    const output = this.tensor(name, [1, units]);
    // TANH is not a fused activation of FULLY_CONNECTED in TFLite's kernels: a TANH op follows.
    const fused = activation === 'tanh' ? 'none' : activation;
    this.ops.push({ type: 'FULLY_CONNECTED', inputs: [input, weights, bias], outputs: [output], attrs: { activation: fused, keepNumDims: false, asymmetricQuantizeInputs: false } });
    if (activation !== 'tanh') return output;
    const activated = this.tensor(`${name}/tanh`, [1, units]);
    this.ops.push({ type: 'TANH', inputs: [output], outputs: [activated], attrs: {} });
    return activated;
  }
  conv(input: number, channels: number, [kh, kw]: [number, number], [sh, sw]: [number, number], name: string): number {
    const [, h, w, c] = this.shape(input);
    const weights = this.glorot(`${name}/weights`, [channels, kh, kw, c], kh * kw * c, kh * kw * channels);
    const bias = this.constant(`${name}/bias`, new Array<number>(channels).fill(0));
    const output = this.tensor(name, [1, Math.ceil(h / sh), Math.ceil(w / sw), channels]);
    this.ops.push({ type: 'CONV_2D', inputs: [input, weights, bias], outputs: [output], attrs: { padding: 'same', strideH: sh, strideW: sw, dilationH: 1, dilationW: 1, activation: 'relu' } });
    return output;
  }
  depthwise(input: number, [kh, kw]: [number, number], [sh, sw]: [number, number], name: string): number {
    const [, h, w, c] = this.shape(input);
    const weights = this.glorot(`${name}/weights`, [1, kh, kw, c], kh * kw, kh * kw);
    const bias = this.constant(`${name}/bias`, new Array<number>(c).fill(0));
    const output = this.tensor(name, [1, Math.ceil(h / sh), Math.ceil(w / sw), c]);
    this.ops.push({
      type: 'DEPTHWISE_CONV_2D',
      inputs: [input, weights, bias],
      outputs: [output],
      attrs: { padding: 'same', strideH: sh, strideW: sw, dilationH: 1, dilationW: 1, activation: 'relu', depthMultiplier: 1 },
    });
    return output;
  }
  mean(input: number, axes: number[], name: string): number {
    const shape = this.shape(input).filter((_, axis) => !axes.includes(axis));
    const output = this.tensor(name, shape);
    this.ops.push({ type: 'MEAN', inputs: [input, this.ints(`${name}/axes`, axes)], outputs: [output], attrs: { keepDims: false } });
    return output;
  }
  lstm(input: number, units: number, name: string): number {
    const [, steps, features] = this.shape(input);
    const gates = ['input', 'forget', 'cell', 'output'];
    const inputWeights = gates.map((gate) => this.glorot(`${name}/${gate}_w`, [units, features], features, units));
    const recurrentWeights = gates.map((gate) => this.glorot(`${name}/${gate}_r`, [units, units], units, units));
    const biases = gates.map((gate) => this.constant(`${name}/${gate}_b`, new Array<number>(units).fill(gate === 'forget' ? 1 : 0)));
    const hidden = this.tensor(`${name}/hidden`, [1, units], { variable: true });
    const cell = this.tensor(`${name}/cell`, [1, units], { variable: true });
    const output = this.tensor(name, [1, steps, units]);
    this.ops.push({
      type: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
      inputs: [input, ...inputWeights, ...recurrentWeights, -1, -1, -1, ...biases, -1, -1, hidden, cell, -1, -1, -1, -1],
      outputs: [output],
      attrs: { activation: 'tanh', cellClip: 0, projClip: 0, timeMajor: false, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false },
    });
    return output;
  }
  /** A batch-major TD_GRU (PyTorch's cell: linear_before_reset, r, z, n gates), every step's state out. */
  gru(input: number, units: number, name: string): number {
    const [, steps, features] = this.shape(input);
    const gates = ['r', 'z', 'n'];
    const inputWeights = gates.map((gate) => this.glorot(`${name}/W_${gate}`, [units, features], features, units));
    const recurrentWeights = gates.map((gate) => this.glorot(`${name}/R_${gate}`, [units, units], units, units));
    const biases = gates.map((gate) => this.constant(`${name}/b_${gate}`, new Array<number>(units).fill(0)));
    const hidden = this.tensor(`${name}/hidden`, [1, units], { variable: true });
    const output = this.tensor(name, [1, steps, units]);
    this.ops.push({
      type: 'TD_GRU',
      inputs: [input, ...inputWeights, ...recurrentWeights, ...biases, -1, hidden],
      outputs: [output],
      attrs: { linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true },
    });
    return output;
  }
  classifier(input: number, classes: number): number {
    const logits = this.dense(input, classes, 'none', 'logits');
    const output = this.tensor('probabilities', [1, classes]);
    this.ops.push({ type: 'SOFTMAX', inputs: [logits], outputs: [output], attrs: { beta: 1 } });
    return output;
  }
  graph(name: string, input: number, output: number): Graph {
    return { name, tensors: this.tensors, ops: this.ops, inputs: [input], outputs: [output] };
  }
}

const int = (candidate: Candidate, name: string) => Number(candidate[name]);

/** As a sequence [1, steps, features]: time series as they are, images row by row. */
function asSequence(b: Builder, input: number): number {
  const shape = b.shape(input);
  if (shape.length === 3) return input;
  if (shape.length === 4) return b.reshape(input, [1, shape[1], shape[2] * shape[3]], 'rows');
  throw new UsageError(`input shape [${shape.join(',')}] is neither a sequence [1, steps, features] nor an image [1, H, W, C]`);
}

/** As an image [1, H, W, C]: images as they are, a sequence [1, steps, features] as [1, steps, 1, features]. */
function asImage(b: Builder, input: number): number {
  const shape = b.shape(input);
  if (shape.length === 4) return input;
  if (shape.length === 3) return b.reshape(input, [1, shape[1], 1, shape[2]], 'as_image');
  throw new UsageError(`input shape [${shape.join(',')}] is neither a sequence [1, steps, features] nor an image [1, H, W, C]`);
}

function flatten(b: Builder, input: number): number {
  const shape = b.shape(input);
  return shape.length === 2 ? input : b.reshape(input, [1, shape.slice(1).reduce((x, y) => x * y, 1)], 'flatten');
}

/** The float graph of `candidate` in `space` (see the module comment). */
export function buildCandidateGraph(space: SearchSpace, candidate: Candidate, options: BuildOptions): Graph {
  const { inputShape, classes } = options;
  if (inputShape[0] !== 1 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) throw new UsageError(`input shape [${inputShape.join(',')}] must be positive integers with batch 1`);
  if (!Number.isInteger(classes) || classes < 2) throw new UsageError(`a classifier needs at least 2 classes, got ${classes}`);
  const b = new Builder(options.seed ?? 1);
  const input = b.tensor('input', [...inputShape]);
  let x: number;
  switch (space.family) {
    case 'gru':
    case 'lstm': {
      x = asSequence(b, input);
      const family = space.family;
      for (let layer = 0; layer < int(candidate, 'layers'); layer++) x = b[family](x, int(candidate, 'hidden'), `${family}_${layer}`);
      x = b.mean(x, [1], 'mean_over_time');
      if (int(candidate, 'head') > 0) x = b.dense(x, int(candidate, 'head'), 'relu', 'head');
      break;
    }
    case 'ds-cnn': {
      x = asImage(b, input);
      const wide = b.shape(x)[2] > 1;
      const square = (k: number): [number, number] => [k, wide ? k : 1];
      const first = int(candidate, 'channels');
      const blocks = int(candidate, 'blocks');
      const last = Math.round(first * Number(candidate.growth));
      x = b.conv(x, first, square(int(candidate, 'firstKernel')), square(int(candidate, 'firstStride')), 'conv_0');
      for (let block = 0; block < blocks; block++) {
        const channels = Math.max(1, Math.round(first + ((last - first) * (block + 1)) / blocks));
        const stride = block < int(candidate, 'downsample') ? 2 : 1;
        x = b.depthwise(x, square(int(candidate, 'kernel')), square(stride), `block_${block}/depthwise`);
        x = b.conv(x, channels, [1, 1], [1, 1], `block_${block}/pointwise`);
      }
      x = b.mean(x, [1, 2], 'global_pool');
      break;
    }
    case 'mlp': {
      x = input;
      if (int(candidate, 'conv') > 0) {
        x = asImage(b, x);
        const wide = b.shape(x)[2] > 1;
        x = b.conv(x, int(candidate, 'conv'), [5, wide ? 5 : 1], [2, wide ? 2 : 1], 'conv');
      }
      x = flatten(b, x);
      const activation = String(candidate.activation) as Activation;
      for (let layer = 0; layer < int(candidate, 'layers'); layer++) x = b.dense(x, int(candidate, 'width'), activation, `dense_${layer}`);
      break;
    }
    default:
      throw new UsageError(`search space ${space.name}: unknown family ${String(space.family)}`);
  }
  const output = b.classifier(x, classes);
  return b.graph(`${space.name}-candidate`, input, output);
}
