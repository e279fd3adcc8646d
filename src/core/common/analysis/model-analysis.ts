/**
 * What a model costs, layer by layer: parameters, weight bytes, multiply-accumulates and
 * activation memory. Pure and cheap (no inference), so `tinydeploy inspect`, the app's model
 * view and optimization reports all show the same figures.
 */

import type { DType, Graph, Op, Tensor } from '../ir/types.js';
import { elementCount, tensorBytes } from '../ir/tensor.js';
import { unsupportedOps } from '../interp/interpreter.js';
import { activationMemory, isConstantTensor } from './activation-memory.js';
import { opMacs } from './macs.js';

/** A tensor as reports show it. */
export interface TensorSummary {
  id: number;
  name: string;
  shape: number[];
  dtype: DType;
}

/** A graph input or output, with its quantization (empty arrays when it is not quantized). */
export interface IoTensorSummary extends TensorSummary {
  scale: number[];
  zeroPoint: number[];
}

export interface LayerAnalysis {
  /** Position of the op in `graph.ops`. */
  index: number;
  op: string;
  /** Name of a custom op (`op` is then `CUSTOM`). */
  customCode?: string;
  /** Non-constant inputs: activations and variable state. */
  inputs: TensorSummary[];
  /** Constant inputs: weights, biases and operands such as a reshape's target shape. */
  weights: TensorSummary[];
  outputs: TensorSummary[];
  /** Elements of the constant inputs that are weights or biases (operand tensors excluded). */
  params: number;
  /** Bytes of all constant inputs of the op. */
  weightBytes: number;
  macs: number;
  /** Bytes of the op's non-constant inputs and outputs. */
  activationBytes: number;
  /** Bytes of every tensor live while this op runs (see activation-memory.ts). */
  liveBytes: number;
  /** Whether the host interpreter has a kernel for the op. */
  supported: boolean;
}

export interface ModelTotals {
  /** Weight and bias elements, each constant tensor counted once even when shared. */
  params: number;
  /** Bytes of every constant tensor of the graph. */
  weightBytes: number;
  macs: number;
  /** Largest activation footprint during one op under the simple liveness plan. */
  peakActivationBytes: number;
}

export interface ModelAnalysis {
  /** Source format of the graph ("tflite"), or "unknown" for graphs built in code. */
  format: string;
  inputs: IoTensorSummary[];
  outputs: IoTensorSummary[];
  totals: ModelTotals;
  layers: LayerAnalysis[];
  /** Op types the host interpreter cannot run, with the op indices using them. */
  unsupported: { type: string; indices: number[] }[];
}

/**
 * Constant inputs that configure an op rather than weigh its data (shapes, axes, paddings,
 * indices): they take flash but are not parameters. Inputs not listed are parameters when constant.
 */
const operandInputs: Readonly<Record<string, readonly number[]>> = {
  RESHAPE: [1],
  PAD: [1],
  PADV2: [1, 2],
  MIRROR_PAD: [1],
  MEAN: [1],
  SUM: [1],
  REDUCE_MAX: [1],
  REDUCE_MIN: [1],
  REDUCE_PROD: [1],
  TRANSPOSE: [1],
  SLICE: [1, 2],
  STRIDED_SLICE: [1, 2, 3],
  EXPAND_DIMS: [1],
  SPLIT: [0],
  SPLIT_V: [1, 2],
  RESIZE_BILINEAR: [1],
  RESIZE_NEAREST_NEIGHBOR: [1],
  TILE: [1],
  BROADCAST_TO: [1],
  GATHER: [1],
  ARG_MAX: [1],
  ARG_MIN: [1],
  SPACE_TO_BATCH_ND: [1, 2],
  BATCH_TO_SPACE_ND: [1, 2],
  TRANSPOSE_CONV: [0],
  CUMSUM: [1],
  GATHER_ND: [1],
  FILL: [0],
};

function summary(tensor: Tensor): TensorSummary {
  return { id: tensor.id, name: tensor.name, shape: [...tensor.shape], dtype: tensor.dtype };
}

function ioSummary(tensor: Tensor): IoTensorSummary {
  return {
    ...summary(tensor),
    scale: [...(tensor.quantization?.scale ?? [])],
    zeroPoint: [...(tensor.quantization?.zeroPoint ?? [])],
  };
}

/** The op's parameter tensor ids (constant, not operands), without repeats. */
function parameterIds(graph: Graph, op: Op): number[] {
  const operands = operandInputs[op.type] ?? [];
  const ids = op.inputs.filter((id, slot) => id >= 0 && isConstantTensor(graph, id) && !operands.includes(slot));
  return [...new Set(ids)];
}

export function analyzeModel(graph: Graph): ModelAnalysis {
  const memory = activationMemory(graph);
  const unsupported = unsupportedOps(graph);
  const unsupportedIndices = new Set(unsupported.flatMap((entry) => entry.indices));

  const layers = graph.ops.map((op, index): LayerAnalysis => {
    const inputIds = [...new Set(op.inputs.filter((id) => id >= 0))];
    const constantIds = inputIds.filter((id) => isConstantTensor(graph, id));
    const activationIds = [...new Set([...inputIds.filter((id) => !isConstantTensor(graph, id)), ...op.outputs])];
    const layer: LayerAnalysis = {
      index,
      op: op.type,
      inputs: inputIds.filter((id) => !isConstantTensor(graph, id)).map((id) => summary(graph.tensors[id])),
      weights: constantIds.map((id) => summary(graph.tensors[id])),
      outputs: op.outputs.map((id) => summary(graph.tensors[id])),
      params: parameterIds(graph, op).reduce((sum, id) => sum + elementCount(graph.tensors[id].shape), 0),
      weightBytes: constantIds.reduce((sum, id) => sum + tensorBytes(graph.tensors[id]), 0),
      macs: opMacs(graph, op),
      activationBytes: activationIds.reduce((sum, id) => sum + tensorBytes(graph.tensors[id]), 0),
      liveBytes: memory.liveBytesPerOp[index],
      supported: !unsupportedIndices.has(index),
    };
    if ('customCode' in op && op.customCode) layer.customCode = op.customCode;
    return layer;
  });

  const parameterTensors = new Set(graph.ops.flatMap((op) => parameterIds(graph, op)));
  const totals: ModelTotals = {
    params: [...parameterTensors].reduce((sum, id) => sum + elementCount(graph.tensors[id].shape), 0),
    weightBytes: graph.tensors.reduce((sum, tensor) => sum + (isConstantTensor(graph, tensor.id) ? tensorBytes(tensor) : 0), 0),
    macs: layers.reduce((sum, layer) => sum + layer.macs, 0),
    peakActivationBytes: memory.peakBytes,
  };

  return {
    format: graph.source?.format ?? 'unknown',
    inputs: graph.inputs.map((id) => ioSummary(graph.tensors[id])),
    outputs: graph.outputs.map((id) => ioSummary(graph.tensors[id])),
    totals,
    layers,
    unsupported,
  };
}
