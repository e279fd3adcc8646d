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
 * is computed after the cell update, still from the previous hidden state, as TFLite Micro does.
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { multiplyByQuantizedMultiplier, saturate, saturatingAddInt16, type QuantizedMultiplier } from '../../ops/fixed-point.js';
import type { IntegerLstmArithmetic } from '../../ops/lstm.js';
import { lstmGateInputs, lstmInputIndex, lstmSteps, type LstmGateName, type LstmLayout, type LstmStep } from '../../ops/lstm-layout.js';
import { cellStateTanhScaling, sigmoidInt16, tanhInt16 } from './lstm-activations.js';

/**
 * TFLite's integer FullyConnected from int8 into int16 (per-tensor, no activation): `rows`
 * vectors of `depth` values at `valuesOffset`, each value shifted by `valueOffset`, times the
 * [units, depth] weights, plus the bias, requantized and clamped to int16.
 */
function fullyConnectedToInt16(
  values: Int8Array,
  valuesOffset: number,
  valueOffset: number,
  weights: Int8Array,
  weightsOffset: number,
  bias: Int32Array | undefined,
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
      for (let d = 0; d < depth; d++) {
        accumulator += (weights[weightsStart + d] + weightsOffset) * (values[rowStart + d] + valueOffset);
      }
      if (bias) accumulator += bias[unit];
      // The C accumulator is int32: wrap as it would (exact JavaScript sums stay far below 2^53).
      const scaled = multiplyByQuantizedMultiplier(accumulator | 0, multiplier.multiplier, multiplier.shift);
      result[row * units + unit] = saturate(scaled, -32768, 32767);
    }
  }
}

/** TFLite's MulElementwise of two symmetric int16 values into an output with the given zero point and range. */
function multiply(a: number, b: number, multiplier: QuantizedMultiplier, zeroPoint: number, min: number, max: number): number {
  return saturate(zeroPoint + multiplyByQuantizedMultiplier(a * b, multiplier.multiplier, multiplier.shift), min, max);
}

/** The int8 LSTM's eval, from the multipliers of the plan (ops/lstm.ts). */
export function integerLstm(layout: LstmLayout, parameters: IntegerLstmArithmetic): KernelEval {
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
  const { inputOffset, hiddenOffset, hiddenZeroPoint, cellClip } = parameters;
  const cellTanh = cellStateTanhScaling(parameters.cellScalePower);

  const computeGate = (gate: LstmGateName, inputs: readonly (TensorData | undefined)[], step: LstmStep): Int16Array => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    const gateParameters = parameters.gates[gate];
    const result = gateOutputs[gate];
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
      recurrentScratch,
    );
    const activation = gate === 'cell' ? tanhInt16 : sigmoidInt16;
    const count = step.rows * stateSize;
    for (let i = 0; i < count; i++) result[i] = activation(saturatingAddInt16(result[i], recurrentScratch[i]));
    return result;
  };

  return (inputs, outputs) => {
    const hidden = inputs[lstmInputIndex.outputState] as Int8Array;
    const cell = inputs[lstmInputIndex.cellState] as Int16Array;
    const output = outputs[0] as Int8Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const forget = computeGate('forget', inputs, step);
      const input = computeGate('input', inputs, step);
      const cellGate = computeGate('cell', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        const kept = multiply(forget[i], cell[c], parameters.forgetTimesCell, 0, -32768, 32767);
        const added = multiply(input[i], cellGate[i], parameters.inputTimesCellGate, 0, -32768, 32767);
        const updated = saturatingAddInt16(kept, added);
        cell[c] = cellClip === undefined ? updated : saturate(updated, -cellClip, cellClip);
      }
      const outputGate = computeGate('output', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        hidden[c] = multiply(tanhInt16(cell[c], cellTanh), outputGate[i], parameters.tanhCellTimesOutput, hiddenZeroPoint, -128, 127);
      }
      output.set(hidden.subarray(step.stateOffset, step.stateOffset + count), step.outputOffset);
    }
  };
}
