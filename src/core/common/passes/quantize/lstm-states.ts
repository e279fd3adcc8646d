/**
 * The hidden and cell state of a float LSTM at every time step, for calibration. The int8 LSTM
 * needs the range of both (the hidden state becomes int8, the cell state int16 with a power-of-two
 * scale), but an inference only leaves the state after the last step in the state tensors. So
 * the cell is replayed here from the op's input and weights, in double precision (a range, not a
 * bit-exact result, is wanted), with the gate order and equations of the float kernel
 * (`interp/kernels/lstm-float.ts`): f, i, o = σ(W·x + b + R·h), g = tanh(W_c·x + b_c + R_c·h),
 * c = f·c + i·g clipped to ±cell_clip, h = o·tanh(c). The state starts at zero, as each
 * calibration inference does.
 */

import type { Graph, TensorData } from '../../ir/types.js';
import { isOp } from '../../ir/types.js';
import { InterpreterError } from '../../errors.js';
import { LstmTensors, lstmGateInputs, lstmInputIndex, lstmSteps, readLstmLayout, type LstmGateName } from '../../ops/lstm-layout.js';
import { opContext } from '../../ops/op.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Every value the hidden and the cell state of LSTM op `opIndex` take during one inference whose
 * tensor values are `values` (the interpreter's `keepIntermediates` result): the op's input and
 * weights are read from it.
 */
export function recordLstmStates(graph: Graph, opIndex: number, values: ReadonlyMap<number, TensorData>): { hidden: Float32Array; cell: Float32Array } {
  const op = graph.ops[opIndex];
  if (!isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) throw new Error(`op ${opIndex} (${op.type}) is not an LSTM`);
  const layout = readLstmLayout(new LstmTensors(opContext(graph, op, opIndex, InterpreterError)));
  const { inputSize, stateSize, batchSize } = layout;
  const read = (index: number) => values.get(op.inputs[index]) as Float32Array;
  const input = read(lstmInputIndex.input);
  const gates = (['input', 'forget', 'cell', 'output'] as const).map((gate) => ({
    gate,
    weights: read(lstmGateInputs[gate].inputWeights),
    recurrent: read(lstmGateInputs[gate].recurrentWeights),
    bias: read(lstmGateInputs[gate].bias),
  }));
  const clip = op.attrs.cellClip;
  const hidden = new Float64Array(batchSize * stateSize);
  const cell = new Float64Array(batchSize * stateSize);
  const steps = lstmSteps(layout);
  const rowsPerStep = steps[0]?.rows ?? 0;
  const hiddenTrace = new Float32Array(steps.length * rowsPerStep * stateSize);
  const cellTrace = new Float32Array(steps.length * rowsPerStep * stateSize);
  const gate: Record<LstmGateName, Float64Array> = {
    input: new Float64Array(stateSize),
    forget: new Float64Array(stateSize),
    cell: new Float64Array(stateSize),
    output: new Float64Array(stateSize),
  };
  let traced = 0;
  for (const step of steps) {
    for (let row = 0; row < step.rows; row++) {
      const x = step.inputOffset + row * inputSize;
      const state = step.stateOffset + row * stateSize;
      for (const { gate: name, weights, recurrent, bias } of gates) {
        for (let unit = 0; unit < stateSize; unit++) {
          let sum = bias[unit];
          for (let d = 0; d < inputSize; d++) sum += weights[unit * inputSize + d] * input[x + d];
          for (let d = 0; d < stateSize; d++) sum += recurrent[unit * stateSize + d] * hidden[state + d];
          gate[name][unit] = name === 'cell' ? Math.tanh(sum) : sigmoid(sum);
        }
      }
      for (let unit = 0; unit < stateSize; unit++) {
        let c = gate.forget[unit] * cell[state + unit] + gate.input[unit] * gate.cell[unit];
        if (clip > 0) c = Math.max(-clip, Math.min(clip, c));
        cell[state + unit] = c;
        hidden[state + unit] = gate.output[unit] * Math.tanh(c);
        cellTrace[traced] = c;
        hiddenTrace[traced] = hidden[state + unit];
        traced++;
      }
    }
  }
  return { hidden: hiddenTrace, cell: cellTrace };
}
