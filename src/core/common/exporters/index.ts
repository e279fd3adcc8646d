/**
 * Model writers: the inverse of `importers/`. A graph of the IR is saved in a format that other
 * tools run (TFLite first), so that a variant made by TinyDeploy's passes can leave the app.
 */
import type { Graph } from '../ir/types.js';
import { unrollGru } from '../passes/unrolled-gru.js';
import { exportTflite as writeTflite } from './tflite/writer.js';

export { DEFAULT_DESCRIPTION, TFLITE_SCHEMA_VERSION } from './tflite/writer.js';

export interface TfliteExportOptions {
  /**
   * How a GRU (TD_GRU) is written: 'custom' (default) as the TD_GRU custom op, which only
   * TinyDeploy runs; 'unrolled' as builtin ops unrolled over time, which TFLite runs (float32
   * and int8 GRUs; the unrolled form starts each run from a zero state; an int8 GRU's state is
   * rounded to int8 every step, a few output steps from the fused GRU: see passes/unrolled-gru.ts).
   * TinyDeploy folds a float unrolled GRU back into a TD_GRU when it reads the file; an int8 one
   * stays the int8 builtin graph the file holds.
   */
  gru?: 'custom' | 'unrolled';
}

/** The graph as a `.tflite` file. */
export function exportTflite(graph: Graph, options: TfliteExportOptions = {}): Uint8Array {
  return writeTflite(options.gru === 'unrolled' ? unrollGru(graph) : graph);
}
