/**
 * A float TD_GRU in its integer form (ops/gru.ts: TFLite Micro's integer-LSTM scheme):
 *
 *     input x          int8, asymmetric, calibrated (the producer's encoding)
 *     weights W, R     int8, symmetric per tensor
 *     gate biases      int32 at s_x · s_W of the gate's input weights
 *     recurrent n bias int32 at 2^-15 · s_Rn (linear_before_reset only)
 *     hidden state h   int16 variable, Q0.15 (scale 2^-15, zero point 0): a GRU's state stays in
 *                      (−1, 1), so it needs no calibration
 *     output           int8, asymmetric over the output's calibrated range
 *
 * 16x8 (`precision` int16): the input and the output int16 symmetric (zero point 0, scale
 * max|v| / 32767) and the input-side gate biases int64 at s_x · s_W; weights, the recurrent n
 * bias and the Q0.15 state as above.
 */
import { InterpreterError } from '../../errors.js';
import type { Graph, Op } from '../../ir/types.js';
import { GruTensors, gruGateNames, gruInputIndex, readGruLayout } from '../../ops/gru-layout.js';
import { gruStateScale } from '../../ops/gru.js';
import { opContext } from '../../ops/op.js';
import { activationQuantization, perTensor, quantizeBias, quantizeWeights, type QuantizedDType } from './parameters.js';
import type { QuantizedGraphBuilder } from './graph-builder.js';

/** Why this GRU cannot become an int8 GRU, or undefined. */
export function gruRefusal(graph: Graph, op: Op, index: number): string | undefined {
  try {
    readGruLayout(new GruTensors(opContext(graph, op, index, InterpreterError)));
  } catch (error) {
    if (error instanceof InterpreterError) return error.message.replace(/^op \d+ \([A-Z_0-9]+\): /, '');
    throw error;
  }
  const constants: number[] = gruGateNames.flatMap((g) => [gruInputIndex.inputWeights[g], gruInputIndex.recurrentWeights[g], gruInputIndex.bias[g]]);
  if ((op.inputs[gruInputIndex.recurrentNBias] ?? -1) >= 0) constants.push(gruInputIndex.recurrentNBias);
  for (const position of [gruInputIndex.input, ...constants]) {
    const tensor = graph.tensors[op.inputs[position]];
    const isInput = position === gruInputIndex.input;
    if (tensor.dtype !== 'float32' || (!isInput && tensor.data === undefined)) {
      return `input ${position} (tensor ${tensor.id}, ${tensor.name}) is ${tensor.data || isInput ? tensor.dtype : 'not a constant'}, expected float32${isInput ? '' : ' constant weights'}`;
    }
  }
  return undefined;
}

/** Adds the int8 (or 16x8) form of GRU op `op` to the builder (see the file comment). */
export function quantizeGru(builder: QuantizedGraphBuilder, op: Op, precision: QuantizedDType = 'int8'): void {
  const source = builder.source.tensors;
  const inputs = [...op.inputs];
  inputs[gruInputIndex.input] = builder.representation(op.inputs[gruInputIndex.input], precision);
  const inputScale = builder.tensors[inputs[gruInputIndex.input]].quantization!.scale[0];
  const weights = (position: number) => {
    const id = op.inputs[position];
    inputs[position] = builder.constant(id, 'int8 weights axis tensor', () => ({ dtype: 'int8', ...quantizeWeights(source[id], undefined) }));
    return builder.tensors[inputs[position]].quantization!.scale[0];
  };
  const bias = (position: number, scale: number, weightScale: number, dtype: 'int32' | 'int64' = 'int32') => {
    const id = op.inputs[position];
    inputs[position] = builder.constant(id, `${dtype} bias ${scale} ${weightScale}`, () => {
      const quantized = quantizeBias(source[id], scale, [weightScale], dtype);
      return { dtype, data: quantized.data, quantization: quantized.quantization };
    });
  };
  for (const gate of gruGateNames) {
    const inputWeightScale = weights(gruInputIndex.inputWeights[gate]);
    const recurrentWeightScale = weights(gruInputIndex.recurrentWeights[gate]);
    bias(gruInputIndex.bias[gate], inputScale, inputWeightScale, precision === 'int8' ? 'int32' : 'int64');
    if (gate === 'n' && (op.inputs[gruInputIndex.recurrentNBias] ?? -1) >= 0) bias(gruInputIndex.recurrentNBias, gruStateScale, recurrentWeightScale);
  }
  builder.encode(op.inputs[gruInputIndex.hiddenState], 'int16', perTensor(gruStateScale, 0), { variable: true });
  builder.ops.push({ ...op, inputs });
  builder.encode(op.outputs[0], precision, activationQuantization(precision, builder.range(op.outputs[0])));
}
