import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodegenError } from '../../common/errors.js';
import type { GeneratedModel } from '../../common/codegen/index.js';
import { compile, requireCompiler, runProgram, type Compiler } from './compiler.js';
import { kernelFiles, type KernelVariant } from './firmware.js';

/**
 * Generated model code compiled for the workstation: the bit-exactness check of the generator
 * (its output must equal the interpreter's byte for byte) and a quick way to run a model
 * without a board. The runner reads each input from a file and writes every output, in order,
 * to one file.
 */

/** C flags of host builds: ISO C99 (so float multiply-adds are never fused), all warnings on. */
export const hostCompilerFlags = ['-std=c99', '-O2', '-ffp-contract=off', '-Wall', '-Wextra'];

const runnerSource = `/* TinyDeploy host runner: runner OUTPUT_FILE INPUT_FILE... (one file per model input). */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static int read_exactly(const char *path, void *target, long bytes) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "cannot open %s\\n", path);
    return 0;
  }
  long count = (long)fread(target, 1, (size_t)bytes, file);
  int extra = fgetc(file);
  fclose(file);
  if (count != bytes || extra != EOF) {
    fprintf(stderr, "%s: expected exactly %ld bytes\\n", path, bytes);
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2 + TD_MODEL_INPUT_COUNT) {
    fprintf(stderr, "usage: %s OUTPUT_FILE INPUT_FILE x %d\\n", argv[0], TD_MODEL_INPUT_COUNT);
    return 64;
  }
  for (int i = 0; i < TD_MODEL_INPUT_COUNT; i++) {
    if (!read_exactly(argv[2 + i], td_model_input(i), td_model_input_bytes(i))) return 65;
  }
  td_status status = td_model_run();
  if (status != TD_OK) {
    fprintf(stderr, "td_model_run: op %d failed with status %d\\n", (int)td_model_failed_op(), (int)status);
    return 70;
  }
  FILE *out = fopen(argv[1], "wb");
  if (!out) {
    fprintf(stderr, "cannot create %s\\n", argv[1]);
    return 73;
  }
  for (int i = 0; i < TD_MODEL_OUTPUT_COUNT; i++) {
    if (fwrite(td_model_output(i), 1, (size_t)td_model_output_bytes(i), out) != (size_t)td_model_output_bytes(i)) {
      fclose(out);
      return 74;
    }
  }
  return fclose(out) == 0 ? 0 : 74;
}
`;

export interface HostRunner {
  executable: string;
  directory: string;
  model: GeneratedModel;
}

export interface HostBuildOptions {
  /** Kernel variant; `dsp` compiles the optimized kernels with TD_DSP_EMULATE (their host emulation). */
  variant?: KernelVariant;
  compiler?: Compiler;
  /** Extra compiler flags (sanitizers, -O0, …). */
  flags?: readonly string[];
}

/** Writes model.h/model.c and the runner into `directory` and compiles them with the kernels. */
export async function buildHostRunner(model: GeneratedModel, directory: string, options: HostBuildOptions = {}): Promise<HostRunner> {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'model.h'), model.header);
  await writeFile(join(directory, 'model.c'), model.source);
  await writeFile(join(directory, 'runner.c'), runnerSource);
  const variant = options.variant ?? 'portable';
  const kernels = await kernelFiles(model.kernels, variant);
  const compiler = options.compiler ?? (await requireCompiler('host'));
  const executable = join(directory, 'runner');
  await compile(compiler, {
    sources: [join(directory, 'model.c'), join(directory, 'runner.c'), ...kernels.sources.map((source) => join(kernels.root, source))],
    output: executable,
    includeDirs: [directory, join(kernels.root, 'include')],
    defines: variant === 'dsp' ? { TD_DSP_EMULATE: true } : {},
    flags: [...hostCompilerFlags, ...(options.flags ?? [])],
    linkFlags: ['-lm'],
  });
  return { executable, directory, model };
}

/** Runs one inference; inputs are the raw bytes of each model input, outputs come back the same way. */
export async function runHostRunner(runner: HostRunner, inputs: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const { model } = runner;
  if (inputs.length !== model.inputs.length) {
    throw new CodegenError(`model ${model.modelName} has ${model.inputs.length} input(s), got ${inputs.length}`);
  }
  const inputPaths = await Promise.all(
    inputs.map(async (bytes, i) => {
      if (bytes.length !== model.inputs[i].bytes) {
        throw new CodegenError(`input ${i} of ${model.modelName} takes ${model.inputs[i].bytes} bytes, got ${bytes.length}`);
      }
      const path = join(runner.directory, `input${i}.bin`);
      await writeFile(path, bytes);
      return path;
    }),
  );
  const outputPath = join(runner.directory, 'output.bin');
  await runProgram(runner.executable, [outputPath, ...inputPaths]);
  const bytes = new Uint8Array(await readFile(outputPath));
  let offset = 0;
  return model.outputs.map((output) => {
    const slice = bytes.slice(offset, offset + output.bytes);
    offset += output.bytes;
    return slice;
  });
}
