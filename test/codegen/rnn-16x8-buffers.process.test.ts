/**
 * The generator's mirrors of td_lstm_s16_get_buffer_size and td_gru_s16_get_buffer_size
 * (codegen/ops/lstm-s16.ts, gru-s16.ts) against the C functions, compiled for the host in the
 * portable and the DSP variant: the arena plan reserves what the 16x8 LSTM and GRU ask for.
 */
import { describe, expect, it } from 'vitest';
import { gruS16BufferSize } from '../../src/core/common/codegen/ops/gru-s16.js';
import { lstmS16BufferSize } from '../../src/core/common/codegen/ops/lstm-s16.js';
import { requireTools } from '../testing/tools.js';
import { missingHostCompiler } from './testing/codegen.js';
import { runWithKernels } from './testing/host-program.js';

/** [batch, input size, state size]: odd B · S (the GRU's padding), a long input, a wide state. */
const cases: [number, number, number][] = [
  [1, 28, 20],
  [3, 5, 7],
  [1, 600, 3],
  [2, 4, 130],
];

function program(): string {
  const lines = ['#include <stdio.h>', '#include "td_kernels.h"', 'int main(void) {'];
  for (const [batch, input, state] of cases) {
    lines.push(`  { td_lstm_dims d = {0, ${batch}, 4, ${input}, ${state}}; printf("lstm_s16 %d\\n", (int)td_lstm_s16_get_buffer_size(&d)); }`);
    lines.push(`  { td_gru_dims d = {0, ${batch}, 4, ${input}, ${state}, 1, 0, 1}; printf("gru_s16 %d\\n", (int)td_gru_s16_get_buffer_size(&d)); }`);
  }
  lines.push('  return 0;', '}');
  return lines.join('\n');
}

describe('16x8 LSTM and GRU scratch sizes', () => {
  requireTools(missingHostCompiler);
  for (const variant of ['portable', 'dsp'] as const) {
    it(`the generator's mirrors equal the kernels' get_buffer_size (${variant} kernels)`, async () => {
      const lines = await runWithKernels(`s16-buffers-${variant}`, ['td_lstm_s16', 'td_gru_s16', 'td_fully_connected_s16'], variant, program());
      const expected = cases.flatMap(([batch, input, state]) => [`lstm_s16 ${lstmS16BufferSize(batch, input, state)}`, `gru_s16 ${gruS16BufferSize(batch, input, state)}`]);
      expect(lines).toEqual(expected);
    });
  }
});
