import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opMacs } from '../../common/analysis/macs.js';
import { compareTensorBytes, comparisonPasses, floatOutputTolerance, type TensorComparison } from '../../common/analysis/compare.js';
import type { Board } from '../../common/boards/index.js';
import type { OptimizeFor } from '../../common/codegen/index.js';
import type { GraphMemoryPlan } from '../../common/codegen/memory/index.js';
import { CancelledError, DeviceError, InterpreterError } from '../../common/errors.js';
import { Interpreter } from '../../common/interp/interpreter.js';
import { bytesOf, dataFromBytes, formatShape, tensorBytes } from '../../common/ir/tensor.js';
import type { Graph } from '../../common/ir/types.js';
import type { DeviceClient } from '../../common/protocol/client.js';
import type { TimerUnit } from '../../common/protocol/messages.js';
import { connectBoard, planRealBoard, unreachableReason, type BoardConnection, type BoardConnectOptions } from '../devices/board-connection.js';
import type { ElfSymbol } from '../toolchain/elf.js';
import { loadModelFile } from '../model-file.js';
import { buildModelGraph, fileSha256 } from '../toolchain/build-model.js';
import type { BuildReport } from '../toolchain/project.js';
import { checkEstimateTarget, DeployEstimator, estimateFailure, type DeployEstimate, type EstimateOptions } from './estimate.js';
import { seededInputs } from './inputs.js';

/**
 * Deploy & Profile, the app's main job: build a model into the on-device profiler for a board,
 * flash it, run it, read back its outputs, per-op timings and stack high-water, and check the
 * outputs against the host interpreter. Shared by `tinydeploy deploy`, the benchmark and the
 * worker's deploy job.
 *
 * The host reference is the interpreter on the graph the C code implements (for a hybrid model,
 * its weights dequantized). Integer outputs must be byte-identical; float outputs are reported
 * byte-identical or within max|Δ| ≤ 1e-4·max|host|. When outputs differ, the board is run op by
 * op (RUN with `lastOp`) and each op's outputs are read back while they are still in the arena,
 * so the report names the first layer that differs.
 *
 * Runs: every run is its own RUN command whose output is read and checked, so `runs: 10` proves
 * ten identical answers, not one. State (LSTM) is reset before each run unless `streaming`; with
 * streaming the host interpreter carries its state the same way and each run is checked against
 * its own host run.
 */

export type DeployStep = 'build' | 'flash' | 'run' | 'verify';

export interface DeployProgress {
  step: DeployStep;
  /** 0 … 1 over the whole deploy. */
  fraction: number;
  message: string;
}

export interface DeployOptions {
  board: Board;
  /** Runs to do and check (default 1, at most 65535). */
  runs?: number;
  /** Carry model state (LSTM) across runs instead of resetting it before each (default false). */
  streaming?: boolean;
  /** Raw bytes of each model input (default: seeded random values in each input's range). */
  inputs?: readonly Uint8Array[];
  /** Seed of the default inputs (default 1). */
  seed?: number;
  /** Where the firmware project goes (default: a temporary folder, removed afterwards). */
  workDirectory?: string;
  onProgress?: (progress: DeployProgress) => void;
  signal?: AbortSignal;
  /**
   * How to reach the board (devices/board-connection.ts): timeouts and a transport wrapper for
   * fault injection; for a real board its GDB server (`gdbServer`) and serial port (`serialPort`).
   */
  connection?: BoardConnectOptions;
  /**
   * Virtual boards: estimate cycles and ms from the instruction mix (estimate.ts), for the board
   * itself or for `target` (a catalog board). On by default; `false` runs QEMU without the plugin.
   */
  estimate?: EstimateOptions | false;
  /** What the code generator favours where kernels trade code for speed (GenerateOptions.optimize; default `size`). */
  optimize?: OptimizeFor;
}

export interface LayerProfile {
  index: number;
  op: string;
  /** Time of this op in the last run, in the latency's unit. */
  latency: number;
  macs: number;
}

export interface OutputCheck {
  index: number;
  tensorId: number;
  comparison: TensorComparison;
  passed: boolean;
}

/** The first op whose output differs between board and host (only searched when outputs differ). */
export interface LayerDifference {
  index: number;
  op: string;
  tensorId: number;
  tensorName: string;
  comparison: TensorComparison;
  /** One line: `op 5 (CONV_2D) output tensor 23 "conv_1": 14 of 2000 elements differ, max |Δ| 3`. */
  description: string;
}

export interface DeployResult {
  board: string;
  boardName: string;
  model: { name: string; hash: string; macs: number; hybrid: boolean };
  /** What the firmware was generated for: `size` or `speed` (DeployOptions.optimize). */
  optimize: OptimizeFor;
  /** The kernel functions the generated model calls, sorted. */
  kernels: string[];
  latency: {
    /** Median over the runs. */
    value: number;
    unit: TimerUnit;
    min: number;
    max: number;
    runs: number;
    /** Milliseconds at the board's clock (cycles only: instructions are not time). */
    milliseconds?: number;
  };
  /** latency / MACs (instructions per MAC on virtual boards, cycles per MAC on real ones). */
  instructionsPerMac: number | null;
  arenaBytes: number;
  /**
   * The memory plan the firmware was generated with (one op index per op of `layers`), for the
   * arena's memory timeline (`arenaMemoryTimeline`). Holds Maps: not for JSON or process messages.
   */
  memoryPlan: GraphMemoryPlan;
  /**
   * Stack high-water of the model's runs measured on the board (painted again before each run, the UART's receive
   * interrupt held off during it: the same figure run after run); the deepest use since start-up from firmware that
   * does not measure runs.
   */
  stackBytes: number;
  flashBytes: number;
  build: BuildReport;
  buildId: string;
  /** Every output of every run byte-identical to the host's. */
  bitExact: boolean;
  /** Integer outputs byte-identical and float outputs within `tolerance` (relative) on every run. */
  passed: boolean;
  tolerance: number;
  outputs: OutputCheck[];
  /** Every run answered with the same output bytes (always expected unless streaming). */
  runsIdentical: boolean;
  firstDifference?: LayerDifference;
  layers: LayerProfile[];
  /** Virtual boards: estimated cycles and ms on a real core (median over the runs), beside the exact instruction count. */
  estimate?: DeployEstimate;
  /** Why there is no estimate on a virtual board (e.g. no host gcc to build the plugin). */
  estimateUnavailable?: string;
  /** Raw output bytes of the last run, per output. */
  outputBytes: Uint8Array[];
  timings: { buildMs: number; flashMs: number; runMs: number; verifyMs: number; totalMs: number };
}

/**
 * A generous instruction count for one inference, for RUN's deadline: 16 per MAC (float kernels
 * without vector units run about 7–13; int8 ones 1.3–4) and 20,000 per op for what MACs miss
 * (softmax, element-wise ops, copies).
 */
function expectedInstructions(graph: Graph): number {
  return graph.ops.reduce((sum, op) => sum + 16 * opMacs(graph, op) + 20_000, 0);
}

/** Deploys the model file at `path` (see the module comment). */
export async function deployModelFile(path: string, options: DeployOptions): Promise<DeployResult> {
  const graph = await loadModelFile(path);
  const name = path.split(/[\\/]/).pop() ?? path;
  return deployGraph(graph, { ...options, name, hash: await fileSha256(path) });
}

export async function deployGraph(graph: Graph, options: DeployOptions & { name: string; hash: string }): Promise<DeployResult> {
  const { board } = options;
  const runs = options.runs ?? 1;
  if (!Number.isInteger(runs) || runs < 1 || runs > 65535) throw new DeviceError(`runs must be an integer from 1 to 65535, got ${runs}`, { runs });
  // A board that cannot be reached is refused before minutes of building: for a real board, its
  // port plugged in and something to flash it with (a GDB server given or installed, its drive).
  const unreachable = unreachableReason(board, options.connection);
  if (unreachable) throw unreachable;
  let connectionOptions: BoardConnectOptions = { ...options.connection };
  if (!board.qemu) {
    const plan = await planRealBoard(board, connectionOptions);
    connectionOptions = { ...connectionOptions, serialPort: plan.port.path, ...(plan.method === 'drive' || plan.method === 'openocd' || plan.method === 'pyocd' ? { flashMethod: plan.method } : {}) };
  }
  if (options.estimate && options.estimate.target) checkEstimateTarget(board, options.estimate.target);
  const started = performance.now();
  const progress = (step: DeployStep, fraction: number, message: string) => options.onProgress?.({ step, fraction, message });
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new CancelledError('deploy cancelled');
  };

  // Bad input bytes are refused before anything is built (hybrid dequantization keeps the inputs).
  const userInputs = options.inputs ? checkInputs(graph, options.inputs) : undefined;

  // Build.
  progress('build', 0, `generating C for ${options.name} and compiling it for ${board.id}`);
  const workDirectory = options.workDirectory ?? (await mkdtemp(join(tmpdir(), 'tinydeploy-deploy-')));
  try {
    const optimize = options.optimize ?? 'size';
    const { model, project, build } = await buildModelGraph(graph, { board, out: workDirectory, application: 'profiler', name: options.name, hash: options.hash, generate: { optimize } });
    const firmware = build!;
    const reference = model.graph;
    const inputs = userInputs ?? seededInputs(reference, options.seed ?? 1);
    const buildMs = performance.now() - started;
    checkCancelled();

    // The cycle estimate's counting (virtual boards): asked for a target, it must work; by default a failure only drops the estimate.
    let estimator: DeployEstimator | undefined;
    let estimateUnavailable: string | undefined;
    if (options.estimate !== false && board.qemu) {
      try {
        estimator = await DeployEstimator.start(board, firmware.symbols, options.estimate, workDirectory);
      } catch (error) {
        if (options.estimate?.target) throw error;
        estimateUnavailable = estimateFailure(error);
      }
    }

    // Flash.
    progress('flash', 0.3, `starting ${board.name} and flashing ${firmware.report.flashBytes} bytes`);
    const connectSteps = { start: 0.3, flash: 0.33, line: 0.4, hello: 0.42 };
    const connection = await connectBoard(board, firmware.elf, {
      ...connectionOptions,
      ...(estimator ? { extraArguments: [...(options.connection?.extraArguments ?? []), ...estimator.qemuArguments] } : {}),
      signal: options.signal,
      onProgress: (step) => {
        options.connection?.onProgress?.(step);
        progress('flash', connectSteps[step.step], step.message);
      },
    });
    try {
      const { client, info } = connection;
      // RUN's reply deadline follows from the model's work (and the speed the board shows), not a fixed time.
      client.expectWork(expectedInstructions(reference));
      if (info.buildId !== project.buildId) {
        throw new DeviceError(`board ${board.id} answers with build ${info.buildId}, expected the build just flashed (${project.buildId})`, { board: board.id });
      }
      const flashMs = connection.timings.totalMs;
      checkCancelled();

      // Run.
      const runStarted = performance.now();
      await loadInputs(connection, firmware.symbols, inputs);
      const host = new Interpreter(reference, { state: options.streaming ? 'streaming' : 'reset' });
      const hostInputs = reference.inputs.map((id, i) => dataFromBytes(reference.tensors[id].dtype, inputs[i].slice()));
      const latencies: number[] = [];
      let unit: TimerUnit = info.timerUnit;
      const outputChecks: OutputCheck[] = [];
      let firstRunBytes: Uint8Array[] | undefined;
      let runsIdentical = true;
      let bitExact = true;
      let passed = true;
      let outputBytes: Uint8Array[] = [];
      for (let run = 0; run < runs; run++) {
        checkCancelled();
        progress('run', 0.45 + (0.4 * run) / runs, `run ${run + 1} of ${runs}`);
        // Every run measures its own stack (the board paints it again first): the figure is the model's, not the
        // protocol server's deepest frame or an interrupt that struck it.
        const reply = await client.run({ streaming: options.streaming, measureStack: true });
        latencies.push(reply.min);
        unit = reply.timerUnit;
        outputBytes = [];
        for (let i = 0; i < reference.outputs.length; i++) outputBytes.push(await client.readOutput(i));
        const expected = host.run(hostInputs).outputs.map((data) => bytesOf(data).slice());
        outputBytes.forEach((bytes, i) => {
          const comparison = compareTensorBytes(reference.tensors[reference.outputs[i]].dtype, expected[i], bytes);
          const ok = comparisonPasses(comparison);
          bitExact &&= comparison.equal;
          passed &&= ok;
          // Keep the worst run's comparison per output.
          const previous = outputChecks[i];
          if (!previous || comparison.maxAbsDifference > previous.comparison.maxAbsDifference || (!comparison.equal && previous.comparison.equal)) {
            outputChecks[i] = { index: i, tensorId: reference.outputs[i], comparison, passed: ok };
          }
        });
        if (!firstRunBytes) firstRunBytes = outputBytes;
        else runsIdentical &&= outputBytes.every((bytes, i) => bytes.length === firstRunBytes![i].length && bytes.every((byte, k) => byte === firstRunBytes![i][k]));
      }
      let estimate: DeployEstimate | undefined;
      if (estimator) {
        try {
          estimate = await estimator.result(runs);
        } catch (error) {
          if (options.estimate && options.estimate.target) throw error;
          estimateUnavailable = estimateFailure(error);
        }
      }
      const profile = await client.readProfile();
      const stack = await client.stack();
      const runMs = performance.now() - runStarted;

      // Verify layer by layer when the check failed. A float run within the tolerance passed: its
      // outputs are not byte-identical, but nothing differs that the user must look for.
      const verifyStarted = performance.now();
      let firstDifference: LayerDifference | undefined;
      if (!passed) {
        progress('verify', 0.85, 'outputs differ: finding the first layer that differs');
        firstDifference = await findFirstDifference(client, reference, hostInputs, options.signal, new Set(model.memory.tensorOffsets.keys()));
      }
      const verifyMs = performance.now() - verifyStarted;
      progress('verify', 1, bitExact ? 'bit-exact' : passed ? 'within the float tolerance' : 'outputs differ');

      const macs = reference.ops.reduce((sum, op) => sum + opMacs(reference, op), 0);
      const sorted = [...latencies].sort((a, b) => a - b);
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      return {
        board: board.id,
        boardName: board.name,
        model: { name: options.name, hash: options.hash, macs, hybrid: model.dequantizedWeights.length > 0 },
        optimize,
        kernels: model.kernels,
        latency: {
          value: median,
          unit,
          min: sorted[0],
          max: sorted[sorted.length - 1],
          runs,
          ...(unit === 'cycles' && info.timerHz > 0 ? { milliseconds: (median / info.timerHz) * 1000 } : {}),
        },
        instructionsPerMac: macs > 0 ? median / macs : null,
        arenaBytes: model.arenaBytes,
        memoryPlan: model.memory,
        stackBytes: stack.runHighWaterBytes || stack.highWaterBytes,
        flashBytes: firmware.report.flashBytes,
        build: firmware.report,
        buildId: project.buildId,
        bitExact,
        passed,
        tolerance: floatOutputTolerance,
        outputs: outputChecks,
        runsIdentical,
        ...(firstDifference ? { firstDifference } : {}),
        layers: reference.ops.map((op, index) => ({ index, op: op.type, latency: profile[index] ?? 0, macs: opMacs(reference, op) })),
        ...(estimate ? { estimate } : {}),
        ...(estimateUnavailable ? { estimateUnavailable } : {}),
        outputBytes,
        timings: { buildMs, flashMs, runMs, verifyMs, totalMs: performance.now() - started },
      };
    } finally {
      await connection.close();
    }
  } finally {
    if (!options.workDirectory) await rm(workDirectory, { recursive: true, force: true });
  }
}

/**
 * Runs the board up to each op in turn (state reset, the loaded inputs) and compares that op's
 * outputs with the host's intermediates; the first op whose outputs are not byte-identical is
 * the layer reported (for float, it says whether the difference is within the tolerance). Undefined when every op agrees (the difference then lies in reading the outputs).
 * `planned`: the tensors the board keeps in its arena (default all); the others (the inner
 * tensors of a residual block run row by row) are not compared.
 */
export async function findFirstDifference(
  client: DeviceClient,
  graph: Graph,
  inputs: ReturnType<typeof dataFromBytes>[],
  signal?: AbortSignal,
  planned?: ReadonlySet<number>,
): Promise<LayerDifference | undefined> {
  const host = new Interpreter(graph, { state: 'reset' }).run(inputs, { keepIntermediates: true }).tensors!;
  for (let index = 0; index < graph.ops.length; index++) {
    if (signal?.aborted) throw new CancelledError('deploy cancelled');
    const op = graph.ops[index];
    await client.run({ lastOp: index });
    for (const tensorId of op.outputs) {
      if (planned && !planned.has(tensorId)) continue;
      const expected = host.get(tensorId);
      if (!expected) throw new InterpreterError(`op ${index} (${op.type}): the host kept no value for output tensor ${tensorId}`);
      const tensor = graph.tensors[tensorId];
      const comparison = compareTensorBytes(tensor.dtype, bytesOf(expected), await client.readTensor(tensorId));
      if (comparison.equal) continue;
      return {
        index,
        op: op.type,
        tensorId,
        tensorName: tensor.name,
        comparison,
        description: `op ${index} (${op.type}) output tensor ${tensorId} "${tensor.name}": ${comparison.differing} of ${comparison.elements} elements differ, max |Δ| ${formatNumber(comparison.maxAbsDifference)} (first at element ${comparison.firstDifference})${comparisonPasses(comparison) ? ', within the float tolerance' : ''}`,
      };
    }
  }
  return undefined;
}

/**
 * Puts the inputs where LOAD_INPUT would (the profiler's input copies, which RUN copies into the
 * model's inputs): written over GDB when the back-end can and the ELF names them (virtual boards:
 * 100× the emulated UART's speed), else sent with LOAD_INPUT over the line (real boards, and
 * virtual boards of a real family, which take the real path).
 */
async function loadInputs(connection: BoardConnection, symbols: readonly ElfSymbol[], inputs: readonly Uint8Array[]): Promise<void> {
  for (let i = 0; i < inputs.length; i++) {
    const copy = symbols.find((symbol) => symbol.name === `td_adapter_input_copy${i}`);
    if (connection.writeMemory && copy && copy.size === inputs[i].length) await connection.writeMemory(copy.value, inputs[i]);
    else await connection.client.loadInput(i, inputs[i]);
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

/** The user's input bytes, one array per model input, each of the input's exact size. */
function checkInputs(graph: Graph, inputs: readonly Uint8Array[]): Uint8Array[] {
  if (inputs.length !== graph.inputs.length) {
    throw new DeviceError(`model has ${graph.inputs.length} input(s), ${inputs.length} given`, { expected: graph.inputs.length, given: inputs.length });
  }
  return inputs.map((bytes, i) => {
    const tensor = graph.tensors[graph.inputs[i]];
    const expected = tensorBytes(tensor);
    if (bytes.length !== expected) {
      throw new DeviceError(`input ${i} (${tensor.name}, ${tensor.dtype} ${formatShape(tensor.shape)}) takes ${expected} bytes, got ${bytes.length}`, { input: i, expected, given: bytes.length });
    }
    return bytes;
  });
}
