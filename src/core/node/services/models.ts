import { analyzeModel } from '../../common/analysis/model-analysis.js';
import { ImportError, TinyDeployError } from '../../common/errors.js';
import { importModel } from '../../common/importers/index.js';
import type { Graph } from '../../common/ir/types.js';
import type { LayerRow, ModelDetail, ModelService, ModelVariant } from '../../../shared/services/types.js';
import type { JobHost } from '../jobs/index.js';
import type { Store } from '../store/index.js';

/**
 * Reads a model file's bytes as import does: a file no importer reads, or one that breaks an
 * importer in an unexpected way, is an ImportError whose message starts with the file name.
 */
export function readModelBytes(bytes: Uint8Array, fileName: string): Graph {
  try {
    return importModel(bytes, fileName);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`${fileName}: cannot read the model (${error instanceof TinyDeployError ? `${error.name}: ` : ''}${(error as Error).message})`, { name: fileName });
  }
}

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

/** The summary and layer table of a graph, as `inspect` computes them. */
export function describeModel(graph: Graph): { summary: ModelVariant['summary']; detail: Pick<ModelDetail, 'layers' | 'inputs' | 'outputs'> } {
  const analysis = analyzeModel(graph);
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
    },
    detail: { layers, inputs: analysis.inputs.map(io), outputs: analysis.outputs.map(io) },
  };
}

/** The variant's name from its file name: the base name without a known model extension. */
export function variantName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() || fileName;
  return base.replace(/\.tflite$/i, '') || base;
}

export function createModelService(store: Store, jobs: JobHost): ModelService {
  return {
    async list({ projectId }) {
      store.getProject(projectId);
      return store.listVariants(projectId);
    },
    async importModel({ projectId, fileName, bytes }) {
      store.getProject(projectId);
      const graph = readModelBytes(bytes, fileName);
      const { summary, detail } = describeModel(graph);
      return store.addVariant({ projectId, name: variantName(fileName), origin: { kind: 'import', fileName }, bytes, summary, detail });
    },
    async get({ variantId }) {
      return store.getVariantDetail(variantId);
    },
    async remove({ variantId }) {
      store.getVariant(variantId);
      await jobs.cancelWhere((job) => job.params.variantId === variantId);
      store.removeVariant(variantId);
    },
  };
}
