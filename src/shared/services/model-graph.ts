/**
 * The graph service's description of a model (attributes as plain values, each tensor's role,
 * quantization and weight statistics), computed from the IR alone: the services call it on the
 * stored model file, the UI's tests on a model read in memory.
 */

import type { Graph, Tensor } from '../../core/common/ir/types.js';
import type { GraphNode, GraphTensor, ModelGraph, WeightStats } from './compare-types.js';

/** Bins of a weight histogram. */
export const histogramBins = 24;

const dtypeBytes: Record<string, number> = { float32: 4, float16: 2, int8: 1, uint8: 1, int16: 2, int32: 4, int64: 8, bool: 1 };

/**
 * Statistics of a constant tensor: the real values (`(q − zero point) · scale`, per channel
 * along the quantized axis) when it is quantized, else the stored numbers.
 */
export function weightStats(tensor: Tensor, bins = histogramBins): WeightStats | undefined {
  const data = tensor.data;
  if (!data || data.length === 0) return undefined;
  const count = data.length;
  const values = new Float64Array(count);
  const quantization = tensor.quantization;
  const channels = quantization?.scale.length ?? 0;
  // Elements per step of the quantized axis and the axis' size: channel of element i = floor(i / inner) mod size.
  let inner = 1;
  let size = 1;
  if (quantization && channels > 1) {
    size = tensor.shape[quantization.axis] ?? channels;
    for (let d = quantization.axis + 1; d < tensor.shape.length; d++) inner *= tensor.shape[d];
  }
  for (let i = 0; i < count; i++) {
    const raw = Number(data[i]);
    if (!quantization || channels === 0) {
      values[i] = raw;
    } else {
      const channel = channels > 1 ? Math.floor(i / inner) % size : 0;
      values[i] = (raw - (quantization.zeroPoint[channel] ?? 0)) * quantization.scale[channel];
    }
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
    if (value === 0) zeros++;
  }
  const mean = sum / count;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const histogram = new Array<number>(bins).fill(0);
  const width = max - min;
  for (const value of values) histogram[width > 0 ? Math.min(bins - 1, Math.floor(((value - min) / width) * bins)) : 0]++;
  return { count, min, max, mean, std: Math.sqrt(squares / count), zeros: zeros / count, histogram };
}

/** Attributes as plain values: numbers, strings, booleans and number lists as they are; anything else as JSON. */
function plainAttrs(attrs: object): GraphNode['attrs'] {
  const result: GraphNode['attrs'] = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') result[key] = value;
    else if (Array.isArray(value) && value.every((entry) => typeof entry === 'number')) result[key] = [...(value as number[])];
    else result[key] = JSON.stringify(value);
  }
  return result;
}

/** The graph view's model: every tensor with its role, quantization and weight statistics, every op with its attributes. */
export function describeGraph(graph: Graph, variantId: string): ModelGraph {
  const tensors: GraphTensor[] = graph.tensors.map((tensor) => {
    const elements = tensor.shape.reduce((product, dim) => product * Math.max(dim, 1), 1);
    const entry: GraphTensor = {
      id: tensor.id,
      name: tensor.name,
      shape: [...tensor.shape],
      dtype: tensor.dtype,
      kind: tensor.variable ? 'variable' : tensor.data ? 'constant' : 'activation',
      bytes: elements * (dtypeBytes[tensor.dtype] ?? 1),
    };
    const quantization = tensor.quantization;
    if (quantization && quantization.scale.length > 0) {
      // Per-channel lists are cut to their first 16 entries: the count and the stats say the rest.
      entry.quantization = { scale: quantization.scale.slice(0, 16), zeroPoint: quantization.zeroPoint.slice(0, 16), axis: quantization.axis, channels: quantization.scale.length };
    }
    if (tensor.data && !tensor.variable) {
      const stats = weightStats(tensor);
      if (stats) entry.stats = stats;
    }
    return entry;
  });
  const nodes: GraphNode[] = graph.ops.map((op, index) => ({
    index,
    op: 'customCode' in op && op.customCode ? `CUSTOM:${op.customCode}` : op.type,
    attrs: plainAttrs(op.attrs),
    inputs: [...op.inputs],
    outputs: [...op.outputs],
  }));
  return { variantId, tensors, nodes, inputs: [...graph.inputs], outputs: [...graph.outputs] };
}
