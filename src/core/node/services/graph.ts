import type { GraphService } from '../../../shared/services/compare-types.js';
import { describeGraph } from '../../../shared/services/model-graph.js';
import { readModelBytes } from '../model-file.js';
import type { Store } from '../store/index.js';

export { describeGraph, histogramBins, weightStats } from '../../../shared/services/model-graph.js';

export function createGraphService(store: Store): GraphService {
  return {
    async get({ variantId }) {
      const variant = store.getVariant(variantId);
      return describeGraph(readModelBytes(store.readVariantBytes(variant.id), `${variant.name}.tflite`), variant.id);
    },
  };
}
