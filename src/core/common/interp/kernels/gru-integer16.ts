/**
 * The 16x8 TD_GRU: int16 input and output (zero points 0), int8 symmetric per-tensor weights,
 * int64 input biases, int16 gates and an int16 Q0.15 hidden state. The rules are in ops/gru.ts:
 * the int8 GRU's step (`gru-integer.ts`) with the input FC summed and requantized in 64 bits
 * (TFLite's 16x8 FullyConnected with an int64 bias, as TFLite Micro's 16x8 LSTM runs it) and an
 * int16 output.
 */
import type { KernelEval } from '../kernel.js';
import { multiplyByQuantizedMultiplier, saturate } from '../../ops/fixed-point.js';
import type { Int16GruArithmetic } from '../../ops/gru.js';
import { gruInputIndex, type GruLayout } from '../../ops/gru-layout.js';
import { integerGruEval } from './gru-integer.js';
import { fullyConnected16x8 } from './rnn-fully-connected.js';

export function integerGru16x8(layout: GruLayout, parameters: Int16GruArithmetic): KernelEval {
  const { inputSize, stateSize } = layout;
  const { inputWeights: W, bias: B } = gruInputIndex;
  const { gates, outputMultiplier } = parameters;
  const toOutput = (value: number) => saturate(multiplyByQuantizedMultiplier(value, outputMultiplier.multiplier, outputMultiplier.shift), -32768, 32767);
  return integerGruEval(
    layout,
    gates,
    (gate, inputs, step, result) =>
      fullyConnected16x8(inputs[gruInputIndex.input] as Int16Array, step.inputOffset, inputs[W[gate]] as Int8Array, inputs[B[gate]] as BigInt64Array, gates[gate].inputMultiplier, step.rows, inputSize, stateSize, result),
    toOutput,
  );
}
