/**
 * Writes test/corpus/tolerant/: TFLite files with the liberties converters and hand-written
 * tools take that TFLite Micro accepts, each beside a `clean` twin written the usual way (the
 * corpus entries hold the same output checksum for both). Built field by field with the
 * flatbuffers builder, so a field can be left out or given an odd value:
 *
 * - bias-quantized-dimension-3: a depthwise convolution whose per-channel bias (rank 1) declares
 *   quantized_dimension 3, copied from the filter (TFLite Micro reads the bias's only axis);
 * - optional-fields-missing: no description, no subgraph name, no tensor names, operator codes
 *   with only the deprecated byte-sized builtin code and no version;
 * - empty-buffers: a RESHAPE to a scalar whose zero-sized shape constant has a buffer with an
 *   empty data vector, and a second zero-sized constant whose buffer has no data field;
 * - schema-version-missing / schema-version-2: the model's version field absent (0), or 2, on a
 *   file laid out as version 3 (TFLite Micro does not check the field);
 * - schema-version-4: refused, naming the version.
 *
 * Run with `npx tsx test/corpus/make-tolerant.ts`; the files are committed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import {
  ActivationFunctionType,
  Buffer as TfliteBuffer,
  BuiltinOperator,
  BuiltinOptions,
  DepthwiseConv2DOptions,
  Model,
  Operator,
  OperatorCode,
  Padding,
  QuantizationParameters,
  SubGraph,
  Tensor,
  TensorType,
} from '../../src/core/common/importers/tflite/schema/tflite.js';
import { seeded } from './testing/op-models.js';

interface TensorSpec {
  name?: string;
  shape: number[];
  type: TensorType;
  buffer: number;
  quantization?: { scale: number[]; zeroPoint: number[]; axis: number };
}

interface ModelSpec {
  /** undefined: the field is left out. */
  version?: number;
  description?: string;
  subgraphName?: string;
  /** Buffer contents after the empty sentinel; 'no-data' writes a buffer table without a data field. */
  buffers: (Uint8Array | 'no-data')[];
  tensors: TensorSpec[];
  opcodes: { builtin: BuiltinOperator; deprecatedOnly?: boolean }[];
  operators: { opcode: number; inputs: number[]; outputs: number[]; options?: (builder: flatbuffers.Builder) => { type: BuiltinOptions; offset: number } }[];
  inputs: number[];
  outputs: number[];
}

function writeModel(spec: ModelSpec): Uint8Array {
  const builder = new flatbuffers.Builder(4096);
  const buffers = [TfliteBuffer.createBuffer(builder, 0, 0n, 0n)];
  for (const contents of spec.buffers) {
    if (contents === 'no-data') {
      TfliteBuffer.startBuffer(builder);
      buffers.push(TfliteBuffer.endBuffer(builder));
      continue;
    }
    builder.startVector(1, contents.length, 16);
    for (let i = contents.length - 1; i >= 0; i--) builder.addInt8(contents[i]);
    const data = builder.endVector();
    TfliteBuffer.startBuffer(builder);
    TfliteBuffer.addData(builder, data);
    buffers.push(TfliteBuffer.endBuffer(builder));
  }
  const tensors = spec.tensors.map((tensor) => {
    const name = tensor.name === undefined ? 0 : builder.createString(tensor.name);
    const shape = Tensor.createShapeVector(builder, tensor.shape);
    let quantization = 0;
    if (tensor.quantization) {
      const scale = QuantizationParameters.createScaleVector(builder, tensor.quantization.scale);
      const zeroPoint = QuantizationParameters.createZeroPointVector(builder, tensor.quantization.zeroPoint.map(BigInt));
      QuantizationParameters.startQuantizationParameters(builder);
      QuantizationParameters.addScale(builder, scale);
      QuantizationParameters.addZeroPoint(builder, zeroPoint);
      QuantizationParameters.addQuantizedDimension(builder, tensor.quantization.axis);
      quantization = QuantizationParameters.endQuantizationParameters(builder);
    }
    Tensor.startTensor(builder);
    Tensor.addShape(builder, shape);
    Tensor.addType(builder, tensor.type);
    Tensor.addBuffer(builder, tensor.buffer);
    if (name) Tensor.addName(builder, name);
    if (quantization) Tensor.addQuantization(builder, quantization);
    return Tensor.endTensor(builder);
  });
  const operators = spec.operators.map((op) => {
    const inputs = Operator.createInputsVector(builder, op.inputs);
    const outputs = Operator.createOutputsVector(builder, op.outputs);
    const options = op.options?.(builder);
    Operator.startOperator(builder);
    Operator.addOpcodeIndex(builder, op.opcode);
    Operator.addInputs(builder, inputs);
    Operator.addOutputs(builder, outputs);
    if (options) {
      Operator.addBuiltinOptionsType(builder, options.type);
      Operator.addBuiltinOptions(builder, options.offset);
    }
    return Operator.endOperator(builder);
  });
  const opcodes = spec.opcodes.map(({ builtin, deprecatedOnly }) => {
    OperatorCode.startOperatorCode(builder);
    OperatorCode.addDeprecatedBuiltinCode(builder, Math.min(builtin, 127));
    if (!deprecatedOnly) {
      OperatorCode.addBuiltinCode(builder, builtin);
      OperatorCode.addVersion(builder, 1);
    }
    return OperatorCode.endOperatorCode(builder);
  });
  const subgraphTensors = SubGraph.createTensorsVector(builder, tensors);
  const subgraphInputs = SubGraph.createInputsVector(builder, spec.inputs);
  const subgraphOutputs = SubGraph.createOutputsVector(builder, spec.outputs);
  const subgraphOperators = SubGraph.createOperatorsVector(builder, operators);
  const subgraphName = spec.subgraphName === undefined ? 0 : builder.createString(spec.subgraphName);
  SubGraph.startSubGraph(builder);
  SubGraph.addTensors(builder, subgraphTensors);
  SubGraph.addInputs(builder, subgraphInputs);
  SubGraph.addOutputs(builder, subgraphOutputs);
  SubGraph.addOperators(builder, subgraphOperators);
  if (subgraphName) SubGraph.addName(builder, subgraphName);
  const subgraph = SubGraph.endSubGraph(builder);
  const operatorCodes = Model.createOperatorCodesVector(builder, opcodes);
  const subgraphs = Model.createSubgraphsVector(builder, [subgraph]);
  const description = spec.description === undefined ? 0 : builder.createString(spec.description);
  const bufferVector = Model.createBuffersVector(builder, buffers);
  Model.startModel(builder);
  if (spec.version !== undefined) Model.addVersion(builder, spec.version);
  Model.addOperatorCodes(builder, operatorCodes);
  Model.addSubgraphs(builder, subgraphs);
  if (description) Model.addDescription(builder, description);
  Model.addBuffers(builder, bufferVector);
  builder.finish(Model.endModel(builder), 'TFL3');
  return builder.asUint8Array().slice();
}

const random = seeded(77);
const bytes = (values: ArrayLike<number>, Type: Int8ArrayConstructor | Int32ArrayConstructor) => new Uint8Array(Type.from(values).buffer);
const channels = 3;
const filter = Array.from({ length: 9 * channels }, () => Math.floor(random() * 255) - 127);
const bias = Array.from({ length: channels }, () => Math.floor(random() * 2000) - 1000);
const filterScales = [0.011, 0.02, 0.0075];

/** int8 depthwise 3x3 (SAME) with per-channel filter and bias; the quirks change how the file says it. */
function depthwise(options: { biasAxis: number; names: boolean; deprecatedOnly: boolean; version?: number; description?: string; subgraphName?: string }): ModelSpec {
  const name = (text: string) => (options.names ? text : undefined);
  return {
    version: options.version,
    description: options.description,
    subgraphName: options.subgraphName,
    buffers: [bytes(filter, Int8Array), bytes(bias, Int32Array)],
    tensors: [
      { name: name('input'), shape: [1, 5, 5, channels], type: TensorType.INT8, buffer: 0, quantization: { scale: [0.05], zeroPoint: [-3], axis: 0 } },
      { name: name('filter'), shape: [1, 3, 3, channels], type: TensorType.INT8, buffer: 1, quantization: { scale: filterScales, zeroPoint: [0, 0, 0], axis: 3 } },
      {
        name: name('bias'),
        shape: [channels],
        type: TensorType.INT32,
        buffer: 2,
        quantization: { scale: filterScales.map((s) => s * 0.05), zeroPoint: [0, 0, 0], axis: options.biasAxis },
      },
      { name: name('output'), shape: [1, 5, 5, channels], type: TensorType.INT8, buffer: 0, quantization: { scale: [0.08], zeroPoint: [4], axis: 0 } },
    ],
    opcodes: [{ builtin: BuiltinOperator.DEPTHWISE_CONV_2D, deprecatedOnly: options.deprecatedOnly }],
    operators: [
      {
        opcode: 0,
        inputs: [0, 1, 2],
        outputs: [3],
        options: (builder) => ({
          type: BuiltinOptions.DepthwiseConv2DOptions,
          offset: DepthwiseConv2DOptions.createDepthwiseConv2DOptions(builder, Padding.SAME, 1, 1, 1, ActivationFunctionType.NONE, 1, 1),
        }),
      },
    ],
    inputs: [0],
    outputs: [3],
  };
}

const usual = { names: true, deprecatedOnly: false, version: 3, description: 'TinyDeploy corpus', subgraphName: 'main' };
const directory = join(import.meta.dirname, 'tolerant');
const files: Record<string, ModelSpec> = {
  'depthwise-clean': depthwise({ ...usual, biasAxis: 0 }),
  'bias-quantized-dimension-3': depthwise({ ...usual, biasAxis: 3 }),
  'optional-fields-missing': depthwise({ biasAxis: 0, names: false, deprecatedOnly: true, version: 3 }),
  'schema-version-missing': depthwise({ ...usual, biasAxis: 0, version: undefined }),
  'schema-version-2': depthwise({ ...usual, biasAxis: 0, version: 2 }),
  'schema-version-4': depthwise({ ...usual, biasAxis: 0, version: 4 }),
  'empty-buffers': {
    version: 3,
    buffers: [new Uint8Array(0), 'no-data'],
    tensors: [
      { name: 'input', shape: [1, 1], type: TensorType.FLOAT32, buffer: 0 },
      { name: 'shape', shape: [0], type: TensorType.INT32, buffer: 1 },
      { name: 'scalar', shape: [], type: TensorType.FLOAT32, buffer: 0 },
      { name: 'unused_empty', shape: [0, 4], type: TensorType.FLOAT32, buffer: 2 },
    ],
    opcodes: [{ builtin: BuiltinOperator.RESHAPE }],
    operators: [{ opcode: 0, inputs: [0, 1], outputs: [2] }],
    inputs: [0],
    outputs: [2],
  },
};
for (const [name, spec] of Object.entries(files)) {
  writeFileSync(join(directory, `${name}.tflite`), writeModel(spec));
  console.log(name);
}
const input = Int8Array.from({ length: 25 * channels }, () => Math.floor(random() * 256) - 128);
writeFileSync(join(directory, 'depthwise.input.bin'), new Uint8Array(input.buffer));
writeFileSync(join(directory, 'scalar.input.bin'), new Uint8Array(Float32Array.of(1.5).buffer));
