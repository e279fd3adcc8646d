import { gruGateNames, gruInputIndex, gruGateWord, type GruLayout } from '../../ops/gru-layout.js';
import type { Int16GruArithmetic } from '../../ops/gru.js';
import { expectConstant, input, output, type LowerContext, type OpEmitter, type OpLowering } from '../lowering.js';
import { requantC } from '../params.js';
import { rnnS16FcBytes } from './lstm-s16.js';

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
  const x = input(context, gruInputIndex.input, 'input');
  const hidden = input(context, gruInputIndex.hiddenState, 'hidden state');
  const y = output(context);
  const gates = gruGateNames.map((gate) => {
    const word = gruGateWord(gate);
    const roles = [`input-to-${word} weights`, `recurrent-to-${word} weights`, `${word} gate bias`];
    const slots = [gruInputIndex.inputWeights[gate], gruInputIndex.recurrentWeights[gate], gruInputIndex.bias[gate]];
    const tensors = slots.map((slot, i) => input(context, slot, roles[i]));
    tensors.forEach((tensor, i) => expectConstant(context, tensor, roles[i]));
    return { gate, tensors };
  });
  const recurrentNBias = layout.hasRecurrentNBias ? input(context, gruInputIndex.recurrentNBias, 'recurrent new-gate bias') : undefined;
  if (recurrentNBias) expectConstant(context, recurrentNBias, 'recurrent new-gate bias');
  return {
    kernels: ['td_gru_s16', 'td_fully_connected_s16'],
    scratchBytes: gruS16BufferSize(layout.batchSize, layout.inputSize, layout.stateSize),
    emit: (e: OpEmitter) => {
      const gateParams = gates.map(({ gate, tensors }) => {
        const { inputMultiplier, recurrentMultiplier } = arithmetic.gates[gate];
        return `{${tensors.map((tensor) => e.pointer(tensor, 'read')).join(', ')}, ${requantC(inputMultiplier)}, ${requantC(recurrentMultiplier)}}`;
      });
      const nBias = recurrentNBias ? e.pointer(recurrentNBias, 'read') : 'NULL';
      const params = e.struct('params', 'td_gru_params_s16', `{${dims}, ${gateParams.join(', ')}, ${nBias}, ${requantC(arithmetic.outputMultiplier)}}`);
      return `td_gru_s16(${e.context()}, ${params}, ${e.pointer(x, 'read')}, ${e.pointer(hidden, 'write')}, ${e.pointer(y, 'write')})`;
    },
  };
}
