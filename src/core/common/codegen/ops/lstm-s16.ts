import type { Int16LstmArithmetic, LstmPlan } from '../../ops/lstm.js';
import { cInt } from '../c-source.js';
import { fail, tensorName, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { requantC } from '../params.js';
import { gatePointersC, lstmDimsC, lstmOperands } from './rnn-operands.js';

/** td_rnn_s16_fc_bytes (td_rnn_s16.h): S int32 multipliers and S shifts, or 2 bytes per input of the longer row rounded up to 4. */
export function rnnS16FcBytes(inputSize: number, stateSize: number): number {
  return Math.max(2 * (Math.ceil(Math.max(inputSize, stateSize) / 4) * 4), 2 * stateSize * 4);
}

/** td_lstm_s16_get_buffer_size: four int16 buffers of B · S values, then the FC step's scratch. */
export function lstmS16BufferSize(batchSize: number, inputSize: number, stateSize: number): number {
  return 4 * batchSize * stateSize * 2 + rnnS16FcBytes(inputSize, stateSize);
}

/**
 * A 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM (int16 activations, int8 weights, int64 biases) →
 * td_lstm_s16, from the plan of ops/lstm.ts. Weights and biases must be constants; the int16
 * weights must be symmetric (zero point 0). Each of its FCs is td_rnn_s16.h's step (a
 * td_fully_connected_s16 call, or on DSP boards td_rnn_s16_dsp.h's loop). Scratch: td_lstm_s16_get_buffer_size.
 */
export function lowerLstmS16(layout: LstmPlan['layout'], arithmetic: Int16LstmArithmetic, context: LowerContext): OpLowering {
  const { x, hidden, cell, y, gates } = lstmOperands(context);
  for (const { gate, tensors } of gates) {
    [arithmetic.gates[gate].inputWeightsOffset, arithmetic.gates[gate].recurrentWeightsOffset].forEach((offset, i) => {
      if (offset !== 0) fail(context, `${gate} gate weights ${tensorName(tensors[i])} have zero point ${-offset}, expected 0 (the C kernel takes symmetric weights)`);
    });
  }
  const { batchSize, inputSize, stateSize } = layout;
  const dims = lstmDimsC(layout);
  const { cellClip } = arithmetic;
  return {
    kernels: ['td_lstm_s16', 'td_fully_connected_s16'],
    scratchBytes: lstmS16BufferSize(batchSize, inputSize, stateSize),
    emit: (e: OpEmitter) => {
      const gateParams = gates.map(({ gate, tensors }) => {
        const { inputMultiplier, recurrentMultiplier } = arithmetic.gates[gate];
        return `{${gatePointersC(e, tensors)}, ${requantC(inputMultiplier)}, ${requantC(recurrentMultiplier)}}`;
      });
      const params = e.struct(
        'params',
        'td_lstm_params_s16',
        `{${dims}, ${gateParams.join(', ')}, TD_LSTM_TANH, ${requantC(arithmetic.forgetTimesCell)}, ${requantC(arithmetic.inputTimesCellGate)}, ` +
          `${requantC(arithmetic.tanhCellTimesOutput)}, ${cellClip === undefined ? 0 : 1}, ${cInt(cellClip ?? 0)}, ${arithmetic.cellScalePower}}`,
      );
      return `td_lstm_s16(${e.context()}, ${params}, ${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(cell, 'write')}, ${e.pointer(y, 'write')})`;
    },
  };
}
