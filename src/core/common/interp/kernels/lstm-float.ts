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
 * previous hidden state (the step is `lstm-step.ts`).
 */
import type { KernelEval } from '../kernel.js';
import { sigmoidFloat32, tanhFloat32 } from './lstm-activations.js';
import type { FloatLstmArithmetic } from '../../ops/lstm.js';
import { lstmGateInputs, lstmInputIndex, type LstmLayout } from '../../ops/lstm-layout.js';
import { lstmEval } from './lstm-step.js';

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

// The gate and state arrays are float32: each store rounds the value as the C code's float arithmetic does.
const gateActivations = {
  sigmoid: (input: number, recurrent: number) => sigmoidFloat32(Math.fround(input + recurrent)),
  tanh: (input: number, recurrent: number) => tanhFloat32(Math.fround(input + recurrent)),
};

/** The float32 LSTM's eval (the plan, ops/lstm.ts, has checked every tensor is float32). */
export function floatLstm(layout: LstmLayout, { cellClip }: FloatLstmArithmetic): KernelEval {
  const { inputSize, stateSize } = layout;
  return lstmEval(layout, {
    gateArray: (size) => new Float32Array(size),
    fullyConnected: (gate, inputs, step, result, recurrent) => {
      const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
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
        recurrent,
      );
    },
    activation: (gate) => (gate === 'cell' ? gateActivations.tanh : gateActivations.sigmoid),
    cell: (forget, cell, input, cellGate) => {
      const updated = Math.fround(Math.fround(forget * cell) + Math.fround(input * cellGate));
      return cellClip > 0 ? Math.max(Math.min(cellClip, updated), -cellClip) : updated;
    },
    hidden: (cell, outputGate) => tanhFloat32(cell) * outputGate,
  });
}
