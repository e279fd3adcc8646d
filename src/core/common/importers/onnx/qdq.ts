/**
 * QDQ and QOperator ONNX models (QuantizeLinear/DequantizeLinear pairs around float ops, or
 * QLinearConv/QLinearMatMul) become int8 graphs with the scales and zero points the model gives.
 *
 * The converter builds the float graph (a Q/DQ pair is the value itself, a QLinear op its float
 * op on the dequantized weights) and records each activation's given encoding. Here TinyDeploy's
 * quantizer (`quantizeGraph`, TFLite's int8 scheme) runs with those encodings as its ranges
 * instead of calibrated ones, and the activations get exactly the given scale and zero point
 * (the range → scale arithmetic may move a float32 scale by an ulp). An op runs int8 when its
 * activation inputs and its output are encoded (or its output is one TFLite fixes, softmax,
 * logistic, tanh, or copies, reshape, pooling…): what the model leaves outside Q/DQ pairs stays
 * float32, as onnxruntime runs it, with QUANTIZE/DEQUANTIZE where the two meet. The model's
 * float inputs and outputs stay float32 (a QUANTIZE first, a DEQUANTIZE last).
 *
 * Weights: the dequantized int8 weights are quantized again by TinyDeploy's symmetric rule
 * (`max|w| / 127` per output channel for convolutions when the model's are per channel, per
 * tensor for dense layers), which gives back the model's integers and scales when they are
 * symmetric int8 as onnxruntime's quantizer writes them; biases at input scale × weight scale.
 * Recurrent ops run float32 (onnxruntime's QDQ quantizer leaves them float too).
 *
 * Rounding differs from onnxruntime's only where TFLite's integer kernels differ: requantization
 * by a fixed-point multiplier rounding half away from zero instead of a float multiply rounding
 * half to even, so outputs may differ by a step of the output's scale where a value falls on a tie.
 */
import { ImportError, PassError } from '../../errors.js';
import type { Graph, Quantization } from '../../ir/types.js';
import { findOp } from '../../ops/index.js';
import { gruOpType } from '../../ops/gru-layout.js';
import type { CalibrationTable } from '../../passes/quantize/calibrate.js';
import { isFloatActivation } from '../../passes/quantize/graph-builder.js';
import { fixedOutputQuantization, perTensor } from '../../passes/quantize/parameters.js';
import { type Precision, computesInFloat, precisionRefusal, quantizeGraph } from '../../passes/quantize/quantize-graph.js';
import type { ValueRange } from '../../passes/quantize/observers.js';
import type { GivenEncoding } from './convert.js';

/** The float graph quantized to int8 with the given encodings (tensor id → scale, zero point). */
export function quantizeAsGiven(graph: Graph, given: ReadonlyMap<number, GivenEncoding>, perChannel: boolean): Graph {
  const encoded = new Set(given.keys());
  const precisions: Precision[] = graph.ops.map((op, index) => {
    if (!computesInFloat(graph, op) || op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM' || op.type === gruOpType) return 'float32';
    if (precisionRefusal(graph, index, 'int8')) return 'float32';
    const activations = op.inputs.filter((id) => id >= 0 && isFloatActivation(graph.tensors[id]));
    if (!activations.every((id) => encoded.has(id))) return 'float32';
    const outputKnown =
      op.outputs.every((id) => encoded.has(id)) || fixedOutputQuantization(op.type, 'int8') !== undefined || findOp(op.type)?.preservesQuantization !== undefined;
    if (!outputKnown) return 'float32';
    for (const id of op.outputs) encoded.add(id);
    return 'int8';
  });
  const ranges = new Map<number, ValueRange>();
  for (const [id, { scale, zeroPoint }] of given) ranges.set(id, { min: (-128 - zeroPoint) * scale, max: (127 - zeroPoint) * scale });
  const table: CalibrationTable = { tensors: ranges, lstmStates: new Map(), samples: 0, observer: { kind: 'min-max', percentile: 100, averagingConstant: 1 } };
  let quantized: Graph;
  try {
    quantized = quantizeGraph(graph, table, { precisions, io: 'float32', perChannel }).graph;
  } catch (error) {
    if (error instanceof PassError) throw new ImportError(`onnx: quantizing the model with its QuantizeLinear scales: ${error.message}`, error.data);
    throw error;
  }
  // The exact given encodings on the activations (and their QUANTIZE copies) the arithmetic put an ulp away.
  const exact = [...given.values()].map(({ scale, zeroPoint }) => perTensor(scale, zeroPoint));
  const tensors = quantized.tensors.map((tensor) => {
    if (tensor.data || tensor.dtype !== 'int8' || tensor.quantization?.scale.length !== 1) return tensor;
    const match = exact.find((q) => closeTo(q, tensor.quantization!));
    return match ? { ...tensor, quantization: match } : tensor;
  });
  return { ...quantized, tensors };
}

function closeTo(given: Quantization, actual: Quantization): boolean {
  return given.zeroPoint[0] === actual.zeroPoint[0] && Math.abs(given.scale[0] - actual.scale[0]) <= given.scale[0] * 1e-6;
}
