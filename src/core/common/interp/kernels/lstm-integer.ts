/**
 * The int8 LSTM ("8x8→16"), bit-exact with TFLite Micro's integer LSTM (`lstm_eval.h`,
 * `lstm_eval_common.cc`): int8 input, output and hidden state, int8 per-tensor weights, int32
 * biases, int16 cell state with a power-of-two scale, int16 gates.
 *
 * One step, for each batch row of the step:
 *
 *     gate_pre  = sat16( FC_x(x) + FC_h(h) )          Q3.12 (scale 2^-12), each FC clamped to int16
 *     f, i, o   = sigmoid16(gate_pre)                  Q0.15 (scale 2^-15)
 *     g         = tanh16(gate_pre)                     Q0.15
 *     c         = sat16( mul(f, c) + mul(i, g) )       cell scale; then clipped to ±cell_clip
 *     h         = mul(tanh16(c), o) + h_zero_point     int8, hidden-state scale
 *
 * where FC_x(x) = MBQM(Σ (w − w_zp)(x − x_zp) + bias) with multiplier float(s_x·s_w)/2^-12 and
 * FC_h the same on the hidden state without a bias; every mul is MBQM(a·b) with multiplier
 * s_a·s_b/s_out (computed in double, as `CreateInterGateMulParams` does). MBQM is TFLite's
 * MultiplyByQuantizedMultiplier with double rounding (TFLITE_SINGLE_ROUNDING off). The output gate
 * is computed after the cell update, still from the previous hidden state, as TFLite Micro does
 * (the step is `lstm-step.ts`).
 */
import type { KernelEval } from '../kernel.js';
import { multiplyByQuantizedMultiplier, saturate, saturatingAddInt16, type QuantizedMultiplier } from '../../ops/fixed-point.js';
import type { IntegerLstmArithmetic } from '../../ops/lstm.js';
import { lstmGateInputs, lstmInputIndex, type LstmLayout } from '../../ops/lstm-layout.js';
import { cellStateTanhScaling, tanhInt16 } from './lstm-activations.js';
import { int16GateActivations, lstmEval } from './lstm-step.js';
import { fullyConnectedToInt16 } from './rnn-fully-connected.js';

/** TFLite's MulElementwise of two symmetric int16 values into an output with the given zero point and range. */
function multiply(a: number, b: number, multiplier: QuantizedMultiplier, zeroPoint: number, min: number, max: number): number {
  return saturate(zeroPoint + multiplyByQuantizedMultiplier(a * b, multiplier.multiplier, multiplier.shift), min, max);
}

/** The int8 LSTM's eval, from the multipliers of the plan (ops/lstm.ts). */
export function integerLstm(layout: LstmLayout, parameters: IntegerLstmArithmetic): KernelEval {
  const { inputSize, stateSize } = layout;
  const { inputOffset, hiddenOffset, hiddenZeroPoint, cellClip } = parameters;
  const cellTanh = cellStateTanhScaling(parameters.cellScalePower);
  return lstmEval(layout, {
    gateArray: (size) => new Int16Array(size),
    fullyConnected: (gate, inputs, step, result, recurrent) => {
      const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
      const gateParameters = parameters.gates[gate];
      fullyConnectedToInt16(
        inputs[lstmInputIndex.input] as Int8Array,
        step.inputOffset,
        inputOffset,
        inputs[inputWeights] as Int8Array,
        gateParameters.inputWeightsOffset,
        inputs[bias] as Int32Array,
        gateParameters.inputMultiplier,
        step.rows,
        inputSize,
        stateSize,
        result,
      );
      fullyConnectedToInt16(
        inputs[lstmInputIndex.outputState] as Int8Array,
        step.stateOffset,
        hiddenOffset,
        inputs[recurrentWeights] as Int8Array,
        gateParameters.recurrentWeightsOffset,
        undefined,
        gateParameters.recurrentMultiplier,
        step.rows,
        stateSize,
        stateSize,
        recurrent,
      );
    },
    activation: (gate) => (gate === 'cell' ? int16GateActivations.tanh : int16GateActivations.sigmoid),
    cell: (forget, cell, input, cellGate) => {
      const kept = multiply(forget, cell, parameters.forgetTimesCell, 0, -32768, 32767);
      const added = multiply(input, cellGate, parameters.inputTimesCellGate, 0, -32768, 32767);
      const updated = saturatingAddInt16(kept, added);
      return cellClip === undefined ? updated : saturate(updated, -cellClip, cellClip);
    },
    hidden: (cell, outputGate) => multiply(tanhInt16(cell, cellTanh), outputGate, parameters.tanhCellTimesOutput, hiddenZeroPoint, -128, 127),
  });
}
