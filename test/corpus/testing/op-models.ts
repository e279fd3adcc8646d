/**
 * Single-op models for the op coverage corpus (test/corpus/ops): each a small graph written with
 * TinyDeploy's TFLite writer, one runtime input (other operands constant) and a seeded input.
 * `make-ops.ts` writes them; `ops.process.test.ts` runs them in TFLite (tfjs-tflite), the
 * interpreter, host C and virtual-m4f.
 */
import { allocateData, elementCount } from '../../../src/core/common/ir/tensor.js';
import type { DType, Graph, Op, Tensor, TensorData } from '../../../src/core/common/ir/types.js';

/** mulberry32, so every generation gives the same bytes. */
export function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ranges: Partial<Record<DType, [number, number]>> = { bool: [0, 1], int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-1000, 1000], uint32: [0, 4294967295] };

export function randomData(dtype: DType, count: number, random: () => number, spread = 1): TensorData {
  const data = allocateData(dtype, count);
  const bounds = ranges[dtype];
  for (let i = 0; i < count; i++) {
    if (bounds) data[i] = bounds[0] + Math.floor(random() * (bounds[1] - bounds[0] + 1));
    else data[i] = (random() * 2 - 1) * spread;
  }
  return data;
}

type Q = [scale: number, zeroPoint: number];

export class OpModel {
  readonly tensors: Tensor[] = [];
  readonly ops: Op[] = [];
  readonly inputs: number[] = [];
  outputs: number[] = [];
  constructor(readonly random: () => number) {}

  tensor(dtype: DType, shape: number[], q?: Q, data?: TensorData, name?: string): number {
    const id = this.tensors.length;
    const tensor: Tensor = { id, name: name ?? `t${id}`, dtype, shape };
    if (q) tensor.quantization = { scale: [q[0]], zeroPoint: [q[1]], axis: 0 };
    if (data) tensor.data = data;
    this.tensors.push(tensor);
    return id;
  }
  input(dtype: DType, shape: number[], q?: Q): number {
    const id = this.tensor(dtype, shape, q, undefined, `input${this.inputs.length}`);
    this.inputs.push(id);
    return id;
  }
  constant(dtype: DType, shape: number[], q?: Q, spread = 1): number {
    return this.tensor(dtype, shape, q, randomData(dtype, elementCount(shape), this.random, spread));
  }
  int32(values: number[], shape = [values.length]): number {
    return this.tensor('int32', shape, undefined, Int32Array.from(values));
  }
  op(type: string, attrs: object, inputs: number[], outputs: number[]): void {
    this.ops.push({ type, attrs, inputs, outputs } as Op);
  }
  graph(name: string): Graph {
    return { name, tensors: this.tensors, ops: this.ops, inputs: this.inputs, outputs: this.outputs.length ? this.outputs : [this.tensors.length - 1] };
  }
}

export interface OpModelSpec {
  name: string;
  /** The op types the model holds (the corpus entry's counts). */
  build(model: OpModel): void;
  /**
   * Largest difference allowed from TFLite's output (tfjs-tflite, XNNPACK): 0 unless its
   * optimized kernels round differently from the reference kernels TFLite Micro runs; float
   * outputs are compared within 1e-5 relative.
   */
  tfliteLsb?: number;
  /** tfjs-tflite cannot run this model (why); the interpreter, host C and board are still compared. */
  noTflite?: string;
  /** Float inputs drawn from (0.05, 4] instead of [-4, 4] (SQRT, RSQRT, LOG). */
  positiveInput?: boolean;
  /**
   * The op's float results go through exp, log or tanh (the kernels' float32 td_expf / td_logf /
   * td_tanhf, the C library's sinf / cosf), whose last bit is not the interpreter's double-precision
   * Math functions': float outputs of host C and the board are held within 1e-6 of the
   * interpreter instead of exactly.
   */
  libm?: boolean;
  /** The model's input values, when random ones would be invalid (BROADCAST_ARGS's shapes). */
  inputs?: () => TensorData[];
}

const q8: Q = [0.05, -3];
/** DETECTION_POSTPROCESS over 12 anchors (y, x in [0, 1), h, w in [0.1, 0.5)), 3 classes and a background, 4 detections. */
function detectionModel(m: OpModel, dtype: 'float32' | 'uint8' | 'int8', regular: boolean, classesPerDetection: number): void {
  const boxes = 12;
  const quantized = dtype !== 'float32';
  const offset = dtype === 'int8' ? -128 : 0;
  const encodings = m.input(dtype, [1, boxes, 4], quantized ? [0.05, 128 + offset] : undefined);
  const scores = m.input(dtype, [1, boxes, 4], quantized ? [1 / 256, offset] : undefined);
  const values = Array.from({ length: boxes * 4 }, (_, i) => (i % 4 < 2 ? m.random() : 0.1 + 0.4 * m.random()));
  const stored = values.map((v) => Math.round(v / 0.01) + offset);
  const anchors = quantized
    ? m.tensor(dtype, [boxes, 4], [0.01, offset], dtype === 'int8' ? Int8Array.from(stored) : Uint8Array.from(stored), 'anchors')
    : m.tensor('float32', [boxes, 4], undefined, Float32Array.from(values), 'anchors');
  const slots = regular ? 4 : 4 * classesPerDetection;
  const attrs = {
    maxDetections: 4,
    maxClassesPerDetection: classesPerDetection,
    detectionsPerClass: 3,
    useRegularNms: regular,
    // The uint8 regular model finds fewer than 4: the slots after the detections are zeros.
    nmsScoreThreshold: quantized ? (regular ? 0.9 : 0.6) : 0.5,
    nmsIouThreshold: 0.4,
    numClasses: 3,
    yScale: 10,
    xScale: 10,
    hScale: 5,
    wScale: 5,
  };
  const outputs = [m.tensor('float32', [1, slots, 4]), m.tensor('float32', [1, slots]), m.tensor('float32', [1, slots]), m.tensor('float32', [1])];
  m.op('DETECTION_POSTPROCESS', attrs, [encodings, scores, anchors], outputs);
  m.outputs = outputs;
}

/** A subgraph for IF or WHILE, built like a model (its constants drawn from the model's generator). */
const subgraph = (m: OpModel, name: string, build: (s: OpModel) => void): Graph => {
  const s = new OpModel(m.random);
  build(s);
  return s.graph(name);
};
/**
 * Weights stored as TFLite's INT4 (values -8..7, two a byte: ir/int4.ts), quantized per channel
 * along `axis` (symmetric), drawn from the model's generator.
 */
function int4Weights(m: OpModel, shape: number[], axis: number, scales: number[]): number {
  const id = m.tensor('int8', shape, undefined, Int8Array.from({ length: elementCount(shape) }, () => Math.floor(m.random() * 16) - 8));
  m.tensors[id].quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis };
  m.tensors[id].packing = 'int4';
  return id;
}
/** An int32 bias per channel at input scale × weight scale, within ±range. */
const channelBias = (m: OpModel, inputScale: number, scales: number[], range: number) => {
  const id = m.tensor('int32', [scales.length], undefined, Int32Array.from(scales, () => Math.floor((m.random() * 2 - 1) * range)));
  m.tensors[id].quantization = { scale: scales.map((s) => inputScale * s), zeroPoint: scales.map(() => 0), axis: 0 };
  return id;
};
/** Per-channel weight scales spread over [low, 2 low). */
const spreadScales = (count: number, low: number) => Array.from({ length: count }, (_, c) => low * (1 + c / count));
const int4NoTflite =
  "TFLite runs INT4 filters only in versions newer than tfjs-tflite's: the interpreter is the oracle (int4 weights as int8 values, TFLite Micro's UnpackDenseInt4IntoInt8; " +
  'its bytes checked by hand in importers/tflite/int4.test.ts and against the int8 twin in codegen/ops/int4-weights.test.ts)';
const svdfState = (m: OpModel, dtype: DType, shape: number[], q?: Q) => {
  const id = m.tensor(dtype, shape, q, undefined, 'svdf_state');
  m.tensors[id].variable = true;
  return id;
};

/** int8 weights quantized per channel along `axis` (symmetric), drawn from the model's generator. */
function perChannelWeights(m: OpModel, shape: number[], axis: number, scales: number[]): number {
  const id = m.tensor('int8', shape, undefined, randomData('int8', elementCount(shape), m.random));
  m.tensors[id].quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis };
  return id;
}
/** An int64 bias of `count` values within ±range (16x8 ops). */
const int64Bias = (m: OpModel, count: number, range: number) =>
  m.tensor('int64', [count], undefined, BigInt64Array.from({ length: count }, () => BigInt(Math.floor((m.random() * 2 - 1) * range))));

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM without peepholes, projection or layer norm: batch 2, 4 steps of 6
 * features, 5 units. int8: per-tensor weights, int32 biases at s_x·s_w, the hidden state quantized
 * as the output and the int16 cell state at 2^-11 (TFLite Micro's 8x8→16 LSTM).
 */
function lstmModel(m: OpModel, dtype: 'int8' | 'float32'): void {
  const [batch, time, features, units] = [2, 4, 6, 5];
  const quantized = dtype === 'int8';
  const xq: Q = [0.03, -2];
  const hq: Q = [1 / 128, 1];
  const x = m.input(dtype, [batch, time, features], quantized ? xq : undefined);
  const inputs: number[] = new Array<number>(24).fill(-1);
  inputs[0] = x;
  for (let gate = 0; gate < 4; gate++) {
    const [ws, rs] = [0.004 + 0.001 * gate, 0.006 + 0.001 * gate];
    inputs[1 + gate] = m.constant(dtype, [units, features], quantized ? [ws, 0] : undefined, 0.5);
    inputs[5 + gate] = m.constant(dtype, [units, units], quantized ? [rs, 0] : undefined, 0.5);
    inputs[12 + gate] = quantized
      ? m.tensor('int32', [units], [xq[0] * ws, 0], Int32Array.from({ length: units }, () => Math.floor((m.random() * 2 - 1) * 3000)))
      : m.constant('float32', [units], undefined, 0.5);
  }
  const state = (stateDtype: DType, q: Q | undefined, name: string) => {
    const id = m.tensor(stateDtype, [batch, units], q, undefined, name);
    m.tensors[id].variable = true;
    return id;
  };
  inputs[18] = state(dtype, quantized ? hq : undefined, 'lstm_hidden');
  inputs[19] = state(quantized ? 'int16' : 'float32', quantized ? [2 ** -11, 0] : undefined, 'lstm_cell');
  const attrs = { activation: 'tanh', cellClip: 0, projClip: 0, timeMajor: false, asymmetricQuantizeInputs: false, diagonalRecurrentTensors: false };
  m.op('UNIDIRECTIONAL_SEQUENCE_LSTM', attrs, inputs.slice(0, 20), [m.tensor(dtype, [batch, time, units], quantized ? hq : undefined)]);
}

export const opModels: OpModelSpec[] = [
  {
    name: 'leaky_relu_int8',
    // TFLite's optimized int8 LEAKY_RELU rounds some values 1 LSB away from the reference kernel
    // (the interpreter equals TFLite Micro on ../shared/baseline/ops/leaky_relu_16x16x32).
    tfliteLsb: 1,
    build: (m) => {
      const x = m.input('int8', [1, 8, 8, 4], [0.04, 5]);
      m.op('LEAKY_RELU', { alpha: 0.1 }, [x], [m.tensor('int8', [1, 8, 8, 4], [0.03, -10])]);
    },
  },
  {
    name: 'leaky_relu_int16',
    build: (m) => {
      const x = m.input('int16', [1, 6, 6, 4], [0.001, 0]);
      m.op('LEAKY_RELU', { alpha: 0.3 }, [x], [m.tensor('int16', [1, 6, 6, 4], [0.0008, 0])]);
    },
  },
  {
    name: 'relu_int16',
    build: (m) => {
      const x = m.input('int16', [1, 6, 6, 4], [0.0004, 0]);
      m.op('RELU', {}, [x], [m.tensor('int16', [1, 6, 6, 4], [0.0003, 0])]);
    },
  },
  {
    name: 'relu6_int16',
    build: (m) => {
      const x = m.input('int16', [1, 6, 6, 4], [0.0004, 0]);
      m.op('RELU6', {}, [x], [m.tensor('int16', [1, 6, 6, 4], [0.0004, 0])]);
    },
  },
  {
    name: 'leaky_relu_float32',
    build: (m) => {
      const x = m.input('float32', [2, 5, 7]);
      m.op('LEAKY_RELU', { alpha: 0.2 }, [x], [m.tensor('float32', [2, 5, 7])]);
    },
  },
  {
    name: 'transpose_float32_5d',
    build: (m) => {
      const x = m.input('float32', [2, 3, 4, 5, 6]);
      m.op('TRANSPOSE', {}, [x, m.int32([0, 4, 1, 3, 2])], [m.tensor('float32', [2, 6, 3, 5, 4])]);
    },
  },
  {
    name: 'transpose_int16',
    build: (m) => {
      const x = m.input('int16', [4, 6, 10], [0.001, 0]);
      m.op('TRANSPOSE', {}, [x, m.int32([2, 0, 1])], [m.tensor('int16', [10, 4, 6], [0.001, 0])]);
    },
  },
  {
    name: 'strided_slice_int8',
    build: (m) => {
      const x = m.input('int8', [1, 10, 12, 8], q8);
      const attrs = { beginMask: 4, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 1, offset: false };
      m.op('STRIDED_SLICE', attrs, [x, m.int32([0, 1, 5, 2]), m.int32([1, 9, 12, 8]), m.int32([1, 2, 3, 1])], [m.tensor('int8', [4, 4, 6], q8)]);
    },
  },
  {
    name: 'strided_slice_float32_negative_stride',
    build: (m) => {
      const x = m.input('float32', [6, 5]);
      const attrs = { beginMask: 0, endMask: 2, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false };
      m.op('STRIDED_SLICE', attrs, [x, m.int32([-1, 1]), m.int32([0, 0]), m.int32([-2, 1])], [m.tensor('float32', [3, 4])]);
    },
  },
  {
    name: 'slice_int8',
    build: (m) => {
      const x = m.input('int8', [2, 6, 6, 4], q8);
      m.op('SLICE', {}, [x, m.int32([0, 1, 2, 0]), m.int32([2, 4, -1, 3])], [m.tensor('int8', [2, 4, 4, 3], q8)]);
    },
  },
  {
    name: 'pack_int8',
    build: (m) => {
      const x = m.input('int8', [4, 6], q8);
      const others = [m.constant('int8', [4, 6], q8), m.constant('int8', [4, 6], q8)];
      m.op('PACK', { axis: 1, valuesCount: 3 }, [x, ...others], [m.tensor('int8', [4, 3, 6], q8)]);
    },
  },
  {
    name: 'unpack_float32',
    build: (m) => {
      const x = m.input('float32', [3, 4, 5]);
      const outputs = [0, 1, 2, 3].map(() => m.tensor('float32', [3, 5]));
      m.op('UNPACK', { axis: 1, num: 4 }, [x], outputs);
      m.outputs = outputs;
    },
  },
  {
    name: 'split_int8',
    build: (m) => {
      const x = m.input('int8', [1, 4, 6, 8], q8);
      const outputs = [0, 1, 2].map(() => m.tensor('int8', [1, 4, 2, 8], q8));
      m.op('SPLIT', { numSplits: 3 }, [m.int32([-2], []), x], outputs);
      m.outputs = outputs;
    },
  },
  {
    name: 'split_v_int16',
    build: (m) => {
      const x = m.input('int16', [2, 10], [0.001, 0]);
      const outputs = [3, 5, 2].map((n) => m.tensor('int16', [2, n], [0.001, 0]));
      m.op('SPLIT_V', { numSplits: 3 }, [x, m.int32([3, -1, 2]), m.int32([1], [])], outputs);
      m.outputs = outputs;
    },
  },
  {
    name: 'expand_dims_int8',
    build: (m) => {
      const x = m.input('int8', [4, 6], q8);
      m.op('EXPAND_DIMS', {}, [x, m.int32([1], [])], [m.tensor('int8', [4, 1, 6], q8)]);
    },
  },
  {
    name: 'squeeze_float32',
    build: (m) => {
      const x = m.input('float32', [1, 4, 1, 6]);
      m.op('SQUEEZE', { squeezeDims: [0, 2] }, [x], [m.tensor('float32', [4, 6])]);
    },
  },
  {
    // The Keras Flatten/Reshape pattern: the batch size read with SHAPE, the target shape packed.
    name: 'shape_slice_pack_reshape_int8',
    build: (m) => {
      const x = m.input('int8', [1, 4, 4, 3], q8);
      const shape = m.tensor('int32', [4]);
      m.op('SHAPE', {}, [x], [shape]);
      const batch = m.tensor('int32', []);
      const attrs = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 1, offset: false };
      m.op('STRIDED_SLICE', attrs, [shape, m.int32([0]), m.int32([1]), m.int32([1])], [batch]);
      const target = m.tensor('int32', [2]);
      m.op('PACK', { axis: 0, valuesCount: 2 }, [batch, m.int32([48], [])], [target]);
      m.op('RESHAPE', {}, [x, target], [m.tensor('int8', [1, 48], q8)]);
    },
  },
  {
    name: 'shape_float32',
    build: (m) => {
      const x = m.input('float32', [1, 7, 3, 2]);
      m.op('SHAPE', {}, [x], [m.tensor('int32', [4])]);
    },
  },
  ...(
    [
      ['uint8', 'int8', [0.5, 128], [0.25, -1]],
      ['int8', 'uint8', [0.1, -5], [0.2, 120]],
      ['int8', 'int16', [0.1, 3], [0.001, 0]],
      ['int16', 'int8', [0.001, 0], [0.05, 2]],
      ['int16', 'int16', [0.001, 0], [0.0007, 0]],
      ['float32', 'uint8', undefined, [0.01, 100]],
      ['float32', 'int16', undefined, [0.0001, 0]],
    ] as [DType, DType, Q | undefined, Q][]
  ).map(([from, to, qIn, qOut]): OpModelSpec => ({
    name: `quantize_${from}_to_${to}`,
    ...(from === 'int8' && to === 'int16' ? { noTflite: 'TFLite refuses an int8 → int16 QUANTIZE; TFLite Micro runs it' } : {}),
    build: (m) => {
      const x = m.input(from, [1, 10, 12], qIn);
      m.op('QUANTIZE', {}, [x], [m.tensor(to, [1, 10, 12], qOut)]);
    },
  })),
  ...(
    [
      ['uint8', [0.02, 130]],
      ['int16', [0.0005, 0]],
    ] as [DType, Q][]
  ).map(([from, qIn]): OpModelSpec => ({
    name: `dequantize_${from}`,
    build: (m) => {
      const x = m.input(from, [3, 40], qIn);
      m.op('DEQUANTIZE', {}, [x], [m.tensor('float32', [3, 40])]);
    },
  })),
  ...(
    [
      ['int32', 'uint32'],
      ['uint32', 'float32'],
      ['float32', 'int8'],
      ['int8', 'int16'],
      ['int16', 'float32'],
    ] as [DType, DType][]
  ).map(([from, to]): OpModelSpec => ({
    name: `cast_${from}_to_${to}`,
    build: (m) => {
      const x = m.input(from, [4, 9]);
      m.op('CAST', {}, [x], [m.tensor(to, [4, 9])]);
    },
  })),
  {
    name: 'transpose_uint32',
    noTflite: "TFLite's TRANSPOSE does not run uint32 tensors (its Invoke fails); TFLite Micro's copies any type",
    build: (m) => {
      const x = m.input('uint32', [3, 5, 2]);
      m.op('TRANSPOSE', {}, [x, m.int32([1, 2, 0])], [m.tensor('uint32', [5, 2, 3])]);
    },
  },
  ...(['ABS', 'NEG', 'SQRT', 'RSQRT', 'LOG', 'EXP', 'HARD_SWISH', 'FLOOR', 'CEIL', 'ROUND', 'SQUARE', 'SIN', 'COS'] as const).map(
    (type): OpModelSpec => ({
      name: `${type.toLowerCase()}_float32`,
      positiveInput: type === 'SQRT' || type === 'RSQRT' || type === 'LOG',
      libm: type === 'LOG' || type === 'EXP' || type === 'SIN' || type === 'COS',
      build: (m) => {
        const x = m.input('float32', [2, 6, 5]);
        m.op(type, {}, [x], [m.tensor('float32', [2, 6, 5])]);
      },
    }),
  ),
  ...(['MINIMUM', 'MAXIMUM', 'SQUARED_DIFFERENCE'] as const).map(
    (type): OpModelSpec => ({
      name: `${type.toLowerCase()}_float32_broadcast`,
      build: (m) => {
        const x = m.input('float32', [2, 3, 4, 5]);
        m.op(type, {}, [x, m.constant('float32', [3, 1, 5], undefined, 4)], [m.tensor('float32', [2, 3, 4, 5])]);
      },
    }),
  ),
  {
    name: 'div_float32_relu',
    build: (m) => {
      const x = m.input('float32', [1, 4, 4, 3]);
      const divisor = m.tensor('float32', [3], undefined, Float32Array.of(0.5, -2, 3));
      m.op('DIV', { activation: 'relu' }, [x, divisor], [m.tensor('float32', [1, 4, 4, 3])]);
    },
  },
  {
    name: 'prelu_float32',
    build: (m) => {
      const x = m.input('float32', [1, 4, 4, 3]);
      m.op('PRELU', {}, [x, m.constant('float32', [1, 1, 3])], [m.tensor('float32', [1, 4, 4, 3])]);
    },
  },
  ...(['int8', 'uint8'] as const).map(
    (dtype): OpModelSpec => ({
      name: `div_${dtype}_broadcast`,
      // TFLite runs no int8 DIV (TFLite Micro does); uint8 is TFLite's exact bytes, 0 / x included.
      ...(dtype === 'int8' ? { noTflite: 'TFLite has no int8 DIV kernel (TFLite Micro has)' } : {}),
      build: (m) => {
        const zero = dtype === 'int8' ? -3 : 125;
        const x = m.input(dtype, [1, 6, 6, 3], [0.05, zero]);
        // Divisors away from their zero point: no division by zero.
        const divisor = m.tensor(dtype, [3], [0.02, zero], (dtype === 'int8' ? Int8Array : Uint8Array).from([zero + 40, zero - 90, zero + 7]));
        m.op('DIV', { activation: 'none' }, [x, divisor], [m.tensor(dtype, [1, 6, 6, 3], [0.3, dtype === 'int8' ? 10 : 130])]);
      },
    }),
  ),
  {
    name: 'prelu_int8',
    build: (m) => {
      const x = m.input('int8', [1, 5, 5, 3], [0.05, 2]);
      m.op('PRELU', {}, [x, m.constant('int8', [1, 1, 3], [0.01, -1])], [m.tensor('int8', [1, 5, 5, 3], [0.04, -20])]);
    },
  },
  {
    name: 'hard_swish_int8',
    build: (m) => {
      const x = m.input('int8', [1, 8, 8, 4], [0.04, -10]);
      m.op('HARD_SWISH', {}, [x], [m.tensor('int8', [1, 8, 8, 4], [0.025, -90])]);
    },
  },
  {
    name: 'abs_int8',
    build: (m) => {
      const x = m.input('int8', [1, 8, 8, 3], [0.05, -7]);
      m.op('ABS', {}, [x], [m.tensor('int8', [1, 8, 8, 3], [0.03, -128])]);
    },
  },
  {
    name: 'abs_int16',
    build: (m) => {
      const x = m.input('int16', [4, 30], [0.001, 0]);
      m.op('ABS', {}, [x], [m.tensor('int16', [4, 30], [0.0012, 0])]);
    },
  },
  {
    name: 'minimum_int8_broadcast',
    build: (m) => {
      const x = m.input('int8', [1, 5, 5, 4], q8);
      m.op('MINIMUM', {}, [x, m.constant('int8', [4], q8)], [m.tensor('int8', [1, 5, 5, 4], q8)]);
    },
  },
  {
    name: 'maximum_int16',
    build: (m) => {
      const x = m.input('int16', [3, 20], [0.001, 0]);
      m.op('MAXIMUM', {}, [x, m.constant('int16', [3, 20], [0.001, 0])], [m.tensor('int16', [3, 20], [0.001, 0])]);
    },
  },
  {
    name: 'squared_difference_int8_broadcast',
    build: (m) => {
      const x = m.input('int8', [1, 6, 6, 4], [0.05, 3]);
      m.op('SQUARED_DIFFERENCE', {}, [x, m.constant('int8', [1, 1, 1, 4], [0.04, -2])], [m.tensor('int8', [1, 6, 6, 4], [0.2, -128])]);
    },
  },
  {
    name: 'gather_int8_axis1',
    build: (m) => {
      const x = m.input('int8', [3, 7, 4], q8);
      m.op('GATHER', { axis: 1, batchDims: 0 }, [x, m.int32([6, 0, 3, 3, 1], [5])], [m.tensor('int8', [3, 5, 4], q8)]);
    },
  },
  {
    name: 'gather_float32_indices_2d',
    build: (m) => {
      const x = m.input('float32', [10, 6]);
      m.op('GATHER', { axis: 0, batchDims: 0 }, [x, m.int32([9, 2, 4, 4, 0, 7], [2, 3])], [m.tensor('float32', [2, 3, 6])]);
    },
  },
  ...(
    [
      ['int8', false, false],
      ['float32', true, false],
      ['int16', false, true],
    ] as [DType, boolean, boolean][]
  ).map(([dtype, alignCorners, halfPixelCenters]): OpModelSpec => ({
    name: `resize_nearest_neighbor_${dtype}${alignCorners ? '_align_corners' : ''}${halfPixelCenters ? '_half_pixel' : ''}`,
    build: (m) => {
      const q: Q | undefined = dtype === 'float32' ? undefined : dtype === 'int16' ? [0.001, 0] : q8;
      const x = m.input(dtype, [1, 5, 7, 3], q);
      m.op('RESIZE_NEAREST_NEIGHBOR', { alignCorners, halfPixelCenters }, [x, m.int32([9, 12])], [m.tensor(dtype, [1, 9, 12, 3], q)]);
    },
  })),
  ...(
    [
      ['float32', false, false],
      ['float32', false, true],
      ['float32', true, false],
      ['int8', false, false],
      ['int8', false, true],
      ['int16', true, false],
    ] as [DType, boolean, boolean][]
  ).map(([dtype, alignCorners, halfPixelCenters]): OpModelSpec => ({
    name: `resize_bilinear_${dtype}${alignCorners ? '_align_corners' : ''}${halfPixelCenters ? '_half_pixel' : ''}`,
    // TFLite hands int8 RESIZE_BILINEAR to XNNPACK, which rounds some outputs 1 LSB away from the
    // reference ResizeBilinearInteger; the int16 model, run by the reference kernel, is exact.
    ...(dtype === 'int8' ? { tfliteLsb: 1 } : {}),
    build: (m) => {
      const q: Q | undefined = dtype === 'float32' ? undefined : dtype === 'int16' ? [0.001, 0] : q8;
      const x = m.input(dtype, [2, 4, 5, 3], q);
      m.op('RESIZE_BILINEAR', { alignCorners, halfPixelCenters }, [x, m.int32([7, 11])], [m.tensor(dtype, [2, 7, 11, 3], q)]);
    },
  })),
  {
    name: 'batch_matmul_float32_broadcast_adj_y',
    build: (m) => {
      const x = m.input('float32', [2, 3, 4, 6]);
      m.op('BATCH_MATMUL', { adjX: false, adjY: true }, [x, m.constant('float32', [3, 5, 6])], [m.tensor('float32', [2, 3, 4, 5])]);
    },
  },
  {
    name: 'batch_matmul_int8',
    build: (m) => {
      const x = m.input('int8', [3, 4, 10], [0.05, -3]);
      m.op('BATCH_MATMUL', { adjX: false, adjY: false }, [x, m.constant('int8', [3, 10, 7], [0.02, 5])], [m.tensor('int8', [3, 4, 7], [0.1, 2])]);
    },
  },
  {
    name: 'batch_matmul_int8_adj_x',
    build: (m) => {
      const x = m.input('int8', [2, 9, 4], [0.05, 1]);
      m.op('BATCH_MATMUL', { adjX: true, adjY: false }, [x, m.constant('int8', [1, 9, 3], [0.03, -4])], [m.tensor('int8', [2, 4, 3], [0.09, -6])]);
    },
  },
  {
    name: 'batch_matmul_int16',
    build: (m) => {
      // Full-range int16 over k = 24: sums beyond int32, an output scale that clamps some of them.
      const x = m.input('int16', [2, 3, 24], [0.001, 0]);
      m.op('BATCH_MATMUL', { adjX: false, adjY: true }, [x, m.constant('int16', [1, 5, 24], [0.002, 0])], [m.tensor('int16', [2, 3, 5], [0.08, 0])]);
    },
  },
  {
    name: 'padv2_int8',
    build: (m) => {
      const x = m.input('int8', [1, 4, 5, 3], q8);
      const value = m.tensor('int8', [], q8, Int8Array.of(-3));
      m.op('PADV2', {}, [x, m.int32([0, 0, 1, 2, 2, 0, 0, 1], [4, 2]), value], [m.tensor('int8', [1, 7, 7, 4], q8)]);
    },
  },
  {
    name: 'space_to_depth_int8',
    build: (m) => {
      const x = m.input('int8', [1, 6, 4, 3], q8);
      m.op('SPACE_TO_DEPTH', { blockSize: 2 }, [x], [m.tensor('int8', [1, 3, 2, 12], q8)]);
    },
  },
  {
    name: 'depth_to_space_float32',
    build: (m) => {
      const x = m.input('float32', [2, 3, 2, 18]);
      m.op('DEPTH_TO_SPACE', { blockSize: 3 }, [x], [m.tensor('float32', [2, 9, 6, 2])]);
    },
  },
  {
    name: 'reduce_max_int8_hw',
    build: (m) => {
      const x = m.input('int8', [1, 5, 6, 4], q8);
      m.op('REDUCE_MAX', { keepDims: true }, [x, m.int32([1, 2])], [m.tensor('int8', [1, 1, 1, 4], q8)]);
    },
  },
  {
    name: 'reduce_min_float32_last',
    build: (m) => {
      const x = m.input('float32', [3, 4, 7]);
      m.op('REDUCE_MIN', { keepDims: false }, [x, m.int32([-1])], [m.tensor('float32', [3, 4])]);
    },
  },
  {
    name: 'svdf_float32_rank2',
    build: (m) => {
      const x = m.input('float32', [2, 12]);
      const state = svdfState(m, 'float32', [2, 8 * 5]);
      m.op('SVDF', { rank: 2, activation: 'relu' }, [x, m.constant('float32', [8, 12]), m.constant('float32', [8, 5]), m.constant('float32', [4]), state], [m.tensor('float32', [2, 4])]);
    },
  },
  {
    name: 'sum_int8_hw_keepdims',
    build: (m) => {
      const x = m.input('int8', [1, 5, 6, 8], q8);
      m.op('SUM', { keepDims: true }, [x, m.int32([1, 2])], [m.tensor('int8', [1, 1, 1, 8], [0.6, 2])]);
    },
  },
  {
    name: 'sum_int16_last',
    build: (m) => {
      const x = m.input('int16', [4, 3, 6], [0.0005, 0]);
      m.op('SUM', { keepDims: false }, [x, m.int32([-1])], [m.tensor('int16', [4, 3], [0.0005, 0])]);
    },
  },
  {
    name: 'mean_int16_spatial',
    // TFLite takes its own int16 mean over axes 1 and 2 (reference_integer_ops::Mean), which rounds
    // some outputs 1 LSB away from TFLite Micro's EvalIntegerMean, the interpreter's arithmetic.
    tfliteLsb: 1,
    build: (m) => {
      // Global average pooling as the converter writes it (axes 1, 2), rescaled to another scale.
      const x = m.input('int16', [1, 5, 6, 8], [0.0005, 0]);
      m.op('MEAN', { keepDims: true }, [x, m.int32([1, 2])], [m.tensor('int16', [1, 1, 1, 8], [0.0003, 0])]);
    },
  },
  {
    name: 'sum_float32_axes',
    build: (m) => {
      const x = m.input('float32', [2, 3, 4, 5]);
      m.op('SUM', { keepDims: false }, [x, m.int32([2, 1])], [m.tensor('float32', [2, 5])]);
    },
  },
  // Resource variables (a streaming model's state): written as VAR_HANDLE + CALL_ONCE of an init
  // subgraph; one run adds the input to the variable's initial value and assigns the sum back.
  {
    name: 'resource_variable_float32',
    build: (m) => {
      const x = m.input('float32', [1, 8]);
      const state = m.constant('float32', [1, 8]);
      m.tensors[state].variable = true;
      m.tensors[state].name = 'accumulator';
      const read = m.tensor('float32', [1, 8]);
      m.op('READ_VARIABLE', {}, [state], [read]);
      const sum = m.tensor('float32', [1, 8]);
      m.op('ADD', { activation: 'none' }, [read, x], [sum]);
      m.op('ASSIGN_VARIABLE', {}, [state, sum], []);
      m.outputs = [sum];
    },
  },
  {
    name: 'resource_variable_int8',
    build: (m) => {
      // No initial value: the variable starts at its zero point, as a reset leaves int8 state.
      const x = m.input('int8', [1, 2, 6], q8);
      const state = m.tensor('int8', [1, 2, 6], [0.1, 2], undefined, 'int8_state');
      m.tensors[state].variable = true;
      const read = m.tensor('int8', [1, 2, 6], [0.1, 2]);
      m.op('READ_VARIABLE', {}, [state], [read]);
      const sum = m.tensor('int8', [1, 2, 6], [0.1, 2]);
      m.op('ADD', { activation: 'none' }, [read, x], [sum]);
      m.op('ASSIGN_VARIABLE', {}, [state, sum], []);
      m.outputs = [sum];
    },
  },
  {
    // A streaming keyword model's frame buffer: the variable holds the last 3 frames; each run
    // drops the oldest (STRIDED_SLICE), appends the new one (CONCATENATION), stores the window
    // and classifies it (FULLY_CONNECTED).
    name: 'resource_variable_window_int8',
    build: (m) => {
      const x = m.input('int8', [1, 1, 4], q8);
      const state = m.tensor('int8', [1, 3, 4], q8, undefined, 'frames');
      m.tensors[state].variable = true;
      const frames = m.tensor('int8', [1, 3, 4], q8);
      m.op('READ_VARIABLE', {}, [state], [frames]);
      const kept = m.tensor('int8', [1, 2, 4], q8);
      const slice = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false };
      m.op('STRIDED_SLICE', slice, [frames, m.int32([0, 1, 0]), m.int32([1, 3, 4]), m.int32([1, 1, 1])], [kept]);
      const window = m.tensor('int8', [1, 3, 4], q8);
      m.op('CONCATENATION', { axis: 1, activation: 'none' }, [kept, x], [window]);
      m.op('ASSIGN_VARIABLE', {}, [state, window], []);
      const flat = m.tensor('int8', [1, 12], q8);
      m.op('RESHAPE', { newShape: [1, 12] }, [window, m.int32([1, 12])], [flat]);
      const weights = m.constant('int8', [5, 12], [0.02, 0]);
      const bias = m.tensor('int32', [5], [0.05 * 0.02, 0], Int32Array.from([100, -50, 0, 7, -3]));
      const y = m.tensor('int8', [1, 5], [0.08, 1]);
      m.op('FULLY_CONNECTED', { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false }, [flat, weights, bias], [y]);
      m.outputs = [y];
    },
  },
  // SSD post-processing (TFLite's custom op TFLite_Detection_PostProcess): 12 anchors, 3 classes and a background.
  ...(
    [
      ['detection_postprocess_float32_fast', 'float32', false, 1],
      ['detection_postprocess_float32_regular', 'float32', true, 1],
      ['detection_postprocess_float32_fast_two_classes', 'float32', false, 2],
      ['detection_postprocess_uint8_fast', 'uint8', false, 1],
      ['detection_postprocess_uint8_regular', 'uint8', true, 1],
      ['detection_postprocess_int8_fast', 'int8', false, 1],
    ] as const
  ).map(
    ([name, dtype, regular, classesPerDetection]): OpModelSpec => ({
      name,
      libm: true,
      ...(dtype === 'int8' ? { noTflite: "TFLite's kernel reads float32 or uint8 inputs only (TFLite Micro's float32 only)" } : {}),
      build: (m) => detectionModel(m, dtype, regular, classesPerDetection),
    }),
  ),
  // Control flow: IF and WHILE run subgraphs (Graphs in the op's attributes), written as subgraphs 1….
  {
    name: 'if_float32',
    build: (m) => {
      const flag = m.input('float32', [1]);
      const x = m.input('float32', [1, 4]);
      const condition = m.tensor('bool', [1]);
      m.op('CAST', {}, [flag], [condition]);
      const then = subgraph(m, 'then', (s) => {
        const v = s.input('float32', [1, 4]);
        s.op('MUL', { activation: 'none' }, [v, s.constant('float32', [1, 4])], [s.tensor('float32', [1, 4])]);
      });
      const otherwise = subgraph(m, 'else', (s) => {
        const v = s.input('float32', [1, 4]);
        s.op('ADD', { activation: 'relu' }, [v, s.constant('float32', [1, 4])], [s.tensor('float32', [1, 4])]);
      });
      m.op('IF', { then, else: otherwise }, [condition, x], [m.tensor('float32', [1, 4])]);
    },
  },
  {
    name: 'while_float32',
    build: (m) => {
      const x = m.input('float32', [1, 4]);
      const count = m.tensor('float32', [1], undefined, Float32Array.from([3]), 'count');
      const cond = subgraph(m, 'cond', (s) => {
        const n = s.input('float32', [1]);
        s.input('float32', [1, 4]);
        s.op('CAST', {}, [n], [s.tensor('bool', [1])]);
      });
      const body = subgraph(m, 'body', (s) => {
        const n = s.input('float32', [1]);
        const v = s.input('float32', [1, 4]);
        const next = s.tensor('float32', [1]);
        s.op('SUB', { activation: 'none' }, [n, s.tensor('float32', [1], undefined, Float32Array.from([1]))], [next]);
        const scaled = s.tensor('float32', [1, 4]);
        s.op('MUL', { activation: 'none' }, [v, s.constant('float32', [1, 4])], [scaled]);
        const shifted = s.tensor('float32', [1, 4]);
        s.op('ADD', { activation: 'none' }, [scaled, s.constant('float32', [1, 4])], [shifted]);
        s.outputs = [next, shifted];
      });
      const result = m.tensor('float32', [1, 4]);
      m.op('WHILE', { cond, body }, [count, x], [m.tensor('float32', [1]), result]);
      m.outputs = [result];
    },
  },
  {
    // The body's convolution needs scratch (DSP kernels): planned inside the body's arena, inside the WHILE's scratch.
    name: 'while_conv_int8',
    build: (m) => {
      const x = m.input('int8', [1, 5, 5, 4], q8);
      const count = m.tensor('float32', [1], undefined, Float32Array.from([2]), 'count');
      const cond = subgraph(m, 'cond', (s) => {
        const n = s.input('float32', [1]);
        s.input('int8', [1, 5, 5, 4], q8);
        s.op('CAST', {}, [n], [s.tensor('bool', [1])]);
      });
      const body = subgraph(m, 'body', (s) => {
        const n = s.input('float32', [1]);
        const v = s.input('int8', [1, 5, 5, 4], q8);
        const next = s.tensor('float32', [1]);
        s.op('SUB', { activation: 'none' }, [n, s.tensor('float32', [1], undefined, Float32Array.from([1]))], [next]);
        const weights = s.constant('int8', [4, 3, 3, 4], [0.02, 0]);
        const bias = s.tensor('int32', [4], [0.05 * 0.02, 0], Int32Array.from([40, -25, 0, 90]));
        const y = s.tensor('int8', [1, 5, 5, 4], q8);
        s.op('CONV_2D', { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'none' }, [v, weights, bias], [y]);
        s.outputs = [next, y];
      });
      const result = m.tensor('int8', [1, 5, 5, 4], q8);
      m.op('WHILE', { cond, body }, [count, x], [m.tensor('float32', [1]), result]);
      m.outputs = [result];
    },
  },
  {
    name: 'while_int8',
    build: (m) => {
      const x = m.input('int8', [1, 6], q8);
      const count = m.tensor('float32', [1], undefined, Float32Array.from([4]), 'count');
      const cond = subgraph(m, 'cond', (s) => {
        const n = s.input('float32', [1]);
        s.input('int8', [1, 6], q8);
        s.op('CAST', {}, [n], [s.tensor('bool', [1])]);
      });
      const body = subgraph(m, 'body', (s) => {
        const n = s.input('float32', [1]);
        const v = s.input('int8', [1, 6], q8);
        const next = s.tensor('float32', [1]);
        s.op('SUB', { activation: 'none' }, [n, s.tensor('float32', [1], undefined, Float32Array.from([1]))], [next]);
        const sum = s.tensor('int8', [1, 6], q8);
        s.op('ADD', { activation: 'none' }, [v, s.constant('int8', [1, 6], [0.03, 4])], [sum]);
        s.outputs = [next, sum];
      });
      const result = m.tensor('int8', [1, 6], q8);
      m.op('WHILE', { cond, body }, [count, x], [m.tensor('float32', [1]), result]);
      m.outputs = [result];
    },
  },  {
    name: 'exp_int8',
    noTflite: 'the TFLite of tfjs-tflite has float32 EXP only',
    build: (m) => {
      const x = m.input('int8', [2, 40], [0.03, 10]);
      m.op('EXP', {}, [x], [m.tensor('int8', [2, 40], [0.1, -128])]);
    },
  },
  {
    name: 'log_int8',
    noTflite: 'the TFLite of tfjs-tflite has float32 LOG only',
    build: (m) => {
      const x = m.input('int8', [3, 30], [0.05, -128]);
      m.op('LOG', {}, [x], [m.tensor('int8', [3, 30], [0.04, 40])]);
    },
  },
  {
    name: 'rsqrt_int8',
    build: (m) => {
      const x = m.input('int8', [4, 25], [0.02, -128]);
      m.op('RSQRT', {}, [x], [m.tensor('int8', [4, 25], [0.05, -128])]);
    },
  },
  {
    name: 'elu_int8',
    build: (m) => {
      const x = m.input('int8', [1, 6, 6, 4], [0.04, 5]);
      m.op('ELU', {}, [x], [m.tensor('int8', [1, 6, 6, 4], [0.035, -100])]);
    },
  },
  {
    name: 'elu_float32',
    libm: true,
    build: (m) => {
      const x = m.input('float32', [3, 5, 7]);
      m.op('ELU', {}, [x], [m.tensor('float32', [3, 5, 7])]);
    },
  },
  // Comparisons: int8 and int16 rescale both sides (scales 0.1 and 0.2 make x1 = 2·x2 compare equal).
  ...(
    [
      ['EQUAL', 'int8', [0.1, 0], [0.2, 0]],
      ['NOT_EQUAL', 'float32'],
      ['LESS', 'int16', [0.01, 0], [0.01, 0]],
      ['LESS_EQUAL', 'int32'],
      ['GREATER', 'int8', [0.05, -3], [0.08, 7]],
      ['GREATER_EQUAL', 'float32'],
      ['EQUAL', 'bool'],
    ] as [string, DType, Q?, Q?][]
  ).map(
    ([type, dtype, q1, q2]): OpModelSpec => ({
      name: `${type.toLowerCase()}_${dtype}_broadcast`,
      // TFLite Micro rescales int16 comparands as int8 ones; the TFLite that tfjs-tflite runs has no int16 LESS.
      ...(dtype === 'int16' ? { noTflite: 'no int16 LESS in the TFLite of tfjs-tflite' } : {}),
      build: (m) => {
        const x = m.input(dtype, [2, 3, 4, 5], q1);
        // A float constant on a coarse grid, so that some elements compare equal.
        const other = dtype === 'float32' ? m.tensor('float32', [3, 1, 5], undefined, Float32Array.from({ length: 15 }, (_, i) => (i % 9) - 4)) : m.constant(dtype, [3, 1, 5], q2);
        m.op(type, {}, [x, other], [m.tensor('bool', [2, 3, 4, 5])]);
      },
    }),
  ),
  // int64 comparisons: values 2^60 apart by one, which a double would take as equal.
  ...(['NOT_EQUAL', 'LESS_EQUAL'] as const).map(
    (type): OpModelSpec => ({
      name: `${type.toLowerCase()}_int64_broadcast`,
      noTflite: 'tfjs-tflite takes no int64 input data',
      inputs: () => [BigInt64Array.from({ length: 24 }, (_, i) => [2n ** 60n + 1n, 2n ** 60n, 2n ** 60n - 1n, -(2n ** 60n), 5000000000n, -7n][(i * 5) % 6])],
      build: (m) => {
        const x = m.input('int64', [2, 4, 3]);
        m.op(type, {}, [x, m.tensor('int64', [3], undefined, BigInt64Array.of(2n ** 60n, -(2n ** 60n), 5000000000n))], [m.tensor('bool', [2, 4, 3])]);
      },
    }),
  ),
  {
    name: 'logical_and_broadcast',
    build: (m) => {
      const x = m.input('bool', [2, 3, 4]);
      m.op('LOGICAL_AND', {}, [x, m.constant('bool', [3, 1])], [m.tensor('bool', [2, 3, 4])]);
    },
  },
  {
    name: 'logical_or',
    build: (m) => {
      const [x, y] = [m.input('bool', [4, 6]), m.input('bool', [4, 6])];
      m.op('LOGICAL_OR', {}, [x, y], [m.tensor('bool', [4, 6])]);
    },
  },
  {
    name: 'logical_not',
    build: (m) => {
      const x = m.input('bool', [3, 7]);
      m.op('LOGICAL_NOT', {}, [x], [m.tensor('bool', [3, 7])]);
    },
  },
  {
    name: 'select_v2_float32_broadcast',
    build: (m) => {
      const condition = m.input('bool', [1, 1, 4]);
      const x = m.input('float32', [2, 3, 4]);
      m.op('SELECT_V2', {}, [condition, x, m.constant('float32', [3, 1])], [m.tensor('float32', [2, 3, 4])]);
    },
  },
  {
    name: 'select_v2_int8_5d',
    build: (m) => {
      const condition = m.input('bool', [2, 1, 3, 1, 4]);
      const x = m.input('int8', [2, 2, 3, 2, 4], q8);
      m.op('SELECT_V2', {}, [condition, x, m.constant('int8', [2, 1, 1, 4], q8)], [m.tensor('int8', [2, 2, 3, 2, 4], q8)]);
    },
  },
  {
    name: 'select_int32_rank_one',
    build: (m) => {
      const condition = m.input('bool', [3]);
      const x = m.input('int32', [3, 5]);
      m.op('SELECT', {}, [condition, x, m.constant('int32', [3, 5])], [m.tensor('int32', [3, 5])]);
    },
  },
  {
    name: 'mirror_pad_reflect_int8',
    build: (m) => {
      const x = m.input('int8', [1, 5, 6, 3], q8);
      m.op('MIRROR_PAD', { mode: 'reflect' }, [x, m.int32([0, 0, 2, 1, 3, 4, 0, 0], [4, 2])], [m.tensor('int8', [1, 8, 13, 3], q8)]);
    },
  },
  {
    name: 'mirror_pad_symmetric_float32',
    build: (m) => {
      const x = m.input('float32', [3, 4, 5]);
      m.op('MIRROR_PAD', { mode: 'symmetric' }, [x, m.int32([1, 3, 4, 0, 2, 5], [3, 2])], [m.tensor('float32', [7, 8, 12])]);
    },
  },
  {
    name: 'space_to_batch_nd_int8_padded',
    build: (m) => {
      const x = m.input('int8', [2, 5, 7, 3], q8);
      m.op('SPACE_TO_BATCH_ND', {}, [x, m.int32([2, 3]), m.int32([1, 0, 1, 1], [2, 2])], [m.tensor('int8', [12, 3, 3, 3], q8)]);
    },
  },
  {
    name: 'space_to_batch_nd_float32_3d',
    build: (m) => {
      const x = m.input('float32', [2, 8, 4]);
      m.op('SPACE_TO_BATCH_ND', {}, [x, m.int32([2]), m.int32([0, 0], [1, 2])], [m.tensor('float32', [4, 4, 4])]);
    },
  },
  {
    name: 'batch_to_space_nd_int8_cropped',
    build: (m) => {
      const x = m.input('int8', [12, 3, 3, 2], q8);
      m.op('BATCH_TO_SPACE_ND', {}, [x, m.int32([2, 3]), m.int32([1, 0, 1, 1], [2, 2])], [m.tensor('int8', [2, 5, 7, 2], q8)]);
    },
  },
  {
    name: 'batch_to_space_nd_float32',
    build: (m) => {
      const x = m.input('float32', [8, 2, 3, 5]);
      m.op('BATCH_TO_SPACE_ND', {}, [x, m.int32([2, 2]), m.int32([0, 0, 0, 0], [2, 2])], [m.tensor('float32', [2, 4, 6, 5])]);
    },
  },
  {
    name: 'gather_nd_int8_depth2',
    build: (m) => {
      const x = m.input('int8', [4, 5, 3], q8);
      m.op('GATHER_ND', {}, [x, m.int32([3, 1, 0, 4, 2, 2, 3, 0, 1, 1, 0, 0], [2, 3, 2])], [m.tensor('int8', [2, 3, 3], q8)]);
    },
  },
  {
    name: 'gather_nd_float32_depth1',
    build: (m) => {
      const x = m.input('float32', [6, 2, 4]);
      m.op('GATHER_ND', {}, [x, m.int32([5, 0, 3, 3], [4, 1])], [m.tensor('float32', [4, 2, 4])]);
    },
  },
  {
    name: 'embedding_lookup_float32',
    build: (m) => {
      const table = m.input('float32', [7, 2, 3]);
      m.op('EMBEDDING_LOOKUP', {}, [m.int32([6, 0, 2, 2, 5]), table], [m.tensor('float32', [5, 2, 3])]);
    },
  },
  {
    name: 'embedding_lookup_int8',
    build: (m) => {
      const table = m.input('int8', [9, 8], q8);
      m.op('EMBEDDING_LOOKUP', {}, [m.int32([1, 8, 0, 4]), table], [m.tensor('int8', [4, 8], q8)]);
    },
  },
  {
    name: 'embedding_lookup_hybrid_int8_float32',
    build: (m) => {
      const table = m.input('int8', [10, 6], [0.02, 0]);
      m.op('EMBEDDING_LOOKUP', {}, [m.int32([9, 3, 3, 0, 7, 1]), table], [m.tensor('float32', [6, 6])]);
    },
  },
  {
    name: 'arg_max_int8_last_axis',
    build: (m) => {
      const x = m.input('int8', [2, 5, 7], q8);
      m.op('ARG_MAX', {}, [x, m.int32([-1], [1])], [m.tensor('int32', [2, 5])]);
    },
  },
  {
    name: 'arg_min_float32',
    build: (m) => {
      const x = m.input('float32', [3, 6, 4]);
      m.op('ARG_MIN', {}, [x, m.int32([1], [1])], [m.tensor('int32', [3, 4])]);
    },
  },
  {
    name: 'arg_min_float32_int64',
    noTflite: 'tfjs-tflite hands back no data for an int64 output',
    build: (m) => {
      const x = m.input('float32', [3, 6, 4]);
      m.op('ARG_MIN', {}, [x, m.int32([1], [1])], [m.tensor('int64', [3, 4])]);
    },
  },
  ...(
    [
      ['FLOOR_DIV', 'float32'],
      ['FLOOR_MOD', 'float32'],
      ['FLOOR_DIV', 'int32'],
      ['FLOOR_MOD', 'int32'],
    ] as const
  ).map(
    ([type, dtype]): OpModelSpec => ({
      name: `${type.toLowerCase()}_${dtype}_broadcast`,
      build: (m) => {
        const x = m.input(dtype, [2, 3, 4]);
        // Divisors of both signs, none zero.
        const divisor = dtype === 'float32' ? Float32Array.of(1.5, -2, 0.75, -3.25) : Int32Array.of(7, -3, 5, -11);
        m.op(type, {}, [x, m.tensor(dtype, [4], undefined, divisor)], [m.tensor(dtype, [2, 3, 4])]);
      },
    }),
  ),
  {
    name: 'l2_pool_2d_float32_same',
    build: (m) => {
      const x = m.input('float32', [1, 7, 6, 3]);
      m.op('L2_POOL_2D', { padding: 'same', strideH: 2, strideW: 2, filterH: 3, filterW: 2, activation: 'none' }, [x], [m.tensor('float32', [1, 4, 3, 3])]);
    },
  },
  {
    name: 'l2_normalization_int8',
    build: (m) => {
      const x = m.input('int8', [2, 3, 16], [0.05, -4]);
      m.op('L2_NORMALIZATION', { activation: 'none' }, [x], [m.tensor('int8', [2, 3, 16], [1 / 128, 0])]);
    },
  },
  {
    name: 'l2_normalization_float32',
    build: (m) => {
      const x = m.input('float32', [4, 10]);
      m.op('L2_NORMALIZATION', { activation: 'none' }, [x], [m.tensor('float32', [4, 10])]);
    },
  },
  {
    name: 'log_softmax_float32',
    libm: true,
    build: (m) => {
      const x = m.input('float32', [3, 4, 12]);
      m.op('LOG_SOFTMAX', {}, [x], [m.tensor('float32', [3, 4, 12])]);
    },
  },
  {
    name: 'transpose_conv_int8_per_channel_same_stride2',
    build: (m) => {
      const x = m.input('int8', [1, 4, 5, 3], [0.05, -3]);
      const scales = [0.011, 0.02, 0.007, 0.015, 0.009, 0.013];
      const filter = m.tensor('int8', [6, 3, 3, 3], undefined, randomData('int8', 6 * 27, m.random));
      m.tensors[filter].quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis: 0 };
      const bias = m.constant('int32', [6]);
      m.op('TRANSPOSE_CONV', { padding: 'same', strideH: 2, strideW: 2, activation: 'none' }, [m.int32([1, 8, 10, 6]), filter, x, bias], [m.tensor('int8', [1, 8, 10, 6], [0.4, 5])]);
    },
  },
  {
    name: 'transpose_conv_int8_valid_no_bias',
    build: (m) => {
      const x = m.input('int8', [1, 3, 3, 4], q8);
      const filter = m.constant('int8', [2, 2, 3, 4], [0.02, 0]);
      m.op('TRANSPOSE_CONV', { padding: 'valid', strideH: 1, strideW: 2, activation: 'none' }, [m.int32([1, 4, 7, 2]), filter, x], [m.tensor('int8', [1, 4, 7, 2], [0.3, -2])]);
    },
  },
  {
    name: 'transpose_conv_float32_valid_stride2',
    build: (m) => {
      const x = m.input('float32', [2, 3, 4, 2]);
      m.op('TRANSPOSE_CONV', { padding: 'valid', strideH: 2, strideW: 2, activation: 'none' }, [m.int32([2, 7, 8, 4]), m.constant('float32', [4, 3, 2, 2]), x, m.constant('float32', [4])], [m.tensor('float32', [2, 7, 8, 4])]);
    },
  },
  {
    name: 'add_n_float32',
    build: (m) => {
      const [a, b] = [m.input('float32', [2, 3, 4]), m.input('float32', [2, 3, 4])];
      m.op('ADD_N', {}, [a, b, m.constant('float32', [2, 3, 4])], [m.tensor('float32', [2, 3, 4])]);
    },
  },
  {
    name: 'add_n_int32',
    build: (m) => {
      const a = m.input('int32', [3, 5]);
      m.op('ADD_N', {}, [a, m.constant('int32', [3, 5])], [m.tensor('int32', [3, 5])]);
    },
  },
  {
    name: 'add_n_int8',
    noTflite: 'the TFLite of tfjs-tflite has no int8 ADD_N (TFLite Micro has)',
    build: (m) => {
      // A non-zero input zero point: TFLite Micro's sum carries one extra rescaled offset term.
      const a = m.input('int8', [2, 3, 5], [0.05, -7]);
      m.op('ADD_N', {}, [a, m.constant('int8', [2, 3, 5], [0.05, -7]), m.constant('int8', [2, 3, 5], [0.05, -7])], [m.tensor('int8', [2, 3, 5], [0.09, 4])]);
    },
  },
  {
    name: 'zeros_like_float32',
    build: (m) => {
      const x = m.input('float32', [2, 3, 4]);
      m.op('ZEROS_LIKE', {}, [x], [m.tensor('float32', [2, 3, 4])]);
    },
  },
  {
    name: 'fill_float32',
    build: (m) => {
      const value = m.input('float32', []);
      m.op('FILL', {}, [m.int32([2, 3, 4]), value], [m.tensor('float32', [2, 3, 4])]);
    },
  },
  {
    name: 'fill_int8',
    build: (m) => {
      const value = m.input('int8', [], q8);
      m.op('FILL', {}, [m.int32([3, 5]), value], [m.tensor('int8', [3, 5], q8)]);
    },
  },
  {
    name: 'broadcast_to_int8',
    build: (m) => {
      const x = m.input('int8', [3, 1, 4], q8);
      m.op('BROADCAST_TO', {}, [x, m.int32([2, 3, 5, 4])], [m.tensor('int8', [2, 3, 5, 4], q8)]);
    },
  },
  {
    name: 'broadcast_to_float32_5d',
    build: (m) => {
      const x = m.input('float32', [3, 1, 2]);
      m.op('BROADCAST_TO', {}, [x, m.int32([2, 1, 3, 4, 2])], [m.tensor('float32', [2, 1, 3, 4, 2])]);
    },
  },
  {
    name: 'broadcast_args_int32',
    inputs: () => [Int32Array.of(4, 1, 3), Int32Array.of(2, 1, 5, 1)],
    build: (m) => {
      const [a, b] = [m.input('int32', [3]), m.input('int32', [4])];
      m.op('BROADCAST_ARGS', {}, [a, b], [m.tensor('int32', [4])]);
    },
  },
  {
    name: 'maximum_int32_broadcast',
    build: (m) => {
      const x = m.input('int32', [2, 3, 4]);
      m.op('MAXIMUM', {}, [x, m.constant('int32', [3, 1])], [m.tensor('int32', [2, 3, 4])]);
    },
  },
  {
    name: 'minimum_int64_broadcast',
    noTflite: 'tfjs-tflite takes no int64 input data',
    inputs: () => [BigInt64Array.from({ length: 24 }, (_, i) => [2n ** 60n + 1n, 2n ** 60n - 1n, -(2n ** 60n), 5000000000n, -7n, 0n][(i * 5) % 6])],
    build: (m) => {
      const x = m.input('int64', [2, 4, 3]);
      m.op('MINIMUM', {}, [x, m.tensor('int64', [3], undefined, BigInt64Array.of(2n ** 60n, -(2n ** 60n), 5000000000n))], [m.tensor('int64', [2, 4, 3])]);
    },
  },
  // CONCATENATION of the types the C code copies as bytes (int16 with one quantization throughout).
  ...(
    [
      ['int16', [0.002, 0]],
      ['int32'],
      ['bool'],
      ['int64'],
    ] as [DType, Q?][]
  ).map(
    ([dtype, q]): OpModelSpec => ({
      name: `concatenation_${dtype}_axis1`,
      ...(dtype === 'int64' ? { noTflite: 'tfjs-tflite takes no int64 input data', inputs: () => [BigInt64Array.from({ length: 24 }, (_, i) => BigInt(i - 12) * 2n ** 40n + BigInt(i))] } : {}),
      build: (m) => {
        const x = m.input(dtype, [2, 3, 4], q);
        const other = dtype === 'int64' ? m.tensor('int64', [2, 2, 4], undefined, BigInt64Array.from({ length: 16 }, (_, i) => -(2n ** 50n) - BigInt(i))) : m.constant(dtype, [2, 2, 4], q);
        m.op('CONCATENATION', { axis: 1, activation: 'none' }, [x, other], [m.tensor(dtype, [2, 5, 4], q)]);
      },
    }),
  ),
  {
    name: 'div_int32_broadcast',
    build: (m) => {
      // A divisor without zeros: TFLite leaves division by zero undefined.
      const x = m.input('int32', [2, 3, 4]);
      m.op('DIV', { activation: 'none' }, [x, m.int32([7, -3, 250], [3, 1])], [m.tensor('int32', [2, 3, 4])]);
    },
  },
  {
    name: 'squared_difference_int32_broadcast',
    build: (m) => {
      const x = m.input('int32', [2, 3, 4]);
      m.op('SQUARED_DIFFERENCE', {}, [x, m.constant('int32', [3, 1])], [m.tensor('int32', [2, 3, 4])]);
    },
  },
  {
    name: 'squared_difference_int16_broadcast',
    noTflite: 'the TFLite of tfjs-tflite has no int16 SQUARED_DIFFERENCE (TFLite Micro has)',
    build: (m) => {
      const x = m.input('int16', [2, 3, 4], [0.001, 0]);
      m.op('SQUARED_DIFFERENCE', {}, [x, m.constant('int16', [3, 1], [0.0015, 0])], [m.tensor('int16', [2, 3, 4], [0.02, 0])]);
    },
  },
  {
    name: 'reverse_v2_int64',
    noTflite: 'tfjs-tflite takes no int64 input data',
    inputs: () => [BigInt64Array.from({ length: 30 }, (_, i) => BigInt(i - 15) * 2n ** 40n + BigInt(i))],
    build: (m) => {
      const x = m.input('int64', [2, 5, 3]);
      m.op('REVERSE_V2', {}, [x, m.int32([1, 2])], [m.tensor('int64', [2, 5, 3])]);
    },
  },
  {
    name: 'broadcast_args_int64',
    noTflite: 'tfjs-tflite takes no int64 input data',
    inputs: () => [BigInt64Array.of(4n, 1n, 3n), BigInt64Array.of(2n, 1n, 5n, 1n)],
    build: (m) => {
      const [a, b] = [m.input('int64', [3]), m.input('int64', [4])];
      m.op('BROADCAST_ARGS', {}, [a, b], [m.tensor('int64', [4])]);
    },
  },
  // int32 ADD / SUB / MUL (no activation; the random values stay far from overflow, which TFLite leaves undefined).
  ...(['ADD', 'SUB', 'MUL'] as const).map(
    (type): OpModelSpec => ({
      name: `${type.toLowerCase()}_int32_broadcast`,
      build: (m) => {
        const x = m.input('int32', [2, 3, 4]);
        m.op(type, { activation: 'none' }, [x, m.constant('int32', [3, 1])], [m.tensor('int32', [2, 3, 4])]);
      },
    }),
  ),
  {
    name: 'cumsum_float32_exclusive_reverse',
    build: (m) => {
      const x = m.input('float32', [2, 6, 5]);
      m.op('CUMSUM', { exclusive: true, reverse: true }, [x, m.int32([1], [])], [m.tensor('float32', [2, 6, 5])]);
    },
  },
  {
    name: 'cumsum_float32_last',
    build: (m) => {
      const x = m.input('float32', [3, 9]);
      m.op('CUMSUM', { exclusive: false, reverse: false }, [x, m.int32([-1], [])], [m.tensor('float32', [3, 9])]);
    },
  },
  {
    name: 'cumsum_int8',
    noTflite: 'the TFLite of tfjs-tflite has no int8 CUMSUM (TFLite Micro has)',
    build: (m) => {
      const x = m.input('int8', [4, 7], [0.02, -5]);
      m.op('CUMSUM', { exclusive: false, reverse: true }, [x, m.int32([1], [])], [m.tensor('int8', [4, 7], [0.06, 3])]);
    },
  },
  {
    name: 'log_softmax_int8',
    build: (m) => {
      const x = m.input('int8', [4, 3, 10], [0.08, -6]);
      m.op('LOG_SOFTMAX', {}, [x], [m.tensor('int8', [4, 3, 10], [16 / 256, 127])]);
    },
  },
  {
    // TFLite's int16 softmax (exp and 1/(1 + x) tables), beta 0.7: the input multiplier is not a power of two.
    name: 'softmax_int16',
    build: (m) => {
      const x = m.input('int16', [4, 3, 10], [0.0012, 0]);
      m.op('SOFTMAX', { beta: 0.7 }, [x], [m.tensor('int16', [4, 3, 10], [1 / 32768, 0])]);
    },
  },
  {
    name: 'fully_connected_int4_per_channel_relu',
    noTflite: int4NoTflite,
    build: (m) => {
      const scales = spreadScales(12, 0.02);
      const x = m.input('int8', [1, 64], q8);
      m.op('FULLY_CONNECTED', { activation: 'relu', keepNumDims: false, asymmetricQuantizeInputs: false }, [x, int4Weights(m, [12, 64], 0, scales), channelBias(m, q8[0], scales, 2000)], [m.tensor('int8', [1, 12], [0.15, -5])]);
    },
  },
  {
    name: 'fully_connected_int4_odd_depth_batch3',
    noTflite: int4NoTflite,
    build: (m) => {
      const x = m.input('int8', [3, 37], q8);
      const bias = m.tensor('int32', [11], [q8[0] * 0.03, 0], Int32Array.from({ length: 11 }, () => Math.floor((m.random() * 2 - 1) * 1500)));
      m.op('FULLY_CONNECTED', { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false }, [x, int4Weights(m, [11, 37], 0, [0.03]), bias], [m.tensor('int8', [3, 11], [0.12, 3])]);
    },
  },
  {
    name: 'conv_2d_int4_per_channel_same_stride2_relu6',
    noTflite: int4NoTflite,
    build: (m) => {
      const scales = spreadScales(12, 0.02);
      const x = m.input('int8', [1, 9, 10, 8], q8);
      const attrs = { padding: 'same', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, activation: 'relu6' };
      m.op('CONV_2D', attrs, [x, int4Weights(m, [12, 3, 3, 8], 0, scales), channelBias(m, q8[0], scales, 3000)], [m.tensor('int8', [1, 5, 5, 12], [0.1, -20])]);
    },
  },
  {
    name: 'depthwise_conv_2d_int4_multiplier2_same',
    noTflite: int4NoTflite,
    build: (m) => {
      const scales = spreadScales(10, 0.03);
      const x = m.input('int8', [1, 8, 7, 5], q8);
      const attrs = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: 2 };
      m.op('DEPTHWISE_CONV_2D', attrs, [x, int4Weights(m, [1, 3, 3, 10], 3, scales), channelBias(m, q8[0], scales, 1000)], [m.tensor('int8', [1, 8, 7, 10], [0.06, 2])]);
    },
  },
  // PAD / PADV2 on int16 and int32 (td_pad_s16 / td_pad_s32): every side padded, the int16 ones with TFLite Micro's 0 or a constant value.
  {
    name: 'pad_int16',
    build: (m) => {
      const x = m.input('int16', [1, 5, 6, 3], [0.001, 0]);
      m.op('PAD', {}, [x, m.int32([1, 0, 2, 1, 0, 2, 1, 2], [4, 2])], [m.tensor('int16', [2, 8, 8, 6], [0.001, 0])]);
    },
  },
  {
    name: 'padv2_int16',
    build: (m) => {
      const x = m.input('int16', [2, 4, 5], [0.001, 0]);
      const value = m.tensor('int16', [], [0.001, 0], Int16Array.of(-1234));
      m.op('PADV2', {}, [x, m.int32([0, 1, 2, 2, 1, 3], [3, 2]), value], [m.tensor('int16', [3, 8, 9], [0.001, 0])]);
    },
  },
  {
    name: 'pad_int32',
    build: (m) => {
      const x = m.input('int32', [3, 4, 5]);
      m.op('PAD', {}, [x, m.int32([0, 1, 2, 2, 1, 0], [3, 2])], [m.tensor('int32', [4, 8, 6])]);
    },
  },
  {
    name: 'padv2_int32',
    build: (m) => {
      const x = m.input('int32', [1, 3, 4, 2]);
      m.op('PADV2', {}, [x, m.int32([0, 0, 1, 1, 2, 0, 1, 1], [4, 2]), m.tensor('int32', [], undefined, Int32Array.of(77))], [m.tensor('int32', [1, 5, 6, 4])]);
    },
  },
  {
    // TFLite Micro's reference Softmax<int8_t, int16_t> (output scale 1/65536, zero point -32768). TFLite's
    // optimized kernel (what tfjs-tflite runs) looks the exponentials up in a float table it fills at
    // prepare time instead, and lands 1 LSB away on some values: held within 1 of TFLite, exact elsewhere.
    name: 'softmax_int8_int16',
    tfliteLsb: 1,
    build: (m) => {
      const x = m.input('int8', [4, 3, 10], [0.08, -6]);
      m.op('SOFTMAX', { beta: 1 }, [x], [m.tensor('int16', [4, 3, 10], [1 / 65536, -32768])]);
    },
  },
  {
    // 16x8: int16 activations, int8 per-channel weights, int64 bias, the int64 scratch of TFLite Micro's kernel.
    name: 'transpose_conv_int16_per_channel_same_stride2',
    build: (m) => {
      const x = m.input('int16', [1, 4, 5, 3], [0.0005, 0]);
      const filter = perChannelWeights(m, [6, 3, 3, 3], 0, [0.011, 0.02, 0.007, 0.015, 0.009, 0.013]);
      m.op('TRANSPOSE_CONV', { padding: 'same', strideH: 2, strideW: 2, activation: 'none' }, [m.int32([1, 8, 10, 6]), filter, x, int64Bias(m, 6, 1 << 20)], [m.tensor('int16', [1, 8, 10, 6], [0.004, 0])]);
    },
  },
  // The weighted ops, pooling and the int8 / int16 activations of TFLite Micro's list as single-op models
  // (their large shapes are ../shared/baseline/ops, measured in bench/kernels): small, odd channel counts.
  {
    name: 'conv_2d_int8_per_channel_same_stride2_relu',
    build: (m) => {
      const x = m.input('int8', [1, 9, 9, 3], q8);
      const filter = perChannelWeights(m, [5, 3, 3, 3], 0, [0.011, 0.02, 0.007, 0.015, 0.009]);
      const attrs = { padding: 'same', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, activation: 'relu' };
      m.op('CONV_2D', attrs, [x, filter, m.constant('int32', [5])], [m.tensor('int8', [1, 5, 5, 5], [0.08, -20])]);
    },
  },
  {
    name: 'conv_2d_int16_valid_dilation2',
    build: (m) => {
      const x = m.input('int16', [1, 8, 7, 2], [0.0005, 0]);
      const filter = perChannelWeights(m, [3, 3, 2, 2], 0, [0.012, 0.02, 0.009]);
      const attrs = { padding: 'valid', strideH: 1, strideW: 1, dilationH: 2, dilationW: 2, activation: 'none' };
      m.op('CONV_2D', attrs, [x, filter, int64Bias(m, 3, 1 << 18)], [m.tensor('int16', [1, 4, 5, 3], [0.002, 0])]);
    },
  },
  {
    name: 'conv_2d_float32_same',
    build: (m) => {
      const x = m.input('float32', [1, 6, 5, 3]);
      const attrs = { padding: 'same', strideH: 1, strideW: 2, dilationH: 1, dilationW: 1, activation: 'relu6' };
      m.op('CONV_2D', attrs, [x, m.constant('float32', [4, 3, 3, 3]), m.constant('float32', [4])], [m.tensor('float32', [1, 6, 3, 4])]);
    },
  },
  {
    name: 'depthwise_conv_2d_int8_multiplier2',
    build: (m) => {
      const x = m.input('int8', [1, 7, 7, 3], q8);
      const filter = perChannelWeights(m, [1, 3, 3, 6], 3, [0.01, 0.02, 0.015, 0.008, 0.012, 0.018]);
      const attrs = { padding: 'same', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: 2 };
      m.op('DEPTHWISE_CONV_2D', attrs, [x, filter, m.constant('int32', [6])], [m.tensor('int8', [1, 4, 4, 6], [0.06, 4])]);
    },
  },
  {
    name: 'depthwise_conv_2d_int16',
    build: (m) => {
      const x = m.input('int16', [1, 6, 6, 5], [0.0004, 0]);
      const filter = perChannelWeights(m, [1, 3, 3, 5], 3, [0.01, 0.02, 0.015, 0.008, 0.012]);
      const attrs = { padding: 'valid', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'relu', depthMultiplier: 1 };
      m.op('DEPTHWISE_CONV_2D', attrs, [x, filter, int64Bias(m, 5, 1 << 16)], [m.tensor('int16', [1, 4, 4, 5], [0.001, 0])]);
    },
  },
  {
    name: 'depthwise_conv_2d_float32',
    build: (m) => {
      const x = m.input('float32', [1, 5, 6, 4]);
      const attrs = { padding: 'same', strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, activation: 'none', depthMultiplier: 1 };
      m.op('DEPTHWISE_CONV_2D', attrs, [x, m.constant('float32', [1, 3, 3, 4]), m.constant('float32', [4])], [m.tensor('float32', [1, 5, 6, 4])]);
    },
  },
  {
    name: 'fully_connected_int8',
    build: (m) => {
      const x = m.input('int8', [2, 37], q8);
      const attrs = { activation: 'none', keepNumDims: false, asymmetricQuantizeInputs: false };
      m.op('FULLY_CONNECTED', attrs, [x, m.constant('int8', [11, 37], [0.01, 0]), m.constant('int32', [11])], [m.tensor('int8', [2, 11], [0.15, 3])]);
    },
  },
  {
    name: 'fully_connected_int16',
    build: (m) => {
      const x = m.input('int16', [3, 20], [0.0005, 0]);
      const attrs = { activation: 'relu', keepNumDims: false, asymmetricQuantizeInputs: false };
      m.op('FULLY_CONNECTED', attrs, [x, m.constant('int8', [7, 20], [0.01, 0]), int64Bias(m, 7, 1 << 18)], [m.tensor('int16', [3, 7], [0.003, 0])]);
    },
  },
  {
    name: 'fully_connected_float32',
    build: (m) => {
      const x = m.input('float32', [2, 13]);
      const attrs = { activation: 'relu', keepNumDims: false, asymmetricQuantizeInputs: false };
      m.op('FULLY_CONNECTED', attrs, [x, m.constant('float32', [6, 13]), m.constant('float32', [6])], [m.tensor('float32', [2, 6])]);
    },
  },
  ...(
    [
      ['AVERAGE_POOL_2D', 'int8', 'same'],
      ['AVERAGE_POOL_2D', 'int16', 'valid'],
      ['AVERAGE_POOL_2D', 'float32', 'same'],
      ['MAX_POOL_2D', 'int8', 'valid'],
      ['MAX_POOL_2D', 'int16', 'same'],
      ['MAX_POOL_2D', 'float32', 'valid'],
    ] as const
  ).map(
    ([type, dtype, padding]): OpModelSpec => ({
      name: `${type.toLowerCase()}_${dtype}_${padding}`,
      build: (m) => {
        const q: Q | undefined = dtype === 'int8' ? q8 : dtype === 'int16' ? [0.001, 0] : undefined;
        const x = m.input(dtype, [1, 7, 8, 3], q);
        const out = padding === 'same' ? [1, 4, 4, 3] : [1, 3, 4, 3];
        m.op(type, { padding, strideH: 2, strideW: 2, filterH: 3, filterW: 2, activation: 'none' }, [x], [m.tensor(dtype, out, q)]);
      },
    }),
  ),
  {
    name: 'logistic_int8',
    build: (m) => {
      const x = m.input('int8', [3, 40], [0.06, 5]);
      m.op('LOGISTIC', {}, [x], [m.tensor('int8', [3, 40], [1 / 256, -128])]);
    },
  },
  {
    name: 'logistic_int16',
    build: (m) => {
      const x = m.input('int16', [3, 40], [0.0003, 0]);
      m.op('LOGISTIC', {}, [x], [m.tensor('int16', [3, 40], [1 / 32768, 0])]);
    },
  },
  {
    name: 'tanh_int8',
    build: (m) => {
      const x = m.input('int8', [2, 50], [0.03, -4]);
      m.op('TANH', {}, [x], [m.tensor('int8', [2, 50], [1 / 128, 0])]);
    },
  },
  {
    name: 'tanh_int16',
    build: (m) => {
      const x = m.input('int16', [2, 50], [0.0002, 0]);
      m.op('TANH', {}, [x], [m.tensor('int16', [2, 50], [1 / 32768, 0])]);
    },
  },
  {
    name: 'softmax_int8',
    build: (m) => {
      const x = m.input('int8', [3, 17], [0.1, 2]);
      m.op('SOFTMAX', { beta: 1 }, [x], [m.tensor('int8', [3, 17], [1 / 256, -128])]);
    },
  },
  {
    name: 'unidirectional_sequence_lstm_int8',
    noTflite:
      "TFLite's integer LSTM rescales its gates through the model's intermediate tensors, TFLite Micro's 8x8→16 kernel at fixed Q3.12 / Q0.15 " +
      'scales: a few LSB apart (3 here). The interpreter equals TFLite Micro on the shared trained_lstm_int8 layer by layer (interp/kernels/lstm.test.ts)',
    build: (m) => lstmModel(m, 'int8'),
  },
  {
    name: 'unidirectional_sequence_lstm_float32',
    libm: true,
    build: (m) => lstmModel(m, 'float32'),
  },
];
