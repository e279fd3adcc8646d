/**
 * TinyDeploy's graph IR. A graph is plain data (tensors, ops, inputs, outputs) so that it
 * crosses process boundaries unchanged and passes can copy it cheaply. Ops are named after
 * TFLite builtins and carry typed attributes; constant tensors carry their data as a typed
 * array of their dtype. Nothing here mutates: passes build new graphs.
 */

export type DType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int16' | 'int32' | 'uint32' | 'int64' | 'bool' | 'string';

export type TensorData = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | BigInt64Array | Uint16Array;

/**
 * Affine quantization: `real = (stored - zeroPoint) * scale`. Per-tensor when `scale` has one
 * entry; per-channel along `axis` otherwise (one scale and zero point per channel).
 */
export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  axis: number;
}

export interface Tensor {
  /** Index of this tensor in `Graph.tensors`. */
  id: number;
  name: string;
  shape: number[];
  dtype: DType;
  /** Constant contents (weights, biases, shape vectors); absent for activations. */
  data?: TensorData;
  quantization?: Quantization;
  /** A TFLite variable tensor: state kept between invocations (LSTM hidden and cell state). */
  variable?: boolean;
  /**
   * How a constant is stored in the model: 'int4' marks an int8 tensor whose values (each in
   * [-8, 7]) the file packs two to a byte (TFLite's INT4, ir/int4.ts); computed as int8 everywhere,
   * kept packed in flash by the code generator and written back as INT4.
   */
  packing?: 'int4';
}

export type Padding = 'same' | 'valid';
export type Activation = 'none' | 'relu' | 'relu_n1_to_1' | 'relu6' | 'tanh' | 'sign_bit';

export interface Conv2DAttrs {
  padding: Padding;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  activation: Activation;
}
export interface DepthwiseConv2DAttrs extends Conv2DAttrs {
  depthMultiplier: number;
}
export interface FullyConnectedAttrs {
  activation: Activation;
  keepNumDims: boolean;
  /** Hybrid models: quantize the float input per batch row asymmetrically (TFLite's option). */
  asymmetricQuantizeInputs: boolean;
}
export interface Pool2DAttrs {
  padding: Padding;
  strideH: number;
  strideW: number;
  filterH: number;
  filterW: number;
  activation: Activation;
}
export interface ElementwiseAttrs {
  activation: Activation;
}
export interface ReshapeAttrs {
  /** Target shape from the options table when the model gives one (the shape tensor wins when present). */
  newShape?: number[];
}
export interface SoftmaxAttrs {
  beta: number;
}
export interface ConcatenationAttrs {
  axis: number;
  activation: Activation;
}
export interface ReducerAttrs {
  keepDims: boolean;
}
export interface SequenceLstmAttrs {
  activation: Activation;
  cellClip: number;
  projClip: number;
  timeMajor: boolean;
  asymmetricQuantizeInputs: boolean;
  diagonalRecurrentTensors: boolean;
}
export type NoAttrs = Record<string, never>;

/** Typed attributes of every op the IR knows; any other builtin imports with `{}`. */
export interface OpAttrMap {
  CONV_2D: Conv2DAttrs;
  DEPTHWISE_CONV_2D: DepthwiseConv2DAttrs;
  FULLY_CONNECTED: FullyConnectedAttrs;
  AVERAGE_POOL_2D: Pool2DAttrs;
  MAX_POOL_2D: Pool2DAttrs;
  ADD: ElementwiseAttrs;
  SUB: ElementwiseAttrs;
  MUL: ElementwiseAttrs;
  RESHAPE: ReshapeAttrs;
  SOFTMAX: SoftmaxAttrs;
  CONCATENATION: ConcatenationAttrs;
  PAD: NoAttrs;
  MEAN: ReducerAttrs;
  LOGISTIC: NoAttrs;
  TANH: NoAttrs;
  RELU: NoAttrs;
  RELU6: NoAttrs;
  QUANTIZE: NoAttrs;
  DEQUANTIZE: NoAttrs;
  UNIDIRECTIONAL_SEQUENCE_LSTM: SequenceLstmAttrs;
}
export type KnownOpType = keyof OpAttrMap;

export interface OpOf<T extends KnownOpType> {
  type: T;
  /** Tensor ids; -1 marks an optional input that is absent. */
  inputs: number[];
  outputs: number[];
  attrs: OpAttrMap[T];
  /**
   * TFLite's operator "intermediates": tensor ids that are neither read nor written by the op
   * but carry quantization parameters for its internal steps. TFLite's int8 LSTM kernel needs
   * five (four gate tensors, then the effective hidden-state scale); TFLite Micro and
   * TinyDeploy's interpreter do not read them. Absent on every other op.
   */
  intermediates?: number[];
}

/** An op the IR has no attributes for (imported so it can be reported, never dropped). */
export interface UnknownOp {
  type: string;
  inputs: number[];
  outputs: number[];
  attrs: object;
  /** Name of a TFLite custom op (type is then `CUSTOM`). */
  customCode?: string;
  /** See `OpOf.intermediates`. */
  intermediates?: number[];
}

export type Op = { [T in KnownOpType]: OpOf<T> }[KnownOpType] | UnknownOp;

export interface Graph {
  name: string;
  tensors: Tensor[];
  ops: Op[];
  inputs: number[];
  outputs: number[];
  /** Where the graph came from: format, description, producer version. */
  source?: { format: string; description?: string; version?: number; subgraphs?: number };
}

const knownOpTypes: ReadonlySet<string> = new Set<KnownOpType>([
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
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
  'QUANTIZE',
  'DEQUANTIZE',
  'UNIDIRECTIONAL_SEQUENCE_LSTM',
]);

export function isKnownOp(op: Op): op is { [T in KnownOpType]: OpOf<T> }[KnownOpType] {
  return knownOpTypes.has(op.type);
}

/** Narrow an op to one type (for kernels and passes that handle a single op). */
export function isOp<T extends KnownOpType>(op: Op, type: T): op is OpOf<T> {
  return op.type === type;
}
