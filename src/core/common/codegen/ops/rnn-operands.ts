/**
 * The operands every LSTM and GRU lowering reads (lstm.ts, lstm-s16.ts, gru.ts, gru-s16.ts): the
 * input, state and output tensors, and each gate's weights and bias, which must be constants.
 */
import { gruGateNames, gruGateWord, gruInputIndex, type GruGateName, type GruLayout } from '../../ops/gru-layout.js';
import { lstmGateInputs, lstmGateNames, lstmInputIndex, type LstmGateName, type LstmLayout } from '../../ops/lstm-layout.js';
import type { Tensor } from '../../ir/types.js';
import { expectConstant, input, output, type LowerContext, type OpEmitter } from '../lowering.js';

/** One gate's [input weights, recurrent weights, bias], each checked constant, with their roles for messages. */
export interface RnnGateOperands<Gate extends string> {
  readonly gate: Gate;
  readonly roles: readonly string[];
  readonly tensors: readonly Tensor[];
}

function gateOperands<Gate extends string>(context: LowerContext, gate: Gate, word: string, slots: readonly number[]): RnnGateOperands<Gate> {
  const roles = [`input-to-${word} weights`, `recurrent-to-${word} weights`, `${word} gate bias`];
  const tensors = slots.map((slot, i) => input(context, slot, roles[i]));
  tensors.forEach((tensor, i) => expectConstant(context, tensor, roles[i]));
  return { gate, roles, tensors };
}

/** The LSTM's input, hidden and cell states, output and gates (TFLite's gate order). */
export function lstmOperands(context: LowerContext) {
  const x = input(context, lstmInputIndex.input, 'input');
  const hidden = input(context, lstmInputIndex.outputState, 'hidden state');
  const cell = input(context, lstmInputIndex.cellState, 'cell state');
  const y = output(context);
  const gates = lstmGateNames.map((gate): RnnGateOperands<LstmGateName> => {
    const { inputWeights, recurrentWeights, bias } = lstmGateInputs[gate];
    return gateOperands(context, gate, gate, [inputWeights, recurrentWeights, bias]);
  });
  return { x, hidden, cell, y, gates };
}

/** The C initializer of td_lstm_dims. */
export function lstmDimsC({ timeMajor, batchSize, timeSteps, inputSize, stateSize }: LstmLayout): string {
  return `{${timeMajor ? 1 : 0}, ${batchSize}, ${timeSteps}, ${inputSize}, ${stateSize}}`;
}

/** The GRU's input, hidden state, output, gates (r, z, n) and recurrent new-gate bias (if the layout has one). */
export function gruOperands(context: LowerContext, layout: GruLayout) {
  const x = input(context, gruInputIndex.input, 'input');
  const hidden = input(context, gruInputIndex.hiddenState, 'hidden state');
  const y = output(context);
  const gates = gruGateNames.map((gate): RnnGateOperands<GruGateName> =>
    gateOperands(context, gate, gruGateWord(gate), [gruInputIndex.inputWeights[gate], gruInputIndex.recurrentWeights[gate], gruInputIndex.bias[gate]]),
  );
  const recurrentNBias = layout.hasRecurrentNBias ? input(context, gruInputIndex.recurrentNBias, 'recurrent new-gate bias') : undefined;
  if (recurrentNBias) expectConstant(context, recurrentNBias, 'recurrent new-gate bias');
  return { x, hidden, y, gates, recurrentNBias };
}

/** The C initializer list of a gate's weight and bias pointers. */
export function gatePointersC(e: OpEmitter, tensors: readonly Tensor[]): string {
  return tensors.map((tensor) => e.pointer(tensor, 'read')).join(', ');
}
