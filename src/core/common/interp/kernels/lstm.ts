/**
 * Host kernel for UNIDIRECTIONAL_SEQUENCE_LSTM, following TFLite Micro's LSTM
 * (`unidirectional_sequence_lstm.cc`, `lstm_eval.h`, `lstm_eval_common.cc`):
 *
 * - int8 (`lstm-integer.ts`): bit-exact with TFLite Micro's integer LSTM (int8 activations and
 *   weights, int32 biases, int16 gates and cell state);
 * - float32 (`lstm-float.ts`): the same cell in float32 arithmetic.
 *
 * The hidden state (input 18) and cell state (input 19) are variable tensors: the interpreter
 * passes their current values in and the kernel updates them in place, so in streaming mode a
 * sequence continues across runs and in reset mode every run starts from the initial state.
 *
 * Refused, with the reason: hybrid LSTM (float activations with int8 weights), int16
 * activations, and the variants TFLite Micro does not run either (peephole, projection, layer
 * normalisation, CIFG; see `lstm-layout.ts`).
 */
import { isOp } from '../../ir/types.js';
import type { KernelPrepare } from '../kernel.js';
import { failOp } from '../op-utils.js';
import { registerLegacyKernel } from '../registry.js';
import { prepareFloatLstm } from './lstm-float.js';
import { prepareIntegerLstm } from './lstm-integer.js';
import { LstmTensors, lstmInputIndex, readLstmLayout } from './lstm-layout.js';

const prepareUnidirectionalSequenceLstm: KernelPrepare = ({ graph, op, opIndex }) => {
  if (!isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM')) failOp(op, opIndex, 'is not a UNIDIRECTIONAL_SEQUENCE_LSTM');
  const tensors: LstmTensors = new LstmTensors(graph, op, opIndex);
  const layout = readLstmLayout(tensors);
  const input = tensors.required(lstmInputIndex.input);
  const weights = tensors.required(lstmInputIndex.inputToForgetWeights);
  if (input.dtype === 'float32') {
    if (weights.dtype !== 'float32') {
      tensors.fail(
        `hybrid LSTM (float32 input, ${weights.dtype} weights in ${tensors.label(lstmInputIndex.inputToForgetWeights)}) ` +
          `is not supported; quantize the whole model to int8 or keep it float32`,
      );
    }
    return prepareFloatLstm(tensors, layout);
  }
  if (input.dtype === 'int8') return prepareIntegerLstm(tensors, layout);
  tensors.fail(`${tensors.label(lstmInputIndex.input)} is ${input.dtype}; supported LSTM inputs are float32 and int8`);
};

registerLegacyKernel('UNIDIRECTIONAL_SEQUENCE_LSTM', prepareUnidirectionalSequenceLstm);
