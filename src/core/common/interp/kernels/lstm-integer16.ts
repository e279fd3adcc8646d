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
 * the clip are the int8 LSTM's.
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier, saturate, saturatingAddInt16, type QuantizedMultiplier } from '../../ops/fixed-point.js';
import type { Int16LstmArithmetic } from '../../ops/lstm.js';
import { lstmGateInputs, lstmInputIndex, lstmSteps, type LstmGateName, type LstmLayout, type LstmStep } from '../../ops/lstm-layout.js';
import { multiplyByQuantizedMultiplierInt64 } from './conv-common.js';
import { cellStateTanhScaling, sigmoidInt16, tanhInt16 } from './lstm-activations.js';

/**
 * TFLite's reference_integer_ops::FullyConnected for int16 input, int8 weights and an int64 bias
 * (or none), into int16: `rows` vectors of `depth` values at `valuesOffset`. The sums are exact
 * (|Σ| < 2^15 · 2^7 · depth plus the bias stays far below 2^53).
 */
export function fullyConnected16x8(
  values: Int16Array,
  valuesOffset: number,
  weights: Int8Array,
  bias: BigInt64Array | undefined,
  multiplier: QuantizedMultiplier,
  rows: number,
  depth: number,
  units: number,
  result: Int16Array,
): void {
  for (let row = 0; row < rows; row++) {
    const rowStart = valuesOffset + row * depth;
    for (let unit = 0; unit < units; unit++) {
      const weightsStart = unit * depth;
      let accumulator = 0;
      for (let d = 0; d < depth; d++) accumulator += weights[weightsStart + d] * values[rowStart + d];
      if (bias) accumulator += Number(bias[unit]);
      result[row * units + unit] = saturate(multiplyByQuantizedMultiplierInt64(accumulator, multiplier.multiplier, multiplier.shift), -32768, 32767);
    }
  }
}

/** TFLite's MulElementwise of two int16 values into a symmetric int16 (zero point 0). */
function multiply(a: number, b: number, multiplier: QuantizedMultiplier): number {
  return saturate(multiplyByQuantizedMultiplier(a * b, multiplier.multiplier, multiplier.shift), -32768, 32767);
}

/** The 16x8 LSTM's eval, from the multipliers of the plan (ops/lstm.ts). */
export function integerLstm16x8(layout: LstmLayout, parameters: Int16LstmArithmetic): KernelEval {
  const steps = lstmSteps(layout);
  const { inputSize, stateSize } = layout;
  const gateSize = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const gateOutputs: Record<LstmGateName, Int16Array> = {
    input: new Int16Array(gateSize),
    forget: new Int16Array(gateSize),
    cell: new Int16Array(gateSize),
    output: new Int16Array(gateSize),
  };
  const recurrentScratch = new Int16Array(gateSize);
  const { cellClip } = parameters;
  const cellTanh = cellStateTanhScaling(parameters.cellScalePower);

  const computeGate = (gate: LstmGateName, inputs: readonly (TensorData | undefined)[], step: LstmStep): Int16Array => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    const { inputMultiplier, recurrentMultiplier } = parameters.gates[gate];
    const result = gateOutputs[gate];
    const x = inputs[lstmInputIndex.input] as Int16Array;
    const h = inputs[lstmInputIndex.outputState] as Int16Array;
    fullyConnected16x8(x, step.inputOffset, inputs[inputWeights] as Int8Array, inputs[bias] as BigInt64Array, inputMultiplier, step.rows, inputSize, stateSize, result);
    fullyConnected16x8(h, step.stateOffset, inputs[recurrentWeights] as Int8Array, undefined, recurrentMultiplier, step.rows, stateSize, stateSize, recurrentScratch);
    const activation = gate === 'cell' ? tanhInt16 : sigmoidInt16;
    const count = step.rows * stateSize;
    for (let i = 0; i < count; i++) result[i] = activation(saturatingAddInt16(result[i], recurrentScratch[i]));
    return result;
  };

  return (inputs, outputs) => {
    const hidden = inputs[lstmInputIndex.outputState] as Int16Array;
    const cell = inputs[lstmInputIndex.cellState] as Int16Array;
    const output = outputs[0] as Int16Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const forget = computeGate('forget', inputs, step);
      const input = computeGate('input', inputs, step);
      const cellGate = computeGate('cell', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        const updated = saturatingAddInt16(multiply(forget[i], cell[c], parameters.forgetTimesCell), multiply(input[i], cellGate[i], parameters.inputTimesCellGate));
        cell[c] = cellClip === undefined ? updated : saturate(updated, -cellClip, cellClip);
      }
      const outputGate = computeGate('output', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        hidden[c] = multiply(tanhInt16(cell[c], cellTanh), outputGate[i], parameters.tanhCellTimesOutput);
      }
      output.set(hidden.subarray(step.stateOffset, step.stateOffset + count), step.outputOffset);
    }
  };
}
