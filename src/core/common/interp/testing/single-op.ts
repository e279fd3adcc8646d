// Test helper: builds a one-op graph and runs one host kernel on it (imported by kernel tests only).
import type { DType, Graph, Op, Quantization, Tensor, TensorData } from '../../ir/types.js';
import { allocateData, elementCount } from '../../ir/tensor.js';
import type { KernelEval } from '../kernel.js';
import { findKernel } from '../registry.js';

export interface TensorSpec {
  dtype: DType;
  shape: number[];
  /** Constant contents; tensors without data are fed at run time. */
  data?: TensorData;
  /** Per-tensor `[scale, zeroPoint]`, or a full Quantization. */
  quantization?: [number, number] | Quantization;
}

export interface SingleOp {
  type: string;
  attrs?: object;
  /** `null` marks an absent optional input. */
  inputs: (TensorSpec | null)[];
  output: TensorSpec;
}

function toTensor(spec: TensorSpec, id: number): Tensor {
  const q = spec.quantization;
  return {
    id,
    name: `t${id}`,
    shape: spec.shape,
    dtype: spec.dtype,
    data: spec.data,
    quantization: Array.isArray(q) ? { scale: [q[0]], zeroPoint: [q[1]], axis: 0 } : q,
  };
}

/** The graph of one op: tensors 0..n-1 are its inputs, tensor n its output. */
export function singleOpGraph(spec: SingleOp): Graph {
  const tensors: Tensor[] = [];
  const inputIds = spec.inputs.map((input) => {
    if (!input) return -1;
    tensors.push(toTensor(input, tensors.length));
    return tensors.length - 1;
  });
  const outputId = tensors.length;
  tensors.push(toTensor(spec.output, outputId));
  const op = { type: spec.type, inputs: inputIds, outputs: [outputId], attrs: spec.attrs ?? {} } as Op;
  return {
    name: spec.type,
    tensors,
    ops: [op],
    inputs: inputIds.filter((id) => id >= 0 && !tensors[id].data),
    outputs: [outputId],
  };
}

/** Runs the kernel's prepare (throws what the kernel refuses). */
export function prepareSingleOp(spec: SingleOp): { graph: Graph; evaluate: KernelEval } {
  const graph = singleOpGraph(spec);
  const prepare = findKernel(spec.type);
  if (!prepare) throw new Error(`no kernel registered for ${spec.type}`);
  return { graph, evaluate: prepare({ graph, op: graph.ops[0], opIndex: 0 }) };
}

/** Typed arrays of number elements (every dtype but int64). */
export type NumericData = Exclude<TensorData, BigInt64Array>;

/**
 * Prepares and evaluates the op; `values` feed the non-constant inputs in order. The result is
 * typed as a number array unless the caller asks for another (`runSingleOp<BigInt64Array>`).
 */
export function runSingleOp<T extends TensorData = NumericData>(spec: SingleOp, ...values: TensorData[]): T {
  const { graph, evaluate } = prepareSingleOp(spec);
  const op = graph.ops[0];
  let next = 0;
  const inputs = op.inputs.map((id) => (id < 0 ? undefined : (graph.tensors[id].data ?? values[next++])));
  const output = graph.tensors[op.outputs[0]];
  const result = allocateData(output.dtype, elementCount(output.shape));
  evaluate(inputs, [result]);
  return result as T;
}
