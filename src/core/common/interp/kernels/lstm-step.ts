/**
 * The step every LSTM kernel runs (TFLite Micro's `LstmStep`, `lstm_eval.h`), whatever its types:
 * for each step of the layout, the forget, input and cell gates, the cell update, then the output
 * gate (still from the previous hidden state, as TFLite Micro computes it after the cell update)
 * and the hidden state, which is also the step's output. The arithmetic is the kernel's
 * (`lstm-float.ts`, `lstm-integer.ts`, `lstm-integer16.ts`).
 */
import type { KernelEval } from '../kernel.js';
import type { TensorData } from '../../ir/types.js';
import { saturatingAddInt16 } from '../../ops/fixed-point.js';
import { lstmInputIndex, lstmSteps, type LstmGateName, type LstmLayout, type LstmStep } from '../../ops/lstm-layout.js';
import { sigmoidInt16, tanhInt16 } from './lstm-activations.js';

type GateArray = Int16Array | Float32Array;
type StateArray = Int8Array | Int16Array | Float32Array;

/** One LSTM's arithmetic, element by element. */
export interface LstmArithmetic<Gate extends GateArray> {
  /** A gate buffer of `size` values. */
  gateArray(size: number): Gate;
  /** FC_x(x) of the step's rows into `result` and FC_h(h) into `recurrent` (weights and bias at `lstmGateInputs[gate]`). */
  fullyConnected(gate: LstmGateName, inputs: readonly (TensorData | undefined)[], step: LstmStep, result: Gate, recurrent: Gate): void;
  /** The gate's activation of its two FC results. */
  activation(gate: LstmGateName): (input: number, recurrent: number) => number;
  /** The new cell state from the forget, input and cell gates and the old cell state. */
  cell(forget: number, cell: number, input: number, cellGate: number): number;
  /** The new hidden state from the cell state and the output gate. */
  hidden(cell: number, outputGate: number): number;
}

/** The int16 gates' activations of sat16(FC_x + FC_h), shared by the integer LSTMs. */
export const int16GateActivations = {
  sigmoid: (input: number, recurrent: number) => sigmoidInt16(saturatingAddInt16(input, recurrent)),
  tanh: (input: number, recurrent: number) => tanhInt16(saturatingAddInt16(input, recurrent)),
};

export function lstmEval<Gate extends GateArray>(layout: LstmLayout, arithmetic: LstmArithmetic<Gate>): KernelEval {
  const steps = lstmSteps(layout);
  const { stateSize } = layout;
  const gateSize = (layout.timeMajor ? layout.batchSize : 1) * stateSize;
  const gateOutputs: Record<LstmGateName, Gate> = {
    input: arithmetic.gateArray(gateSize),
    forget: arithmetic.gateArray(gateSize),
    cell: arithmetic.gateArray(gateSize),
    output: arithmetic.gateArray(gateSize),
  };
  const recurrentScratch = arithmetic.gateArray(gateSize);

  const computeGate = (gate: LstmGateName, inputs: readonly (TensorData | undefined)[], step: LstmStep): Gate => {
    const result = gateOutputs[gate];
    arithmetic.fullyConnected(gate, inputs, step, result, recurrentScratch);
    const activation = arithmetic.activation(gate);
    const count = step.rows * stateSize;
    for (let i = 0; i < count; i++) result[i] = activation(result[i], recurrentScratch[i]);
    return result;
  };

  return (inputs, outputs) => {
    const hidden = inputs[lstmInputIndex.outputState] as StateArray;
    const cell = inputs[lstmInputIndex.cellState] as Int16Array | Float32Array;
    const output = outputs[0] as StateArray;
    for (const step of steps) {
      const count = step.rows * stateSize;
      const forget = computeGate('forget', inputs, step);
      const input = computeGate('input', inputs, step);
      const cellGate = computeGate('cell', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        cell[c] = arithmetic.cell(forget[i], cell[c], input[i], cellGate[i]);
      }
      const outputGate = computeGate('output', inputs, step);
      for (let i = 0; i < count; i++) {
        const c = step.stateOffset + i;
        hidden[c] = arithmetic.hidden(cell[c], outputGate[i]);
      }
      output.set(hidden.subarray(step.stateOffset, step.stateOffset + count), step.outputOffset);
    }
  };
}
