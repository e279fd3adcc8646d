/**
 * TinyDeploy's TFLite writer: any graph of the IR saved as a `.tflite` flatbuffer that TFLite
 * itself loads and runs and that the importer reads back to the same graph (same canonical
 * printout, same constant bytes). It is the inverse of `importers/tflite/index.ts` and is built
 * with the builder functions generated from the official schema (`importers/tflite/schema`).
 *
 * What the file holds (schema version 3, identifier "TFL3"):
 * - one subgraph named after the graph, with every tensor of the graph in its order (ids are
 *   kept), the graph's inputs and outputs, and the ops in execution order;
 * - one operator code per op type, with the builtin code in both the int32 `builtin_code` and
 *   the deprecated int8 field (clamped to 127, TFLite's "look at builtin_code" marker), and the
 *   version TFLite's versioning rules give the ops of that type (`op-version.ts`);
 * - tensors with shape, type, name, quantization (scale and zero point per tensor or per channel
 *   with its quantized dimension) and `is_variable`;
 * - buffers: buffer 0 is the empty sentinel TFLite requires; each constant tensor has its own
 *   buffer, its bytes aligned to 16 as the schema asks (`force_align: 16`);
 * - each op's builtin options from its typed attributes (`options.ts`);
 * - the model description: the graph's own (`source.description`, which the importer keeps) or
 *   "TinyDeploy".
 *
 * Deliberate differences from the file a graph was imported from: shape signatures, metadata
 * entries and signature definitions are not written (the IR keeps none of them); constant
 * buffers are never shared; a variable tensor is written without data, because TFLite refuses
 * a variable tensor with a buffer and every runtime (TinyDeploy's interpreter too) starts state
 * from zeros or the zero point anyway.
 *
 * Integer LSTM intermediates: TFLite's int8 UNIDIRECTIONAL_SEQUENCE_LSTM kernel requires five
 * "intermediate" tensors on the op, whose quantization carries the gate and hidden-state scales.
 * An op's own `intermediates` (read by the importer, made by the quantizer) are written as they
 * are; an int8 LSTM without them gets the five tensors the converter makes, appended after the
 * graph's tensors: four empty float32 gate tensors (unused without layer normalisation) and the
 * hidden-state tensor quantized like the output state, which is what TFLite Micro (and so
 * TinyDeploy's interpreter) uses for the hidden state.
 *
 * Resource variables (ops/resource-variable.ts): a variable tensor that READ_VARIABLE or
 * ASSIGN_VARIABLE uses is written as TFLite's converter writes a `tf.Variable`: a RESOURCE tensor
 * in its place (same id), written by a VAR_HANDLE whose shared name is the tensor's name; the main
 * subgraph starts with CALL_ONCE of subgraph 1, the init subgraph, which assigns each variable
 * its initial value (the tensor's data, or what a reset gives: the zero point for int8, else 0)
 * and the VAR_HANDLEs follow it.
 *
 * TD_GRU, TinyDeploy's fused GRU, is written as a custom op (custom code `TD_GRU`, its attributes
 * as FlexBuffer custom options: ops/gru-custom-options.ts); TFLite itself does not run it.
 *
 * Ops the writer cannot express are refused with a CodegenError naming the op index, its type
 * and the attribute at fault: op types the IR keeps no attributes for (any builtin imported by
 * name only, custom ops other than TD_GRU), attribute values a flatbuffer field cannot hold, an int8 LSTM with
 * layer normalisation and no intermediates, intermediates that are out of range or that an op
 * reads or writes (stale ids).
 */
import * as flatbuffers from 'flatbuffers';
import { CodegenError } from '../../errors.js';
import { allocateData, bytesOf, elementCount } from '../../ir/tensor.js';
import { isPackedInt4, packInt4 } from '../../ir/int4.js';
import type { DType, Graph, Op, Quantization, Tensor } from '../../ir/types.js';
import { isKnownOp, isOp } from '../../ir/types.js';
import { graphProblems } from '../../ir/validate.js';
import { lstmInputIndex } from '../../ops/lstm-layout.js';
import { encodeGruOptions } from '../../ops/gru-custom-options.js';
import { gruAttrs, gruOpType } from '../../ops/gru-layout.js';
import { encodeDetectionOptions } from '../../ops/detection-options.js';
import { detectionPostprocessCustomCode } from '../../ops/detection-postprocess.js';
import {
  Buffer as TfliteBuffer,
  BuiltinOperator,
  BuiltinOptions,
  CallOnceOptions,
  CustomOptionsFormat,
  IfOptions,
  WhileOptions,
  Model,
  Operator,
  OperatorCode,
  QuantizationParameters,
  SubGraph,
  Tensor as TfliteTensor,
  TensorType,
  VarHandleOptions,
} from '../../importers/tflite/schema/tflite.js';
import { operatorVersion } from './op-version.js';
import { AttributeReader, extraOptionsWriters, optionlessBuiltins, optionsWriters, type WrittenOptions } from './options.js';

/** The schema version the writer produces (the only one TFLite and the importer read). */
export const TFLITE_SCHEMA_VERSION = 3;
const FILE_IDENTIFIER = 'TFL3';
/** The schema's `force_align` for buffer data: lets runtimes read weights in place. */
const BUFFER_ALIGNMENT = 16;
/** The description written when the graph brings none. */
export const DEFAULT_DESCRIPTION = 'TinyDeploy';
/** The deprecated int8 builtin code holds codes below this; larger codes write it as 127. */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

const tensorTypes: Record<DType, TensorType> = {
  float32: TensorType.FLOAT32,
  float16: TensorType.FLOAT16,
  int8: TensorType.INT8,
  uint8: TensorType.UINT8,
  int16: TensorType.INT16,
  int32: TensorType.INT32,
  uint32: TensorType.UINT32,
  int64: TensorType.INT64,
  bool: TensorType.BOOL,
  string: TensorType.STRING,
};

/** Names TFLite's converter gives the five intermediates of an integer LSTM, in order. */
const lstmIntermediateNames = [
  'input_to_input_intermediate',
  'input_to_forget_intermediate',
  'input_to_cell_intermediate',
  'input_to_output_intermediate',
  'effective_hidden_scale_intermediate',
] as const;

/**
 * Serialises a graph as a TFLite flatbuffer (see the file comment for what is written). Pure:
 * the graph is not changed. Throws CodegenError for a graph the format cannot express, naming
 * the op, its type and the attribute, or the tensor and its field.
 */
export function exportTflite(graph: Graph): Uint8Array {
  return new TfliteWriter(graph).write();
}

/** IR ops written as TFLite custom ops: their custom code and their attributes as custom options. */
const customOps: Record<string, { code: string; options: (attrs: object) => Uint8Array }> = {
  [gruOpType]: { code: gruOpType, options: (attrs) => encodeGruOptions(gruAttrs(attrs)) },
  DETECTION_POSTPROCESS: { code: detectionPostprocessCustomCode, options: (attrs) => encodeDetectionOptions(attrs) },
};

/** The attributes of IF and WHILE that hold their subgraphs, in the options' field order. */
const controlFlowAttrs: Record<string, readonly string[]> = { IF: ['then', 'else'], WHILE: ['cond', 'body'] };

/** What every subgraph of one file shares: buffers, operator codes, the subgraph list (0 = not written yet). */
interface SharedTables {
  buffers: flatbuffers.Offset[];
  codes: OperatorCodeEntry[];
  codeIndex: Map<string, number>;
  subgraphs: flatbuffers.Offset[];
}

/** Ops that use a resource variable (input 0): their variable is written as a VAR_HANDLE resource. */
const resourceOpTypes: ReadonlySet<string> = new Set(['READ_VARIABLE', 'ASSIGN_VARIABLE']);

interface OperatorCodeEntry {
  builtin: BuiltinOperator;
  version: number;
  /** A custom op's code (TD_GRU, TinyDeploy's fused GRU: see ops/gru-layout.ts). */
  customCode?: string;
}

class TfliteWriter {
  /** The graph's tensors, then the intermediates the writer adds. */
  private readonly tensors: Tensor[];
  /** Intermediate tensor ids per op index (only ops that have them). */
  private readonly intermediates = new Map<number, readonly number[]>();
  /** Variable tensors written as resource variables, with their shared names, in id order. */
  private resources = new Map<number, string>();

  constructor(private readonly graph: Graph) {
    const problems = graphProblems(graph);
    if (problems.length > 0) {
      throw new CodegenError(`tflite export: graph ${graph.name} is invalid: ${problems.join('; ')}`, { problems });
    }
    this.tensors = [...graph.tensors];
    graph.ops.forEach((op, index) => {
      if (!isKnownOp(op) && !(op.type in extraOptionsWriters) && !optionlessBuiltins.has(op.type) && op.type !== gruOpType && !resourceOpTypes.has(op.type) && !(op.type in controlFlowAttrs) && !(op.type in customOps)) {
        const custom = 'customCode' in op && op.customCode ? ` (custom op ${op.customCode})` : '';
        throw new CodegenError(
          `tflite export: op ${index} (${op.type})${custom}: TinyDeploy keeps no attributes for this op type, ` +
            `so it cannot write its options`,
          { op: index, type: op.type },
        );
      }
      this.planIntermediates(op, index);
    });
    const names = new Set<string>();
    for (const op of graph.ops) {
      const id = op.inputs[0];
      if (!resourceOpTypes.has(op.type) || this.resources.has(id)) continue;
      const name = names.has(graph.tensors[id].name) ? `${graph.tensors[id].name}_${id}` : graph.tensors[id].name;
      names.add(name);
      this.resources.set(id, name);
    }
    this.resources = new Map([...this.resources].sort((a, b) => a[0] - b[0]));
  }

  write(): Uint8Array {
    const builder = new flatbuffers.Builder(this.sizeHint());
    const shared: SharedTables = { buffers: [TfliteBuffer.createBuffer(builder, 0, 0n, 0n)], codes: [], codeIndex: new Map(), subgraphs: [0] };
    shared.subgraphs[0] = this.writeGraph(builder, shared);
    const codeOffsets = shared.codes.map(({ builtin, version, customCode }) => {
      const custom = customCode === undefined ? 0 : builder.createString(customCode);
      return OperatorCode.createOperatorCode(builder, Math.min(builtin, PLACEHOLDER_FOR_GREATER_OP_CODES), custom, version, builtin);
    });
    const operatorCodes = Model.createOperatorCodesVector(builder, codeOffsets);
    const subgraphs = Model.createSubgraphsVector(builder, shared.subgraphs);
    const description = builder.createString(this.graph.source?.description || DEFAULT_DESCRIPTION);
    const bufferVector = Model.createBuffersVector(builder, shared.buffers);
    Model.startModel(builder);
    Model.addVersion(builder, TFLITE_SCHEMA_VERSION);
    Model.addOperatorCodes(builder, operatorCodes);
    Model.addSubgraphs(builder, subgraphs);
    Model.addDescription(builder, description);
    Model.addBuffers(builder, bufferVector);
    builder.finish(Model.endModel(builder), FILE_IDENTIFIER);
    // A copy that owns its memory: the builder's array is larger than the file.
    return builder.asUint8Array().slice();
  }

  /**
   * Writes this writer's graph as one subgraph (its buffers, tensors and operators into the shared
   * tables) and returns it; the subgraphs its IF/WHILE ops run, and the resource variables' init
   * subgraph, are appended to `shared.subgraphs` as they are met.
   */
  private writeGraph(builder: flatbuffers.Builder, shared: SharedTables): flatbuffers.Offset {
    const { graph, tensors } = this;
    const { buffers, codes, codeIndex } = shared;

    // Buffers first: large vectors, each aligned, outside any table.
    const bufferIndex = new Map<number, number>();
    for (const tensor of tensors) {
      if (!tensor.data || tensor.variable || tensor.data.byteLength === 0) continue;
      const data = createAlignedBytes(builder, isPackedInt4(tensor) ? packInt4(tensor.data as Int8Array) : bytesOf(tensor.data));
      TfliteBuffer.startBuffer(builder);
      TfliteBuffer.addData(builder, data);
      bufferIndex.set(tensor.id, buffers.length);
      buffers.push(TfliteBuffer.endBuffer(builder));
    }
    // The init subgraph's constants: each resource variable's initial value.
    const initialBuffers = [...this.resources.keys()].map((id) => {
      const data = createAlignedBytes(builder, bytesOf(initialValue(graph.tensors[id])));
      TfliteBuffer.startBuffer(builder);
      TfliteBuffer.addData(builder, data);
      buffers.push(TfliteBuffer.endBuffer(builder));
      return buffers.length - 1;
    });

    const tensorOffsets = tensors.map((tensor) =>
      this.resources.has(tensor.id) ? writeResourceTensor(builder, tensor.name) : this.writeTensor(builder, tensor, bufferIndex.get(tensor.id) ?? 0),
    );

    const plainOpcode = (type: 'CALL_ONCE' | 'VAR_HANDLE' | 'ASSIGN_VARIABLE') => {
      if (!codeIndex.has(type)) {
        codeIndex.set(type, codes.length);
        codes.push({ builtin: BuiltinOperator[type], version: 1 });
      }
      return codeIndex.get(type)!;
    };
    const varHandle = (output: number, sharedName: string) => {
      const options = VarHandleOptions.createVarHandleOptions(builder, builder.createString(''), builder.createString(sharedName));
      return writePlainOperator(builder, plainOpcode('VAR_HANDLE'), [], [output], { type: BuiltinOptions.VarHandleOptions, offset: options });
    };
    const resourceOperators: flatbuffers.Offset[] = [];
    if (this.resources.size > 0) {
      const initIndex = shared.subgraphs.length;
      shared.subgraphs.push(0);
      const callOnce = CallOnceOptions.createCallOnceOptions(builder, initIndex);
      resourceOperators.push(writePlainOperator(builder, plainOpcode('CALL_ONCE'), [], [], { type: BuiltinOptions.CallOnceOptions, offset: callOnce }));
      for (const [id, sharedName] of this.resources) resourceOperators.push(varHandle(id, sharedName));
      const initTensors: flatbuffers.Offset[] = [];
      const initOperators: flatbuffers.Offset[] = [];
      [...this.resources].forEach(([id, sharedName], k) => {
        initTensors.push(writeResourceTensor(builder, `${sharedName}/handle`));
        initTensors.push(this.writeTensor(builder, { ...graph.tensors[id], name: `${sharedName}/initial_value`, variable: false }, initialBuffers[k]));
        initOperators.push(varHandle(2 * k, sharedName));
        initOperators.push(writePlainOperator(builder, plainOpcode('ASSIGN_VARIABLE'), [2 * k, 2 * k + 1], []));
      });
      shared.subgraphs[initIndex] = writeSubgraph(builder, 'init', initTensors, [], [], initOperators);
    }
    const operatorOffsets = graph.ops.map((op, index) => {
      const custom = customOps[op.type];
      const version = custom ? 1 : operatorVersion(graph, op);
      let opcode = codeIndex.get(op.type);
      if (opcode === undefined) {
        opcode = codes.length;
        codeIndex.set(op.type, opcode);
        codes.push(
          custom
            ? { builtin: BuiltinOperator.CUSTOM, version, customCode: custom.code }
            : { builtin: BuiltinOperator[op.type as keyof typeof BuiltinOperator], version },
        );
      } else {
        codes[opcode].version = Math.max(codes[opcode].version, version);
      }
      return this.writeOperator(builder, op, index, opcode, shared);
    });
    return writeSubgraph(builder, graph.name, tensorOffsets, graph.inputs, graph.outputs, [...resourceOperators, ...operatorOffsets]);
  }

  /** IF/WHILE: writes the subgraphs the op runs and returns its options naming their indices. */
  private writeControlFlowOptions(builder: flatbuffers.Builder, op: Op, index: number, shared: SharedTables): WrittenOptions | undefined {
    const fields = controlFlowAttrs[op.type];
    if (!fields) return undefined;
    const indices = fields.map((attr) => {
      const nested = (op.attrs as Record<string, Graph | undefined>)[attr];
      if (!nested || !Array.isArray(nested.ops)) {
        throw new CodegenError(`tflite export: op ${index} (${op.type}): attribute ${attr} is not a subgraph`, { op: index, type: op.type, attribute: attr });
      }
      const subgraphIndex = shared.subgraphs.length;
      shared.subgraphs.push(0);
      shared.subgraphs[subgraphIndex] = new TfliteWriter(nested).writeGraph(builder, shared);
      return subgraphIndex;
    });
    return op.type === 'IF'
      ? { type: BuiltinOptions.IfOptions, offset: IfOptions.createIfOptions(builder, indices[0], indices[1]) }
      : { type: BuiltinOptions.WhileOptions, offset: WhileOptions.createWhileOptions(builder, indices[0], indices[1]) };
  }

  private writeTensor(builder: flatbuffers.Builder, tensor: Tensor, buffer: number): flatbuffers.Offset {
    const name = builder.createString(tensor.name);
    const shape = TfliteTensor.createShapeVector(builder, tensor.shape);
    const quantization = tensor.quantization && tensor.quantization.scale.length > 0 ? writeQuantization(builder, tensor, tensor.quantization) : 0;
    TfliteTensor.startTensor(builder);
    TfliteTensor.addShape(builder, shape);
    TfliteTensor.addType(builder, isPackedInt4(tensor) ? TensorType.INT4 : tensorTypes[tensor.dtype]);
    TfliteTensor.addBuffer(builder, buffer);
    TfliteTensor.addName(builder, name);
    if (quantization) TfliteTensor.addQuantization(builder, quantization);
    if (tensor.variable) TfliteTensor.addIsVariable(builder, true);
    return TfliteTensor.endTensor(builder);
  }

  private writeOperator(builder: flatbuffers.Builder, op: Op, index: number, opcode: number, shared: SharedTables): flatbuffers.Offset {
    const controlFlow = this.writeControlFlowOptions(builder, op, index, shared);
    const inputs = Operator.createInputsVector(builder, op.inputs);
    const outputs = Operator.createOutputsVector(builder, op.outputs);
    const planned = this.intermediates.get(index);
    const intermediates = planned ? Operator.createIntermediatesVector(builder, [...planned]) : 0;
    // TD_GRU is a custom op: its attributes go in the custom options as a FlexBuffer map.
    const custom = customOps[op.type];
    const customOptions = custom ? Operator.createCustomOptionsVector(builder, custom.options(op.attrs)) : 0;
    const writeOptions = optionsWriters[op.type as keyof typeof optionsWriters] ?? extraOptionsWriters[op.type];
    const options = controlFlow ?? writeOptions?.(builder, new AttributeReader(op.attrs, index, op.type), {
      outputDType: this.tensors[op.outputs[0]]?.dtype ?? 'float32',
    });
    Operator.startOperator(builder);
    Operator.addOpcodeIndex(builder, opcode);
    Operator.addInputs(builder, inputs);
    Operator.addOutputs(builder, outputs);
    if (options) {
      Operator.addBuiltinOptionsType(builder, options.type);
      Operator.addBuiltinOptions(builder, options.offset);
    }
    if (customOptions) {
      Operator.addCustomOptions(builder, customOptions);
      Operator.addCustomOptionsFormat(builder, CustomOptionsFormat.FLEXBUFFERS);
    }
    if (intermediates) Operator.addIntermediates(builder, intermediates);
    return Operator.endOperator(builder);
  }

  /** Takes the op's own intermediates, or makes the integer LSTM's five (see the file comment). */
  private planIntermediates(op: Op, index: number): void {
    const label = `tflite export: op ${index} (${op.type})`;
    if (op.intermediates !== undefined) {
      for (const id of op.intermediates) {
        if (!Number.isInteger(id) || id < 0 || id >= this.graph.tensors.length) {
          throw new CodegenError(`${label}: attribute intermediates refers to tensor ${id}, graph has ${this.graph.tensors.length} tensors`, {
            op: index,
            type: op.type,
            attribute: 'intermediates',
            value: id,
          });
        }
        // An intermediate is never read or written: one that is points at the wrong tensor (ids
        // renumbered by a pass that did not map the intermediates).
        const user = this.graph.ops.findIndex((other) => other.inputs.includes(id) || other.outputs.includes(id));
        if (user >= 0 || this.graph.inputs.includes(id) || this.graph.outputs.includes(id)) {
          const role = user >= 0 ? `an operand of op ${user} (${this.graph.ops[user].type})` : 'a graph input or output';
          throw new CodegenError(`${label}: attribute intermediates refers to tensor ${id} (${this.graph.tensors[id].name}), which is ${role}`, {
            op: index,
            type: op.type,
            attribute: 'intermediates',
            value: id,
          });
        }
      }
      if (op.intermediates.length > 0) this.intermediates.set(index, op.intermediates);
      return;
    }
    if (!isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) return;
    const input = this.graph.tensors[op.inputs[lstmInputIndex.input]];
    if (input.dtype !== 'int8') return;
    const fail = (reason: string): never => {
      throw new CodegenError(`${label}: attribute intermediates is missing and cannot be derived: ${reason}`, {
        op: index,
        type: op.type,
        attribute: 'intermediates',
      });
    };
    const present = (position: number) => (op.inputs[position] ?? -1) >= 0;
    if (present(lstmInputIndex.forgetLayerNormCoefficients)) {
      fail('an integer LSTM with layer normalisation needs the calibrated scales of its four gate intermediates');
    }
    if (present(lstmInputIndex.projectionWeights)) {
      fail('an integer LSTM with projection needs the calibrated scale of its hidden-state intermediate');
    }
    const outputState = this.graph.tensors[op.inputs[lstmInputIndex.outputState]];
    const q = outputState?.quantization;
    if (!q || q.scale.length !== 1) {
      fail(`output state tensor ${op.inputs[lstmInputIndex.outputState]} has no per-tensor quantization to give the hidden state`);
    }
    const ids = lstmIntermediateNames.map((name, i) => {
      const id = this.tensors.length;
      const hidden = i === lstmIntermediateNames.length - 1;
      this.tensors.push({
        id,
        name,
        shape: [0],
        dtype: hidden ? 'int8' : 'float32',
        ...(hidden ? { quantization: { scale: [q!.scale[0]], zeroPoint: [q!.zeroPoint[0]], axis: 0 } } : {}),
      });
      return id;
    });
    this.intermediates.set(index, ids);
  }

  /** Bytes the file will roughly take, so the builder rarely has to grow (and copy) its buffer. */
  private sizeHint(): number {
    let size = 4096 + this.graph.ops.length * 256;
    for (const tensor of this.tensors) {
      size += 256 + tensor.name.length * 3 + tensor.shape.length * 4 + (tensor.quantization?.scale.length ?? 0) * 12;
      if (tensor.data) size += tensor.data.byteLength + BUFFER_ALIGNMENT;
    }
    return size;
  }
}

function writeSubgraph(
  builder: flatbuffers.Builder,
  name: string,
  tensors: flatbuffers.Offset[],
  inputs: readonly number[],
  outputs: readonly number[],
  operators: flatbuffers.Offset[],
): flatbuffers.Offset {
  const tensorVector = SubGraph.createTensorsVector(builder, tensors);
  const inputVector = SubGraph.createInputsVector(builder, [...inputs]);
  const outputVector = SubGraph.createOutputsVector(builder, [...outputs]);
  const operatorVector = SubGraph.createOperatorsVector(builder, operators);
  const nameOffset = builder.createString(name);
  SubGraph.startSubGraph(builder);
  SubGraph.addTensors(builder, tensorVector);
  SubGraph.addInputs(builder, inputVector);
  SubGraph.addOutputs(builder, outputVector);
  SubGraph.addOperators(builder, operatorVector);
  SubGraph.addName(builder, nameOffset);
  return SubGraph.endSubGraph(builder);
}

/** A variable's handle: a RESOURCE scalar without data. */
function writeResourceTensor(builder: flatbuffers.Builder, name: string): flatbuffers.Offset {
  const nameOffset = builder.createString(name);
  const shape = TfliteTensor.createShapeVector(builder, []);
  TfliteTensor.startTensor(builder);
  TfliteTensor.addShape(builder, shape);
  TfliteTensor.addType(builder, TensorType.RESOURCE);
  TfliteTensor.addBuffer(builder, 0);
  TfliteTensor.addName(builder, nameOffset);
  return TfliteTensor.endTensor(builder);
}

function writePlainOperator(
  builder: flatbuffers.Builder,
  opcode: number,
  inputs: readonly number[],
  outputs: readonly number[],
  options?: { type: BuiltinOptions; offset: flatbuffers.Offset },
): flatbuffers.Offset {
  const inputVector = Operator.createInputsVector(builder, [...inputs]);
  const outputVector = Operator.createOutputsVector(builder, [...outputs]);
  Operator.startOperator(builder);
  Operator.addOpcodeIndex(builder, opcode);
  Operator.addInputs(builder, inputVector);
  Operator.addOutputs(builder, outputVector);
  if (options) {
    Operator.addBuiltinOptionsType(builder, options.type);
    Operator.addBuiltinOptions(builder, options.offset);
  }
  return Operator.endOperator(builder);
}

/** A resource variable's first value: its data, or what a reset gives (the zero point for int8, else 0). */
function initialValue(tensor: Tensor) {
  const value = allocateData(tensor.dtype, elementCount(tensor.shape));
  if (tensor.data && tensor.data.length === value.length) value.set(tensor.data as never);
  else if (tensor.dtype === 'int8') value.fill((tensor.quantization?.zeroPoint[0] ?? 0) as never);
  return value;
}

function writeQuantization(builder: flatbuffers.Builder, tensor: Tensor, q: Quantization): flatbuffers.Offset {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new CodegenError(
      `tflite export: tensor ${tensor.id} (${tensor.name}): quantization ${field} is ${String(value)}, expected ${expected}`,
      { tensor: tensor.id, field, value: String(value) },
    );
  };
  q.scale.forEach((scale, i) => {
    if (!Number.isFinite(scale) || scale < 0 || !Number.isFinite(Math.fround(scale))) {
      fail(`scale ${i}`, scale, 'a finite float32 >= 0');
    }
  });
  q.zeroPoint.forEach((zeroPoint, i) => {
    if (!Number.isSafeInteger(zeroPoint)) fail(`zero point ${i}`, zeroPoint, 'an integer');
  });
  if (!Number.isInteger(q.axis) || q.axis < 0 || (q.scale.length > 1 && q.axis >= tensor.shape.length)) {
    fail('axis', q.axis, `a dimension of shape [${tensor.shape.join(',')}]`);
  }
  const scale = QuantizationParameters.createScaleVector(builder, q.scale);
  const zeroPoint = QuantizationParameters.createZeroPointVector(builder, q.zeroPoint.map((value) => BigInt(value)));
  QuantizationParameters.startQuantizationParameters(builder);
  QuantizationParameters.addScale(builder, scale);
  QuantizationParameters.addZeroPoint(builder, zeroPoint);
  QuantizationParameters.addQuantizedDimension(builder, q.axis);
  return QuantizationParameters.endQuantizationParameters(builder);
}

/**
 * A `[ubyte]` vector whose first byte sits at a multiple of BUFFER_ALIGNMENT from the end of
 * the finished buffer (flatbuffers align from the end, and `finish` pads the whole file to the
 * largest alignment used, so the data is aligned from the start of the file too). The bytes are
 * copied in one call rather than byte by byte as the generated `createDataVector` does.
 */
function createAlignedBytes(builder: flatbuffers.Builder, bytes: Uint8Array): flatbuffers.Offset {
  builder.startVector(1, bytes.length, BUFFER_ALIGNMENT);
  builder.pad(bytes.length);
  const start = builder.dataBuffer().capacity() - builder.offset();
  builder.dataBuffer().bytes().set(bytes, start);
  return builder.endVector();
}
