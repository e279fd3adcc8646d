import { resolve } from 'node:path';
import { CodegenError } from '../../core/common/errors.js';
import { buildModelFile } from '../../core/node/toolchain/build-model.js';
import { buildFirmwareProject, type BuildReport, type FirmwareBuild } from '../../core/node/toolchain/project.js';
import { booleanOption, stringOption } from '../args.js';
import { boardOption, boardOptionSpec } from '../board-option.js';
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
}

export function buildJson(report: BuildReport): BuildJson {
  const { board, arenaBytes, codeBytes, weightBytes, flashBytes, ramBytes } = report;
  return { board, arenaBytes, codeBytes, weightBytes, flashBytes, ramBytes };
}

export const buildCommand: Command = {
  spec: {
    name: 'build',
    summary: 'Generate C for a model and compile it for a board: a standalone project with Makefile and CMakeLists.txt.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      board: boardOptionSpec,
      out: { type: 'string', value: 'dir', description: 'directory of the generated project (created)', required: true },
      json: { type: 'boolean', description: 'print {board, arenaBytes, codeBytes, weightBytes, flashBytes, ramBytes} as JSON' },
    },
    notes:
      'Compiling needs the Arm GNU toolchain: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi.\n' +
      'flash = text + rodata + data of the ELF; code = flash − weights; RAM = data + bss (arena included) + estimated stack.',
  },
  async run(args, io) {
    const board = boardOption(args, 'build');
    const out = resolve(stringOption(args, 'out')!);
    const { model, project } = await buildModelFile(args.positionals.model, { board, out, compile: false });
    let build: FirmwareBuild;
    try {
      build = await buildFirmwareProject(project);
    } catch (error) {
      if (!(error instanceof CodegenError)) throw error;
      throw new CodegenError(`${error.message}\n(the C project is written in ${project.directory}: run make there once this is fixed)`, error.data);
    }
    const report = build.report;
    if (booleanOption(args, 'json')) {
      io.stdout.write(JSON.stringify(buildJson(report)) + '\n');
      return 0;
    }
    const bytes = (value: number) => `${formatCount(value)} B`;
    const other = report.ramBytes - report.arenaBytes - report.stackBytes;
    io.stdout.write(
      [
        `${args.positionals.model} → ${project.directory} (${board.name})`,
        `flash  ${bytes(report.flashBytes)} = code ${bytes(report.codeBytes)} + weights ${bytes(report.weightBytes)}  (text ${bytes(report.textBytes)}, rodata ${bytes(report.rodataBytes)}, data ${bytes(report.dataBytes)})`,
        `RAM    ${bytes(report.ramBytes)} = arena ${bytes(report.arenaBytes)} + stack ≈${bytes(report.stackBytes)} + other ${bytes(other)}`,
        `arena  ${model.memory.strategy}, ${model.memory.inPlace.length} op(s) in place, ${bytes(model.memory.peakLiveBytes)} live at peak`,
        `kernels (${project.variant}): ${model.kernels.join(', ')}`,
        ...(build.stack.unknown.length > 0 ? [`stack estimate excludes: ${build.stack.unknown.join(', ')}`] : []),
        `ELF    ${build.elf}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
