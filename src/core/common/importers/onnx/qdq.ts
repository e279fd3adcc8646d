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
 * Weights: the quantizer first quantizes the dequantized weights by TinyDeploy's symmetric rule
 * (`max|w| / 127` per output channel for convolutions when the model's are per channel, per
 * tensor for dense layers); then each weight tensor whose values are integer multiples of one
 * of the model's own symmetric weight scales (per tensor or per channel, the same count) takes
 * those integers and scales back exactly (PyTorch's are `max|w| / 127.5`, its integers reach
 * −128), and its bias is quantized again at input scale × those weight scales.
 * Recurrent ops run float32 (onnxruntime's QDQ quantizer leaves them float too).
 *
 * Rounding differs from onnxruntime's only where TFLite's integer kernels differ: requantization
 * by a fixed-point multiplier rounding half away from zero instead of a float multiply rounding
 * half to even, so outputs may differ by a step of the output's scale where a value falls on a tie.
 */
import { ImportError, PassError } from '../../errors.js';
import { elementCount } from '../../ir/tensor.js';
import type { Graph, Op, Quantization, Tensor } from '../../ir/types.js';
import { roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import { findOp } from '../../ops/index.js';
import { gruOpType } from '../../ops/gru-layout.js';
import type { CalibrationTable } from '../../passes/quantize/calibrate.js';
import { isFloatActivation } from '../../passes/quantize/graph-builder.js';
import { fixedOutputQuantization, perTensor } from '../../passes/quantize/parameters.js';
import { type Precision, computesInFloat, precisionRefusal, quantizeGraph } from '../../passes/quantize/quantize-graph.js';
import type { ValueRange } from '../../passes/quantize/observers.js';
import type { GivenEncoding } from './convert.js';

/** The float graph quantized to int8 with the given encodings (tensor id → scale, zero point). */
export function quantizeAsGiven(
  graph: Graph,
  given: ReadonlyMap<number, GivenEncoding>,
  weights: { perChannel: boolean; weightScales: readonly (readonly number[])[] },
): Graph {
  const { perChannel } = weights;
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
  restoreWeights(graph, tensors, quantized.ops, weights.weightScales);
  // The model's outputs keep their ONNX names (the DEQUANTIZE result is the output, its int8 input the copy).
  quantized.outputs.forEach((id, i) => {
    const original = graph.outputs[i];
    if (id === original) return;
    const name = graph.tensors[original].name;
    tensors[original] = { ...tensors[original], name: `${name}/int8` };
    tensors[id] = { ...tensors[id], name };
  });
  return { ...quantized, tensors };
}

/**
 * Gives each quantized weight tensor the model's own integers and scales when its float values
 * are integer multiples of one of the model's symmetric weight scale sets, and quantizes its bias
 * again at the input's scale × those scales (in place, in `tensors`).
 */
function restoreWeights(float: Graph, tensors: Tensor[], ops: readonly Op[], weightScales: readonly (readonly number[])[]): void {
  const done = new Set<number>();
  for (const op of ops) {
    const slot = findOp(op.type)?.weights;
    if (slot?.length !== 1) continue;
    const id = op.inputs[slot[0].input];
    const weights = tensors[id];
    const source = float.tensors[id];
    if (done.has(id) || weights?.dtype !== 'int8' || !weights.quantization || !source?.data || source.dtype !== 'float32') continue;
    const values = source.data as Float32Array;
    const channels = weights.quantization.scale.length;
    const axis = channels > 1 ? weights.quantization.axis : undefined;
    const inner = axis === undefined ? values.length : elementCount(weights.shape.slice(axis + 1));
    const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
    const scales = weightScales.find(
      (candidate) => candidate.length === channels && Array.from(values).every((v, i) => {
        const q = v / candidate[channelOf(i)];
        return Math.abs(q - Math.round(q)) < 1e-3 && Math.abs(q) <= 128.001;
      }),
    );
    if (!scales) continue;
    done.add(id);
    const data = Int8Array.from(values, (v, i) => Math.max(-128, Math.min(127, Math.round(v / scales[channelOf(i)]))));
    tensors[id] = { ...weights, data, quantization: { scale: [...scales], zeroPoint: scales.map(() => 0), axis: axis ?? 0 } };
    const biasSlot = slot[0].bias;
    const biasId = biasSlot === undefined ? -1 : (op.inputs[biasSlot] ?? -1);
    const bias = float.tensors[biasId];
    const inputScale = tensors[op.inputs[0]]?.quantization?.scale[0];
    if (biasId < 0 || !bias?.data || bias.dtype !== 'float32' || tensors[biasId].dtype !== 'int32' || inputScale === undefined) continue;
    const biasScales = scales.map((s) => Math.fround(inputScale * s));
    const biasOf = (c: number) => biasScales[biasScales.length === 1 ? 0 : c];
    tensors[biasId] = {
      ...tensors[biasId],
      data: Int32Array.from(bias.data as Float32Array, (v, c) => roundHalfAwayFromZero(v / biasOf(c))),
      quantization: { scale: biasScales, zeroPoint: biasScales.map(() => 0), axis: 0 },
    };
  }
}

function closeTo(given: Quantization, actual: Quantization): boolean {
  return given.zeroPoint[0] === actual.zeroPoint[0] && Math.abs(given.scale[0] - actual.scale[0]) <= given.scale[0] * 1e-6;
}
