/**
 * Builtin options of the TFLite writer: each op's typed attributes turned back into the options
 * table the importer (`importers/tflite/index.ts`, `readAttributes`) reads them from, so that
 * import → export → import gives the same attributes. One entry per op type the IR knows; the
 * `Record` over `KnownOpType` makes the compiler ask for an entry when the IR gains an op.
 *
 * Attribute values are checked before they are written, because a flatbuffer field cannot hold
 * everything a TypeScript number can: strides and sizes are int32 and at least 1, axes are int32,
 * clips and beta are float32 (stored rounded to float32, as TFLite keeps them), activations and
 * paddings must name a schema enum value. A failure names the op, its type, the attribute and
 * the value.
 */
import type * as flatbuffers from 'flatbuffers';
import { CodegenError } from '../../errors.js';
import type { Activation, DType, KnownOpType, Padding } from '../../ir/types.js';
import {
  ActivationFunctionType,
  AddOptions,
  ArgMaxOptions,
  ArgMinOptions,
  BatchMatMulOptions,
  BuiltinOptions,
  CumsumOptions,
  L2NormOptions,
  MirrorPadOptions,
  TransposeConvOptions,
  DepthToSpaceOptions,
  DivOptions,
  GatherOptions,
  ShapeOptions,
  SpaceToDepthOptions,
  TensorType,
  LeakyReluOptions,
  PackOptions,
  ResizeBilinearOptions,
  ResizeNearestNeighborOptions,
  SplitOptions,
  SplitVOptions,
  SqueezeOptions,
  StridedSliceOptions,
  SVDFOptions,
  UnpackOptions,
  ConcatenationOptions,
  Conv2DOptions,
  DepthwiseConv2DOptions,
  FullyConnectedOptions,
  MulOptions,
  Padding as TflitePadding,
  Pool2DOptions,
  ReducerOptions,
  ReshapeOptions,
  SoftmaxOptions,
  SubOptions,
  UnidirectionalSequenceLSTMOptions,
} from '../../importers/tflite/schema/tflite.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const activationCodes: Record<Activation, ActivationFunctionType> = {
  none: ActivationFunctionType.NONE,
  relu: ActivationFunctionType.RELU,
  relu_n1_to_1: ActivationFunctionType.RELU_N1_TO_1,
  relu6: ActivationFunctionType.RELU6,
  tanh: ActivationFunctionType.TANH,
  sign_bit: ActivationFunctionType.SIGN_BIT,
};

const paddingCodes: Record<Padding, TflitePadding> = {
  same: TflitePadding.SAME,
  valid: TflitePadding.VALID,
};

/** An options table written into the builder, with the union tag that goes beside it. */
export interface WrittenOptions {
  type: BuiltinOptions;
  offset: flatbuffers.Offset;
}

/** What an options writer may need to know about the op besides its attributes. */
export interface OptionsContext {
  /** dtype of the op's first output (ADD and SUB choose their int16 rescaling from it). */
  outputDType: DType;
}

/**
 * Reads one op's attributes for writing, checking each against what its flatbuffer field can
 * hold. Errors are CodegenError: `tflite export: op 3 (CONV_2D): attribute strideH is 1.5,
 * expected an integer from 1 to 2147483647`.
 */
export class AttributeReader {
  private readonly attrs: Record<string, unknown>;

  constructor(
    attrs: object,
    readonly opIndex: number,
    readonly opType: string,
  ) {
    this.attrs = attrs as Record<string, unknown>;
  }

  fail(attribute: string, value: unknown, expected: string): never {
    const shown = value === undefined ? 'missing' : typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
    throw new CodegenError(
      `tflite export: op ${this.opIndex} (${this.opType}): attribute ${attribute} is ${shown}, expected ${expected}`,
      { op: this.opIndex, type: this.opType, attribute, value: value === undefined ? null : value },
    );
  }

  /** The index of a string attribute among `values` (TFLite's enum), the first when absent. */
  choice(name: string, values: readonly string[]): number {
    const value = this.attrs[name] ?? values[0];
    const index = values.indexOf(value as string);
    if (index < 0) this.fail(name, value, values.join(' or '));
    return index;
  }

  integer(name: string, minimum = INT32_MIN): number {
    const value = this.attrs[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > INT32_MAX) {
      this.fail(name, value, `an integer from ${minimum} to ${INT32_MAX}`);
    }
    return value;
  }

  /** A finite number that is stored as float32 (TFLite's type for clips and beta). */
  float32(name: string, minimum = -Infinity): number {
    const value = this.attrs[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
      this.fail(name, value, minimum === -Infinity ? 'a finite number' : `a finite number >= ${minimum}`);
    }
    const stored = Math.fround(value);
    if (!Number.isFinite(stored)) this.fail(name, value, 'a number within float32 range');
    return stored;
  }

  boolean(name: string): boolean {
    const value = this.attrs[name];
    if (typeof value !== 'boolean') this.fail(name, value, 'true or false');
    return value;
  }

  activation(name = 'activation'): ActivationFunctionType {
    const value = this.attrs[name];
    const code = typeof value === 'string' ? activationCodes[value as Activation] : undefined;
    if (code === undefined) this.fail(name, value, `one of ${Object.keys(activationCodes).join(', ')}`);
    return code;
  }

  padding(name = 'padding'): TflitePadding {
    const value = this.attrs[name];
    const code = typeof value === 'string' ? paddingCodes[value as Padding] : undefined;
    if (code === undefined) this.fail(name, value, `one of ${Object.keys(paddingCodes).join(', ')}`);
    return code;
  }

  /** An optional list of int32 dimensions (-1 allowed: TFLite's "infer this one"). */
  optionalShape(name: string): number[] | undefined {
    const value = this.attrs[name];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((dim) => Number.isInteger(dim) && dim >= -1 && dim <= INT32_MAX)) {
      this.fail(name, value, 'a list of integers >= -1');
    }
    return value as number[];
  }
}

type OptionsWriter = (builder: flatbuffers.Builder, attributes: AttributeReader, context: OptionsContext) => WrittenOptions | undefined;

/**
 * TFLite's int16 ADD and SUB take a special power-of-two path when `pot_scale_int16` is true (the
 * schema default) and every scale is a power of two; TinyDeploy's kernels, like TFLite Micro's,
 * always take the general rescaling path, so int16 ops are written with the flag false (TFLite
 * then computes what our interpreter computes; with the flag true, tfjs-tflite refuses the
 * power-of-two test model of tflite-runtime.test.ts).
 */
const potScaleInt16 = (context: OptionsContext): boolean => context.outputDType !== 'int16';

/** The options writer of every op type the IR knows; `undefined` results write no options table. */
export const optionsWriters: Record<KnownOpType, OptionsWriter> = {
  CONV_2D: (builder, a) => {
    const padding = a.padding();
    const strideW = a.integer('strideW', 1);
    const strideH = a.integer('strideH', 1);
    const activation = a.activation();
    const dilationW = a.integer('dilationW', 1);
    const dilationH = a.integer('dilationH', 1);
    Conv2DOptions.startConv2DOptions(builder);
    Conv2DOptions.addPadding(builder, padding);
    Conv2DOptions.addStrideW(builder, strideW);
    Conv2DOptions.addStrideH(builder, strideH);
    Conv2DOptions.addFusedActivationFunction(builder, activation);
    Conv2DOptions.addDilationWFactor(builder, dilationW);
    Conv2DOptions.addDilationHFactor(builder, dilationH);
    return { type: BuiltinOptions.Conv2DOptions, offset: Conv2DOptions.endConv2DOptions(builder) };
  },
  DEPTHWISE_CONV_2D: (builder, a) => {
    const padding = a.padding();
    const strideW = a.integer('strideW', 1);
    const strideH = a.integer('strideH', 1);
    const depthMultiplier = a.integer('depthMultiplier', 1);
    const activation = a.activation();
    const dilationW = a.integer('dilationW', 1);
    const dilationH = a.integer('dilationH', 1);
    const offset = DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
      builder,
      padding,
      strideW,
      strideH,
      depthMultiplier,
      activation,
      dilationW,
      dilationH,
    );
    return { type: BuiltinOptions.DepthwiseConv2DOptions, offset };
  },
  FULLY_CONNECTED: (builder, a) => {
    const activation = a.activation();
    const keepNumDims = a.boolean('keepNumDims');
    const asymmetricQuantizeInputs = a.boolean('asymmetricQuantizeInputs');
    FullyConnectedOptions.startFullyConnectedOptions(builder);
    FullyConnectedOptions.addFusedActivationFunction(builder, activation);
    FullyConnectedOptions.addKeepNumDims(builder, keepNumDims);
    FullyConnectedOptions.addAsymmetricQuantizeInputs(builder, asymmetricQuantizeInputs);
    return { type: BuiltinOptions.FullyConnectedOptions, offset: FullyConnectedOptions.endFullyConnectedOptions(builder) };
  },
  AVERAGE_POOL_2D: (builder, a) => pool2DOptions(builder, a),
  MAX_POOL_2D: (builder, a) => pool2DOptions(builder, a),
  ADD: (builder, a, context) => ({
    type: BuiltinOptions.AddOptions,
    offset: AddOptions.createAddOptions(builder, a.activation(), potScaleInt16(context)),
  }),
  SUB: (builder, a, context) => ({
    type: BuiltinOptions.SubOptions,
    offset: SubOptions.createSubOptions(builder, a.activation(), potScaleInt16(context)),
  }),
  MUL: (builder, a) => ({ type: BuiltinOptions.MulOptions, offset: MulOptions.createMulOptions(builder, a.activation()) }),
  RESHAPE: (builder, a) => {
    // The importer reads an absent or empty new_shape as "no attribute"; the converter writes
    // no options when the shape comes from the second input, and so does this writer.
    const newShape = a.optionalShape('newShape');
    if (newShape === undefined) return undefined;
    const vector = ReshapeOptions.createNewShapeVector(builder, newShape);
    return { type: BuiltinOptions.ReshapeOptions, offset: ReshapeOptions.createReshapeOptions(builder, vector) };
  },
  SOFTMAX: (builder, a) => ({
    type: BuiltinOptions.SoftmaxOptions,
    offset: SoftmaxOptions.createSoftmaxOptions(builder, a.float32('beta')),
  }),
  CONCATENATION: (builder, a) => ({
    type: BuiltinOptions.ConcatenationOptions,
    offset: ConcatenationOptions.createConcatenationOptions(builder, a.integer('axis'), a.activation()),
  }),
  MEAN: (builder, a) => ({
    type: BuiltinOptions.ReducerOptions,
    offset: ReducerOptions.createReducerOptions(builder, a.boolean('keepDims')),
  }),
  UNIDIRECTIONAL_SEQUENCE_LSTM: (builder, a) => {
    const offset = UnidirectionalSequenceLSTMOptions.createUnidirectionalSequenceLSTMOptions(
      builder,
      a.activation(),
      a.float32('cellClip', 0),
      a.float32('projClip', 0),
      a.boolean('timeMajor'),
      a.boolean('asymmetricQuantizeInputs'),
      a.boolean('diagonalRecurrentTensors'),
    );
    return { type: BuiltinOptions.UnidirectionalSequenceLSTMOptions, offset };
  },
  // Ops whose TFLite options hold nothing the IR keeps: the importer reads them from no table.
  PAD: () => undefined,
  LOGISTIC: () => undefined,
  TANH: () => undefined,
  RELU: () => undefined,
  RELU6: () => undefined,
  QUANTIZE: () => undefined,
  DEQUANTIZE: () => undefined,
};

/**
 * Options of builtin ops the IR has no typed attributes for, as the TFLite importer reads them
 * (`readAttributes`); builtin ops absent here and from `optionsWriters` are written without an
 * options table (TRANSPOSE, SHAPE, SLICE, …, whose TFLite options hold nothing).
 */
export const extraOptionsWriters: Record<string, OptionsWriter> = {
  // TFLite's SHAPE refuses an out_type other than int32 or int64 (the table's default is float32).
  SHAPE: (builder, _a, context) => ({
    type: BuiltinOptions.ShapeOptions,
    offset: ShapeOptions.createShapeOptions(builder, context.outputDType === 'int64' ? TensorType.INT64 : TensorType.INT32),
  }),
  // TFLite's ARG_MAX / ARG_MIN take the output type from output_type (int32 or int64).
  ARG_MAX: (builder, _a, context) => ({
    type: BuiltinOptions.ArgMaxOptions,
    offset: ArgMaxOptions.createArgMaxOptions(builder, context.outputDType === 'int64' ? TensorType.INT64 : TensorType.INT32),
  }),
  ARG_MIN: (builder, _a, context) => ({
    type: BuiltinOptions.ArgMinOptions,
    offset: ArgMinOptions.createArgMinOptions(builder, context.outputDType === 'int64' ? TensorType.INT64 : TensorType.INT32),
  }),
  DIV: (builder, a) => ({ type: BuiltinOptions.DivOptions, offset: DivOptions.createDivOptions(builder, a.activation()) }),
  SPACE_TO_DEPTH: (builder, a) => ({ type: BuiltinOptions.SpaceToDepthOptions, offset: SpaceToDepthOptions.createSpaceToDepthOptions(builder, a.integer('blockSize', 1)) }),
  DEPTH_TO_SPACE: (builder, a) => ({ type: BuiltinOptions.DepthToSpaceOptions, offset: DepthToSpaceOptions.createDepthToSpaceOptions(builder, a.integer('blockSize', 1)) }),
  REDUCE_MAX: (builder, a) => ({ type: BuiltinOptions.ReducerOptions, offset: ReducerOptions.createReducerOptions(builder, a.boolean('keepDims')) }),
  REDUCE_MIN: (builder, a) => ({ type: BuiltinOptions.ReducerOptions, offset: ReducerOptions.createReducerOptions(builder, a.boolean('keepDims')) }),
  SUM: (builder, a) => ({ type: BuiltinOptions.ReducerOptions, offset: ReducerOptions.createReducerOptions(builder, a.boolean('keepDims')) }),
  MIRROR_PAD: (builder, a) => ({ type: BuiltinOptions.MirrorPadOptions, offset: MirrorPadOptions.createMirrorPadOptions(builder, a.choice('mode', ['reflect', 'symmetric'])) }),
  CUMSUM: (builder, a) => ({ type: BuiltinOptions.CumsumOptions, offset: CumsumOptions.createCumsumOptions(builder, a.boolean('exclusive'), a.boolean('reverse')) }),
  L2_NORMALIZATION: (builder, a) => ({ type: BuiltinOptions.L2NormOptions, offset: L2NormOptions.createL2NormOptions(builder, a.activation()) }),
  L2_POOL_2D: (builder, a) => pool2DOptions(builder, a),
  TRANSPOSE_CONV: (builder, a) => ({
    type: BuiltinOptions.TransposeConvOptions,
    offset: TransposeConvOptions.createTransposeConvOptions(builder, a.padding(), a.integer('strideW', 1), a.integer('strideH', 1), a.activation(), 0),
  }),
  LEAKY_RELU: (builder, a) => ({ type: BuiltinOptions.LeakyReluOptions, offset: LeakyReluOptions.createLeakyReluOptions(builder, a.float32('alpha')) }),
  SVDF: (builder, a) => ({
    type: BuiltinOptions.SVDFOptions,
    offset: SVDFOptions.createSVDFOptions(builder, a.integer('rank', 1), a.activation(), false),
  }),
  STRIDED_SLICE: (builder, a) => ({
    type: BuiltinOptions.StridedSliceOptions,
    offset: StridedSliceOptions.createStridedSliceOptions(
      builder,
      a.integer('beginMask', 0),
      a.integer('endMask', 0),
      a.integer('ellipsisMask', 0),
      a.integer('newAxisMask', 0),
      a.integer('shrinkAxisMask', 0),
      a.boolean('offset'),
    ),
  }),
  PACK: (builder, a) => ({ type: BuiltinOptions.PackOptions, offset: PackOptions.createPackOptions(builder, a.integer('valuesCount', 1), a.integer('axis')) }),
  UNPACK: (builder, a) => ({ type: BuiltinOptions.UnpackOptions, offset: UnpackOptions.createUnpackOptions(builder, a.integer('num', 1), a.integer('axis')) }),
  GATHER: (builder, a) => ({ type: BuiltinOptions.GatherOptions, offset: GatherOptions.createGatherOptions(builder, a.integer('axis'), a.integer('batchDims')) }),
  SPLIT: (builder, a) => ({ type: BuiltinOptions.SplitOptions, offset: SplitOptions.createSplitOptions(builder, a.integer('numSplits', 1)) }),
  SPLIT_V: (builder, a) => ({ type: BuiltinOptions.SplitVOptions, offset: SplitVOptions.createSplitVOptions(builder, a.integer('numSplits', 1)) }),
  SQUEEZE: (builder, a) => {
    const dims = SqueezeOptions.createSqueezeDimsVector(builder, a.optionalShape('squeezeDims') ?? []);
    return { type: BuiltinOptions.SqueezeOptions, offset: SqueezeOptions.createSqueezeOptions(builder, dims) };
  },
  RESIZE_BILINEAR: (builder, a) => ({
    type: BuiltinOptions.ResizeBilinearOptions,
    offset: ResizeBilinearOptions.createResizeBilinearOptions(builder, a.boolean('alignCorners'), a.boolean('halfPixelCenters')),
  }),
  RESIZE_NEAREST_NEIGHBOR: (builder, a) => ({
    type: BuiltinOptions.ResizeNearestNeighborOptions,
    offset: ResizeNearestNeighborOptions.createResizeNearestNeighborOptions(builder, a.boolean('alignCorners'), a.boolean('halfPixelCenters')),
  }),
  BATCH_MATMUL: (builder, a) => ({ type: BuiltinOptions.BatchMatMulOptions, offset: BatchMatMulOptions.createBatchMatMulOptions(builder, a.boolean('adjX'), a.boolean('adjY'), false) }),
};

/** Builtin ops beyond the IR's typed ones whose TFLite options hold nothing: written without a table. */
export const optionlessBuiltins: ReadonlySet<string> = new Set([
  'TRANSPOSE',
  'REVERSE_V2',
  'SLICE',
  'EXPAND_DIMS',
  'HARD_SWISH',
  'ELU',
  'SPACE_TO_BATCH_ND',
  'BATCH_TO_SPACE_ND',
  'GATHER_ND',
  'EMBEDDING_LOOKUP',
  'LOG_SOFTMAX',
  'PRELU',
  'MINIMUM',
  'MAXIMUM',
  'SQUARED_DIFFERENCE',
  'RSQRT',
  'LOG',
  'EXP',
  'ABS',
  'NEG',
  'SQRT',
  'CAST',
  'PADV2',
  'FLOOR',
  'CEIL',
  'ROUND',
  'SQUARE',
  'SIN',
  'COS',
  'EQUAL',
  'NOT_EQUAL',
  'LESS',
  'LESS_EQUAL',
  'GREATER',
  'GREATER_EQUAL',
  'LOGICAL_AND',
  'LOGICAL_OR',
  'LOGICAL_NOT',
  'SELECT',
  'SELECT_V2',
  'FLOOR_DIV',
  'FLOOR_MOD',
  'ADD_N',
  'ZEROS_LIKE',
  'FILL',
  'BROADCAST_TO',
  'BROADCAST_ARGS',
]);

function pool2DOptions(builder: flatbuffers.Builder, a: AttributeReader): WrittenOptions {
  const offset = Pool2DOptions.createPool2DOptions(
    builder,
    a.padding(),
    a.integer('strideW', 1),
    a.integer('strideH', 1),
    a.integer('filterW', 1),
    a.integer('filterH', 1),
    a.activation(),
  );
  return { type: BuiltinOptions.Pool2DOptions, offset };
}
