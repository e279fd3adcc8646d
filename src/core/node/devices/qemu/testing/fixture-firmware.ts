import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { boardCompilerFlags, requireBoard, type Board } from '../../../../common/boards/index.js';
import { compile, firmwareRoot, readRuntimeDescription, requireCompiler } from '../../../toolchain/index.js';

/**
 * Builds firmware for a board of the catalog (core, FPU, start-up and board sources, drivers,
 * linker script): the small test programs of firmware/boards/common/tests/,
 * which exercise the board support and the virtual-board back end without a model, and the
 * profiler (firmware/runtime, described by runtime.json) around a model's C sources.
 */

/** firmware/ of the repository. */
export const firmwareDirectory = firmwareRoot();

/** Files of a board's C side (catalog paths are relative to firmware/boards/), absolute. */
function boardFiles(board: Board) {
  const boardsDirectory = join(firmwareDirectory, 'boards');
  const at = (path: string) => join(boardsDirectory, path);
  return {
    sources: board.firmware.sources.map(at),
    runtimeSources: board.firmware.runtimeSources.map(at),
    includeDirs: board.firmware.includeDirs.map(at),
    linkerScript: at(board.firmware.linkerScript),
  };
}

export interface FixtureBuildOptions {
  /** Output directory (created). */
  outputDirectory: string;
  /** Extra -D definitions. */
  defines?: Record<string, string | number | true>;
  /** Output file name without extension (default: the program's). */
  name?: string;
}

/**
 * Compiles `firmware/boards/common/tests/<program>.c` with the board's startup, board driver,
 * the shared serial and SysTick drivers, and links it with the board's linker script. Returns
 * the ELF path.
 */
export async function buildFixtureFirmware(boardId: string, program: string, options: FixtureBuildOptions): Promise<string> {
  const board = requireBoard(boardId);
  const files = boardFiles(board);
  const commonDirectory = join(firmwareDirectory, 'boards', 'common');
  const compiler = await requireCompiler('arm-none-eabi');
  await mkdir(options.outputDirectory, { recursive: true });
  const output = join(options.outputDirectory, `${options.name ?? program}-${boardId}.elf`);
  await compile(compiler, {
    sources: [...files.sources, ...files.runtimeSources, join(commonDirectory, 'tests', `${program}.c`)],
    output,
    includeDirs: [...files.includeDirs, join(firmwareDirectory, 'runtime', 'include')],
    defines: options.defines,
    flags: [...boardCompilerFlags(board), '-O2', '-g', '-std=c99', '-Wall', '-Wextra', '-Wno-unused-parameter', '-ffunction-sections', '-fdata-sections'],
    linkFlags: ['-nostartfiles', '--specs=nano.specs', '-Wl,--gc-sections', `-T${files.linkerScript}`],
  });
  return output;
}

export interface ProfilerBuildOptions extends FixtureBuildOptions {
  /** The model's C sources (model.c) and the folder of its model.h. */
  modelSources: string[];
  modelIncludeDirs: string[];
  /** Optimisation flag (default -O2). */
  optimization?: string;
}

/**
 * Links the profiler (firmware/runtime) with a model for a virtual board: board startup and
 * driver, CMSDK serial and SysTick drivers, the runtime sources, the model compiled with the
 * profiler's hooks, and the kernel library's header. Returns the ELF path.
 */
export async function buildProfilerFirmware(boardId: string, options: ProfilerBuildOptions): Promise<string> {
  const board = requireBoard(boardId);
  const files = boardFiles(board);
  const runtime = await readRuntimeDescription();
  const runtimeDirectory = join(firmwareDirectory, 'runtime');
  const compiler = await requireCompiler('arm-none-eabi');
  await mkdir(options.outputDirectory, { recursive: true });
  const output = join(options.outputDirectory, `${options.name ?? 'profiler'}-${boardId}.elf`);
  await compile(compiler, {
    sources: [
      ...files.sources,
      ...files.runtimeSources,
      ...runtime.sources.map((source) => join(runtimeDirectory, source)),
      ...options.modelSources,
    ],
    output,
    includeDirs: [
      ...files.includeDirs,
      ...runtime.includeDirs.map((directory) => join(runtimeDirectory, directory)),
      join(firmwareDirectory, 'kernels', 'include'),
      ...options.modelIncludeDirs,
    ],
    defines: {
      ...runtime.modelDefines,
      ...options.defines,
    },
    flags: [...boardCompilerFlags(board), options.optimization ?? '-O2', '-g', '-std=c99', '-Wall', '-Wextra', '-ffunction-sections', '-fdata-sections'],
    linkFlags: ['-nostartfiles', '--specs=nano.specs', '-Wl,--gc-sections', `-T${files.linkerScript}`, '-lm'],
  });
  return output;
}
