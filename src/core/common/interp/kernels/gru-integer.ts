/**
 * The int8 TD_GRU: int8 input and output, int8 symmetric per-tensor weights, int32 biases, int16
 * gates and an int16 Q0.15 hidden state, with TFLite Micro's integer-LSTM arithmetic (the rules
 * are in ops/gru.ts; the int16 sigmoid and tanh are the LSTM's table interpolations).
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT, saturate, saturatingAddInt16 } from '../../ops/fixed-point.js';
import type { IntegerGruArithmetic, IntegerGruGate } from '../../ops/gru.js';
import { gruInputIndex, gruSteps, type GruGateName, type GruLayout, type GruStep } from '../../ops/gru-layout.js';
import { sigmoidInt16, tanhInt16 } from './lstm-activations.js';
import { fullyConnectedToInt16 } from './rnn-fully-connected.js';

/** RoundingDivideByPOT(a·b, 15): a Q0.15 factor applied to an int16 value. */
function q15Multiply(a: number, b: number): number {
  return roundingDivideByPOT(a * b, 15);
}

/**
 * The integer GRU's steps, shared by the int8 and 16x8 kernels: `inputFc` puts the input FC of a
 * gate for the step's rows into `result` (int16, Q3.12), `toOutput` turns a Q0.15 state value
 * into an output value; the recurrent FCs, gates and state update are the same for both.
 */
export function integerGruEval(
  layout: GruLayout,
  gates: Record<GruGateName, IntegerGruGate>,
  inputFc: (gate: GruGateName, inputs: readonly (TensorData | undefined)[], step: GruStep, result: Int16Array) => void,
  toOutput: (value: number) => number,
): KernelEval {
  const steps = gruSteps(layout);
  const { stateSize, linearBeforeReset, returnSequences } = layout;
  const size = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const [r, z, n, xs, hs, rh] = Array.from({ length: 6 }, () => new Int16Array(size));
  const R = gruInputIndex.recurrentWeights;

  return (inputs: readonly (TensorData | undefined)[], outputs) => {
    const h = inputs[gruInputIndex.hiddenState] as Int16Array;
    const rbn = inputs[gruInputIndex.recurrentNBias] as Int32Array | undefined;
    const output = outputs[0] as Int8Array | Int16Array;
    const w8 = (i: number) => inputs[i] as Int8Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const s = step.stateOffset;
      for (const [gate, result] of [['r', r], ['z', z]] as const) {
        inputFc(gate, inputs, step, result);
        fullyConnectedToInt16(h, s, 0, w8(R[gate]), 0, undefined, gates[gate].recurrentMultiplier, step.rows, stateSize, stateSize, hs);
        for (let i = 0; i < count; i++) result[i] = sigmoidInt16(saturatingAddInt16(result[i], hs[i]));
      }
      inputFc('n', inputs, step, xs);
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

export function integerGru(layout: GruLayout, parameters: IntegerGruArithmetic): KernelEval {
  const { inputSize, stateSize } = layout;
  const { inputWeights: W, bias: B } = gruInputIndex;
  const { gates, inputOffset, outputMultiplier, outputZeroPoint } = parameters;
  const toOutput = (value: number) =>
    saturate(outputZeroPoint + multiplyByQuantizedMultiplier(value, outputMultiplier.multiplier, outputMultiplier.shift), -128, 127);
  return integerGruEval(
    layout,
    gates,
    (gate, inputs, step, result) =>
      fullyConnectedToInt16(inputs[gruInputIndex.input] as Int8Array, step.inputOffset, inputOffset, inputs[W[gate]] as Int8Array, 0, inputs[B[gate]] as Int32Array, gates[gate].inputMultiplier, step.rows, inputSize, stateSize, result),
    toOutput,
  );
}
