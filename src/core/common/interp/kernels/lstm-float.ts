/**
 * The float32 LSTM, as TFLite Micro's float LSTM (`lstm_eval.h` with float types) computes it,
 * every operation rounded to float32:
 *
 *     f, i, o = sigmoid(W·x + b + R·h)       (the FC sums in input order, bias added last)
 *     g       = tanh(W_c·x + b_c + R_c·h)
 *     c       = f·c + i·g, then clipped to ±cell_clip when cell_clip > 0
 *     h       = tanh(c)·o                    (also the op's output for this time step)
 *
 * TFLite's gate order for the weights is input, forget, cell, output (inputs 1–4, 5–8, 12–15);
 * TFLite Micro computes forget, input, cell, then output after the cell update, still from the
 * previous hidden state.
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { sigmoidFloat32, tanhFloat32 } from './lstm-activations.js';
import type { FloatLstmArithmetic } from '../../ops/lstm.js';
import { lstmGateInputs, lstmInputIndex, lstmSteps, type LstmGateName, type LstmLayout, type LstmStep } from '../../ops/lstm-layout.js';

/** TFLite's float FullyConnected without activation: `rows` vectors of `depth` values times [units, depth] weights. */
function fullyConnectedFloat32(
  values: Float32Array,
  valuesOffset: number,
  weights: Float32Array,
  bias: Float32Array | undefined,
  rows: number,
  depth: number,
  units: number,
  result: Float32Array,
): void {
  for (let row = 0; row < rows; row++) {
    const rowStart = valuesOffset + row * depth;
    for (let unit = 0; unit < units; unit++) {
      const weightsStart = unit * depth;
      let total = 0;
      for (let d = 0; d < depth; d++) {
        total = Math.fround(total + Math.fround(values[rowStart + d] * weights[weightsStart + d]));
      }
      result[row * units + unit] = bias ? total + bias[unit] : total;
    }
  }
}

/** The float32 LSTM's eval (the plan, ops/lstm.ts, has checked every tensor is float32). */
export function floatLstm(layout: LstmLayout, { cellClip }: FloatLstmArithmetic): KernelEval {
  const steps = lstmSteps(layout);
  const { inputSize, stateSize } = layout;
  const gateSize = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const gateOutputs: Record<LstmGateName, Float32Array> = {
    input: new Float32Array(gateSize),
    forget: new Float32Array(gateSize),
    cell: new Float32Array(gateSize),
    output: new Float32Array(gateSize),
  };
  const recurrentScratch = new Float32Array(gateSize);

  const computeGate = (gate: LstmGateName, inputs: readonly (TensorData | undefined)[], step: LstmStep): Float32Array => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    const result = gateOutputs[gate];
    fullyConnectedFloat32(
      inputs[lstmInputIndex.input] as Float32Array,
      step.inputOffset,
      inputs[inputWeights] as Float32Array,
      inputs[bias] as Float32Array,
      step.rows,
      inputSize,
      stateSize,
      result,
    );
    fullyConnectedFloat32(
      inputs[lstmInputIndex.outputState] as Float32Array,
      step.stateOffset,
      inputs[recurrentWeights] as Float32Array,
      undefined,
      step.rows,
      stateSize,
      stateSize,
      recurrentScratch,
    );
    const activation = gate === 'cell' ? tanhFloat32 : sigmoidFloat32;
    const count = step.rows * stateSize;
    // The result array is float32: each store rounds the sum as the C code's float addition does.
    for (let i = 0; i < count; i++) result[i] = activation(Math.fround(result[i] + recurrentScratch[i]));
    return result;
  };

  return (inputs, outputs) => {
    const hidden = inputs[lstmInputIndex.outputState] as Float32Array;
    const cell = inputs[lstmInputIndex.cellState] as Float32Array;
    const output = outputs[0] as Float32Array;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const forget = computeGate('forget', inputs, step);
      const input = computeGate('input', inputs, step);
      const cellGate = computeGate('cell', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        let updated = Math.fround(Math.fround(forget[i] * cell[c]) + Math.fround(input[i] * cellGate[i]));
        if (cellClip > 0) updated = Math.max(Math.min(cellClip, updated), -cellClip);
        cell[c] = updated;
      }
      const outputGate = computeGate('output', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        hidden[c] = tanhFloat32(cell[c]) * outputGate[i];
      }
      output.set(hidden.subarray(step.stateOffset, step.stateOffset + count), step.outputOffset);
    }
  };
}
