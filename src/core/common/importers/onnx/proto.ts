/**
 * Decoding of ONNX protobuf files with protobufjs (light build: the schema comes as the JSON
 * descriptor generated from ONNX's own `onnx.proto`, see schema/README.md). Everything the
 * converter reads is turned into plain objects here, with 64-bit integers as numbers.
 */
import protobuf from 'protobufjs/light.js';
import { onnxDescriptor } from './schema/onnx-descriptor.js';

export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  g?: unknown;
}

export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

export interface OnnxTensor {
  dims?: number[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  uint64_data?: number[];
  name?: string;
  raw_data?: Uint8Array;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
  segment?: unknown;
}

export interface OnnxDimension {
  dim_value?: number;
  dim_param?: string;
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: OnnxDimension[] } } };
}

export interface OnnxGraph {
  node?: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  sparse_initializer?: unknown[];
  doc_string?: string;
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
  value_info?: OnnxValueInfo[];
}

export interface OnnxModel {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: OnnxGraph;
  functions?: unknown[];
}

let modelType: protobuf.Type | undefined;

/** Decodes a ModelProto; throws protobufjs's error on malformed bytes. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  modelType ??= protobuf.Root.fromJSON(onnxDescriptor as protobuf.INamespace).lookupType('onnx.ModelProto');
  const message = modelType.decode(bytes);
  return modelType.toObject(message, { longs: Number, enums: Number, defaults: false, arrays: false }) as OnnxModel;
}

/** ONNX TensorProto.DataType values the importer knows by name. */
export const onnxDataTypes: Record<number, string> = {
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BFLOAT16',
};

export function attributeMap(node: OnnxNode): Map<string, OnnxAttribute> {
  return new Map((node.attribute ?? []).map((attribute) => [attribute.name, attribute]));
}

export function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
