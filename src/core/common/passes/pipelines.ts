/**
 * The pipelines: plain ordered lists of pass names, the only place where pass order is decided
 * (as TVM's `pipeline.py`). No pass runs another pass or assumes one ran before it: a pass that
 * needs a clean graph says so in its `requires`, and the pipeline puts the cleaning first.
 *
 * An entry is a pass name, or a pass name with options for that pass, e.g. a quantizing
 * pipeline written as
 *
 *     ['dequantize-hybrid-weights', ...cleanup, { pass: 'quantize-int8', options: { perChannel: true } }, ...cleanup]
 *
 * with the calibration samples passed to `runPipeline` as `resources.calibration`.
 */

import { UsageError } from '../errors.js';
import type { PassOptions } from './pass.js';

/** One step of a pipeline: a pass name, or a pass name with options for it. */
export type PipelineEntry = string | { readonly pass: string; readonly options?: PassOptions };

export interface PipelineDefinition {
  name: string;
  /** One line for `tinydeploy optimize --list`. */
  description: string;
  passes: readonly PipelineEntry[];
}

/**
 * Rewrites that keep every output as it was (int8 bit for bit, float32 bit for bit), in an
 * order where each pass hands the next its chance: SHAPE ops become constants, then constants
 * are folded (a DEQUANTIZE or RESHAPE of a weight, the shape arithmetic of a Keras Flatten disappears), then no-op reshapes (a reshape between a convolution and its
 * RELU would hide the pair), then activation fusion, and dead code last, which also drops
 * the tensors the others orphaned and renumbers the rest.
 */
const cleanup: readonly PipelineEntry[] = ['fold-static-shapes', 'fold-constants', 'remove-noop-reshapes', 'fuse-activation', 'remove-dead-code'];

const pipelines: readonly PipelineDefinition[] = [
  {
    name: 'cleanup',
    description: 'fold constants, drop no-op reshapes, fuse activations, remove dead code (outputs unchanged)',
    passes: cleanup,
  },
  {
    name: 'hybrid-to-float',
    description: 'turn a hybrid model (int8 weights, float activations) into a float32 model, then clean up',
    passes: ['dequantize-hybrid-weights', ...cleanup],
  },
  {
    // Quantization last: it calibrates the graph it receives, and a later remove-dead-code would
    // drop the LSTM's intermediates, which no op reads.
    name: 'quantize-int8',
    description: 'post-training int8 quantization calibrated on a dataset (float or hybrid model in, int8 model out)',
    passes: ['dequantize-hybrid-weights', ...cleanup, 'quantize-int8'],
  },
  {
    // TFLite has no GRU: the saved file runs in TFLite; TinyDeploy folds a float one back into TD_GRU when it reads it.
    name: 'gru-to-builtin',
    description: 'write each float32 or int8 GRU (TD_GRU) as builtin TFLite ops unrolled over time, so that TFLite runs the saved model (int8: a few output steps from the fused GRU)',
    passes: ['unroll-gru'],
  },
];

export function findPipeline(name: string): PipelineDefinition | undefined {
  return pipelines.find((pipeline) => pipeline.name === name);
}

/** The pipeline an optimize job runs: a quantizing one (it has the quantize-int8 pass); any other is a UsageError naming them. */
export function requireQuantizingPipeline(name: string): PipelineDefinition {
  const quantizing = listPipelines()
    .filter((candidate) => candidate.passes.includes('quantize-int8'))
    .map((candidate) => candidate.name);
  const definition = findPipeline(name);
  if (!definition || !quantizing.includes(definition.name)) {
    throw new UsageError(`pipeline "${name}" is not a quantizing pipeline (quantizing pipelines: ${quantizing.join(', ')})`, { pipeline: name });
  }
  return definition;
}

/** Every pipeline with its description and the names of its passes, in order. */
export function listPipelines(): { name: string; description: string; passes: string[] }[] {
  return pipelines.map(({ name, description, passes }) => ({
    name,
    description,
    passes: passes.map((entry) => (typeof entry === 'string' ? entry : entry.pass)),
  }));
}
