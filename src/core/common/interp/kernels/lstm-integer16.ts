/**
 * The 16x8 LSTM, bit-exact with TFLite Micro's `EvalLstm<int16_t, int8_t, int16_t, int64_t>`
 * (`lstm_eval.h`): int16 input, output and hidden state (zero points 0), int8 per-tensor weights,
 * int64 biases, int16 cell state with a power-of-two scale, int16 gates.
 *
 * The step is the int8 LSTM's (`lstm-integer.ts`) with two differences:
 *
 *     FC_x(x) = sat16(MBQM64(Σ w·x + bias, float(s_x·s_w)/2^-12))     Σ and bias in 64 bits
 *     FC_h(h) = sat16(MBQM64(Σ r·h,        float(s_h·s_r)/2^-12))     no bias
 *     h       = sat16(MBQM(tanh16(c)·o, 2^-30/s_h))                    int16, zero point 0
 *
 * where MBQM64 is TFLite's MultiplyByQuantizedMultiplier for an int64 accumulator (the Q31
 * multiplier rounded to 15 bits, one product, one rounding shift by 15 − shift: what
 * reference_integer_ops::FullyConnected does with an int64 bias), and MBQM the int32 one with
 * double rounding (TFLite's MulElementwise). Weights carry no offset (TFLite's 16x8 weights are
 * symmetric). The gates (Q3.12 → Q0.15 through the int16 sigmoid and tanh), the cell update and
 * the clip are the int8 LSTM's (the step is `lstm-step.ts`).
 */
import type { KernelEval } from '../kernel.js';
import { multiplyByQuantizedMultiplier, saturate, saturatingAddInt16, type QuantizedMultiplier } from '../../ops/fixed-point.js';
import type { Int16LstmArithmetic } from '../../ops/lstm.js';
import { lstmGateInputs, lstmInputIndex, type LstmLayout } from '../../ops/lstm-layout.js';
import { cellStateTanhScaling, tanhInt16 } from './lstm-activations.js';
import { int16GateActivations, lstmEval } from './lstm-step.js';
import { fullyConnected16x8 } from './rnn-fully-connected.js';

/** TFLite's MulElementwise of two int16 values into a symmetric int16 (zero point 0). */
function multiply(a: number, b: number, multiplier: QuantizedMultiplier): number {
  return saturate(multiplyByQuantizedMultiplier(a * b, multiplier.multiplier, multiplier.shift), -32768, 32767);
}

/** The 16x8 LSTM's eval, from the multipliers of the plan (ops/lstm.ts). */
export function integerLstm16x8(layout: LstmLayout, parameters: Int16LstmArithmetic): KernelEval {
  const { inputSize, stateSize } = layout;
  const { cellClip } = parameters;
  const cellTanh = cellStateTanhScaling(parameters.cellScalePower);
  return lstmEval(layout, {
    gateArray: (size) => new Int16Array(size),
    fullyConnected: (gate, inputs, step, result, recurrent) => {
      const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
      const { inputMultiplier, recurrentMultiplier } = parameters.gates[gate];
      const x = inputs[lstmInputIndex.input] as Int16Array;
      const h = inputs[lstmInputIndex.outputState] as Int16Array;
      fullyConnected16x8(x, step.inputOffset, inputs[inputWeights] as Int8Array, inputs[bias] as BigInt64Array, inputMultiplier, step.rows, inputSize, stateSize, result);
      fullyConnected16x8(h, step.stateOffset, inputs[recurrentWeights] as Int8Array, undefined, recurrentMultiplier, step.rows, stateSize, stateSize, recurrent);
    },
    activation: (gate) => (gate === 'cell' ? int16GateActivations.tanh : int16GateActivations.sigmoid),
    cell: (forget, cell, input, cellGate) => {
      const updated = saturatingAddInt16(multiply(forget, cell, parameters.forgetTimesCell), multiply(input, cellGate, parameters.inputTimesCellGate));
      return cellClip === undefined ? updated : saturate(updated, -cellClip, cellClip);
    },
    hidden: (cell, outputGate) => multiply(tanhInt16(cell, cellTanh), outputGate, parameters.tanhCellTimesOutput),
  });
}
