/**
 * The packed LSTM and GRU kernels' branch-free int16 sigmoid and tanh and their rearranged tables
 * (firmware/kernels/src/opt/cortex-m/td_rnn_dsp.h) against TFLite's interpolations the portable
 * kernels use (td_lstm_s8_reference.h), on every input they can see: every int16 gate
 * pre-activation, and every cell-tanh input a cell scale from 2^-8 to 2^-15 gives; and the LSTM's
 * signed-table sigmoid and tanh on every gate pre-activation and every tanh input up to 2^18 in
 * magnitude. Compiled for the host with the DSP intrinsics emulated (the same C the Cortex-M
 * build compiles).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, hostCompilerFlags, kernelFiles, requireCompiler, runProgram } from '../../src/core/node/toolchain/index.js';
import { missingHostCompiler, withTemporaryDirectory } from './testing/codegen.js';
import { requireTools } from '../testing/tools.js';

const program = `
#include <stdio.h>
#include "td_dsp.h"
#include "td_lstm_s8_reference.h"
#include "td_rnn_dsp.h"

int main(void)
{
    long checked = 0, wrong = 0;
    int32_t x, power;
    for (x = -32768; x <= 32767; ++x) {
        wrong += td_lstm_sigmoid_gate(x) != td_lstm_gate_sigmoid(x);
        wrong += td_lstm_tanh_fast(x * 3) != td_lstm_gate_tanh(x);
        checked += 2;
    }
    for (x = -32768; x <= 32767; ++x) {
        wrong += td_lstm_sigmoid_signed(x * 3) != td_lstm_gate_sigmoid(x);
        wrong += td_lstm_tanh_signed(x * 3) != td_lstm_gate_tanh(x);
        checked += 2;
    }
    for (x = -(1 << 18); x <= 1 << 18; ++x) {
        wrong += td_lstm_tanh_signed(x) != td_tanh_int16(x);
        ++checked;
    }
    wrong += td_lstm_tanh_signed(INT32_MIN) != td_tanh_int16(-(1 << 20)) || td_lstm_tanh_signed(INT32_MAX) != td_tanh_int16(1 << 20);
    for (power = -15; power <= -8; ++power) {
        const td_int16_scaling scaling = td_lstm_cell_tanh_scaling(power);
        for (x = -32768; x <= 32767; ++x) {
            const int32_t input = td_int16_rescale(x, &scaling);
            wrong += td_lstm_tanh_fast(input) != td_tanh_int16(input);
            ++checked;
        }
    }
    printf("%ld %ld\\n", checked, wrong);
    return 0;
}
`;

describe('the packed RNN kernels\' fast sigmoid and tanh', () => {
  requireTools(missingHostCompiler);
  it('equal TFLite\'s int16 interpolations on every gate pre-activation and cell-tanh input', async () => {
    const kernels = await kernelFiles(['td_lstm_s8_packed'], 'dsp');
    await withTemporaryDirectory('rnn-activations', async (directory) => {
      await writeFile(join(directory, 'check.c'), program);
      await compile(await requireCompiler('host'), {
        sources: [join(directory, 'check.c')],
        output: join(directory, 'check'),
        includeDirs: [join(kernels.root, 'include'), join(kernels.root, 'src/opt/cortex-m'), join(kernels.root, 'src/lstm')],
        defines: { TD_DSP_EMULATE: true },
        flags: hostCompilerFlags,
        linkFlags: ['-lm'],
      });
      const [checked, wrong] = (await runProgram(join(directory, 'check'))).stdout.toString().trim().split(' ').map(Number);
      expect(checked).toBe(65536 * 2 + 65536 * 2 + (2 ** 19 + 1) + 65536 * 8);
      expect(wrong).toBe(0);
    });
  });
});
