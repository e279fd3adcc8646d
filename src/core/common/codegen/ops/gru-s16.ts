import type { GruLayout } from '../../ops/gru-layout.js';
import type { Int16GruArithmetic } from '../../ops/gru.js';
import type { LowerContext, OpEmitter, OpLowering } from '../lowering.js';
import { requantC } from '../params.js';
import { rnnS16FcBytes } from './lstm-s16.js';
import { gatePointersC, gruOperands } from './rnn-operands.js';

/** td_gru_s16_get_buffer_size: five int16 buffers of B · S values (padded to 4 bytes), then the FC step's scratch. */
export function gruS16BufferSize(batchSize: number, inputSize: number, stateSize: number): number {
  const buffer = batchSize * stateSize;
  return (5 * buffer + (buffer & 1)) * 2 + rnnS16FcBytes(inputSize, stateSize);
}

/**
 * A 16x8 TD_GRU (int16 input and output, int8 weights, int64 input biases, Q0.15 state) →
 * td_gru_s16, from the plan of ops/gru.ts. Weights and biases must be constants; the hidden state
 * is the op's variable tensor. `dims` is the C initializer of td_gru_dims.
 */
export function lowerGruS16(layout: GruLayout, arithmetic: Int16GruArithmetic, dims: string, context: LowerContext): OpLowering {
  const { x, hidden, y, gates, recurrentNBias } = gruOperands(context, layout);
  return {
    kernels: ['td_gru_s16', 'td_fully_connected_s16'],
    scratchBytes: gruS16BufferSize(layout.batchSize, layout.inputSize, layout.stateSize),
    emit: (e: OpEmitter) => {
      const gateParams = gates.map(({ gate, tensors }) => {
        const { inputMultiplier, recurrentMultiplier } = arithmetic.gates[gate];
        return `{${gatePointersC(e, tensors)}, ${requantC(inputMultiplier)}, ${requantC(recurrentMultiplier)}}`;
      });
      const nBias = recurrentNBias ? e.pointer(recurrentNBias, 'read') : 'NULL';
      const params = e.struct('params', 'td_gru_params_s16', `{${dims}, ${gateParams.join(', ')}, ${nBias}, ${requantC(arithmetic.outputMultiplier)}}`);
      return `td_gru_s16(${e.context()}, ${params}, ${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(y, 'write')})`;
    },
  };
}
