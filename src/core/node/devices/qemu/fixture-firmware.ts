import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBoard } from '../../../common/boards/index.js';
import { DeviceError } from '../../../common/errors.js';
import { compile, requireCompiler } from '../../toolchain/index.js';

/**
 * Builds firmware for a board straight from its `board.json` (core, FPU, startup and board
 * sources, linker script, UART): the small test programs of firmware/boards/common/tests/,
 * which exercise the board support and the virtual-board back end without a model, and the
 * profiler (firmware/runtime, described by runtime.json) around a model's C sources.
 */

/** firmware/ of the repository. */
export const firmwareDirectory = fileURLToPath(new URL('../../../../../firmware/', import.meta.url));

/** The fields of firmware/boards/<id>/board.json that a build reads. */
export interface BoardDescription {
  id: string;
  cpu: string;
  fpu: string;
  floatAbi: string;
  cpuHz?: number;
  uart: { kind: string; base: string; rxIrq: number };
  qemuMachine?: string;
  sources: string[];
  linkerScript: string;
  includeDirs?: string[];
  runtimeSources?: string[];
}

export async function readBoardDescription(boardId: string): Promise<BoardDescription> {
  const path = join(firmwareDirectory, 'boards', boardId, 'board.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DeviceError(`unknown board "${boardId}": ${path} does not exist`, { board: boardId });
  }
  return JSON.parse(text) as BoardDescription;
}

/** Core clock of a board: board.json's cpuHz, else the catalog's timer frequency. */
export function boardClockHz(description: BoardDescription): number {
  const hz = description.cpuHz ?? findBoard(description.id)?.timer.hz;
  if (!hz) throw new DeviceError(`board ${description.id}: no core clock (cpuHz) in board.json or the board catalog`, { board: description.id });
  return hz;
}

/** arm-none-eabi-gcc flags selecting the board's core and floating point. */
export function boardCpuFlags(description: BoardDescription): string[] {
  const flags = [`-mcpu=${description.cpu}`, '-mthumb', `-mfloat-abi=${description.floatAbi}`];
  if (description.fpu && description.fpu !== 'none') flags.push(`-mfpu=${description.fpu}`);
  return flags;
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
  const description = await readBoardDescription(boardId);
  const boardDirectory = join(firmwareDirectory, 'boards', boardId);
  const commonDirectory = join(firmwareDirectory, 'boards', 'common');
  const compiler = await requireCompiler('arm-none-eabi');
  await mkdir(options.outputDirectory, { recursive: true });
  const output = join(options.outputDirectory, `${options.name ?? program}-${boardId}.elf`);
  const runtimeSources = description.runtimeSources ?? ['../common/src/td_cmsdk_serial.c', '../common/src/td_systick_timer.c'];
  await compile(compiler, {
    sources: [
      ...description.sources.map((source) => join(boardDirectory, source)),
      ...runtimeSources.map((source) => join(boardDirectory, source)),
      join(commonDirectory, 'tests', `${program}.c`),
    ],
    output,
    includeDirs: [boardDirectory, join(commonDirectory, 'include'), join(firmwareDirectory, 'runtime', 'include')],
    defines: {
      // Boards whose board.h lacks them get the constants from board.json.
      TD_UART0_BASE: `${description.uart.base}u`,
      TD_UART0_RX_IRQ: description.uart.rxIrq,
      TD_CPU_HZ: `${boardClockHz(description)}u`,
      TD_BOARD_ID: `"${description.id}"`,
      ...options.defines,
    },
    flags: [...boardCpuFlags(description), '-O2', '-g', '-std=c99', '-Wall', '-Wextra', '-Wno-unused-parameter', '-ffunction-sections', '-fdata-sections'],
    linkFlags: ['-nostartfiles', '--specs=nano.specs', '-Wl,--gc-sections', `-T${join(boardDirectory, description.linkerScript)}`],
  });
  return output;
}

/** firmware/runtime/runtime.json: what the profiler adds to a board's firmware. */
export interface RuntimeDescription {
  sources: string[];
  includeDirs: string[];
  modelDefines: Record<string, string | true>;
  boardDriversByKind: Record<string, string[]>;
}

export async function readRuntimeDescription(): Promise<RuntimeDescription> {
  return JSON.parse(await readFile(join(firmwareDirectory, 'runtime', 'runtime.json'), 'utf8')) as RuntimeDescription;
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
  const description = await readBoardDescription(boardId);
  const runtime = await readRuntimeDescription();
  const boardDirectory = join(firmwareDirectory, 'boards', boardId);
  const runtimeDirectory = join(firmwareDirectory, 'runtime');
  const compiler = await requireCompiler('arm-none-eabi');
  await mkdir(options.outputDirectory, { recursive: true });
  const output = join(options.outputDirectory, `${options.name ?? 'profiler'}-${boardId}.elf`);
  // The board's own serial and timer drivers, else the ones its UART kind and SysTick imply.
  const drivers = description.runtimeSources
    ? description.runtimeSources.map((source) => join(boardDirectory, source))
    : [...(runtime.boardDriversByKind[description.uart.kind] ?? []), ...(runtime.boardDriversByKind.systick ?? [])].map((source) => join(runtimeDirectory, source));
  await compile(compiler, {
    sources: [
      ...description.sources.map((source) => join(boardDirectory, source)),
      ...drivers,
      ...runtime.sources.map((source) => join(runtimeDirectory, source)),
      ...options.modelSources,
    ],
    output,
    includeDirs: [
      boardDirectory,
      ...runtime.includeDirs.map((directory) => join(runtimeDirectory, directory)),
      join(firmwareDirectory, 'kernels', 'include'),
      ...options.modelIncludeDirs,
    ],
    defines: {
      TD_UART0_BASE: `${description.uart.base}u`,
      TD_UART0_RX_IRQ: description.uart.rxIrq,
      TD_CPU_HZ: `${boardClockHz(description)}u`,
      TD_BOARD_ID: `"${description.id}"`,
      ...runtime.modelDefines,
      ...options.defines,
    },
    flags: [...boardCpuFlags(description), options.optimization ?? '-O2', '-g', '-std=c99', '-Wall', '-Wextra', '-ffunction-sections', '-fdata-sections'],
    linkFlags: ['-nostartfiles', '--specs=nano.specs', '-Wl,--gc-sections', `-T${join(boardDirectory, description.linkerScript)}`, '-lm'],
  });
  return output;
}
