/**
 * How much a quantized graph differs from its float original, measured the same way for every
 * variant (ours, the shipped int8 models, one-layer-quantized graphs): both run on the same
 * real-valued inputs, an integer input quantized with the graph's own input parameters
 * (TFLite's AffineQuantize) and an integer output dequantized with its parameters.
 *
 * - accuracy: top-1 (argmax of the first output, the first maximum on ties) against labels;
 * - agreement: how often the top-1 class equals the reference graph's;
 * - SQNR: 10·log10(Σ r² / Σ (r − q)²) over every output value of every sample, r the reference
 *   graph's output and q the graph's (dequantized): 20 dB is a 10% RMS error, 40 dB 1%.
 */

import { PassError } from '../../errors.js';
import { Interpreter } from '../../interp/interpreter.js';
import { affineQuantize } from '../../ops/quantize.js';
import { allocateData } from '../../ir/tensor.js';
import type { Graph, TensorData } from '../../ir/types.js';
import type { CalibrationData } from '../pass.js';

/** Samples with real-valued inputs (one Float32Array per graph input) and, optionally, labels. */
export interface LabelledSamples extends CalibrationData {
  /** The class of sample `index`, when the samples are labelled. */
  label?(index: number): number;
}

const integerRanges: Partial<Record<string, [number, number]>> = { int8: [-128, 127], int16: [-32768, 32767], uint8: [0, 255] };

/** Runs a graph on real-valued inputs and returns real-valued outputs (see the file comment). */
export class RealValuedRunner {
  private readonly interpreter: Interpreter;

  constructor(readonly graph: Graph) {
    this.interpreter = new Interpreter(graph, { state: 'reset' });
  }

  run(inputs: readonly TensorData[]): Float32Array[] {
    const { graph } = this;
    const converted = graph.inputs.map((id, i) => {
      const tensor = graph.tensors[id];
      const values = inputs[i];
      if (!(values instanceof Float32Array)) throw new PassError(`input ${i} (${tensor.name}): expected real values as a Float32Array, got ${values?.constructor.name}`);
      if (tensor.dtype === 'float32') return values;
      const range = integerRanges[tensor.dtype];
      const quantization = tensor.quantization;
      if (!range || !quantization) throw new PassError(`input ${i} (${tensor.name}) is ${tensor.dtype}${quantization ? '' : ' without quantization'}: cannot feed it real values`);
      const [low, high] = range;
      const result = allocateData(tensor.dtype, values.length);
      for (let j = 0; j < values.length; j++) {
        const q = affineQuantize(values[j], quantization.scale[0], quantization.zeroPoint[0]);
        result[j] = q < low ? low : q > high ? high : q;
      }
      return result;
    });
    return this.interpreter.run(converted).outputs.map((output, i) => realValues(graph, graph.outputs[i], output));
  }
}

/** An output as real values: float32 as it is, an integer output `scale · (q − zeroPoint)`. */
function realValues(graph: Graph, id: number, values: TensorData): Float32Array {
  if (values instanceof Float32Array) return values.slice();
  const quantization = graph.tensors[id].quantization;
  const scale = Math.fround(quantization?.scale[0] ?? 1);
  const zeroPoint = quantization?.zeroPoint[0] ?? 0;
  return Float32Array.from(values as ArrayLike<number>, (q) => scale * (q - zeroPoint));
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Accumulates signal and noise energy over many outputs. */
export class SqnrMeter {
  private signal = 0;
  private noise = 0;

  add(reference: ArrayLike<number>, test: ArrayLike<number>): void {
    for (let i = 0; i < reference.length; i++) {
      this.signal += reference[i] * reference[i];
      const error = reference[i] - test[i];
      this.noise += error * error;
    }
  }

  /** The SQNR in dB; Infinity when the outputs were identical. */
  get decibels(): number {
    return this.noise === 0 ? Infinity : 10 * Math.log10(this.signal / this.noise);
  }
}

export interface GraphEvaluation {
  samples: number;
  /** Top-1 hits and accuracy, when the samples are labelled. */
  correct?: number;
  accuracy?: number;
  /** Against the reference outputs, when given. */
  sqnrDb?: number;
  agreement?: number;
}

export interface EvaluationControl {
  signal?: AbortSignal;
  progress?(done: number, total: number): void;
}

/** The reference graph's real-valued outputs on every sample, to compare variants against. */
export async function referenceOutputs(graph: Graph, samples: LabelledSamples, control: EvaluationControl = {}): Promise<Float32Array[][]> {
  const runner = new RealValuedRunner(graph);
  const outputs: Float32Array[][] = [];
  for (let index = 0; index < samples.count; index++) {
    control.signal?.throwIfAborted();
    outputs.push(runner.run(await samples.sample(index)));
    control.progress?.(index + 1, samples.count);
    if (index % 32 === 31) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return outputs;
}

/** Accuracy (labelled samples) and SQNR / agreement against `reference` (its outputs per sample). */
export async function evaluateGraph(
  graph: Graph,
  samples: LabelledSamples,
  reference?: readonly (readonly Float32Array[])[],
  control: EvaluationControl = {},
): Promise<GraphEvaluation> {
  const runner = new RealValuedRunner(graph);
  const sqnr = new SqnrMeter();
  let correct = 0;
  let agree = 0;
  for (let index = 0; index < samples.count; index++) {
    control.signal?.throwIfAborted();
    const outputs = runner.run(await samples.sample(index));
    if (samples.label && argmax(outputs[0]) === samples.label(index)) correct++;
    if (reference) {
      reference[index].forEach((expected, i) => sqnr.add(expected, outputs[i]));
      if (argmax(outputs[0]) === argmax(reference[index][0])) agree++;
    }
    control.progress?.(index + 1, samples.count);
    if (index % 32 === 31) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const count = samples.count;
  return {
    samples: count,
    ...(samples.label ? { correct, accuracy: count > 0 ? correct / count : 0 } : {}),
    ...(reference ? { sqnrDb: sqnr.decibels, agreement: count > 0 ? agree / count : 0 } : {}),
  };
}
