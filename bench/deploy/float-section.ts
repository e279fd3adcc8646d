import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The README's float section, from what bench/deploy/float.ts wrote (results-float-<board>.json):
 * per float model, the optimized kernels' instructions against the portable ones' on the same
 * board, and whether both builds' outputs are the same. Empty when float.ts has not run.
 */
interface FloatRow {
  model: string;
  optimized: { instructions: number; perMac: number; flashBytes: number };
  portable: { instructions: number; perMac: number; flashBytes: number };
  ratio: number;
  bitExactWithInterpreter: { optimized: boolean; portable: boolean };
  sameOutputsAsPortable: boolean;
}

export function floatSection(directory: string): string {
  const boards = ['virtual-m4f', 'virtual-m7'].filter((board) => existsSync(join(directory, `results-float-${board}.json`)));
  if (boards.length === 0) return '';
  const count = (value: number) => value.toLocaleString('en-US');
  const tables = boards.map((board) => {
    const rows = (JSON.parse(readFileSync(join(directory, `results-float-${board}.json`), 'utf8')) as { models: FloatRow[] }).models;
    const lines = rows.map(
      (row) =>
        `| ${row.model} | ${count(row.optimized.instructions)} | ${row.optimized.perMac.toFixed(2)} | ${count(row.portable.instructions)} | ${row.portable.perMac.toFixed(2)} | ${row.ratio} | ${count(row.optimized.flashBytes - row.portable.flashBytes)} | ${row.sameOutputsAsPortable ? 'yes' : 'NO'} | ${row.bitExactWithInterpreter.optimized ? 'yes' : 'no (as portable)'} |`,
    );
    return [
      `${board}:`,
      '',
      '| model | optimized | per MAC | portable | per MAC | ratio | flash Δ B | outputs = portable | = interpreter |',
      '|---|---:|---:|---:|---:|---:|---:|---|---|',
      ...lines,
    ].join('\n');
  });
  return `
## Float models: optimized against portable kernels

\`npx tsx bench/deploy/float.ts [--board virtual-m7]\` deploys the float models twice on the same board: with the
optimized kernels (on an FPU core the blocked float32 kernels, firmware/kernels/README.md) and with the portable ones
(TFLite's reference loops, the same order of float operations). ../shared/baseline has no TFLite Micro float figures:
the portable kernels are the reference-order comparison. Outputs must be the same bytes in both builds; where the
portable build already differs from the interpreter (exp and tanh, by an ulp or two, in the softmax and the LSTM), the
optimized one differs identically. Flash Δ is code only (the packed weights are the same size). Both builds of the
float LSTM take exp and tanh from td_expf / td_tanhf (firmware/kernels/src/internal/td_math_f32.h); with the C
library's expf and tanhf, which TFLite Micro's reference kernels call, its portable build took 1,021,800 instructions
on virtual-m4f (the optimized one 654,960), so against that reference-order build the optimized LSTM is now 0.547x.

${tables.join('\n\n')}
`;
}
