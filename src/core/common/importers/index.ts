import { ImportError } from '../errors.js';
import type { Graph } from '../ir/types.js';
import { foldUnrolledGru } from '../passes/unrolled-gru.js';
import type { ImportOptions, ModelImporter } from './importer.js';
import { onnxImporter } from './onnx/index.js';
import { tfliteImporter } from './tflite/index.js';

export type { ImportOptions, ModelImporter } from './importer.js';
export { DEFAULT_MAX_TENSOR_BYTES } from './importer.js';

/** Every importer TinyDeploy knows, tried in order. */
export const importers: readonly ModelImporter[] = [tfliteImporter, onnxImporter];

/** Finds the importer whose `match` accepts the bytes, or undefined. */
export function matchImporter(bytes: Uint8Array): ModelImporter | undefined {
  return importers.find((importer) => importer.match(bytes));
}

/**
 * Reads a model of any supported format. `name` (usually the file name) prefixes every error.
 * When no importer recognises the bytes but the name has a known extension, that format's
 * importer reports what is wrong (e.g. the missing "TFL3" identifier). `options` bound what the
 * model may declare (the largest tensor).
 */
export function importModel(bytes: Uint8Array, name = 'model', options: ImportOptions = {}): Graph {
  const lowerName = name.toLowerCase();
  const importer =
    matchImporter(bytes) ?? importers.find((candidate) => candidate.extensions.some((ext) => lowerName.endsWith(ext)));
  if (!importer) {
    const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImportError(
      `${name}: not a model TinyDeploy can read (${bytes.length} bytes, starting ${head || '(empty)'}); ` +
        `supported: ${importers.map((i) => `${i.format} (${i.extensions.join(', ')})`).join('; ')}`,
      { name, size: bytes.length },
    );
  }
  try {
    const graph = importer.open(bytes, options);
    // A GRU TinyDeploy wrote as builtin ops unrolled over time (TFLite has no GRU) is one TD_GRU again.
    return importer.format === 'tflite' ? foldUnrolledGru(graph) : graph;
  } catch (error) {
    if (error instanceof ImportError) throw new ImportError(`${name}: ${error.message}`, { ...error.data, name });
    throw error;
  }
}
