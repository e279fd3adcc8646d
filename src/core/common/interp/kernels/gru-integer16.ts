/**
 * The 16x8 TD_GRU: int16 input and output (zero points 0), int8 symmetric per-tensor weights,
 * int64 input biases, int16 gates and an int16 Q0.15 hidden state. The rules are in ops/gru.ts:
 * the int8 GRU's step (`gru-integer.ts`) with the input FC summed and requantized in 64 bits
 * (TFLite's 16x8 FullyConnected with an int64 bias, as TFLite Micro's 16x8 LSTM runs it) and an
 * int16 output.
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT, saturate, saturatingAddInt16 } from '../../ops/fixed-point.js';
import type { Int16GruArithmetic } from '../../ops/gru.js';
import { gruInputIndex, gruSteps, type GruLayout } from '../../ops/gru-layout.js';
import { sigmoidInt16, tanhInt16 } from './lstm-activations.js';
import { fullyConnected16x8, fullyConnectedToInt16 } from './rnn-fully-connected.js';

/** RoundingDivideByPOT(a·b, 15): a Q0.15 factor applied to an int16 value. */
function q15Multiply(a: number, b: number): number {
  return roundingDivideByPOT(a * b, 15);
}

export function integerGru16x8(layout: GruLayout, parameters: Int16GruArithmetic): KernelEval {
  const steps = gruSteps(layout);
  const { inputSize, stateSize, linearBeforeReset, returnSequences } = layout;
  const size = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const [r, z, n, xs, hs, rh] = Array.from({ length: 6 }, () => new Int16Array(size));
  const { inputWeights: W, recurrentWeights: R, bias: B } = gruInputIndex;
  const { gates, outputMultiplier } = parameters;
  const toOutput = (value: number) => saturate(multiplyByQuantizedMultiplier(value, outputMultiplier.multiplier, outputMultiplier.shift), -32768, 32767);

  return (inputs: readonly (TensorData | undefined)[], outputs) => {
    const x = inputs[gruInputIndex.input] as Int16Array;
    const h = inputs[gruInputIndex.hiddenState] as Int16Array;
    const rbn = inputs[gruInputIndex.recurrentNBias] as Int32Array | undefined;
    const output = outputs[0] as Int16Array;
    const w8 = (i: number) => inputs[i] as Int8Array;
    const b64 = (i: number) => inputs[i] as BigInt64Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const s = step.stateOffset;
      for (const [gate, result] of [['r', r], ['z', z]] as const) {
        fullyConnected16x8(x, step.inputOffset, w8(W[gate]), b64(B[gate]), gates[gate].inputMultiplier, step.rows, inputSize, stateSize, result);
        fullyConnectedToInt16(h, s, 0, w8(R[gate]), 0, undefined, gates[gate].recurrentMultiplier, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) result[i] = sigmoidInt16(saturatingAddInt16(result[i], hs[i]));
      }
      fullyConnected16x8(x, step.inputOffset, w8(W.n), b64(B.n), gates.n.inputMultiplier, step.rows, inputSize, stateSize, xs);
      if (linearBeforeReset) {
        fullyConnectedToInt16(h, s, 0, w8(R.n), 0, rbn, gates.n.recurrentMultiplier, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) n[i] = tanhInt16(saturatingAddInt16(xs[i], saturate(q15Multiply(r[i], hs[i]), -32768, 32767)));
      } else {
        for (let i = 0; i < count; i++) rh[i] = q15Multiply(r[i], h[s + i]);
        fullyConnectedToInt16(rh, 0, 0, w8(R.n), 0, undefined, gates.n.recurrentMultiplier, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) n[i] = tanhInt16(saturatingAddInt16(xs[i], hs[i]));
      }
      for (let i = 0; i < count; i++) h[s + i] = saturate(n[i] + q15Multiply(z[i], h[s + i] - n[i]), -32768, 32767);
      if (returnSequences) for (let i = 0; i < count; i++) output[step.outputOffset + i] = toOutput(h[s + i]);
    }
    if (!returnSequences) for (let i = 0; i < output.length; i++) output[i] = toOutput(h[i]);
  };
}
