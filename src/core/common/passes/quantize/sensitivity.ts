/**
 * Per-layer quantization sensitivity: which layer costs the accuracy, so the user knows which
 * one to keep at 16 bits (`int16Layers`) or in float32 (`float32Layers`).
 *
 * The float graph is calibrated once; then, for each op that can run in int8, a graph is built
 * in which only that op is quantized (its input and output int8, its weights int8, QUANTIZE and
 * DEQUANTIZE around it, everything else float32) and evaluated on the evaluation samples against
 * the float graph: accuracy and its drop from the float accuracy (labelled samples), SQNR of the
 * outputs and top-1 agreement. The op indices are those of the graph given, which should be the
 * graph `quantize-int8` receives (after the pipeline's cleanup) so that they mean the same ops.
 */

import type { Graph } from '../../ir/types.js';
import type { CalibrationData } from '../pass.js';
import { calibrate } from './calibrate.js';
import { type EvaluationControl, type GraphEvaluation, type LabelledSamples, evaluateGraph, referenceOutputs } from './metrics.js';
import { type QuantizeInt8Options, DEFAULT_CALIBRATION_SAMPLES, observerOptions } from './quantize-int8.js';
import { type Precision, computesInFloat, precisionRefusal, quantizeGraph } from './quantize-graph.js';

export interface LayerSensitivity {
  op: number;
  type: string;
  /** Name of the tensor the op writes. */
  output: string;
  evaluation: GraphEvaluation;
  /** Float accuracy minus this graph's accuracy, when the samples are labelled (0.02: two points). */
  accuracyDrop?: number;
}

export interface SensitivityReport {
  float: GraphEvaluation;
  /** One entry per op that can run in int8, in op order. */
  layers: LayerSensitivity[];
  calibrationSamples: number;
}

export interface SensitivityControl extends EvaluationControl {
  /** Progress over the layers (`detail` names the layer being evaluated). */
  progress?(done: number, total: number, detail?: string): void;
}

/**
 * Measures every int8-capable op of the float `graph` quantized alone (see the file comment).
 * `options` takes the calibration settings of `quantize-int8` (samples, observer, percentile,
 * averagingConstant, perChannel).
 */
export async function layerSensitivity(
  graph: Graph,
  calibration: CalibrationData,
  evaluation: LabelledSamples,
  options: QuantizeInt8Options = {},
  control: SensitivityControl = {},
): Promise<SensitivityReport> {
  const table = await calibrate(graph, calibration, { observer: observerOptions(options), samples: options.samples ?? DEFAULT_CALIBRATION_SAMPLES }, { signal: control.signal });
  const reference = await referenceOutputs(graph, evaluation, { signal: control.signal });
  const float = await evaluateGraph(graph, evaluation, reference, { signal: control.signal });
  const candidates = graph.ops.flatMap((op, index) => (computesInFloat(graph, op) && !precisionRefusal(graph, index, 'int8') ? [index] : []));
  const layers: LayerSensitivity[] = [];
  for (const [done, index] of candidates.entries()) {
    const op = graph.ops[index];
    const output = graph.tensors[op.outputs[0]].name;
    control.progress?.(done, candidates.length, `op ${index} (${op.type})`);
    const precisions: Precision[] = graph.ops.map((_, i) => (i === index ? 'int8' : 'float32'));
    const { graph: single } = quantizeGraph(graph, table, { precisions, io: 'float32', perChannel: options.perChannel ?? true });
    const result = await evaluateGraph(single, evaluation, reference, { signal: control.signal });
    layers.push({
      op: index,
      type: op.type,
      output,
      evaluation: result,
      ...(result.accuracy !== undefined && float.accuracy !== undefined ? { accuracyDrop: float.accuracy - result.accuracy } : {}),
    });
  }
  control.progress?.(candidates.length, candidates.length);
  return { float, layers, calibrationSamples: table.samples };
}
