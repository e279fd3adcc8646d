import { ImportError } from '../../errors.js';
import { printableName } from '../../printable.js';
import type { Activation, DType, Graph, Op, Padding, Quantization, Tensor, TensorData } from '../../ir/types.js';
import { allocateData, dataFromBytes, dtypeBytes, elementCount, formatShape } from '../../ir/tensor.js';
import { int4Bytes, unpackInt4 } from '../../ir/int4.js';
import { graphProblems } from '../../ir/validate.js';
import { decodeGruOptions } from '../../ops/gru-custom-options.js';
import { gruOpType } from '../../ops/gru-layout.js';
import { decodeDetectionOptions } from '../../ops/detection-options.js';
import { detectionPostprocessCustomCode } from '../../ops/detection-postprocess.js';
import { DEFAULT_MAX_TENSOR_BYTES, type ImportOptions, type ModelImporter } from '../importer.js';
import { CheckedByteBuffer, OutOfBoundsRead } from './checked-byte-buffer.js';
import { hasResourceVariables, resolveResourceVariables, type RawSubgraph } from './resource-variables.js';
import { attachSubgraphs, usesSubgraphs } from './control-flow.js';
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  CallOnceOptions,
  ConcatenationOptions,
  IfOptions,
  WhileOptions,
  Conv2DOptions,
  DepthwiseConv2DOptions,
  FullyConnectedOptions,
  AddOptions,
  SubOptions,
  MulOptions,
  DivOptions,
  BatchMatMulOptions,
  DepthToSpaceOptions,
  SpaceToDepthOptions,
  GatherOptions,
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
  VarHandleOptions,
  Model,
  Padding as TflitePadding,
  Pool2DOptions,
  ReducerOptions,
  MirrorPadOptions,
  CumsumOptions,
  TransposeConvOptions,
  L2NormOptions,
  ReshapeOptions,
  SoftmaxOptions,
  TensorType,
  UnidirectionalSequenceLSTMOptions,
  type Operator,
  type SubGraph,
  type Tensor as TfliteTensor,
} from './schema/tflite.js';

const IDENTIFIER = 'TFL3';
/** Above this many elements a tensor cannot be meant for a microcontroller (and would not fit in an array). */
const MAX_ELEMENTS = 2 ** 31 - 1;

const dtypes: Partial<Record<TensorType, DType>> = {
  [TensorType.FLOAT32]: 'float32',
  [TensorType.FLOAT16]: 'float16',
  [TensorType.INT32]: 'int32',
  [TensorType.UINT32]: 'uint32',
  [TensorType.UINT8]: 'uint8',
  [TensorType.INT64]: 'int64',
  [TensorType.STRING]: 'string',
  [TensorType.BOOL]: 'bool',
  [TensorType.INT16]: 'int16',
  [TensorType.INT8]: 'int8',
};

const activations: Record<number, Activation> = {
  [ActivationFunctionType.NONE]: 'none',
  [ActivationFunctionType.RELU]: 'relu',
  [ActivationFunctionType.RELU_N1_TO_1]: 'relu_n1_to_1',
  [ActivationFunctionType.RELU6]: 'relu6',
  [ActivationFunctionType.TANH]: 'tanh',
  [ActivationFunctionType.SIGN_BIT]: 'sign_bit',
};

/** TFLite flatbuffers (`.tflite`), schema version 3. */
export const tfliteImporter: ModelImporter = {
  format: 'tflite',
  extensions: ['.tflite'],
  match(bytes: Uint8Array): boolean {
    return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === IDENTIFIER;
  },
  open(bytes: Uint8Array, options: ImportOptions = {}): Graph {
    return new TfliteReader(bytes, options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES).read();
  },
};

/**
 * Reads one TFLite model into the IR. Keeps a description of the field being read
 * (`where`) so that a read past the end of a truncated or corrupt file becomes
 * `tflite: subgraph 0, tensor 12, quantization: read of 4 bytes at offset …`. Names from the
 * file keep their exact text in the graph; in messages they go through `printableName`.
 */
class TfliteReader {
  private where = 'model header';
  /** Per subgraph, the ids of its RESOURCE tensors (variable handles). */
  private readonly resourceTensors = new Map<number, Set<number>>();
  private readonly buffer: CheckedByteBuffer;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxTensorBytes: number,
  ) {
    this.buffer = new CheckedByteBuffer(bytes);
  }

  read(): Graph {
    const { bytes } = this;
    if (bytes.length < 8) this.fail(`file is ${bytes.length} bytes, too short for a TFLite flatbuffer`);
    const identifier = String.fromCharCode(...bytes.subarray(4, 8));
    if (identifier !== IDENTIFIER) {
      this.fail(`expected file identifier "${IDENTIFIER}" at offset 4, found ${JSON.stringify(identifier)}`);
    }
    try {
      return this.readModel();
    } catch (error) {
      if (error instanceof OutOfBoundsRead) {
        throw new ImportError(`tflite: ${this.where}: ${error.message} (file truncated or corrupt)`, {
          offset: error.offset,
          field: this.where,
        });
      }
      throw error;
    }
  }

  private fail(message: string, data?: Record<string, unknown>): never {
    throw new ImportError(`tflite: ${message}`, data);
  }

  private readModel(): Graph {
    const model = Model.getRootAsModel(this.buffer);
    this.where = 'model version';
    const version = model.version();
    // TFLite Micro reads every file as schema 3 without checking the field (older converters and
    // hand-written tools leave it out or write 0–2 on a version-3 layout); a newer schema is refused.
    if (version > 3) this.fail(`schema version ${version} is newer than 3, the version TinyDeploy reads`);

    this.where = 'operator codes';
    const opcodeCount = this.vectorLength(model.operatorCodesLength(), 4, 'operator codes');
    const opTypes: { type: string; custom?: string }[] = [];
    for (let i = 0; i < opcodeCount; i++) {
      this.where = `operator code ${i}`;
      const code = model.operatorCodes(i)!;
      // Newer converters write builtin_code; older ones only the byte-sized deprecated field.
      const builtin = Math.max(code.builtinCode(), code.deprecatedBuiltinCode());
      const name = BuiltinOperator[builtin];
      if (name === undefined) this.fail(`operator code ${i} has builtin code ${builtin}, unknown to schema version 3`);
      const custom = builtin === BuiltinOperator.CUSTOM ? (code.customCode() ?? '') : undefined;
      opTypes.push({ type: name, custom });
    }

    this.where = 'subgraphs';
    const subgraphCount = this.vectorLength(model.subgraphsLength(), 4, 'subgraphs');
    if (subgraphCount === 0) this.fail('model has no subgraph');
    const subgraph = model.subgraphs(0)!;
    this.where = 'model description';
    const description = model.description() ?? undefined;

    this.where = 'buffers';
    const bufferCount = this.vectorLength(model.buffersLength(), 4, 'buffers');
    const readSubgraph = (index: number): RawSubgraph => {
      if (!Number.isInteger(index) || index < 0 || index >= subgraphCount) this.fail(`subgraph ${index} is referred to, model has ${subgraphCount} subgraphs`);
      const source = model.subgraphs(index)!;
      const tensors = this.readTensors(model, source, bufferCount, index);
      const ops = this.readOperators(source, opTypes, tensors.length, index);
      this.where = `subgraph ${index} inputs`;
      const inputs = this.readIndexVector(source.inputsLength(), (i) => source.inputs(i)!, 'subgraph input', tensors.length);
      this.where = `subgraph ${index} outputs`;
      const outputs = this.readIndexVector(source.outputsLength(), (i) => source.outputs(i)!, 'subgraph output', tensors.length);
      this.where = `subgraph ${index} name`;
      const name = source.name() || `subgraph${index}`;
      return { index, name, tensors, ops, inputs, outputs, resources: this.resourceTensors.get(index) ?? new Set() };
    };
    let main = readSubgraph(0);
    if (hasResourceVariables(main)) main = { ...main, ...resolveResourceVariables(main, readSubgraph, (message) => this.fail(message)) };
    if (usesSubgraphs(main.ops)) main = { ...main, ops: attachSubgraphs(main.ops, readSubgraph, (message) => this.fail(message)) };
    const { tensors, ops, inputs, outputs } = main;
    if (outputs.length === 0) this.fail('subgraph 0 has no outputs: the model computes nothing');
    // A model input or output of no elements carries nothing: `run` would write 0 bytes and a board has nothing to send.
    for (const [role, ids] of [
      ['input', inputs],
      ['output', outputs],
    ] as const) {
      for (const id of ids) {
        const tensor = tensors[id];
        if (tensor.shape.some((dim) => dim === 0)) {
          this.fail(`model ${role} tensor ${id} (${printableName(tensor.name)}) has shape ${formatShape(tensor.shape)}: no elements, so the model would read or write nothing`, { tensor: id });
        }
      }
    }
    this.where = 'subgraph 0 name';
    const name = subgraph.name() || 'main';
    const graph: Graph = {
      name,
      tensors,
      ops,
      inputs,
      outputs,
      source: { format: 'tflite', description, version, ...(subgraphCount > 1 ? { subgraphs: subgraphCount } : {}) },
    };
    this.giveZeroSizedConstantsData(graph);
    const problems = graphProblems(graph);
    if (problems.length > 0) this.fail(problems.join('; '), { problems });
    return graph;
  }

  private readTensors(model: Model, subgraph: SubGraph, bufferCount: number, subgraphIndex = 0): Tensor[] {
    this.where = `subgraph ${subgraphIndex} tensors`;
    const count = this.vectorLength(subgraph.tensorsLength(), 4, 'tensors');
    const tensors: Tensor[] = [];
    for (let id = 0; id < count; id++) {
      this.where = `tensor ${id}`;
      const source = subgraph.tensors(id)!;
      const name = source.name() ?? `tensor_${id}`;
      const label = `tensor ${id} (${printableName(name)})`;
      this.where = label;
      const type = source.type();
      if (type === TensorType.RESOURCE) {
        // A variable's handle: resource-variables.ts turns it into the variable tensor.
        const resources = this.resourceTensors.get(subgraphIndex) ?? new Set<number>();
        this.resourceTensors.set(subgraphIndex, resources.add(id));
        tensors.push({ id, name, shape: [], dtype: 'int32' });
        continue;
      }
      // INT4 weights are int8 values in [-8, 7] packed two a byte (ir/int4.ts).
      const int4 = type === TensorType.INT4;
      const dtype = int4 ? 'int8' : dtypes[type];
      if (!dtype) this.fail(`${label} has type ${TensorType[type] ?? type}, which TinyDeploy does not support`);
      const shape = this.readShape(source, label, dtype);
      const tensor: Tensor = { id, name, shape, dtype };
      this.where = `${label} quantization`;
      const quantization = this.readQuantization(source, label, shape);
      if (quantization) tensor.quantization = quantization;
      if (source.isVariable()) tensor.variable = true;
      this.where = `${label} sparsity`;
      if (source.sparsity()) this.fail(`${label} is a sparse tensor, which TinyDeploy does not support`);
      this.where = `${label} buffer`;
      const data = this.readBuffer(model, source.buffer(), bufferCount, label, shape, dtype, int4);
      if (data) tensor.data = data;
      if (int4) {
        if (!data || tensor.variable) {
          this.fail(`${label} has type INT4 but is not a constant: INT4 tensors are packed weights (of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED)`);
        }
        tensor.packing = 'int4';
      }
      tensors.push(tensor);
    }
    return tensors;
  }

  private readShape(source: TfliteTensor, label: string, dtype: DType): number[] {
    this.where = `${label} shape`;
    const rank = this.vectorLength(source.shapeLength(), 4, `${label} shape`);
    const shape: number[] = [];
    for (let i = 0; i < rank; i++) shape.push(source.shape(i)!);
    let elements = 1;
    for (const dim of shape) {
      if (dim < 0) this.fail(`${label} has dimension ${dim} in shape ${formatShape(shape)}; dimensions must be >= 0`);
      elements *= dim;
    }
    if (elements > MAX_ELEMENTS) {
      this.fail(`${label} has shape ${formatShape(shape)} = ${elements} elements, more than ${MAX_ELEMENTS}`);
    }
    const bytes = elements * dtypeBytes(dtype);
    if (bytes > this.maxTensorBytes) {
      this.fail(
        `${label} has shape ${formatShape(shape)} of ${dtype} = ${bytes} bytes, more than the limit of ${this.maxTensorBytes} bytes per tensor`,
        { shape, bytes, limit: this.maxTensorBytes },
      );
    }
    return shape;
  }

  private readQuantization(source: TfliteTensor, label: string, shape: number[]): Quantization | undefined {
    const q = source.quantization();
    if (!q) return undefined;
    const scaleCount = this.vectorLength(q.scaleLength(), 4, `${label} scales`);
    if (scaleCount === 0) return undefined;
    const zeroPointCount = this.vectorLength(q.zeroPointLength(), 8, `${label} zero points`);
    const scale: number[] = [];
    const zeroPoint: number[] = [];
    for (let i = 0; i < scaleCount; i++) scale.push(q.scale(i)!);
    for (let i = 0; i < zeroPointCount; i++) zeroPoint.push(Number(q.zeroPoint(i)!));
    if (zeroPoint.length === 0) zeroPoint.push(...new Array(scale.length).fill(0));
    if (zeroPoint.length !== scale.length) {
      this.fail(`${label} has ${scale.length} quantization scales but ${zeroPoint.length} zero points`);
    }
    let axis = q.quantizedDimension();
    // A per-channel bias is rank 1, but converters copy the filter's quantized_dimension (3 for a
    // depthwise filter) onto it; TFLite Micro reads the bias's channels along its only axis.
    if (shape.length === 1 && scale.length > 1 && axis >= 1 && shape[0] === scale.length) axis = 0;
    if (scale.length > 1 && (axis < 0 || axis >= shape.length || shape[axis] !== scale.length)) {
      this.fail(
        `${label} has ${scale.length} per-channel scales along axis ${axis}, but its shape is ${formatShape(shape)}`,
      );
    }
    for (const [i, value] of scale.entries()) {
      if (!Number.isFinite(value) || value < 0) this.fail(`${label} has quantization scale ${value} at index ${i}`);
    }
    return { scale, zeroPoint, axis };
  }

  private readBuffer(
    model: Model,
    index: number,
    bufferCount: number,
    label: string,
    shape: number[],
    dtype: DType,
    int4 = false,
  ): TensorData | undefined {
    if (index === 0) return undefined; // buffer 0 is the empty sentinel
    if (index < 0 || index >= bufferCount) {
      this.fail(`${label} refers to buffer ${index}, model has ${bufferCount} buffers`);
    }
    this.where = `buffer ${index} (of ${label})`;
    const buffer = model.buffers(index)!;
    let start: number;
    let length: number;
    const externalOffset = Number(buffer.offset());
    if (externalOffset > 1) {
      // Models over 2 GB keep buffer data after the flatbuffer, addressed from the file start.
      start = externalOffset;
      length = Number(buffer.size());
    } else {
      length = buffer.dataLength();
      if (length === 0) return undefined;
      start = buffer.bb!.__vector(buffer.bb_pos + buffer.bb!.__offset(buffer.bb_pos, 4));
    }
    if (start < 0 || start + length > this.bytes.length) {
      this.fail(
        `buffer ${index} (of ${label}) spans bytes ${start}..${start + length}, beyond the end of the file (${this.bytes.length} bytes)`,
        { buffer: index, start, length },
      );
    }
    if (int4) {
      const count = elementCount(shape);
      if (length !== int4Bytes(count)) {
        this.fail(
          `${label} has shape ${formatShape(shape)} of INT4 = ${count} values packed two a byte = ${int4Bytes(count)} bytes, but its buffer ${index} holds ${length} bytes`,
          { buffer: index, expected: int4Bytes(count), length },
        );
      }
      return unpackInt4(this.bytes.subarray(start, start + length), count);
    }
    const expected = shape.reduce((a, b) => a * b, 1) * dtypeBytes(dtype);
    if (dtype !== 'string' && length !== expected) {
      this.fail(
        `${label} has shape ${formatShape(shape)} of ${dtype} = ${expected} bytes, but its buffer ${index} holds ${length} bytes`,
      );
    }
    const data = dataFromBytes(dtype, this.bytes.subarray(start, start + length));
    if (data instanceof Float32Array) {
      const bad = data.findIndex((value) => !Number.isFinite(value));
      if (bad >= 0) {
        this.fail(`${label} holds ${data[bad]} at index ${bad}: weights must be finite numbers`, { index: bad });
      }
    }
    return data;
  }

  /**
   * A tensor of zero elements needs no bytes, so converters give a zero-sized constant (the empty
   * shape vector of a RESHAPE to a scalar) buffer 0 or an empty buffer, both of which otherwise
   * mean "not a constant". When no op writes it and it is not a graph input, it is a constant:
   * it gets its (empty) data instead of being reported as used before any op produces it.
   */
  private giveZeroSizedConstantsData(graph: Graph): void {
    // Op intermediates (the int8 LSTM's gate scales) are neither read nor written: they stay tensors without data.
    const produced = new Set<number>([...graph.inputs, ...graph.ops.flatMap((op) => [...op.outputs, ...(op.intermediates ?? [])])]);
    for (const tensor of graph.tensors) {
      if (tensor.data || tensor.variable || produced.has(tensor.id) || tensor.dtype === 'string') continue;
      if (tensor.shape.some((dim) => dim === 0)) tensor.data = allocateData(tensor.dtype, 0);
    }
  }

  private readOperators(subgraph: SubGraph, opTypes: { type: string; custom?: string }[], tensorCount: number, subgraphIndex = 0): Op[] {
    this.where = `subgraph ${subgraphIndex} operators`;
    const count = this.vectorLength(subgraph.operatorsLength(), 4, 'operators');
    const ops: Op[] = [];
    for (let i = 0; i < count; i++) {
      this.where = `operator ${i}`;
      const source = subgraph.operators(i)!;
      const opcode = source.opcodeIndex();
      if (opcode >= opTypes.length) {
        this.fail(`operator ${i} refers to operator code ${opcode}, model has ${opTypes.length} operator codes`);
      }
      const { type, custom } = opTypes[opcode];
      this.where = `operator ${i} (${type}) inputs`;
      const inputs = this.readIndexVector(source.inputsLength(), (j) => source.inputs(j)!, `operator ${i}`, tensorCount, true);
      this.where = `operator ${i} (${type}) outputs`;
      const outputs = this.readIndexVector(source.outputsLength(), (j) => source.outputs(j)!, `operator ${i}`, tensorCount);
      // ASSIGN_VARIABLE and CALL_ONCE act on variables only; every other op must write something.
      if (outputs.length === 0 && type !== 'ASSIGN_VARIABLE' && type !== 'CALL_ONCE') this.fail(`operator ${i} (${type}) has no outputs`, { operator: i });
      this.where = `operator ${i} (${type}) intermediates`;
      const intermediates = this.readIndexVector(source.intermediatesLength(), (j) => source.intermediates(j)!, `operator ${i} intermediates`, tensorCount);
      this.where = `operator ${i} (${type}) options`;
      // TD_GRU (TinyDeploy's fused GRU, written by its exporter) comes back as the op with its attributes.
      const gru = custom === gruOpType;
      // TFLite's SSD post-processing custom op becomes DETECTION_POSTPROCESS with its FlexBuffer options.
      const detection = custom === detectionPostprocessCustomCode;
      const attrs = gru
        ? decodeGruOptions(source.customOptionsArray(), (message) => this.fail(`operator ${i}: ${message}`))
        : detection
          ? decodeDetectionOptions(source.customOptionsArray(), (message) => this.fail(`operator ${i} (${custom}): ${message}`))
          : this.readAttributes(source, type, i);
      const op = { type: gru ? gruOpType : detection ? 'DETECTION_POSTPROCESS' : type, inputs, outputs, attrs } as Op;
      if (custom !== undefined && !gru && !detection) (op as { customCode?: string }).customCode = custom;
      if (intermediates.length > 0) op.intermediates = intermediates;
      ops.push(op);
    }
    return ops;
  }

  private readIndexVector(
    declared: number,
    at: (i: number) => number,
    owner: string,
    tensorCount: number,
    optional = false,
  ): number[] {
    const length = this.vectorLength(declared, 4, `${owner} tensor list`);
    const indices: number[] = [];
    for (let j = 0; j < length; j++) {
      const index = at(j);
      if (index >= tensorCount || index < (optional ? -1 : 0)) {
        this.fail(`${owner} refers to tensor ${index}, model has ${tensorCount} tensors`, { tensor: index });
      }
      indices.push(index);
    }
    return indices;
  }

  /** A vector length that can really be stored in the file (guards loops over corrupt lengths). */
  private vectorLength(declared: number, elementSize: number, what: string): number {
    if (declared < 0 || declared * elementSize > this.bytes.length) {
      this.fail(`${this.where}: ${what} declares ${declared} entries, more than the file (${this.bytes.length} bytes) can hold`);
    }
    return declared;
  }

  private readAttributes(source: Operator, type: string, index: number): object {
    const optionsType = source.builtinOptionsType();
    const options = <T>(expected: BuiltinOptions, make: () => T): T | undefined => {
      if (optionsType === BuiltinOptions.NONE) return undefined;
      if (optionsType !== expected) {
        this.fail(`operator ${index} (${type}) has options ${BuiltinOptions[optionsType] ?? optionsType}, expected ${BuiltinOptions[expected]}`);
      }
      return source.builtinOptions(make()) as T;
    };
    const activation = (code: number | undefined): Activation => {
      const value = activations[code ?? 0];
      if (!value) this.fail(`operator ${index} (${type}) has fused activation ${code}, unknown to the schema`);
      return value;
    };
    const padding = (code: number | undefined): Padding => (code === TflitePadding.VALID ? 'valid' : 'same');
    switch (type) {
      case 'CONV_2D': {
        const o = options(BuiltinOptions.Conv2DOptions, () => new Conv2DOptions());
        return {
          padding: padding(o?.padding()),
          strideH: o?.strideH() ?? 1,
          strideW: o?.strideW() ?? 1,
          dilationH: o?.dilationHFactor() ?? 1,
          dilationW: o?.dilationWFactor() ?? 1,
          activation: activation(o?.fusedActivationFunction()),
        };
      }
      case 'DEPTHWISE_CONV_2D': {
        const o = options(BuiltinOptions.DepthwiseConv2DOptions, () => new DepthwiseConv2DOptions());
        return {
          padding: padding(o?.padding()),
          strideH: o?.strideH() ?? 1,
          strideW: o?.strideW() ?? 1,
          dilationH: o?.dilationHFactor() ?? 1,
          dilationW: o?.dilationWFactor() ?? 1,
          depthMultiplier: o?.depthMultiplier() ?? 1,
          activation: activation(o?.fusedActivationFunction()),
        };
      }
      case 'FULLY_CONNECTED': {
        const o = options(BuiltinOptions.FullyConnectedOptions, () => new FullyConnectedOptions());
        if (o && o.weightsFormat() !== 0) {
          this.fail(`operator ${index} (FULLY_CONNECTED) uses shuffled weights format ${o.weightsFormat()}, not supported`);
        }
        return {
          activation: activation(o?.fusedActivationFunction()),
          keepNumDims: o?.keepNumDims() ?? false,
          asymmetricQuantizeInputs: o?.asymmetricQuantizeInputs() ?? false,
        };
      }
      case 'L2_POOL_2D':
      case 'AVERAGE_POOL_2D':
      case 'MAX_POOL_2D': {
        const o = options(BuiltinOptions.Pool2DOptions, () => new Pool2DOptions());
        return {
          padding: padding(o?.padding()),
          strideH: o?.strideH() ?? 1,
          strideW: o?.strideW() ?? 1,
          filterH: o?.filterHeight() ?? 1,
          filterW: o?.filterWidth() ?? 1,
          activation: activation(o?.fusedActivationFunction()),
        };
      }
      case 'ADD':
        return { activation: activation(options(BuiltinOptions.AddOptions, () => new AddOptions())?.fusedActivationFunction()) };
      case 'SUB':
        return { activation: activation(options(BuiltinOptions.SubOptions, () => new SubOptions())?.fusedActivationFunction()) };
      case 'MUL':
        return { activation: activation(options(BuiltinOptions.MulOptions, () => new MulOptions())?.fusedActivationFunction()) };
      case 'DIV':
        return { activation: activation(options(BuiltinOptions.DivOptions, () => new DivOptions())?.fusedActivationFunction()) };
      case 'RESHAPE': {
        const o = options(BuiltinOptions.ReshapeOptions, () => new ReshapeOptions());
        if (!o || o.newShapeLength() === 0) return {};
        const length = this.vectorLength(o.newShapeLength(), 4, 'new_shape');
        return { newShape: Array.from({ length }, (_, i) => o.newShape(i)!) };
      }
      case 'SOFTMAX':
        return { beta: options(BuiltinOptions.SoftmaxOptions, () => new SoftmaxOptions())?.beta() ?? 1 };
      case 'CONCATENATION': {
        const o = options(BuiltinOptions.ConcatenationOptions, () => new ConcatenationOptions());
        return { axis: o?.axis() ?? 0, activation: activation(o?.fusedActivationFunction()) };
      }
      case 'MEAN':
      case 'REDUCE_MAX':
      case 'REDUCE_MIN':
      case 'SUM':
        return { keepDims: options(BuiltinOptions.ReducerOptions, () => new ReducerOptions())?.keepDims() ?? false };
      case 'UNIDIRECTIONAL_SEQUENCE_LSTM': {
        const o = options(BuiltinOptions.UnidirectionalSequenceLSTMOptions, () => new UnidirectionalSequenceLSTMOptions());
        return {
          activation: activation(o?.fusedActivationFunction() ?? ActivationFunctionType.TANH),
          cellClip: o?.cellClip() ?? 0,
          projClip: o?.projClip() ?? 0,
          timeMajor: o?.timeMajor() ?? false,
          asymmetricQuantizeInputs: o?.asymmetricQuantizeInputs() ?? false,
          diagonalRecurrentTensors: o?.diagonalRecurrentTensors() ?? false,
        };
      }
      case 'LEAKY_RELU':
        // Without an options table TFLite's parameters are zero-initialized: alpha 0.
        return { alpha: options(BuiltinOptions.LeakyReluOptions, () => new LeakyReluOptions())?.alpha() ?? 0 };
      case 'SVDF': {
        const o = options(BuiltinOptions.SVDFOptions, () => new SVDFOptions());
        return {
          rank: o?.rank() ?? 1,
          activation: activation(o?.fusedActivationFunction()),
          asymmetricQuantizeInputs: o?.asymmetricQuantizeInputs() ?? false,
        };
      }
      case 'STRIDED_SLICE': {
        const o = options(BuiltinOptions.StridedSliceOptions, () => new StridedSliceOptions());
        return {
          beginMask: o?.beginMask() ?? 0,
          endMask: o?.endMask() ?? 0,
          ellipsisMask: o?.ellipsisMask() ?? 0,
          newAxisMask: o?.newAxisMask() ?? 0,
          shrinkAxisMask: o?.shrinkAxisMask() ?? 0,
          offset: o?.offset() ?? false,
        };
      }
      case 'PACK': {
        const o = options(BuiltinOptions.PackOptions, () => new PackOptions());
        return { axis: o?.axis() ?? 0, valuesCount: o?.valuesCount() ?? source.inputsLength() };
      }
      case 'UNPACK': {
        const o = options(BuiltinOptions.UnpackOptions, () => new UnpackOptions());
        return { axis: o?.axis() ?? 0, num: o?.num() ?? source.outputsLength() };
      }
      case 'GATHER': {
        const o = options(BuiltinOptions.GatherOptions, () => new GatherOptions());
        return { axis: o?.axis() ?? 0, batchDims: o?.batchDims() ?? 0 };
      }
      case 'SPLIT':
        return { numSplits: options(BuiltinOptions.SplitOptions, () => new SplitOptions())?.numSplits() ?? source.outputsLength() };
      case 'SPLIT_V':
        return { numSplits: options(BuiltinOptions.SplitVOptions, () => new SplitVOptions())?.numSplits() ?? source.outputsLength() };
      case 'SQUEEZE': {
        const o = options(BuiltinOptions.SqueezeOptions, () => new SqueezeOptions());
        const length = o ? this.vectorLength(o.squeezeDimsLength(), 4, 'squeeze_dims') : 0;
        return { squeezeDims: Array.from({ length }, (_, i) => o!.squeezeDims(i)!) };
      }
      case 'RESIZE_BILINEAR': {
        const o = options(BuiltinOptions.ResizeBilinearOptions, () => new ResizeBilinearOptions());
        return { alignCorners: o?.alignCorners() ?? false, halfPixelCenters: o?.halfPixelCenters() ?? false };
      }
      case 'RESIZE_NEAREST_NEIGHBOR': {
        const o = options(BuiltinOptions.ResizeNearestNeighborOptions, () => new ResizeNearestNeighborOptions());
        return { alignCorners: o?.alignCorners() ?? false, halfPixelCenters: o?.halfPixelCenters() ?? false };
      }
      case 'MIRROR_PAD':
        return { mode: options(BuiltinOptions.MirrorPadOptions, () => new MirrorPadOptions())?.mode() === 1 ? 'symmetric' : 'reflect' };
      case 'CUMSUM': {
        const o = options(BuiltinOptions.CumsumOptions, () => new CumsumOptions());
        return { exclusive: o?.exclusive() ?? false, reverse: o?.reverse() ?? false };
      }
      case 'L2_NORMALIZATION':
        return { activation: activation(options(BuiltinOptions.L2NormOptions, () => new L2NormOptions())?.fusedActivationFunction()) };
      case 'TRANSPOSE_CONV': {
        const o = options(BuiltinOptions.TransposeConvOptions, () => new TransposeConvOptions());
        return { padding: padding(o?.padding()), strideH: o?.strideH() ?? 1, strideW: o?.strideW() ?? 1, activation: activation(o?.fusedActivationFunction()) };
      }
      case 'SPACE_TO_DEPTH':
        return { blockSize: options(BuiltinOptions.SpaceToDepthOptions, () => new SpaceToDepthOptions())?.blockSize() ?? 0 };
      case 'DEPTH_TO_SPACE':
        return { blockSize: options(BuiltinOptions.DepthToSpaceOptions, () => new DepthToSpaceOptions())?.blockSize() ?? 0 };
      case 'VAR_HANDLE': {
        const o = options(BuiltinOptions.VarHandleOptions, () => new VarHandleOptions());
        return { container: o?.container() ?? '', sharedName: o?.sharedName() ?? '' };
      }
      case 'IF': {
        const o = options(BuiltinOptions.IfOptions, () => new IfOptions());
        return { thenSubgraphIndex: o?.thenSubgraphIndex() ?? 0, elseSubgraphIndex: o?.elseSubgraphIndex() ?? 0 };
      }
      case 'WHILE': {
        const o = options(BuiltinOptions.WhileOptions, () => new WhileOptions());
        return { condSubgraphIndex: o?.condSubgraphIndex() ?? 0, bodySubgraphIndex: o?.bodySubgraphIndex() ?? 0 };
      }
      case 'CALL_ONCE':
        return { initSubgraphIndex: options(BuiltinOptions.CallOnceOptions, () => new CallOnceOptions())?.initSubgraphIndex() ?? 0 };
      case 'BATCH_MATMUL': {
        const o = options(BuiltinOptions.BatchMatMulOptions, () => new BatchMatMulOptions());
        return { adjX: o?.adjX() ?? false, adjY: o?.adjY() ?? false };
      }
      default:
        // PAD, LOGISTIC, TANH, RELU, RELU6, QUANTIZE, DEQUANTIZE have no options we use; any other
        // builtin imports with its name so that it is reported as unsupported, never dropped.
        return {};
    }
  }
}
