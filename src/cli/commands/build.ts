import { resolve } from 'node:path';
import type { OptimizeFor } from '../../core/common/codegen/index.js';
import { CodegenError } from '../../core/common/errors.js';
import { buildModelFile } from '../../core/node/toolchain/build-model.js';
import { writeFirmwareImages, type FirmwareImages } from '../../core/node/toolchain/images.js';
import { buildFirmwareProject, type BuildReport, type FirmwareBuild } from '../../core/node/toolchain/project.js';
import { booleanOption, stringOption } from '../args.js';
import { boardOption, boardOptionSpec, dataDirOptionSpec } from '../board-option.js';
import { optimizeOption, optimizeOptionSpec } from '../optimize-option.js';
import type { Command } from '../command.js';
import { formatCount } from '../format.js';

/**
 * The `build --json` document. A contract for users' scripts: these keys, no others renamed or
 * removed. flashBytes = text + rodata + data of the ELF; codeBytes = flashBytes − weightBytes.
 */
export interface BuildJson {
  board: string;
  arenaBytes: number;
  codeBytes: number;
  weightBytes: number;
  flashBytes: number;
  ramBytes: number;
  /** What the code was generated for: `size` or `speed` (`--optimize`). */
  optimize: OptimizeFor;
}

/**
 * Real and custom boards add: `images` (the files a programmer takes) and `runnable` (false, with
 * `missing`, for a custom board whose UART has no driver: its image only checks the fit). Every
 * catalog board runs its family's firmware (firmware/boards/<family>/), so is runnable.
 */
export interface RealBoardBuildJson extends BuildJson {
  images: { elf: string; bin: string; hex: string; uf2?: string };
  runnable: boolean;
  missing?: string;
}

export function buildJson(report: BuildReport, optimize: OptimizeFor, images?: FirmwareImages, missing?: string): BuildJson | RealBoardBuildJson {
  const { board, arenaBytes, codeBytes, weightBytes, flashBytes, ramBytes } = report;
  const json: BuildJson = { board, arenaBytes, codeBytes, weightBytes, flashBytes, ramBytes, optimize };
  if (!images) return json;
  return {
    ...json,
    images: { elf: images.elf, bin: images.bin, hex: images.hex, ...(images.uf2 ? { uf2: images.uf2 } : {}) },
    runnable: missing === undefined,
    ...(missing ? { missing } : {}),
  };
}

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

export const buildCommand: Command = {
  spec: {
    name: 'build',
    summary:
      'Generate C for a model and compile it for a board: a standalone project with Makefile and CMakeLists.txt; for a real board also the .bin, .hex (and .uf2 for RP2) to flash.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      board: boardOptionSpec,
      'data-dir': dataDirOptionSpec,
      optimize: optimizeOptionSpec,
      out: { type: 'string', value: 'dir', description: 'directory of the generated project (created)', required: true },
      json: { type: 'boolean', description: 'print {board, arenaBytes, codeBytes, weightBytes, flashBytes, ramBytes, optimize} as JSON' },
    },
    notes:
      'Compiling needs the Arm GNU toolchain: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi.\n' +
      'flash = text + rodata + data of the ELF; code = flash − weights; RAM = data + bss (arena included) + estimated stack.\n' +
      "arena = the planner's (buffers shared, aligned, op scratch); 'live at the worst op without sharing' sums the same buffers unshared, so it can exceed inspect's no-reuse bound (activations only, unaligned).\n" +
      'Real boards: build/model.bin (flash image from the ELF\'s load segments), build/model.hex (Intel HEX), build/model.uf2 (RP2040/RP2350).\n' +
      'Each runs its chip family\'s start-up, clock set-up and UART driver (firmware/boards/<family>/); the RP2040 image starts with\n' +
      'its boot2 stage (CRC32 included), the RP2350 image carries its IMAGE_DEF block.\n' +
      'A custom board whose UART has no driver links with the generic Cortex-M start-up: the figures are the board\'s,\n' +
      'the image does not run on it (the report says what is missing).',
  },
  async run(args, io) {
    const board = boardOption(args, 'build');
    const missing = board.firmware.missing;
    const out = resolve(stringOption(args, 'out')!);
    const optimize = optimizeOption(args);
    const { model, project } = await buildModelFile(args.positionals.model, { board, out, compile: false, generate: { optimize } });
    let build: FirmwareBuild;
    try {
      build = await buildFirmwareProject(project);
    } catch (error) {
      if (!(error instanceof CodegenError)) throw error;
      throw new CodegenError(`${error.message}\n(the C project is written in ${project.directory}: run make there once this is fixed)`, error.data);
    }
    const report = build.report;
    const images = board.kind === 'real' ? await writeFirmwareImages(build.elf, board) : undefined;
    if (missing) io.stderr.write(`tinydeploy build: ${board.id}'s image does not run on the board: missing ${missing}; it links with the generic Cortex-M start-up to measure flash and RAM\n`);
    if (booleanOption(args, 'json')) {
      io.stdout.write(JSON.stringify(buildJson(report, optimize, images, missing)) + '\n');
      return 0;
    }
    const bytes = (value: number) => `${formatCount(value)} B`;
    const { flashParts: flash, ramParts: ram } = report;
    io.stdout.write(
      [
        `${args.positionals.model} → ${project.directory} (${board.name})`,
        `flash  ${bytes(report.flashBytes)} = code ${bytes(report.codeBytes)} + weights ${bytes(report.weightBytes)}  (text ${bytes(report.textBytes)}, rodata ${bytes(report.rodataBytes)}, data ${bytes(report.dataBytes)})`,
        `       = weights ${bytes(flash.weights)} + model ${bytes(flash.model)} + kernels ${bytes(flash.kernels)} + runtime ${bytes(flash.runtime)} + start-up ${bytes(flash.startup)} + other ${bytes(flash.other)}`,
        `RAM    ${bytes(report.ramBytes)} = arena ${bytes(ram.arena)} + stack ≈${bytes(ram.stack)} + runtime ${bytes(ram.runtime)} + other ${bytes(ram.other)}  (data ${bytes(report.dataBytes)}, bss ${bytes(report.bssBytes)})`,
        `arena  ${bytes(model.memory.arenaBytes)} (planner: buffers shared, aligned, op scratch included; ${model.memory.strategy}, ${model.memory.inPlace.length} op(s) in place); ` +
          `${bytes(model.memory.peakLiveBytes)} live at the worst op without sharing (planner buffers, aligned, scratch included)`,
        `kernels (${project.variant}, optimized for ${optimize}): ${model.kernels.join(', ')}`,
        ...(build.stack.unknown.length > 0 ? [`stack estimate excludes: ${build.stack.unknown.join(', ')}`] : []),
        `ELF    ${build.elf}`,
        ...(images
          ? [
              `image  ${[images.bin, images.hex, images.uf2].filter(Boolean).join(', ')} (${bytes(images.binBytes)} from 0x${images.binAddress.toString(16).padStart(8, '0')})`,
              `flash  ${bytes(report.flashBytes)} of ${bytes(board.memory.flash.size)} (${percent(report.flashBytes, board.memory.flash.size)}), RAM ${bytes(report.ramBytes)} of ${bytes(board.memory.ram.size)} (${percent(report.ramBytes, board.memory.ram.size)}) on ${board.id}`,
            ]
          : []),
        ...(missing ? [`NOT RUNNABLE on ${board.id}: missing ${missing}; linked with the generic Cortex-M start-up to check the fit`] : []),
        '',
      ].join('\n'),
    );
    return 0;
  },
};
