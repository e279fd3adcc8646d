/**
 * ONNX importer (`.onnx`, opsets 11–21, the default domain): the path from PyTorch. The model is
 * decoded with protobufjs against ONNX's own schema (proto.ts), its nodes converted one by one
 * to TinyDeploy's NHWC graph (convert.ts), and the graph cleaned of the reshapes the layout
 * bookkeeping leaves behind (cleanup.ts).
 *
 * What cannot be imported is reported before anything is converted, every node at once:
 * "onnx: 2 nodes are not supported: node 0 simple (RNN, opset 13): RNN is not supported yet
 * (LSTM and GRU are); node 1 …". Dynamic batch dimensions become 1; any other dynamic dimension
 * is an error naming the input.
 */
import { ImportError } from '../../errors.js';
import type { DType, Graph } from '../../ir/types.js';
import { dtypeBytes, elementCount, formatShape } from '../../ir/tensor.js';
import { graphProblems } from '../../ir/validate.js';
import { printableName } from '../../printable.js';
import { DEFAULT_MAX_TENSOR_BYTES, type ImportOptions, type ModelImporter } from '../importer.js';
import { removeLayoutLeftovers } from './cleanup.js';
import { type Constant, constant } from './constants.js';
import { type GivenEncoding, OnnxConverter, onnxDType, unsupportedReason, type Value } from './convert.js';
import { quantizeAsGiven } from './qdq.js';
import { type OnnxModel, type OnnxTensor, decodeModel, onnxDataTypes } from './proto.js';

export const MIN_OPSET = 11;
export const MAX_OPSET = 21;

/** Options the ONNX importer reads beyond the common ones. */
export interface OnnxImportOptions extends ImportOptions {
  /**
   * Layout of model inputs of rank 3 and more: 'nchw' (default) keeps the ONNX model's own
   * layout, with a RESHAPE or TRANSPOSE into channels-last at the input; 'nhwc' makes the input
   * channels-last (NHWC, or NLC for 1-D models: no op at all), as a TFLite model of the same
   * network takes it.
   */
  inputLayout?: 'nchw' | 'nhwc';
  /**
   * Reads a file of external tensor data (`location` as the model names it, relative to the
   * model's folder). Without it, a model keeping weights outside the .onnx file is refused.
   */
  externalData?: (location: string) => Uint8Array;
}

/** ModelProto field tags (field number << 3 | wire type) that may follow ir_version. */
const modelTags = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0xa2]);

export const onnxImporter: ModelImporter = {
  format: 'onnx',
  extensions: ['.onnx'],
  match(bytes: Uint8Array): boolean {
    // ir_version (field 1, varint) comes first in every exporter's output: 0x08, a small version, then another field.
    return bytes.length >= 3 && bytes[0] === 0x08 && bytes[1] >= 3 && bytes[1] <= 20 && modelTags.has(bytes[2]);
  },
  open(bytes: Uint8Array, options: ImportOptions = {}): Graph {
    return readOnnx(bytes, options as OnnxImportOptions);
  },
};

function fail(message: string, data?: Record<string, unknown>): never {
  throw new ImportError(`onnx: ${message}`, data);
}

export function readOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): Graph {
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    fail(`not a readable ONNX model (${bytes.length} bytes): ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph) fail('the model has no graph');
  const opsetEntry = (model.opset_import ?? []).find((entry) => !entry.domain || entry.domain === 'ai.onnx');
  if (!opsetEntry) fail('the model imports no opset of the default ONNX domain');
  const opset = opsetEntry.version ?? 0;
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    fail(`opset ${opset} is not supported (TinyDeploy reads opsets ${MIN_OPSET}–${MAX_OPSET}; re-export with opset_version=${Math.min(Math.max(opset, MIN_OPSET), MAX_OPSET)})`, { opset });
  }
  const nodes = graph.node ?? [];
  const outputs = (graph.output ?? []).map((output) => output.name ?? '');
  if (outputs.length === 0) fail('the graph has no outputs: the model computes nothing');
  if ((graph.sparse_initializer ?? []).length > 0) fail('sparse initializers are not supported');

  const maxTensorBytes = options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  const converter = new OnnxConverter(nodes, outputs, { opset, inputLayout: options.inputLayout ?? 'nchw', maxTensorBytes });
  const unsupported = nodes.flatMap((node, index) => {
    const reason = unsupportedReason(node);
    return reason ? [{ node: index, name: node.name ?? '', opType: node.op_type ?? '', opset, reason, label: converter.nodeLabel(node, index) }] : [];
  });
  if (unsupported.length > 0) {
    const list = unsupported.map((u) => `${u.label}: ${u.reason}`).join('; ');
    fail(`${unsupported.length} node${unsupported.length > 1 ? 's are' : ' is'} not supported: ${list}`, {
      unsupported: unsupported.map(({ label: _label, ...rest }) => rest),
    });
  }

  const decode = (tensor: OnnxTensor, what: string) => decodeTensor(tensor, what, maxTensorBytes, options);
  converter.decodeTensor = decode;
  const initializers = new Set<string>();
  for (const [i, initializer] of (graph.initializer ?? []).entries()) {
    const name = initializer.name ?? `initializer_${i}`;
    converter.entries.set(name, decode(initializer, `initializer ${i} (${printableName(name)})`));
    initializers.add(name);
  }

  const inputs: number[] = [];
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (initializers.has(name)) continue; // IR < 4 lists initializers among the inputs
    const label = `input ${printableName(name)}`;
    const type = input.type?.tensor_type;
    if (!type) fail(`${label} is not a tensor (sequences and maps are not supported)`);
    const dtype = onnxDType(type.elem_type ?? 0);
    if (dtype !== 'float32' || type.elem_type !== 1) fail(`${label} is ${onnxDataTypes[type.elem_type ?? 0] ?? type.elem_type}; only FLOAT inputs are supported`);
    const dims = type.shape?.dim ?? [];
    const shape = dims.map((dim, axis) => {
      if (dim.dim_value !== undefined && dim.dim_value > 0) return dim.dim_value;
      if (axis === 0) return 1; // dynamic batch: one sample at a time on a microcontroller
      return fail(`${label} has dynamic dimension ${axis} (${printableName(dim.dim_param ?? '?')}); only the batch dimension may be dynamic (it becomes 1)`);
    });
    // Channels last: NCHW → NHWC, NCL → NLC.
    const layout = options.inputLayout === 'nhwc' && shape.length >= 3 ? [0, ...shape.slice(2).map((_, i) => i + 2), 1] : shape.map((_, i) => i);
    const tensor = converter.addTensor(name, layout.map((p) => shape[p]), 'float32');
    inputs.push(tensor);
    converter.entries.set(name, { kind: 'value', tensor, shape, perm: layout });
  }
  if (inputs.length === 0) fail('the graph has no inputs besides its initializers');

  converter.convertAll();
  // QDQ models: the given encodings ride on the float tensors through the cleanup (which renumbers them).
  for (const [id, { scale, zeroPoint }] of converter.encodings) converter.tensors[id] = { ...converter.tensors[id], quantization: { scale: [scale], zeroPoint: [zeroPoint], axis: 0 } };

  const outputIds: number[] = [];
  for (const name of outputs) {
    const entry = converter.entries.get(name);
    if (!entry) fail(`output ${printableName(name)} is produced by no node`);
    if (entry.kind !== 'value') fail(`output ${printableName(name)} is a constant; TinyDeploy runs models whose outputs depend on their inputs`);
    const value: Value = converter.identity(entry);
    if (inputs.includes(value.tensor) || outputIds.includes(value.tensor)) {
      fail(`output ${printableName(name)} is the same tensor as another input or output; TinyDeploy needs each output computed by an op`);
    }
    converter.tensors[value.tensor].name = name;
    outputIds.push(value.tensor);
  }

  const result = removeLayoutLeftovers({
    name: graph.name || 'main',
    tensors: converter.tensors,
    ops: converter.ops,
    inputs,
    outputs: outputIds,
    source: {
      format: 'onnx',
      description: [model.producer_name && `${model.producer_name} ${model.producer_version ?? ''}`.trim(), `opset ${opset}`].filter(Boolean).join(', '),
      version: model.ir_version,
    },
  });
  for (const id of [...result.inputs, ...result.outputs]) {
    const tensor = result.tensors[id];
    if (tensor.shape.some((dim) => dim === 0)) fail(`${printableName(tensor.name)} has shape ${formatShape(tensor.shape)}: no elements`);
  }
  const given = new Map<number, GivenEncoding>();
  for (const tensor of result.tensors) {
    if (tensor.dtype !== 'float32' || !tensor.quantization) continue;
    given.set(tensor.id, { scale: tensor.quantization.scale[0], zeroPoint: tensor.quantization.zeroPoint[0] });
    delete tensor.quantization;
  }
  const problems = graphProblems(result);
  if (problems.length > 0) fail(problems.join('; '), { problems });
  if (given.size === 0) return result;
  const quantized = quantizeAsGiven(result, given, { perChannel: converter.perChannelWeights, weightScales: converter.weightScales });
  const quantizedProblems = graphProblems(quantized);
  if (quantizedProblems.length > 0) fail(`the model quantized with its own scales is invalid: ${quantizedProblems.join('; ')}`, { problems: quantizedProblems });
  return quantized;
}

/** A TensorProto's values (initializers, Constant values), checked against its shape and the size limit. */
function decodeTensor(tensor: OnnxTensor, what: string, maxTensorBytes: number, options: OnnxImportOptions): Constant {
  const type = tensor.data_type ?? 0;
  const dtype: DType | undefined = onnxDType(type);
  if (!dtype) fail(`${what} has type ${onnxDataTypes[type] ?? type}, which TinyDeploy does not support`);
  const shape = (tensor.dims ?? []).map(Number);
  if (shape.some((dim) => !Number.isInteger(dim) || dim < 0)) fail(`${what} has shape ${formatShape(shape)}; dimensions must be >= 0`);
  const count = elementCount(shape);
  const elementBytes = type === 11 ? 8 : type === 10 ? 2 : dtypeBytes(dtype);
  if (count * elementBytes > maxTensorBytes) {
    fail(`${what} has shape ${formatShape(shape)} = ${count * elementBytes} bytes, more than the limit of ${maxTensorBytes} bytes per tensor`, { shape, limit: maxTensorBytes });
  }
  let raw = tensor.raw_data;
  if (tensor.data_location === 1) raw = externalBytes(tensor, what, options);
  let values: ArrayLike<number>;
  if (raw && raw.length > 0) {
    if (raw.length !== count * elementBytes) fail(`${what} has shape ${formatShape(shape)} of ${onnxDataTypes[type]} = ${count * elementBytes} bytes, but holds ${raw.length} bytes`);
    values = fromRaw(type, raw, count);
  } else {
    const field = type === 1 ? tensor.float_data : type === 7 ? tensor.int64_data : type === 11 ? tensor.double_data : tensor.int32_data;
    const list = (field ?? []).map(Number);
    values = type === 10 ? list.map(halfToFloat) : list;
    if (values.length !== count) fail(`${what} has shape ${formatShape(shape)} (${count} values) but holds ${values.length} values`);
  }
  const result = constant(dtype, shape, values);
  if (dtype === 'float32' || dtype === 'float16') {
    const bad = result.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`${what} holds ${result.data[bad]} at index ${bad}: weights must be finite numbers`, { index: bad });
  }
  return result;
}

function externalBytes(tensor: OnnxTensor, what: string, options: OnnxImportOptions): Uint8Array {
  const entries = new Map((tensor.external_data ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']));
  const location = entries.get('location');
  if (!location) fail(`${what} is stored externally but names no location`);
  if (!options.externalData) fail(`${what} is stored in the external file ${printableName(location)}; open the model from its folder so that TinyDeploy can read that file`);
  const file = options.externalData(location);
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : file.length - offset;
  if (!(offset >= 0 && length >= 0 && offset + length <= file.length)) {
    fail(`${what} spans bytes ${offset}..${offset + length} of ${printableName(location)}, which has ${file.length} bytes`);
  }
  return file.subarray(offset, offset + length);
}

function fromRaw(type: number, raw: Uint8Array, count: number): ArrayLike<number> {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 1: out[i] = view.getFloat32(i * 4, true); break;
      case 2: out[i] = view.getUint8(i); break;
      case 3: out[i] = view.getInt8(i); break;
      case 5: out[i] = view.getInt16(i * 2, true); break;
      case 6: out[i] = view.getInt32(i * 4, true); break;
      case 7: out[i] = Number(view.getBigInt64(i * 8, true)); break;
      case 9: out[i] = view.getUint8(i) ? 1 : 0; break;
      case 10: out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
      case 11: out[i] = view.getFloat64(i * 8, true); break;
      default: out[i] = 0;
    }
  }
  return out;
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
