/**
 * quantize-int8: post-training quantization of a float32 graph with TFLite's full-integer
 * scheme, calibrated on representative samples (the `calibration` resource).
 *
 *     before                                      after
 *     %0 f32 ─ CONV_2D(W f32, b f32) ─ %3 f32      %0 i8 ─ CONV_2D(W i8 per-channel, b i32) ─ %3 i8
 *        ─ … ─ SOFTMAX ─ %9 f32                       ─ … ─ SOFTMAX ─ %9 i8 q(1/256, −128)
 *
 * Two steps: `calibrate` runs the float graph on the first `samples` samples and observes every
 * activation's range (`observer`: min-max, moving-average or percentile), then `quantizeGraph`
 * rewrites it: int8 symmetric weights per output channel (per tensor for fully connected and
 * LSTM weights, as the converter does), int8 asymmetric activations per tensor, int32 biases,
 * the fixed output scales of softmax, logistic and tanh, the LSTM in the integer LSTM scheme.
 * The graph's inputs and outputs become int8 (`io`), as in the shipped int8 MLPerf Tiny models,
 * so the interpreter, the C generator and the boards run the result unchanged.
 *
 * Mixed precision: ops listed in `int16Layers` run TFLite's 16x8 scheme (int16 activations,
 * int8 weights, int64 biases; the C generator runs them with the _s16 kernels), ops in
 * `float32Layers` stay float32; conversions are inserted where precisions meet. A layer is an
 * op index of the graph this pass receives (after the pipeline's cleanup; `tinydeploy optimize
 * --sensitivity` lists them) or the name of the tensor the op writes.
 *
 * Preconditions: float32 weights (a hybrid model's int8 weights are dequantized first by
 * `dequantize-hybrid-weights`). An op without an int8 kernel stays float32 with a warning.
 * Refused: a graph with nothing in float32, hybrid ops, an int16 request an op cannot honour.
 */

import { PassError } from '../../errors.js';
import type { Graph } from '../../ir/types.js';
import type { PassContext } from '../pass.js';
import { registerPass } from '../registry.js';
import { calibrate } from './calibrate.js';
import { type ObserverKind, type ObserverOptions, observerKinds } from './observers.js';
import { type Precision, computesInFloat, precisionRefusal, quantizeGraph } from './quantize-graph.js';

export type QuantizeInt8Options = {
  samples?: number;
  observer?: string;
  percentile?: number;
  averagingConstant?: number;
  perChannel?: boolean;
  io?: string;
  int16Layers?: string;
  float32Layers?: string;
};

/** Default number of calibration samples (the first ones of the calibration data). */
export const DEFAULT_CALIBRATION_SAMPLES = 200;

/**
 * The ops a layer list names: comma-separated op indices or names of tensors an op writes.
 * PassError for an index out of range or a name no op writes.
 */
export function parseLayerList(graph: Graph, text: string | undefined, option: string): Set<number> {
  const layers = new Set<number>();
  for (const entry of (text ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    if (/^\d+$/.test(entry)) {
      const index = Number(entry);
      if (index >= graph.ops.length) throw new PassError(`option ${option}: no op ${index} (graph ${graph.name} has ${graph.ops.length} ops)`, { option });
      layers.add(index);
      continue;
    }
    const index = graph.ops.findIndex((op) => op.outputs.some((id) => graph.tensors[id].name === entry));
    if (index < 0) throw new PassError(`option ${option}: no op writes a tensor named "${entry}"`, { option });
    layers.add(index);
  }
  return layers;
}

/** The observer settings the options give, checked. */
export function observerOptions(options: QuantizeInt8Options): ObserverOptions {
  const kind = (options.observer ?? 'min-max') as ObserverKind;
  const percentile = options.percentile ?? 99.99;
  const averagingConstant = options.averagingConstant ?? 0.01;
  if (!observerKinds.includes(kind)) throw new PassError(`option observer is "${kind}", expected one of ${observerKinds.join(', ')}`);
  if (!(percentile > 50 && percentile <= 100)) throw new PassError(`option percentile is ${percentile}, expected a number in (50, 100]`);
  if (!(averagingConstant > 0 && averagingConstant <= 1)) throw new PassError(`option averagingConstant is ${averagingConstant}, expected a number in (0, 1]`);
  return { kind, percentile, averagingConstant };
}

/**
 * The precision of every op: int8, or int16 / float32 where the layer lists say so. An op
 * without an int8 kernel stays float32 (reported through `warn`); an int16 request an op cannot
 * honour is a PassError.
 */
export function precisionPlan(graph: Graph, options: QuantizeInt8Options, warn: (message: string) => void): Precision[] {
  const int16 = parseLayerList(graph, options.int16Layers, 'int16Layers');
  const float32 = parseLayerList(graph, options.float32Layers, 'float32Layers');
  const both = [...int16].find((index) => float32.has(index));
  if (both !== undefined) throw new PassError(`op ${both} (${graph.ops[both].type}) is listed in both int16Layers and float32Layers`);
  return graph.ops.map((op, index) => {
    if (!computesInFloat(graph, op) || float32.has(index)) return 'float32';
    const wanted = int16.has(index) ? 'int16' : 'int8';
    const refusal = precisionRefusal(graph, index, wanted);
    if (!refusal) return wanted;
    if (wanted === 'int16') throw new PassError(`op ${index} (${op.type}) cannot run at int16: ${refusal}`, { op: index });
    warn(`op ${index} (${op.type}) stays float32: ${refusal}`);
    return 'float32';
  });
}

/** Refuses graphs the pass cannot start on: nothing in float32, or hybrid ops (int8 weights in float ops). */
function checkFloatGraph(graph: Graph): void {
  graph.ops.forEach((op, index) => {
    if (!computesInFloat(graph, op) || op.type === 'DEQUANTIZE') return;
    const weights = op.inputs.find((id) => id >= 0 && graph.tensors[id].data !== undefined && graph.tensors[id].dtype === 'int8');
    if (weights !== undefined) {
      throw new PassError(
        `op ${index} (${op.type}) reads int8 constant tensor ${weights} (${graph.tensors[weights].name}) into a float32 result (a hybrid model); ` +
          'run dequantize-hybrid-weights first, as the quantize-int8 pipeline does',
        { op: index, tensor: weights },
      );
    }
  });
  if (!graph.ops.some((op) => computesInFloat(graph, op))) {
    throw new PassError(`graph ${graph.name} computes nothing in float32: it is quantized already`);
  }
}

export async function quantizeInt8(graph: Graph, context: PassContext<QuantizeInt8Options>): Promise<Graph> {
  const { options } = context;
  const samples = options.samples ?? DEFAULT_CALIBRATION_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1) throw new PassError(`option samples is ${samples}, expected a whole number >= 1`);
  const io = options.io ?? 'int8';
  if (io !== 'int8' && io !== 'float32') throw new PassError(`option io is "${io}", expected int8 or float32`);
  const observer = observerOptions(options);
  checkFloatGraph(graph);
  const precisions = precisionPlan(graph, options, (message) => context.log(message, 'warning'));

  const table = await calibrate(graph, context.resources.calibration!, { observer, samples }, {
    signal: context.signal,
    progress: (done, total) => context.progress(done, total, 'calibrating'),
  });
  context.log(`calibrated ${table.tensors.size} activations on ${table.samples} samples (${observer.kind})`);
  const { graph: quantized, notes } = quantizeGraph(graph, table, { precisions, io, perChannel: options.perChannel ?? true });
  const counts = (precision: Precision) => precisions.filter((p, index) => p === precision && computesInFloat(graph, graph.ops[index])).length;
  context.log(`ops: ${counts('int8')} int8, ${counts('int16')} int16, ${counts('float32')} float32; inputs and outputs ${io}`);
  for (const note of notes) context.log(note);
  return quantized;
}

registerPass<QuantizeInt8Options>({
  name: 'quantize-int8',
  description:
    'post-training quantization: calibrates activation ranges on the calibration samples, then int8 weights (per channel), ' +
    'int8 activations, int32 biases, fixed softmax/logistic/tanh scales, the int8 LSTM; inputs and outputs int8',
  requires: 'float32 weights (dequantize hybrid weights first) and the calibration samples',
  resources: ['calibration'],
  options: {
    samples: { type: 'number', description: 'calibration samples used: the first N', default: DEFAULT_CALIBRATION_SAMPLES },
    observer: { type: 'string', description: 'how ranges are estimated', choices: observerKinds, default: 'min-max' },
    percentile: { type: 'number', description: 'percentile observer: range from the (100−p)-th to the p-th percentile', default: 99.99 },
    averagingConstant: { type: 'number', description: 'moving-average observer: weight of the newest sample', default: 0.01 },
    perChannel: { type: 'boolean', description: 'convolution weights with one scale per output channel', default: true },
    io: { type: 'string', description: 'type of the model inputs and outputs', choices: ['int8', 'float32'], default: 'int8' },
    int16Layers: { type: 'string', description: 'ops (indices or output tensor names, comma-separated) run 16x8: int16 activations' },
    float32Layers: { type: 'string', description: 'ops (indices or output tensor names, comma-separated) kept float32' },
  },
  run: quantizeInt8,
});
