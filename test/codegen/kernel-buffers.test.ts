/**
 * The generator's mirrors of `td_*_get_buffer_size()` (codegen/kernel-buffers.ts) against the C
 * functions themselves, compiled for the host in the portable and in the DSP variant: the arena
 * plan reserves what the kernels will ask for.
 */
import { describe, expect, it } from 'vitest';
import { kernelBuffers } from '../../src/core/common/codegen/index.js';
import { missingHostCompiler } from './testing/codegen.js';
import { runWithKernels } from './testing/host-program.js';
import { requireTools } from '../testing/tools.js';

type Dims = [number, number, number, number];
const convCases: { input: Dims; filter: Dims }[] = [
  { input: [1, 49, 10, 1], filter: [64, 10, 4, 1] },
  { input: [1, 25, 5, 64], filter: [64, 1, 1, 64] },
  { input: [1, 96, 96, 3], filter: [8, 3, 3, 3] },
  { input: [2, 7, 9, 5], filter: [3, 2, 4, 5] },
  { input: [1, 2, 2, 600], filter: [3, 1, 1, 600] },
  // One to three filters: the few-channel path's widened weights, not when a filter row is shorter than four bytes.
  { input: [1, 9, 7, 5], filter: [2, 5, 5, 5] },
  { input: [1, 4, 9, 1], filter: [1, 1, 3, 1] },
  { input: [1, 10, 15, 15], filter: [1, 3, 5, 15] },
];
const depthwiseCases: { input: Dims; filter: Dims }[] = [
  { input: [1, 25, 5, 64], filter: [1, 3, 3, 64] },
  { input: [1, 5, 5, 256], filter: [1, 3, 3, 256] },
  { input: [1, 12, 12, 8], filter: [1, 5, 5, 16] },
  // One column wide (td_depthwise_conv2d_s8_lines goes down the columns), one row wide.
  { input: [1, 12, 11, 32], filter: [1, 4, 1, 96] },
  { input: [1, 22, 24, 7], filter: [1, 1, 5, 21] },
  // A tall narrow image: the column outgrows the rows' ring.
  { input: [1, 41, 2, 8], filter: [1, 3, 1, 8] },
  // More lines than td_depthwise_conv2d_s8_widened's 6144 bytes hold (bands of them).
  { input: [1, 96, 80, 4], filter: [1, 7, 1, 8] },
  // Two lines a window: along the rows (2x3), down the columns (4x2).
  { input: [1, 10, 39, 3], filter: [1, 2, 3, 3] },
  { input: [1, 16, 18, 12], filter: [1, 4, 2, 24] },
];
const fullyConnectedCases = [
  [640, 128],
  [560, 10],
  [3, 1],
];
const lstmCases = [
  [1, 28, 28, 20],
  [3, 5, 7, 11],
];

const dims = ([n, h, w, c]: Dims) => `{${n}, ${h}, ${w}, ${c}}`;

function program(): string {
  const lines = ['#include <stdio.h>', '#include "td_kernels.h"', 'int main(void) {'];
  for (const { input, filter } of convCases) {
    lines.push(`  { td_dims i = ${dims(input)}, f = ${dims(filter)}; printf("conv2d_s8 %d\\n", (int)td_conv2d_s8_get_buffer_size(&i, &f));`);
    lines.push(`    printf("conv2d_s8_small %d\\n", (int)td_conv2d_s8_small_get_buffer_size(&i, &f));`);
    lines.push(`    printf("conv2d_s16 %d\\n", (int)td_conv2d_s16_get_buffer_size(&i, &f));`);
    lines.push(`    printf("conv2d_f32 %d\\n", (int)td_conv2d_f32_get_buffer_size(&i, &f)); }`);
  }
  for (const { input, filter } of depthwiseCases) {
    lines.push(`  { td_dims i = ${dims(input)}, f = ${dims(filter)}; printf("depthwise_conv2d_s8 %d\\n", (int)td_depthwise_conv2d_s8_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_s8_paired %d\\n", (int)td_depthwise_conv2d_s8_paired_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_s8_lines %d\\n", (int)td_depthwise_conv2d_s8_lines_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_s8_columns %d\\n", (int)td_depthwise_conv2d_s8_columns_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_s8_widened %d\\n", (int)td_depthwise_conv2d_s8_widened_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_s16 %d\\n", (int)td_depthwise_conv2d_s16_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_s8_wide_rows5 %d\\n", (int)td_depthwise_conv2d_s8_wide_rows5_get_buffer_size(&i, &f));`);
    lines.push(`    printf("depthwise_conv2d_f32 %d\\n", (int)td_depthwise_conv2d_f32_get_buffer_size(&i, &f)); }`);
  }
  for (const [input, output] of fullyConnectedCases) {
    lines.push(`  printf("fully_connected_s8 %d\\n", (int)td_fully_connected_s8_get_buffer_size(${input}, ${output}));`);
    lines.push(`  printf("fully_connected_f32 %d\\n", (int)td_fully_connected_f32_get_buffer_size(${input}, ${output}));`);
  }
  for (const [batch, steps, inputSize, state] of lstmCases) {
    lines.push(`  { td_lstm_dims d = {0, ${batch}, ${steps}, ${inputSize}, ${state}};`);
    lines.push(`    printf("lstm_s8 %d\\n", (int)td_lstm_s8_get_buffer_size(&d)); printf("lstm_f32 %d\\n", (int)td_lstm_f32_get_buffer_size(&d)); }`);
  }
  lines.push('  return 0;', '}', '');
  return lines.join('\n');
}

function expected(dsp: boolean): string[] {
  const lines: string[] = [];
  for (const { input, filter } of convCases) {
    lines.push(
      `conv2d_s8 ${kernelBuffers.conv2dS8BufferSize(dsp, input, filter)}`,
      `conv2d_s8_small ${kernelBuffers.conv2dS8SmallBufferSize(dsp, input, filter)}`,
      `conv2d_s16 ${kernelBuffers.conv2dS16BufferSize(dsp, input, filter)}`,
      `conv2d_f32 ${kernelBuffers.convF32BufferSize(input, filter)}`,
    );
  }
  for (const { input, filter } of depthwiseCases) {
    lines.push(
      `depthwise_conv2d_s8 ${kernelBuffers.depthwiseConv2dS8BufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_s8_paired ${kernelBuffers.depthwiseConv2dS8PairedBufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_s8_lines ${kernelBuffers.depthwiseConv2dS8LinesBufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_s8_columns ${kernelBuffers.depthwiseConv2dS8ColumnsBufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_s8_widened ${kernelBuffers.depthwiseConv2dS8WidenedBufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_s16 ${kernelBuffers.depthwiseConv2dS16BufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_s8_wide_rows5 ${kernelBuffers.depthwiseConv2dS8WideRows5BufferSize(dsp, input, filter)}`,
      `depthwise_conv2d_f32 ${kernelBuffers.convF32BufferSize(input, filter)}`,
    );
  }
  for (const [input, output] of fullyConnectedCases) {
    lines.push(
      `fully_connected_s8 ${kernelBuffers.fullyConnectedS8BufferSize(dsp, input, output)}`,
      `fully_connected_f32 ${kernelBuffers.fullyConnectedF32BufferSize(input, output)}`,
    );
  }
  for (const [batch, , , state] of lstmCases) {
    lines.push(`lstm_s8 ${kernelBuffers.lstmS8BufferSize(batch, state)}`, `lstm_f32 ${kernelBuffers.lstmF32BufferSize(batch, state)}`);
  }
  return lines;
}

describe('kernel scratch sizes', () => {
  requireTools(missingHostCompiler);
  for (const variant of ['portable', 'dsp'] as const) {
    it(`the generator's mirrors equal td_*_get_buffer_size() (${variant} kernels)`, async () => {
      const lines = await runWithKernels(
        `buffers-${variant}`,
        ['td_conv2d_s8', 'td_conv2d_s8_small', 'td_conv2d_s16', 'td_conv2d_f32', 'td_depthwise_conv2d_s8', 'td_depthwise_conv2d_s8_wide', 'td_depthwise_conv2d_s8_widened', 'td_depthwise_conv2d_s16', 'td_depthwise_conv2d_f32', 'td_fully_connected_s8', 'td_fully_connected_f32', 'td_lstm_s8', 'td_lstm_f32'],
        variant,
        program(),
      );
      expect(lines).toEqual(expected(variant === 'dsp'));
    });
  }

  it('the DSP variant of conv2d really needs scratch (the mirror is not trivially zero)', () => {
    expect(kernelBuffers.conv2dS8BufferSize(true, [1, 49, 10, 1], [64, 10, 4, 1])).toBe(1384);
    expect(kernelBuffers.conv2dS8BufferSize(false, [1, 49, 10, 1], [64, 10, 4, 1])).toBe(0);
  });
});
