import { analyzeModel } from '../common/analysis/model-analysis.js';
import type { Graph } from '../common/ir/types.js';
import type { LayerRow, ModelDetail, ModelVariant } from '../../shared/services/types.js';

/**
 * What the store keeps about a variant's graph (its summary and layer table), computed the same
 * way for an imported model (the model service) and for one an optimize job made (its handler).
 */

/**
 * The dtype a model computes in: the most common dtype of its ops' outputs (an int8 model with
 * float inputs and outputs is int8; a hybrid model with int8 weights computes in float32).
 */
export function mainDtype(graph: Graph): string {
  const counts = new Map<string, number>();
  for (const op of graph.ops) for (const id of op.outputs) counts.set(graph.tensors[id].dtype, (counts.get(graph.tensors[id].dtype) ?? 0) + 1);
  let best = graph.inputs.length > 0 ? graph.tensors[graph.inputs[0]].dtype : 'unknown';
  let bestCount = 0;
  for (const [dtype, count] of counts) {
    if (count > bestCount) {
      best = dtype;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The dtype most of the model's constant elements have (its weights): int8 for an int8 model and for
 * a hybrid one (int8 weights, float32 compute), float32 for a float model; undefined without weights.
 */
export function weightDtype(graph: Graph): string | undefined {
  const counts = new Map<string, number>();
  for (const tensor of graph.tensors) {
    if (!tensor.data || tensor.variable) continue;
    const elements = tensor.shape.reduce((product, extent) => product * extent, 1);
    if (elements <= 1) continue;
    counts.set(tensor.dtype, (counts.get(tensor.dtype) ?? 0) + elements);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [dtype, count] of counts) {
    if (count > bestCount) {
      best = dtype;
      bestCount = count;
    }
  }
  return best;
}

/** The summary and layer table of a graph, as `inspect` computes them. */
export function describeModel(graph: Graph): { summary: ModelVariant['summary']; detail: Pick<ModelDetail, 'layers' | 'inputs' | 'outputs'> } {
  const analysis = analyzeModel(graph);
  const weights = weightDtype(graph);
  const tensor = (summary: { id: number; shape: number[]; dtype: string }) => ({ tensor: summary.id, shape: [...summary.shape], dtype: summary.dtype });
  const layers: LayerRow[] = analysis.layers.map((layer) => ({
    index: layer.index,
    op: layer.customCode ? `CUSTOM:${layer.customCode}` : layer.op,
    inputs: layer.inputs.map(tensor),
    outputs: layer.outputs.map(tensor),
    macs: layer.macs,
    parameters: layer.params,
    liveBytes: layer.liveBytes,
  }));
  const io = (summary: { name: string; shape: number[]; dtype: string }) => ({ name: summary.name, shape: [...summary.shape], dtype: summary.dtype });
  return {
    summary: {
      ops: analysis.layers.length,
      macs: analysis.totals.macs,
      parameters: analysis.totals.params,
      peakActivationBytes: analysis.totals.peakActivationBytes,
      dtype: mainDtype(graph),
      ...(weights ? { weightDtype: weights } : {}),
    },
    detail: { layers, inputs: analysis.inputs.map(io), outputs: analysis.outputs.map(io) },
  };
}
