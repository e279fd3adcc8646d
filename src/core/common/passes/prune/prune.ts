/**
 * Structured pruning that really shrinks the graph: the chosen units of each channel group
 * (`channel-groups.ts`) are cut out of every tensor that carries them (activation shapes, the
 * producers' weight rows and biases, the consumers' weight columns, depthwise filters, LSTM and
 * GRU gate rows and recurrent columns, state tensors, per-channel constants and quantization parameters,
 * reshape targets). Parameters, MACs and activation memory all drop; nothing is masked.
 *
 * Which units go: in every prunable group the same fraction, the least important first. A
 * parameter or MAC target is met by searching the smallest such fraction that reaches it.
 */

import { PassError } from '../../errors.js';
import { analyzeModel } from '../../analysis/model-analysis.js';
import type { Graph, Op, OpOf, Tensor, TensorData } from '../../ir/types.js';
import { allocateData } from '../../ir/tensor.js';
import { lstmGateInputs, lstmInputIndex } from '../../ops/lstm-layout.js';
import { gruGateNames, gruInputIndex, gruOpType } from '../../ops/gru-layout.js';
import { type ChannelAnalysis, producerWeightRows } from './channel-groups.js';

export type Importance = 'l1' | 'l2';

/** Importance of each unit of each group by the norm of its producers' weight rows (each producer normalised by its mean, so merged producers weigh alike). */
export function weightImportance(graph: Graph, analysis: ChannelAnalysis, norm: Importance): Float64Array[] {
  return analysis.groups.map((group) => {
    const scores = new Float64Array(group.size);
    for (const producer of group.producers) {
      const op = graph.ops[producer.op];
      const norms = new Float64Array(group.size);
      for (let unit = 0; unit < group.size; unit++) {
        for (const row of producerWeightRows(graph, op, producer.kind, unit)) {
          for (const value of row) norms[unit] += norm === 'l1' ? Math.abs(value) : value * value;
        }
        if (norm === 'l2') norms[unit] = Math.sqrt(norms[unit]);
      }
      const mean = norms.reduce((a, b) => a + b, 0) / group.size || 1;
      for (let unit = 0; unit < group.size; unit++) scores[unit] += norms[unit] / mean;
    }
    return scores;
  });
}

/** The unit ids to remove: `ratio` of every prunable group (at least one unit kept), the lowest scores first (ties: the later unit). */
export function chooseUnits(analysis: ChannelAnalysis, scores: readonly Float64Array[], ratio: number): Set<number> {
  const removed = new Set<number>();
  let base = 0;
  for (const group of analysis.groups) {
    if (!group.blocked) {
      const count = Math.min(group.size - 1, Math.round(group.size * ratio));
      const order = Array.from({ length: group.size }, (_, i) => i).sort((a, b) => scores[group.id][a] - scores[group.id][b] || b - a);
      for (const unit of order.slice(0, count)) removed.add(base + unit);
    }
    base += group.size;
  }
  return removed;
}

function kept(map: Int32Array, removed: ReadonlySet<number>): number[] {
  const result: number[] = [];
  map.forEach((unit, k) => {
    if (unit < 0 || !removed.has(unit)) result.push(k);
  });
  return result;
}

/** `tensor` with only positions `keep` along `axis` (its per-channel quantization too when it runs along that axis). */
function sliceAxis(tensor: Tensor, axis: number, keep: readonly number[]): Tensor {
  const shape = [...tensor.shape];
  const resolved = (axis + shape.length) % shape.length;
  if (keep.length === shape[resolved]) return tensor;
  const outer = shape.slice(0, resolved).reduce((a, b) => a * b, 1);
  const inner = shape.slice(resolved + 1).reduce((a, b) => a * b, 1);
  const width = shape[resolved];
  shape[resolved] = keep.length;
  const copy: Tensor = { ...tensor, shape };
  if (tensor.data) {
    const data = allocateData(tensor.dtype, outer * keep.length * inner) as TensorData;
    const source = tensor.data as unknown as { subarray(a: number, b: number): ArrayLike<never> };
    const target = data as unknown as { set(values: ArrayLike<never>, offset: number): void };
    for (let o = 0; o < outer; o++) {
      keep.forEach((k, j) => target.set(source.subarray((o * width + k) * inner, (o * width + k + 1) * inner), (o * keep.length + j) * inner));
    }
    copy.data = data;
  }
  const q = tensor.quantization;
  if (q && q.scale.length > 1 && q.axis === resolved) {
    copy.quantization = { ...q, scale: keep.map((k) => q.scale[k]), zeroPoint: keep.map((k) => q.zeroPoint[k]) };
  }
  return copy;
}

/** `graph` without the `removed` units (see the module comment). Returns the graph itself when nothing is removed. */
export function removeUnits(graph: Graph, analysis: ChannelAnalysis, removed: ReadonlySet<number>): Graph {
  if (removed.size === 0) return graph;
  const tensors = [...graph.tensors];
  const sliced = new Set<string>();
  const slice = (id: number, axis: number, keep: number[]) => {
    if (id < 0 || sliced.has(`${id}:${axis}`)) return;
    sliced.add(`${id}:${axis}`);
    tensors[id] = sliceAxis(tensors[id], axis, keep);
  };
  const keepOf = (id: number): number[] | undefined => {
    const map = analysis.maps.get(id);
    return map ? kept(map, removed) : undefined;
  };
  // Activations: the last axis keeps what their map keeps.
  for (const [id, map] of analysis.maps) {
    if (!graph.tensors[id].data || graph.tensors[id].variable) slice(id, -1, kept(map, removed));
  }
  const ops = graph.ops.map((op): Op => {
    const out = keepOf(op.outputs[0]);
    const input = op.inputs[0] >= 0 ? keepOf(op.inputs[0]) : undefined;
    switch (op.type) {
      case 'CONV_2D':
        if (out) slice(op.inputs[1], 0, out);
        if (input) slice(op.inputs[1], 3, input);
        if (out && op.inputs[2] >= 0) slice(op.inputs[2], 0, out);
        return op;
      case 'DEPTHWISE_CONV_2D':
        if (out) {
          slice(op.inputs[1], 3, out);
          if (op.inputs[2] >= 0) slice(op.inputs[2], 0, out);
        }
        return op;
      case 'FULLY_CONNECTED': {
        const weights = graph.tensors[op.inputs[1]];
        if (out) slice(op.inputs[1], 0, out);
        if (out && op.inputs[2] >= 0) slice(op.inputs[2], 0, out);
        const map = analysis.maps.get(op.inputs[0]);
        if (map) {
          const depth = weights.shape[1];
          const repeated = new Int32Array(depth);
          for (let k = 0; k < depth; k++) repeated[k] = map[k % map.length];
          slice(op.inputs[1], 1, kept(repeated, removed));
        }
        return op;
      }
      case 'UNIDIRECTIONAL_SEQUENCE_LSTM': {
        for (const { inputWeights, recurrentWeights, bias } of Object.values(lstmGateInputs)) {
          if (out) {
            slice(op.inputs[inputWeights], 0, out);
            slice(op.inputs[recurrentWeights], 0, out);
            slice(op.inputs[recurrentWeights], 1, out);
            slice(op.inputs[bias], 0, out);
          }
          if (input) slice(op.inputs[inputWeights], 1, input);
        }
        if (out) {
          slice(op.inputs[lstmInputIndex.outputState], -1, out);
          slice(op.inputs[lstmInputIndex.cellState], -1, out);
        }
        return op;
      }
      case gruOpType: {
        for (const gate of gruGateNames) {
          if (out) {
            slice(op.inputs[gruInputIndex.inputWeights[gate]], 0, out);
            slice(op.inputs[gruInputIndex.recurrentWeights[gate]], 0, out);
            slice(op.inputs[gruInputIndex.recurrentWeights[gate]], 1, out);
            slice(op.inputs[gruInputIndex.bias[gate]], 0, out);
          }
          if (input) slice(op.inputs[gruInputIndex.inputWeights[gate]], 1, input);
        }
        if (out) {
          slice(op.inputs[gruInputIndex.recurrentNBias], 0, out);
          slice(op.inputs[gruInputIndex.hiddenState], -1, out);
        }
        return op;
      }
      case 'ADD':
      case 'SUB':
      case 'MUL':
        if (out) {
          const width = graph.tensors[op.outputs[0]].shape.at(-1);
          for (const id of op.inputs) {
            const tensor = graph.tensors[id];
            if (tensor.data && !tensor.variable && (tensor.shape.at(-1) ?? 1) === width && width !== 1) slice(id, -1, out);
          }
        }
        return op;
      case 'RESHAPE': {
        const shape = tensors[op.outputs[0]].shape;
        if (shape === graph.tensors[op.outputs[0]].shape) return op;
        const shapeInput = op.inputs[1];
        if (shapeInput !== undefined && shapeInput >= 0 && graph.tensors[shapeInput].data) {
          tensors[shapeInput] = { ...tensors[shapeInput], data: Int32Array.from(shape) };
          if (graph.tensors[shapeInput].dtype === 'int64') tensors[shapeInput].data = BigInt64Array.from(shape.map(BigInt));
        }
        return { ...op, attrs: { ...(op as OpOf<'RESHAPE'>).attrs, newShape: [...shape] } } as Op;
      }
      default:
        return op;
    }
  });
  return { ...graph, tensors, ops };
}

export type PruneTarget = { ratio: number } | { params: number } | { macs: number };

export interface PruneResult {
  graph: Graph;
  /** The fraction removed from every prunable group. */
  ratio: number;
  removedUnits: number;
  before: { params: number; macs: number };
  after: { params: number; macs: number };
}

function costs(graph: Graph): { params: number; macs: number } {
  const { totals } = analyzeModel(graph);
  return { params: totals.params, macs: totals.macs };
}

/**
 * Prunes to the target: a ratio directly; a parameter or MAC count by bisecting the ratio (20
 * steps) for the smallest one that reaches it. A target no ratio reaches is a PassError giving
 * the least the graph can be pruned to.
 */
export function pruneToTarget(graph: Graph, analysis: ChannelAnalysis, scores: readonly Float64Array[], target: PruneTarget): PruneResult {
  const before = costs(graph);
  const prunable = analysis.groups.filter((group) => !group.blocked && group.size > 1);
  if (prunable.length === 0) {
    const reasons = [...new Set(analysis.groups.map((group) => group.blocked).filter(Boolean))].slice(0, 3).join('; ');
    throw new PassError(`no channel group can be pruned${reasons ? ` (${reasons})` : ''}`);
  }
  const attempt = (ratio: number) => {
    const removed = chooseUnits(analysis, scores, ratio);
    const pruned = removeUnits(graph, analysis, removed);
    return { graph: pruned, ratio, removedUnits: removed.size, before, after: costs(pruned) };
  };
  if ('ratio' in target) {
    if (!(target.ratio >= 0 && target.ratio < 1)) throw new PassError(`ratio ${target.ratio} is not a fraction in [0, 1)`);
    return attempt(target.ratio);
  }
  const key = 'params' in target ? 'params' : 'macs';
  const goal = 'params' in target ? target.params : target.macs;
  if (before[key] <= goal) return { graph, ratio: 0, removedUnits: 0, before, after: before };
  const most = attempt(0.999);
  if (most.after[key] > goal) {
    throw new PassError(`cannot prune to ${goal} ${key}: one channel left per prunable group still gives ${most.after[key]} (from ${before[key]})`);
  }
  let [low, high] = [0, 0.999];
  let best = most;
  for (let i = 0; i < 20; i++) {
    const middle = (low + high) / 2;
    const candidate = attempt(middle);
    if (candidate.after[key] <= goal) {
      best = candidate;
      high = middle;
    } else {
      low = middle;
    }
  }
  return best;
}
