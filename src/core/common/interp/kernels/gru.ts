/**
 * Host kernel for TD_GRU (ops/gru.ts): float32 (`gru-float.ts`), int8 with int16 gates and
 * state (`gru-integer.ts`) and 16x8 (`gru-integer16.ts`). The hidden state (input 11) is a variable tensor updated in place, so
 * streaming continues a sequence across runs as the LSTM does.
 */
import { gru } from '../../ops/gru.js';
import { registerKernel } from '../registry.js';
import { floatGru } from './gru-float.js';
import { integerGru } from './gru-integer.js';
import { integerGru16x8 } from './gru-integer16.js';

registerKernel(gru, ({ layout, arithmetic }) =>
  arithmetic.flavour === 'int8' ? integerGru(layout, arithmetic) : arithmetic.flavour === 'int16' ? integerGru16x8(layout, arithmetic) : floatGru(layout, arithmetic),
);
