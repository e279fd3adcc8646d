/**
 * Host kernel for UNIDIRECTIONAL_SEQUENCE_LSTM, following TFLite Micro's LSTM
 * (`unidirectional_sequence_lstm.cc`, `lstm_eval.h`, `lstm_eval_common.cc`), from the plan of
 * `ops/lstm.ts`:
 *
 * - int8 (`lstm-integer.ts`): bit-exact with TFLite Micro's integer LSTM (int8 activations and
 *   weights, int32 biases, int16 gates and cell state);
 * - int16 (`lstm-integer16.ts`): TFLite Micro's 16x8 LSTM (int16 activations, int8 weights, int64
 *   biases, 64-bit FC accumulators);
 * - float32 (`lstm-float.ts`): the same cell in float32 arithmetic.
 *
 * The hidden state (input 18) and cell state (input 19) are variable tensors: the interpreter
 * passes their current values in and the kernel updates them in place, so in streaming mode a
 * sequence continues across runs and in reset mode every run starts from the initial state.
 */
import { unidirectionalSequenceLstm } from '../../ops/lstm.js';
import { registerKernel } from '../registry.js';
import { floatLstm } from './lstm-float.js';
import { integerLstm } from './lstm-integer.js';
import { integerLstm16x8 } from './lstm-integer16.js';

registerKernel(unidirectionalSequenceLstm, ({ layout, arithmetic }) =>
  arithmetic.flavour === 'int8'
    ? integerLstm(layout, arithmetic)
    : arithmetic.flavour === 'int16'
      ? integerLstm16x8(layout, arithmetic)
      : floatLstm(layout, arithmetic),
);
