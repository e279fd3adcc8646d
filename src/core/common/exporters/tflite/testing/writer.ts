// Test helper of the TFLite writer tests (imported by *.test.ts only): seeded inputs and
// one-op graphs cut out of a model.
import { allocateData, elementCount } from '../../../ir/tensor.js';
import type { Graph, Op, Tensor, TensorData } from '../../../ir/types.js';

/** mulberry32: a small seeded generator, so every run feeds the same "random" input. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values over the whole int8/int16/uint8/bool range, or in [-1, 1) for float32. */
export function randomTensorData(tensor: Tensor, random: () => number): TensorData {
  const data = allocateData(tensor.dtype, elementCount(tensor.shape));
  const range: Partial<Record<Tensor['dtype'], [number, number]>> = { bool: [0, 1], int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-1000, 1000], uint32: [0, 4000000000] };
  const bounds = range[tensor.dtype];
  for (let i = 0; i < data.length; i++) {
    if (bounds) data[i] = bounds[0] + Math.floor(random() * (bounds[1] - bounds[0] + 1));
    else if (tensor.dtype === 'float32') data[i] = random() * 2 - 1;
    else throw new Error(`no random input for ${tensor.dtype} tensor ${tensor.id}`);
  }
  return data;
}

/**
 * One op of a graph as a graph of its own: its non-constant, non-variable inputs become graph
 * inputs (fed with the values the whole model computed for them), constants and state keep
 * their contents, tensors (intermediates too) are renumbered densely. Returns the graph and its inputs' ids in the
 * original graph.
 */
export function singleOpGraph(graph: Graph, opIndex: number): { graph: Graph; inputIds: number[] } {
  const op = graph.ops[opIndex];
  const renumber = new Map<number, number>();
  const tensors: Tensor[] = [];
  const take = (id: number): number => {
    if (id < 0) return id;
    let local = renumber.get(id);
    if (local === undefined) {
      local = tensors.length;
      renumber.set(id, local);
      tensors.push({ ...graph.tensors[id], id: local });
    }
    return local;
  };
  const inputs = op.inputs.map(take);
  const outputs = op.outputs.map(take);
  const intermediates = op.intermediates?.map(take);
  const inputIds = [...new Set(op.inputs.filter((id) => id >= 0 && !graph.tensors[id].data && !graph.tensors[id].variable))];
  const single: Graph = {
    name: `${graph.name}_op${opIndex}`,
    tensors,
    ops: [{ ...op, inputs, outputs, ...(intermediates ? { intermediates } : {}) } as Op],
    inputs: inputIds.map((id) => renumber.get(id)!),
    outputs,
  };
  return { graph: single, inputIds };
}

type TensorOptions = Pick<Tensor, 'data'> & { quantization?: [number, number] | Tensor['quantization'] };

/** Builds a graph tensor by tensor and op by op (ids in creation order). */
class GraphBuilder {
  readonly tensors: Tensor[] = [];
  readonly ops: Op[] = [];

  constructor(private readonly next: () => number) {}

  tensor(name: string, dtype: Tensor['dtype'], shape: number[], options: TensorOptions = {}): number {
    const id = this.tensors.length;
    const q = options.quantization;
    const tensor: Tensor = { id, name, dtype, shape };
    if (options.data) tensor.data = options.data;
    if (q) tensor.quantization = Array.isArray(q) ? { scale: [q[0]], zeroPoint: [q[1]], axis: 0 } : q;
    this.tensors.push(tensor);
    return id;
  }

  /** A constant of random values: floats in [-0.5, 0.5), integers over [low, high]. */
  random(name: string, dtype: 'float32' | 'int8' | 'int32', shape: number[], options: TensorOptions & { low?: number; high?: number } = {}): number {
    const data = allocateData(dtype, elementCount(shape));
    const low = options.low ?? -127;
    const high = options.high ?? 127;
    for (let i = 0; i < data.length; i++) {
      data[i] = dtype === 'float32' ? this.next() - 0.5 : low + Math.floor(this.next() * (high - low + 1));
    }
    return this.tensor(name, dtype, shape, { ...options, data });
  }

  int32(name: string, values: number[], shape = [values.length]): number {
    return this.tensor(name, 'int32', shape, { data: Int32Array.from(values) });
  }

  op(type: string, attrs: object, inputs: number[], shape: number[], dtype: Tensor['dtype'], quantization?: [number, number]): number {
    const output = this.tensor(`${type.toLowerCase()}_${this.ops.length}`, dtype, shape, { quantization });
    this.ops.push({ type, attrs, inputs, outputs: [output] } as Op);
    return output;
  }

  graph(name: string, inputs: number[], outputs: number[]): Graph {
    return { name, tensors: this.tensors, ops: this.ops, inputs, outputs };
  }
}

const same = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'none' } as const;

/**
 * A float32 graph that uses every op type the IR knows except QUANTIZE and DEQUANTIZE, with
 * attributes away from their defaults (valid padding, strides of 2, dilation, depth multiplier,
 * fused activations, keep_num_dims, new_shape, beta, negative and positive axes).
 */
export function everyOpFloatGraph(seed = 1): Graph {
  const b = new GraphBuilder(seededRandom(seed));
  const x = b.tensor('x', 'float32', [1, 8, 8, 4]);
  const conv = b.op('CONV_2D', { ...same, padding: 'valid', strideH: 2, activation: 'relu' },
    [x, b.random('conv_filter', 'float32', [8, 3, 3, 4]), b.random('conv_bias', 'float32', [8])], [1, 3, 6, 8], 'float32');
  const depthwise = b.op('DEPTHWISE_CONV_2D', { ...same, dilationH: 2, dilationW: 2, depthMultiplier: 2, activation: 'relu6' },
    [conv, b.random('depthwise_filter', 'float32', [1, 3, 3, 16]), b.random('depthwise_bias', 'float32', [16])], [1, 3, 6, 16], 'float32');
  const maxPool = b.op('MAX_POOL_2D', { padding: 'same', strideH: 2, strideW: 2, filterH: 2, filterW: 2, activation: 'none' }, [depthwise], [1, 2, 3, 16], 'float32');
  const averagePool = b.op('AVERAGE_POOL_2D', { padding: 'valid', strideH: 1, strideW: 1, filterH: 2, filterW: 3, activation: 'relu' }, [maxPool], [1, 1, 1, 16], 'float32');
  const reshape = b.op('RESHAPE', { newShape: [1, 16] }, [averagePool, b.int32('reshape_shape', [1, 16])], [1, 16], 'float32');
  const dense = b.op('FULLY_CONNECTED', { activation: 'relu_n1_to_1', keepNumDims: true, asymmetricQuantizeInputs: false },
    [reshape, b.random('dense_weights', 'float32', [10, 16]), b.random('dense_bias', 'float32', [10])], [1, 10], 'float32');
  const logistic = b.op('LOGISTIC', {}, [dense], [1, 10], 'float32');
  const tanh = b.op('TANH', {}, [dense], [1, 10], 'float32');
  const add = b.op('ADD', { activation: 'relu6' }, [logistic, tanh], [1, 10], 'float32');
  const sub = b.op('SUB', { activation: 'none' }, [add, b.random('sub_constant', 'float32', [10])], [1, 10], 'float32');
  const mul = b.op('MUL', { activation: 'relu' }, [sub, logistic], [1, 10], 'float32');
  const concatenation = b.op('CONCATENATION', { axis: -1, activation: 'none' }, [mul, sub], [1, 20], 'float32');
  const pad = b.op('PAD', {}, [concatenation, b.int32('paddings', [0, 0, 1, 2], [2, 2])], [1, 23], 'float32');
  const relu = b.op('RELU', {}, [pad], [1, 23], 'float32');
  const relu6 = b.op('RELU6', {}, [pad], [1, 23], 'float32');
  const mean = b.op('MEAN', { keepDims: true }, [relu, b.int32('mean_axis', [1])], [1, 1], 'float32');
  const softmax = b.op('SOFTMAX', { beta: 0.5 }, [relu6], [1, 23], 'float32');
  return b.graph('every_op_float', [x], [softmax, mean]);
}

/**
 * An int8 graph between QUANTIZE and DEQUANTIZE that uses every op type the IR knows except the
 * LSTM (covered by the shared models), with per-channel convolution filters and quantization
 * that TFLite's int8 kernels accept (CONCATENATION, PAD, pools, RESHAPE and RELU6 keep their
 * input's parameters; LOGISTIC, TANH and SOFTMAX have TFLite's fixed output parameters).
 */
export function everyOpInt8Graph(seed = 2): Graph {
  const b = new GraphBuilder(seededRandom(seed));
  const perChannel = (count: number, axis: number, base: number) => ({
    scale: Array.from({ length: count }, (_, i) => Math.fround(base * (1 + i / count))),
    zeroPoint: new Array<number>(count).fill(0),
    axis,
  });
  const bias = (name: string, count: number) => b.random(name, 'int32', [count], { low: -2000, high: 2000 });
  const x = b.tensor('x', 'float32', [1, 6, 6, 3]);
  const quantized = b.op('QUANTIZE', {}, [x], [1, 6, 6, 3], 'int8', [0.0078125, 1]);
  const conv = b.op('CONV_2D', { ...same, strideH: 2, strideW: 2, activation: 'relu6' },
    [quantized, b.random('conv_filter', 'int8', [4, 3, 3, 3], { quantization: perChannel(4, 0, 0.004) }), bias('conv_bias', 4)],
    [1, 3, 3, 4], 'int8', [0.03125, -100]);
  const depthwise = b.op('DEPTHWISE_CONV_2D', { ...same, depthMultiplier: 2 },
    [conv, b.random('depthwise_filter', 'int8', [1, 3, 3, 8], { quantization: perChannel(8, 3, 0.01) }), bias('depthwise_bias', 8)],
    [1, 3, 3, 8], 'int8', [0.0625, 3]);
  const maxPool = b.op('MAX_POOL_2D', { padding: 'valid', strideH: 1, strideW: 1, filterH: 2, filterW: 2, activation: 'none' }, [depthwise], [1, 2, 2, 8], 'int8', [0.0625, 3]);
  const averagePool = b.op('AVERAGE_POOL_2D', { padding: 'same', strideH: 2, strideW: 2, filterH: 2, filterW: 2, activation: 'relu' }, [maxPool], [1, 1, 1, 8], 'int8', [0.0625, 3]);
  const reshape = b.op('RESHAPE', { newShape: [1, 8] }, [averagePool, b.int32('reshape_shape', [1, 8])], [1, 8], 'int8', [0.0625, 3]);
  const dense = b.op('FULLY_CONNECTED', { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false },
    [reshape, b.random('dense_weights', 'int8', [6, 8], { quantization: [0.01, 0] }), bias('dense_bias', 6)], [1, 6], 'int8', [0.05, -3]);
  const logistic = b.op('LOGISTIC', {}, [dense], [1, 6], 'int8', [1 / 256, -128]);
  const tanh = b.op('TANH', {}, [dense], [1, 6], 'int8', [1 / 128, 0]);
  const add = b.op('ADD', { activation: 'relu' }, [logistic, tanh], [1, 6], 'int8', [0.01, -128]);
  const sub = b.op('SUB', { activation: 'none' }, [add, tanh], [1, 6], 'int8', [0.015, 2]);
  const mul = b.op('MUL', { activation: 'none' }, [sub, logistic], [1, 6], 'int8', [0.004, -10]);
  const relu = b.op('RELU', {}, [mul], [1, 6], 'int8', [0.004, -10]);
  const concatenation = b.op('CONCATENATION', { axis: 1, activation: 'none' }, [mul, relu], [1, 12], 'int8', [0.004, -10]);
  const pad = b.op('PAD', {}, [concatenation, b.int32('paddings', [0, 0, 2, 1], [2, 2])], [1, 15], 'int8', [0.004, -10]);
  const relu6 = b.op('RELU6', {}, [pad], [1, 15], 'int8', [0.004, -10]);
  const mean = b.op('MEAN', { keepDims: true }, [relu6, b.int32('mean_axis', [1])], [1, 1], 'int8', [0.002, 5]);
  const softmax = b.op('SOFTMAX', { beta: 1 }, [pad], [1, 15], 'int8', [1 / 256, -128]);
  const output = b.op('DEQUANTIZE', {}, [softmax], [1, 15], 'float32');
  const meanOutput = b.op('DEQUANTIZE', {}, [mean], [1, 1], 'float32');
  return b.graph('every_op_int8', [x], [output, meanOutput]);
}
