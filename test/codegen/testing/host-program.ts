/**
 * A small C program linked with TinyDeploy's kernels, compiled for the host in the portable or the
 * DSP variant (DSP intrinsics emulated) and run: the lines it prints.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compile, hostCompilerFlags, kernelFiles, requireCompiler, runProgram } from '../../../src/core/node/toolchain/index.js';
import { withTemporaryDirectory } from './codegen.js';

/** The lines `source` prints, linked with the kernels of `kernelNames` (a temporary directory named after `name`). */
export async function runWithKernels(name: string, kernelNames: string[], variant: 'portable' | 'dsp', source: string): Promise<string[]> {
  const kernels = await kernelFiles(kernelNames, variant);
  return withTemporaryDirectory(name, async (directory) => {
    await writeFile(join(directory, 'program.c'), source);
    await compile(await requireCompiler('host'), {
      sources: [join(directory, 'program.c'), ...kernels.sources.map((file) => join(kernels.root, file))],
      output: join(directory, 'program'),
      includeDirs: [join(kernels.root, 'include')],
      defines: variant === 'dsp' ? { TD_DSP_EMULATE: true } : {},
      flags: hostCompilerFlags,
      linkFlags: ['-lm'],
    });
    const { stdout } = await runProgram(join(directory, 'program'));
    return stdout.toString().trim().split('\n');
  });
}
