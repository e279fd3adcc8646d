/**
 * Small ONNX models written in tests (one node, a chosen opset, external data) encoded with the
 * same schema the importer decodes with. Fixtures exported from PyTorch live in test/fixtures/onnx.
 */
import protobuf from 'protobufjs/light.js';
import { onnxDescriptor } from '../schema/onnx-descriptor.js';

const modelType = protobuf.Root.fromJSON(onnxDescriptor as protobuf.INamespace).lookupType('onnx.ModelProto');

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, number | number[] | string | string[]>;
}

export interface ModelSpec {
  opset?: number;
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: string[];
  initializers?: { name: string; shape: number[]; values: number[]; type?: 'float32' | 'int8' | 'int64'; external?: { location: string; offset: number } }[];
  nodes: NodeSpec[];
}

export function float32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function attribute(name: string, value: number | number[] | string | string[]): object {
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (Array.isArray(value) && typeof value[0] === 'string') return { name, type: 8, strings: (value as string[]).map((v) => new TextEncoder().encode(v)) };
  if (Array.isArray(value)) return { name, type: 7, ints: value as number[] };
  return Number.isInteger(value) ? { name, type: 2, i: value } : { name, type: 1, f: value };
}

export function buildOnnx(spec: ModelSpec): Uint8Array {
  const valueInfo = (name: string, shape: (number | string)[]) => ({
    name,
    type: { tensor_type: { elem_type: 1, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
  });
  const model = {
    ir_version: 8,
    producer_name: 'tinydeploy-test',
    opset_import: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'test',
      node: spec.nodes.map((node) => ({
        op_type: node.op,
        name: node.name ?? node.op,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: (spec.initializers ?? []).map((init) =>
        init.external
          ? {
              name: init.name,
              dims: init.shape,
              data_type: 1,
              data_location: 1,
              external_data: [
                { key: 'location', value: init.external.location },
                { key: 'offset', value: String(init.external.offset) },
                { key: 'length', value: String(init.values.length * 4) },
              ],
            }
          : init.type === 'int8'
            ? { name: init.name, dims: init.shape, data_type: 3, raw_data: new Uint8Array(Int8Array.from(init.values).buffer) }
            : init.type === 'int64'
              ? { name: init.name, dims: init.shape, data_type: 7, int64_data: init.values }
              : { name: init.name, dims: init.shape, data_type: 1, raw_data: float32Bytes(init.values) },
      ),
      input: spec.inputs.map((input) => valueInfo(input.name, input.shape)),
      output: spec.outputs.map((name) => ({ name })),
    },
  };
  return modelType.encode(modelType.fromObject(model)).finish();
}
