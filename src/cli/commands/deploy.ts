import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DeviceError, UsageError } from '../../core/common/errors.js';
import { printableName, printableText } from '../../core/common/printable.js';
import { estimatingBoardFor, formatEstimate } from '../../core/common/boards/cycle-tables.js';
import type { Board } from '../../core/common/boards/index.js';
import { deployModelFile, type DeployResult } from '../../core/node/deploy/deploy.js';
import type { FlashParts, RamParts } from '../../core/node/toolchain/memory-parts.js';
import { checkEstimateTarget } from '../../core/node/deploy/estimate.js';
import { planRealBoard, unreachableReason, type BoardConnectOptions } from '../../core/node/devices/board-connection.js';
import { booleanOption, integerOption, stringOption, stringOptions } from '../args.js';
import { boardOption, boardOptionSpec } from '../board-option.js';
import { optimizeOption, optimizeOptionSpec } from '../optimize-option.js';
import type { Command } from '../command.js';
import { formatCount, formatTable } from '../format.js';
import { stepReporter } from '../progress.js';

/**
 * The `deploy --json` document. A contract for users' CI: these keys keep their names and
 * meaning (more may be added). latency.unit is "instructions" on virtual boards (QEMU counts
 * instructions, not cycles) and "cycles" on real ones; instructionsPerMac is latency / MACs in
 * that unit.
 */
export interface DeployJson {
  board: string;
  model: string;
  /** What the firmware was generated for: `size` or `speed` (`--optimize`). */
  optimize: string;
  latency: { value: number; unit: string; min: number; max: number; runs: number; milliseconds?: number };
  instructionsPerMac: number | null;
  macs: number;
  arenaBytes: number;
  stackBytes: number;
  flashBytes: number;
  ramBytes: number;
  bitExact: boolean;
  /** Integer outputs byte-identical, float outputs within max|Δ| ≤ tolerance·max|host|. */
  passed: boolean;
  runsIdentical: boolean;
  firstDifference?: { index: number; op: string; tensor: number; description: string };
  /** Real boards: the median inference measured in DWT cycles, and in ms at the clock the board reported. */
  cycles?: number;
  ms?: number;
  /** Virtual boards: cycles and ms estimated from the instruction mix for `board` (a catalog board, `--target`). */
  estimate?: { cycles: number; ms: number; core: string; cpuHz: number; board: string; instructions: number; source: string };
  layers: { index: number; op: string; latency: number; macs: number }[];
  /** Flash and RAM by part (they add up to flashBytes and ramBytes); the keys above are unchanged. */
  memory: { flash: FlashParts; ram: RamParts };
  wallMs: number;
}

export function deployJson(result: DeployResult): DeployJson {
  return {
    board: result.board,
    model: result.model.name,
    optimize: result.optimize,
    latency: result.latency,
    instructionsPerMac: result.instructionsPerMac,
    macs: result.model.macs,
    arenaBytes: result.arenaBytes,
    stackBytes: result.stackBytes,
    flashBytes: result.flashBytes,
    ramBytes: result.build.ramBytes,
    bitExact: result.bitExact,
    passed: result.passed,
    runsIdentical: result.runsIdentical,
    ...(result.latency.unit === 'cycles' ? { cycles: result.latency.value, ...(result.latency.milliseconds !== undefined ? { ms: result.latency.milliseconds } : {}) } : {}),
    ...(result.firstDifference
      ? { firstDifference: { index: result.firstDifference.index, op: result.firstDifference.op, tensor: result.firstDifference.tensorId, description: result.firstDifference.description } }
      : {}),
    ...(result.estimate
      ? {
          estimate: {
            cycles: result.estimate.cycles,
            ms: result.estimate.ms,
            core: result.estimate.core,
            cpuHz: result.estimate.cpuHz,
            board: result.estimate.board,
            instructions: result.estimate.instructions,
            source: result.estimate.source,
          },
        }
      : {}),
    layers: result.layers.map(({ index, op, latency, macs }) => ({ index, op, latency, macs })),
    memory: { flash: { ...result.build.flashParts }, ram: { ...result.build.ramParts } },
    wallMs: Math.round(result.timings.totalMs),
  };
}

export const deployCommand: Command = {
  spec: {
    name: 'deploy',
    summary: 'Build a model for a board, flash it, run it and profile it: latency, per-layer times, memory, bit-exact check.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      board: boardOptionSpec,
      optimize: optimizeOptionSpec,
      runs: { type: 'integer', value: 'n', description: 'inferences to run and check (default 1)' },
      streaming: { type: 'boolean', description: 'keep the model state (LSTM) from one run to the next instead of resetting it' },
      input: { type: 'string', value: 'in.bin', description: 'raw bytes of a model input (repeat for each input; default: seeded random values)', repeatable: true },
      output: { type: 'string', value: 'out.bin', description: "write the board's raw output bytes (every output, in order) here" },
      'keep-project': { type: 'string', value: 'dir', description: 'write the firmware project here and keep it (default: a temporary folder)' },
      json: { type: 'boolean', description: 'print the result as JSON (stable keys, see the README)' },
      target: { type: 'string', value: 'board', description: 'virtual boards: the catalog board to estimate cycles and ms for (default: the virtual board itself), e.g. nucleo-l4r5zi' },
      'gdb-server': {
        type: 'string',
        value: 'host:port',
        description: 'real boards: a GDB server already running to flash through (OpenOCD, pyOCD: localhost:3333; J-Link: localhost:2331); default: TinyDeploy starts OpenOCD or pyOCD itself',
      },
      port: { type: 'string', value: 'path', description: "real boards: the probe's serial port, e.g. /dev/ttyACM0 (default $TINYDEPLOY_BOARD_PORT, else the port with the board's USB id)" },
      flash: { type: 'string', value: 'how', description: "real boards: openocd, pyocd or drive (a copy to the board's drive); default: the board's first way that is installed" },
    },
    notes:
      'Virtual boards run on QEMU (apt-get install qemu-system-arm) and count instructions, not cycles; beside them\n' +
      'they estimate cycles and ms from the instruction mix, for the board itself or the --target board.\n' +
      'Exit code 1 when the board’s outputs differ from the host interpreter (integer outputs must be\n' +
      'byte-identical; float outputs within max|Δ| ≤ 1e-4·max|host output|); the first differing layer is named.',
  },
  async run(args, io) {
    const board = boardOption(args, 'deploy');
    const target = targetOption(args, board);
    const runs = integerOption(args, 'runs') ?? 1;
    if (runs < 1 || runs > 65535) throw new UsageError(`--runs must be from 1 to 65535, got ${runs}`);
    const inputs = await Promise.all(
      stringOptions(args, 'input').map(async (path) => {
        try {
          return new Uint8Array(await readFile(path));
        } catch (error) {
          throw new UsageError(`cannot read --input ${path}: ${(error as Error).message}`);
        }
      }),
    );
    const outputPath = stringOption(args, 'output');
    // A deploy takes minutes: find out now, not after it, that its result could not be saved.
    if (outputPath) await checkWritable(outputPath);
    const json = booleanOption(args, 'json');
    const progress = stepReporter(io.stderr, 'deploy');
    const keepProject = stringOption(args, 'keep-project');
    const flash = stringOption(args, 'flash');
    if (flash !== undefined && flash !== 'openocd' && flash !== 'pyocd' && flash !== 'drive') throw new UsageError(`--flash ${flash}: give openocd, pyocd or drive`);
    const connection: BoardConnectOptions = {
      gdbServer: stringOption(args, 'gdb-server'),
      serialPort: stringOption(args, 'port') ?? (process.env.TINYDEPLOY_BOARD_PORT || undefined),
      ...(flash ? { flashMethod: flash as BoardConnectOptions['flashMethod'] } : {}),
    };
    if (!board.qemu) {
      // Plugged in, and something to flash it with — checked before building. A board that is
      // not there can still be estimated for, on the virtual board of its core.
      const unreachable = unreachableReason(board, connection) ?? (await planRealBoard(board, connection).then(() => undefined, (error: unknown) => error));
      if (unreachable instanceof DeviceError) {
        const standIn = estimatingBoardFor(board);
        const hint = standIn ? `; without the board, \`tinydeploy deploy ${args.positionals.model} --board ${standIn.id} --target ${board.id}\` estimates its cycles and ms` : '';
        throw new DeviceError(`${unreachable.message}${hint}`, unreachable.data);
      }
      if (unreachable) throw unreachable;
    }
    let result: DeployResult;
    try {
      result = await deployModelFile(args.positionals.model, {
        board,
        runs,
        streaming: booleanOption(args, 'streaming'),
        optimize: optimizeOption(args),
        ...(target ? { estimate: { target } } : {}),
        ...(inputs.length > 0 ? { inputs } : {}),
        ...(keepProject ? { workDirectory: resolve(keepProject) } : {}),
        connection,
        onProgress: ({ step, message }) => progress.update(printableName(`${step}: ${message}`)),
      });
    } finally {
      progress.finish();
    }
    let writeFailure: string | undefined;
    if (outputPath) {
      await writeFile(outputPath, Buffer.concat(result.outputBytes)).catch((error: NodeJS.ErrnoException) => {
        writeFailure = `--output ${outputPath}: cannot write the board's output (${error.code ?? error.message}); the result above was not saved there`;
      });
    }
    if (json) io.stdout.write(JSON.stringify(deployJson(result)) + '\n');
    else io.stdout.write(deployText(result, args.positionals.model, board));
    if (writeFailure) {
      // The result is printed above: only the file is lost, not minutes of building and running.
      io.stderr.write(`error: ${printableText(writeFailure)}\n`);
      return 1;
    }
    // Every run is checked against its own host run, so `passed` covers repeatability too.
    return result.passed ? 0 : 1;
  },
};

/**
 * The board `--target` names for the cycle estimate, checked before anything is built: a catalog
 * (or custom) board whose core can run the virtual board's build. Only virtual boards take it:
 * real boards measure cycles.
 */
function targetOption(args: Parameters<typeof boardOption>[0], board: Board): Board | undefined {
  const id = stringOption(args, 'target');
  if (id === undefined) return undefined;
  if (!board.qemu) throw new UsageError(`--target ${id}: ${board.id} is a real board, which measures cycles itself; --target is for virtual boards`);
  const target = boardOption({ ...args, options: new Map([...args.options, ['board', [id]]]) }, 'deploy --target');
  try {
    checkEstimateTarget(board, target);
  } catch (error) {
    throw new UsageError(`--target ${id}: ${(error as Error).message}`);
  }
  return target;
}

/**
 * Refuses an `--output` path that cannot be written: a folder that does not exist or is not
 * writable, or a path that is a folder or a read-only file. A UsageError naming the path.
 */
async function checkWritable(path: string): Promise<void> {
  const refuse = (reason: string) => new UsageError(`--output ${path}: cannot write the board's output there (${reason})`, { path });
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw refuse('it is a folder');
  const target = existing ? path : dirname(resolve(path));
  if (!existing) {
    const folder = await stat(target).catch(() => undefined);
    if (!folder) throw refuse(`no such folder ${target}`);
    if (!folder.isDirectory()) throw refuse(`${target} is not a folder`);
  }
  await access(target, existing ? constants.W_OK : constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw refuse(`${existing ? 'the file' : `the folder ${target}`} is not writable: ${error.code ?? error.message}`);
  });
}

/** What the latency counts, and the board's clock (cycles and ms on real boards; an estimate line follows on virtual ones). */
export function latencyMeaning(unit: string, board?: Pick<Board, 'id' | 'cpuHz'>): string {
  const clock = board ? `; ${board.id} runs its core at ${formatCount(board.cpuHz / 1e6)} MHz` : '';
  return unit === 'instructions'
    ? `         instructions: executed by the emulated core, counted by QEMU, not cycles or time${clock}`
    : `         cycles: the board's cycle counter over one inference${clock}`;
}

/**
 * The memory lines, in the words every view uses: flash = weights + model + kernels + runtime +
 * start-up + other, RAM = arena (the planner's) + stack (estimated worst case, beside the measured
 * high-water) + runtime + other; each sum is the total it names.
 */
export function memoryLines(result: Pick<DeployResult, 'arenaBytes' | 'stackBytes' | 'flashBytes' | 'build'>, bytes: (value: number) => string): string[] {
  const { flashParts: flash, ramParts: ram } = result.build;
  return [
    `flash    ${bytes(result.flashBytes)} = weights ${bytes(flash.weights)} + model ${bytes(flash.model)} + kernels ${bytes(flash.kernels)} + runtime ${bytes(flash.runtime)} + start-up ${bytes(flash.startup)} + other ${bytes(flash.other)}`,
    `RAM      ${bytes(result.build.ramBytes)} = arena ${bytes(ram.arena)} + stack ${bytes(ram.stack)} (estimated from the call graph; measured high-water ${bytes(result.stackBytes)}) + runtime ${bytes(ram.runtime)} + other ${bytes(ram.other)}`,
    `         arena: the memory planner's static arena, every activation tensor with buffers shared when their lifetimes do not overlap`,
  ];
}

function deployText(result: DeployResult, modelPath: string, board?: Pick<Board, 'id' | 'cpuHz'>): string {
  const { latency } = result;
  const unit = latency.unit;
  const bytes = (value: number) => `${formatCount(value)} B`;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const total = result.layers.reduce((sum, layer) => sum + layer.latency, 0);
  const perMac = (value: number, macs: number) => (macs > 0 ? (value / macs).toFixed(2) : '');
  const table = formatTable(
    [{ header: '#', align: 'right' }, { header: 'op' }, { header: unit, align: 'right' }, { header: 'share', align: 'right' }, { header: 'MACs', align: 'right' }, { header: `${unit === 'cycles' ? 'cycles' : 'instr.'}/MAC`, align: 'right' }],
    result.layers.map((layer) => [
      String(layer.index),
      printableName(layer.op),
      formatCount(layer.latency),
      total > 0 ? `${((layer.latency / total) * 100).toFixed(1)}%` : '',
      formatCount(layer.macs),
      perMac(layer.latency, layer.macs),
    ]),
  );
  const spread = latency.min === latency.max ? '' : ` (min ${formatCount(latency.min)}, max ${formatCount(latency.max)})`;
  const time = latency.milliseconds !== undefined ? ` = ${latency.milliseconds.toFixed(3)} ms` : '';
  const outputs = result.outputs.reduce((sum, check) => sum + check.comparison.elements, 0);
  let check: string;
  if (result.bitExact) {
    check = `bit-exact: yes — ${result.outputs.length} output(s), ${formatCount(outputs)} values identical to the host interpreter on ${latency.runs} run(s)`;
  } else if (result.passed) {
    const worst = Math.max(...result.outputs.map((output) => output.comparison.maxAbsDifference));
    const scale = Math.max(...result.outputs.map((output) => output.comparison.maxAbsReference));
    check = `bit-exact: no — float outputs within tolerance: max |Δ| ${worst.toPrecision(3)} ≤ ${result.tolerance} × max |host| ${scale.toPrecision(3)}`;
  } else {
    const failing = result.outputs.filter((output) => !output.passed);
    check = `bit-exact: NO — ${failing.map((output) => `output ${output.index}: ${output.comparison.differing} of ${output.comparison.elements} values differ (max |Δ| ${output.comparison.maxAbsDifference})`).join('; ')}`;
  }
  const lines = [
    `${printableName(modelPath)} on ${result.board} (${result.boardName})${result.model.hybrid ? ' — hybrid model: int8 weights dequantized, runs as float' : ''}`,
    `latency  ${formatCount(latency.value)} ${unit} per inference${time}${spread}, ${result.instructionsPerMac === null ? '' : `${result.instructionsPerMac.toFixed(2)} ${unit === 'cycles' ? 'cycles' : 'instructions'} per MAC, `}${formatCount(result.model.macs)} MACs`,
    latencyMeaning(result.latency.unit, board),
    ...memoryLines(result, bytes),
    `kernels  optimized for ${result.optimize}: ${result.kernels.join(', ')}`,
    check,
    ...(result.firstDifference ? [`first differing layer: ${printableName(result.firstDifference.description)}`] : []),
    ...(!result.runsIdentical && !result.firstDifference ? ['runs: the board did not give the same output on every run'] : []),
    '',
    table.trimEnd(),
    '',
    `time     build ${seconds(result.timings.buildMs)}, start + flash ${seconds(result.timings.flashMs)}, run + read ${seconds(result.timings.runMs)}, total ${seconds(result.timings.totalMs)}`,
    ...(result.estimate ? [`estimate  ${formatEstimate(result.estimate)}, from ${formatCount(result.estimate.instructions)} instructions (cycle table: ${result.estimate.source})`] : []),
    ...(result.estimateUnavailable ? [`estimate  none: ${printableText(result.estimateUnavailable)}`] : []),
    ...(unit === 'instructions' ? ['(a virtual board counts instructions executed, not cycles: compare them with each other, not with a real board; the estimate above prices them for a real core)'] : []),
    '',
  ];
  return lines.join('\n');
}
