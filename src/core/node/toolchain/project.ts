import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { boardCompilerFlags, type Board } from '../../common/boards/index.js';
import { weightSymbolPrefix, type GeneratedModel } from '../../common/codegen/index.js';
import { CodegenError } from '../../common/errors.js';
import { generatedBoardHeader, generatedLinkerScript } from './board-files.js';
import { boot2ImageSource, buildBoot2 } from './boot2.js';
import { compile, requireCompiler, type Compiler } from './compiler.js';
import { readElf, elfSizes, symbolBytes, type ElfSizes, type ElfSymbol } from './elf.js';
import { firmwareRoot, kernelFiles, kernelVariantOf, readRuntimeDescription, type KernelVariant, type RuntimeDescription } from './firmware.js';
import { memoryParts, symbolOwners, type FlashParts, type RamParts } from './memory-parts.js';
import { estimateStack, parseCallGraph, type StackEstimate } from './stack-usage.js';

/**
 * A standalone firmware project for one board: the generated model, the kernels it calls, the
 * board's start-up code, drivers and linker script, an application, and a Makefile and a
 * CMakeLists.txt that build it without TinyDeploy. The application is either a minimal `main`
 * that runs the model once and prints its outputs over the UART (`standalone`, what `tinydeploy
 * build` writes for people to start from), or the on-device profiler of firmware/runtime
 * (`profiler`, what deploy flashes: it answers the host's protocol, PROTOCOL.md). `buildFirmwareProject` compiles the same files with the same flags and reports
 * flash and RAM from the ELF.
 */

export type FirmwareApplication = 'standalone' | 'profiler';

export interface FirmwareProjectOptions {
  board: Board;
  /** What runs the model on the board (default `standalone`). */
  application?: FirmwareApplication;
  /** Inputs compiled into the firmware, one byte array per model input (default: zeros). */
  inputs?: readonly Uint8Array[];
  /** Optimisation flag (default `-O2`, as the TFLite Micro baseline). */
  optimization?: '-O0' | '-O1' | '-O2' | '-O3' | '-Os';
}

export interface FirmwareProject {
  directory: string;
  board: Board;
  model: GeneratedModel;
  application: FirmwareApplication;
  /** 16 hex digits naming this build (board, application, generated model); HELLO reports it. */
  buildId: string;
  variant: KernelVariant;
  /** C sources, relative to the project directory. */
  sources: string[];
  /** Include directories, relative to the project directory. */
  includeDirs: string[];
  /** Compiler flags (core, FPU, C dialect, optimisation, stack usage). */
  compileFlags: string[];
  /** Sources (of `sources`) compiled with -Os after compileFlags: the profiler's host-facing code. */
  sizeOptimizedSources: string[];
  /** Link flags, without the libraries. */
  linkFlags: string[];
}

/**
 * Flash and RAM of a build. flashBytes = text + rodata + data of the ELF; weightBytes = the
 * model's constant arrays (symbols `td_weights_*`); codeBytes = flashBytes − weightBytes (the
 * baseline defines its "code" the same way). ramBytes = data + bss (the arena is in bss) +
 * the worst-case stack estimated from -fcallgraph-info.
 */
export interface BuildReport {
  board: string;
  arenaBytes: number;
  codeBytes: number;
  weightBytes: number;
  flashBytes: number;
  ramBytes: number;
  textBytes: number;
  rodataBytes: number;
  dataBytes: number;
  bssBytes: number;
  stackBytes: number;
  /** Flash by part, from the ELF's symbols (memory-parts.ts): weights + model + kernels + runtime + startup + other = flashBytes. */
  flashParts: FlashParts;
  /** RAM by part: arena + stack + runtime + other = ramBytes. */
  ramParts: RamParts;
  /** flashParts.kernels and flashParts.runtime, flat for readers of the stored report. */
  kernelBytes: number;
  runtimeBytes: number;
}

export interface FirmwareBuild {
  elf: string;
  /** The ELF's symbols (where deploy finds the profiler's input buffers). */
  symbols: ElfSymbol[];
  report: BuildReport;
  sizes: ElfSizes;
  stack: StackEstimate;
  /** Compiler warnings, if any. */
  diagnostics: string;
}

/** Stack the memory check reserves beside the arena before anything is compiled. */
const reservedStackBytes = 16 * 1024;

/**
 * Refuses a model that cannot fit the board, before compiling: weights against flash, arena plus
 * a reserved stack against RAM. CodegenError with the figures.
 */
export function checkModelFitsBoard(model: GeneratedModel, board: Board): void {
  const flash = board.memory.flash.size;
  const ram = board.memory.ram.size;
  if (model.weightBytes + model.parameterBytes > flash) {
    throw new CodegenError(
      `model ${model.modelName} does not fit ${board.id}: weights and parameters take ${model.weightBytes + model.parameterBytes} bytes, the board has ${flash} bytes of flash`,
      { board: board.id, weightBytes: model.weightBytes, flashBytes: flash },
    );
  }
  if (model.arenaBytes + reservedStackBytes > ram) {
    throw new CodegenError(
      `model ${model.modelName} does not fit ${board.id}: the arena takes ${model.arenaBytes} bytes and the stack needs about ${reservedStackBytes}, the board has ${ram} bytes of RAM`,
      { board: board.id, arenaBytes: model.arenaBytes, ramBytes: ram },
    );
  }
}

/** Writes the project into `directory` (created; an existing `build/` inside is removed). */
export async function writeFirmwareProject(model: GeneratedModel, directory: string, options: FirmwareProjectOptions): Promise<FirmwareProject> {
  const { board } = options;
  checkModelFitsBoard(model, board);
  const variant = kernelVariantOf(board);
  const root = firmwareRoot();
  const kernels = await kernelFiles(model.kernels, variant, join(root, 'kernels'));
  await rm(join(directory, 'build'), { recursive: true, force: true });
  const put = async (relativePath: string, text: string) => {
    await mkdir(dirname(join(directory, relativePath)), { recursive: true });
    await writeFile(join(directory, relativePath), text);
  };
  // Every library, board and runtime file the firmware compiles goes into the build id with the
  // model: the same model built from other kernel sources (edited, another checkout) is another build.
  const copied = new Map<string, Buffer>();
  const copy = async (from: string, relativePath: string) => {
    await mkdir(dirname(join(directory, relativePath)), { recursive: true });
    const bytes = await readFile(from);
    copied.set(relativePath, bytes);
    await writeFile(join(directory, relativePath), bytes);
  };

  await put('model/model.h', model.header);
  await put('model/model.c', model.source);
  for (const file of [...kernels.headers, ...kernels.sources]) await copy(join(kernels.root, file), `kernels/${file}`);
  // The board's folder, its family's folders (e.g. stm32f4/src) and the shared board files keep
  // their firmware/boards/ layout.
  // common/ld holds the sections the family boards' linker scripts INCLUDE.
  const boardDirectories = new Set([
    board.firmware.directory,
    'common/include',
    'common/src',
    'common/ld',
    ...board.firmware.includeDirs,
    ...[...board.firmware.sources, ...board.firmware.runtimeSources, board.firmware.linkerScript, ...(board.firmware.boot2 ? [board.firmware.boot2] : [])].map((file) => dirname(file)),
  ]);
  for (const directory of boardDirectories) {
    // A generated board has no folder of its own: its board.h and linker script are written below.
    if (board.firmware.generated && directory === board.firmware.directory) continue;
    for (const entry of await readdir(join(root, 'boards', directory), { withFileTypes: true })) {
      if (entry.isFile()) await copy(join(root, 'boards', directory, entry.name), `boards/${directory}/${entry.name}`);
    }
  }
  if (board.firmware.generated) {
    await put(`boards/${board.firmware.directory}/board.h`, generatedBoardHeader(board));
    await put(`boards/${board.firmware.linkerScript}`, await generatedLinkerScript(board, root));
  }
  const application = options.application ?? 'standalone';
  const runtime = application === 'standalone' ? undefined : await readRuntimeDescription(root);
  if (runtime) {
    for (const file of await listRelative(join(root, 'runtime'), ['include', 'src'])) await copy(join(root, 'runtime', file), `runtime/${file}`);
  }
  // Names this build: HELLO reports it, so deploy knows the board runs what it just flashed.
  const buildHash = createHash('sha256').update(`${board.id}\n${application}\n${model.header}\n${model.source}`);
  for (const relativePath of [...copied.keys()].sort()) buildHash.update(`\n${relativePath}\n`).update(copied.get(relativePath)!);
  const buildId = buildHash.digest('hex').slice(0, 16);
  const boardSources = board.firmware.sources.map((file) => `boards/${file}`);
  if (board.firmware.boot2) {
    // RP2040: the boot2 stage compiled, padded and given its CRC now; the project compiles the result.
    const image = await buildBoot2(join(root, 'boards', board.firmware.boot2), await requireCompiler('arm-none-eabi'));
    const imageSource = `boards/${dirname(board.firmware.boot2)}/td_boot2_image.c`;
    await put(imageSource, boot2ImageSource(image, board.firmware.boot2));
    boardSources.unshift(imageSource);
  }
  const includeDirs = ['model', 'app', ...board.firmware.includeDirs.map((dir) => `boards/${dir}`), 'kernels/include'];
  let appSources: string[];
  const appFlags: string[] = [];
  if (!runtime) {
    await put('app/main.c', appMainSource(model));
    await put('app/inputs.h', appInputsHeader(model, options.inputs));
    appSources = ['app/main.c'];
  } else {
    await put('app/td_build.h', profilerBuildHeader(model, runtime, buildId));
    appSources = [...runtime.sources.map((file) => `runtime/${file}`), ...board.firmware.runtimeSources.map((file) => `boards/${file}`)];
    includeDirs.push(...runtime.includeDirs.filter((dir) => !dir.startsWith('..')).map((dir) => `runtime/${dir}`));
    // Every file sees the profiler's build settings (hooks header, state kept for streaming).
    appFlags.push('-include', 'td_build.h');
  }
  const sources = ['model/model.c', ...appSources, ...boardSources, ...kernels.sources.map((file) => `kernels/${file}`)];
  const compileFlags = [
    ...boardCompilerFlags(board),
    '-std=c99',
    options.optimization ?? '-O2',
    '-ffp-contract=off',
    '-ffunction-sections',
    '-fdata-sections',
    '-Wall',
    '-fstack-usage',
    '-fcallgraph-info=su',
    ...appFlags,
  ];
  const linkFlags = [
    ...boardCompilerFlags(board),
    `-Tboards/${board.firmware.linkerScript}`,
    '-Lboards/common/ld',
    '-nostartfiles',
    '--specs=nano.specs',
    '--specs=nosys.specs',
    '-Wl,--gc-sections',
    '-Wl,-Map=build/model.map',
  ];
  const sizeOptimizedSources = runtime ? (runtime.sizeOptimizedSources ?? []).map((file) => `runtime/${file}`).filter((file) => sources.includes(file)) : [];
  const project: FirmwareProject = { directory, board, model, application, buildId, variant, sources, includeDirs, compileFlags, sizeOptimizedSources, linkFlags };
  await put('Makefile', makefile(project));
  await put('CMakeLists.txt', cmakeLists(project));
  return project;
}

/** Compiles and links the project with arm-none-eabi-gcc into build/model.elf and measures it. */
export async function buildFirmwareProject(project: FirmwareProject, options: { compiler?: Compiler } = {}): Promise<FirmwareBuild> {
  const compiler = options.compiler ?? (await requireCompiler('arm-none-eabi'));
  const { directory } = project;
  const includeDirs = project.includeDirs.map((dir) => join(directory, dir));
  const objects = project.sources.map((source) => join(directory, 'build', source.replace(/\.c$/, '.o')));
  await Promise.all(objects.map((object) => mkdir(dirname(object), { recursive: true })));
  const diagnostics: string[] = [];
  // Compile in small batches: one process per source, a few at a time.
  for (let i = 0; i < project.sources.length; i += 4) {
    const batch = project.sources.slice(i, i + 4).map(async (source, j) => {
      const result = await compile(compiler, {
        sources: [join(directory, source)],
        output: objects[i + j],
        includeDirs,
        flags: [...project.compileFlags, ...(project.sizeOptimizedSources.includes(source) ? ['-Os'] : []), '-c'],
      });
      if (result.diagnostics.trim()) diagnostics.push(result.diagnostics.trim());
    });
    await Promise.all(batch);
  }
  const elf = join(directory, 'build', 'model.elf');
  try {
    const result = await compile(compiler, { sources: objects, output: elf, flags: project.linkFlags, linkFlags: ['-lm'], cwd: directory });
    if (result.diagnostics.trim()) diagnostics.push(result.diagnostics.trim());
  } catch (error) {
    const output = String((error as CodegenError).data?.output ?? '');
    const overflow = /region [`']?(\w+)'? overflowed by (\d+) bytes/.exec(output);
    if (overflow) {
      throw new CodegenError(
        `model ${project.model.modelName} does not fit ${project.board.id}: ${overflow[1]} overflowed by ${overflow[2]} bytes (arena ${project.model.arenaBytes} bytes, weights ${project.model.weightBytes} bytes)`,
        { board: project.board.id, region: overflow[1], overflowBytes: Number(overflow[2]) },
      );
    }
    // The family linker scripts' assertion (common/ld/td_cortex_m_sections.ld): no room left for the stack.
    if (/RAM overflowed: \.data \+ \.bss \+ the reserved stack/.test(output)) {
      throw new CodegenError(
        `model ${project.model.modelName} does not fit ${project.board.id}: .data + .bss (arena ${project.model.arenaBytes} bytes) and the ${reservedStackBytes}-byte stack do not fit its ${project.board.memory.ram.size} bytes of RAM`,
        { board: project.board.id, region: 'RAM', arenaBytes: project.model.arenaBytes, ramBytes: project.board.memory.ram.size },
      );
    }
    throw error;
  }

  const image = await readElf(elf);
  const sizes = elfSizes(image, project.board.memory.ram);
  const weightBytes = symbolBytes(image, (name) => name.startsWith(weightSymbolPrefix));
  const callGraphTexts = await Promise.all(objects.map((object) => readFile(object.replace(/\.o$/, '.ci'), 'utf8').catch(() => '')));
  const stack = estimateStack(parseCallGraph(callGraphTexts), 'Reset_Handler');
  const flashBytes = sizes.text + sizes.rodata + sizes.data;
  const parts = memoryParts(image, await symbolOwners(objects.map((path, i) => ({ path, source: project.sources[i]! }))), sizes, stack.bytes, project.model.arenaBytes);
  const report: BuildReport = {
    board: project.board.id,
    arenaBytes: project.model.arenaBytes,
    codeBytes: flashBytes - weightBytes,
    weightBytes,
    flashBytes,
    ramBytes: sizes.data + sizes.bss + stack.bytes,
    textBytes: sizes.text,
    rodataBytes: sizes.rodata,
    dataBytes: sizes.data,
    bssBytes: sizes.bss,
    stackBytes: stack.bytes,
    flashParts: parts.flash,
    ramParts: parts.ram,
    kernelBytes: parts.flash.kernels,
    runtimeBytes: parts.flash.runtime,
  };
  if (flashBytes > project.board.memory.flash.size || report.ramBytes > project.board.memory.ram.size) {
    throw new CodegenError(
      `model ${project.model.modelName} does not fit ${project.board.id}: flash ${flashBytes} of ${project.board.memory.flash.size} bytes, RAM ${report.ramBytes} of ${project.board.memory.ram.size} bytes`,
      { ...report },
    );
  }
  return { elf, symbols: image.symbols, report, sizes, stack, diagnostics: diagnostics.join('\n') };
}

/** Files under `directory`'s `subdirectories`, relative to `directory`. */
async function listRelative(directory: string, subdirectories: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const subdirectory of subdirectories) {
    for (const entry of await readdir(join(directory, subdirectory), { withFileTypes: true })) {
      if (entry.isFile()) files.push(`${subdirectory}/${entry.name}`);
    }
  }
  return files;
}

/**
 * app/td_build.h of a profiler build, included first by every source (`-include`): runtime.json's
 * model defines, and the build id HELLO reports. A header rather than -D flags so the Makefile
 * and CMakeLists.txt need no shell quoting.
 */
function profilerBuildHeader(model: GeneratedModel, runtime: RuntimeDescription, buildId: string): string {
  const lines = [
    `/* Generated by TinyDeploy: build settings of the on-device profiler for model "${model.modelName.replace(/\*\//g, '* /')}". */`,
    '#ifndef TD_BUILD_H',
    '#define TD_BUILD_H',
  ];
  for (const [name, value] of Object.entries(runtime.modelDefines)) lines.push(value === true ? `#define ${name} 1` : `#define ${name} ${value}`);
  lines.push(`#define TD_BUILD_ID ${JSON.stringify(buildId)}`, '#endif /* TD_BUILD_H */', '');
  return lines.join('\n');
}

function appMainSource(model: GeneratedModel): string {
  return `/*
 * Generated by TinyDeploy for model "${model.modelName.replace(/\*\//g, '* /')}" (${model.modelHash}).
 * Runs the model once on the board (with the inputs of inputs.h, or zeros) and prints over the UART:
 *   TD_STATUS <td_status> <failed op or -1>
 *   TD_OUTPUT <index> <bytes in hex>
 * The on-device profiler runtime replaces this file when deploying.
 */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "inputs.h"
#include "model.h"

static void print_text(const char *text) {
  td_board_write(text, strlen(text));
}

static void print_int(int32_t value) {
  char digits[12];
  int32_t count = 0;
  uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
  do {
    digits[count++] = (char)('0' + magnitude % 10u);
    magnitude /= 10u;
  } while (magnitude > 0u);
  if (value < 0) print_text("-");
  while (count > 0) td_board_write(&digits[--count], 1);
}

static void print_hex(const uint8_t *bytes, int32_t length) {
  static const char hex[] = "0123456789abcdef";
  for (int32_t i = 0; i < length; i++) {
    char pair[2] = {hex[bytes[i] >> 4], hex[bytes[i] & 0xf]};
    td_board_write(pair, 2);
  }
}

int main(void) {
  td_board_init();
  for (int32_t i = 0; i < TD_APP_INPUT_COUNT; i++) {
    memcpy(td_model_input(i), td_app_inputs[i], (size_t)td_model_input_bytes(i));
  }
  td_status status = td_model_run();
  print_text("TD_STATUS ");
  print_int((int32_t)status);
  print_text(" ");
  print_int(td_model_failed_op());
  print_text("\\n");
  for (int32_t i = 0; i < TD_MODEL_OUTPUT_COUNT; i++) {
    print_text("TD_OUTPUT ");
    print_int(i);
    print_text(" ");
    print_hex((const uint8_t *)td_model_output(i), td_model_output_bytes(i));
    print_text("\\n");
  }
  return status == TD_OK ? 0 : 1;
}
`;
}

function appInputsHeader(model: GeneratedModel, inputs: readonly Uint8Array[] | undefined): string {
  const lines = ['/* Inputs compiled into the firmware by TinyDeploy (none: the model runs on zeros). */', '#ifndef TD_APP_INPUTS_H', '#define TD_APP_INPUTS_H', '', '#include <stdint.h>', ''];
  if (!inputs || inputs.length === 0) {
    lines.push('#define TD_APP_INPUT_COUNT 0', 'static const uint8_t *const td_app_inputs[1] = {0};');
  } else {
    if (inputs.length !== model.inputs.length) {
      throw new CodegenError(`model ${model.modelName} has ${model.inputs.length} input(s), ${inputs.length} given to compile in`);
    }
    inputs.forEach((bytes, i) => {
      if (bytes.length !== model.inputs[i].bytes) {
        throw new CodegenError(`input ${i} of ${model.modelName} takes ${model.inputs[i].bytes} bytes, got ${bytes.length}`);
      }
      const values = Array.from(bytes, (byte) => String(byte));
      const rows: string[] = [];
      for (let j = 0; j < values.length; j += 24) rows.push(`  ${values.slice(j, j + 24).join(', ')},`);
      lines.push(`static const uint8_t td_app_input${i}[${bytes.length}] = {`, ...rows, '};');
    });
    lines.push(`#define TD_APP_INPUT_COUNT ${inputs.length}`);
    lines.push(`static const uint8_t *const td_app_inputs[${inputs.length}] = {${inputs.map((_, i) => `td_app_input${i}`).join(', ')}};`);
  }
  lines.push('', '#endif /* TD_APP_INPUTS_H */', '');
  return lines.join('\n');
}

function makefile(project: FirmwareProject): string {
  return `# Generated by TinyDeploy for model "${project.model.modelName}" (${project.model.modelHash}) on board ${project.board.id}.
# Builds build/model.elf with the Arm GNU toolchain (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi).
CC = arm-none-eabi-gcc
SIZE = arm-none-eabi-size
CFLAGS = ${project.compileFlags.join(' ')} ${project.includeDirs.map((dir) => `-I${dir}`).join(' ')}
LDFLAGS = ${project.linkFlags.join(' ')}
LDLIBS = -lm
SOURCES = \\
${project.sources.map((source) => `\t${source}`).join(' \\\n')}
OBJECTS = $(patsubst %.c,build/%.o,$(SOURCES))

all: build/model.elf

build/%.o: %.c
\t@mkdir -p $(dir $@)
\t$(CC) $(CFLAGS) -c $< -o $@
${project.sizeOptimizedSources.length > 0 ? `\n# The profiler's host-facing code, never run while an op is timed, is compiled for size.\n${project.sizeOptimizedSources.map((source) => `build/${source.replace(/\.c$/, '.o')}: CFLAGS += -Os`).join('\n')}\n` : ''}
build/model.elf: $(OBJECTS)
\t$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)
\t$(SIZE) $@

clean:
\trm -rf build

.PHONY: all clean
`;
}

function cmakeLists(project: FirmwareProject): string {
  const quoted = (items: readonly string[]) => items.map((item) => `  ${item}`).join('\n');
  return `# Generated by TinyDeploy for model "${project.model.modelName}" (${project.model.modelHash}) on board ${project.board.id}.
# cmake -S . -B build-cmake && cmake --build build-cmake
cmake_minimum_required(VERSION 3.16)
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
project(td_model C)

add_executable(model.elf
${quoted(project.sources)}
)
target_include_directories(model.elf PRIVATE
${quoted(project.includeDirs.map((dir) => `\${CMAKE_CURRENT_SOURCE_DIR}/${dir}`))}
)
target_compile_options(model.elf PRIVATE
${quoted(project.compileFlags.filter((flag) => !flag.startsWith('-fcallgraph-info')))}
)
${project.sizeOptimizedSources.length > 0 ? `set_source_files_properties(\n${quoted(project.sizeOptimizedSources)}\n  PROPERTIES COMPILE_OPTIONS -Os\n)\n` : ''}target_link_options(model.elf PRIVATE
${quoted(project.linkFlags.map((flag) => flag.replace('-Tboards/', '-T${CMAKE_CURRENT_SOURCE_DIR}/boards/').replace('-Lboards/', '-L${CMAKE_CURRENT_SOURCE_DIR}/boards/').replace('-Map=build/', '-Map=${CMAKE_CURRENT_BINARY_DIR}/')))}
)
target_link_libraries(model.elf PRIVATE m)
`;
}
