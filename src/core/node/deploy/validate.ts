/**
 * Validate on the board, as ST Edge AI's `validate --mode target` does: the model is built into
 * the on-device profiler and flashed once, then each of N samples of a dataset is loaded, run and
 * read back, and the board's outputs are compared with the host interpreter's on the same input,
 * sample by sample. Integer outputs are expected byte-identical (`equal` counts the samples whose
 * every output is; `passed` those that pass deploy's check, float outputs within its tolerance); for float outputs the error figures say how far they are: max |Δ|, RMSE, MAE,
 * cosine similarity and L2 relative error, over every element of every sample, on real values
 * (quantized outputs dequantized with their scale and zero point). When the first output has one
 * score per class of the dataset, the top-1 accuracy of the board and of the host are reported
 * too (the same samples, so they differ only where the outputs do).
 *
 * The host reference is the graph the C code implements (for a hybrid model, its weights
 * dequantized), with state reset before each sample, as the board's RUN does.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Board } from '../../common/boards/index.js';
import { CancelledError, DatasetError, DeviceError } from '../../common/errors.js';
import { Interpreter } from '../../common/interp/interpreter.js';
import { compareTensorBytes, comparisonPasses } from '../../common/analysis/compare.js';
import { bytesOf, dataFromBytes, elementCount } from '../../common/ir/tensor.js';
import type { Graph, Tensor, TensorData } from '../../common/ir/types.js';
import type { ValidationReport } from '../../../shared/services/types.js';
import type { Dataset } from '../datasets/dataset.js';
import { argmax } from '../datasets/evaluate.js';
import { OutputAgreementAccumulator } from '../datasets/metrics.js';
import { sampleConverter } from '../datasets/sample-input.js';
import { connectBoard, planRealBoard, unreachableReason, type BoardConnection, type BoardConnectOptions } from '../devices/board-connection.js';
import type { OptimizeFor } from '../../common/codegen/index.js';
import { buildModelGraph } from '../toolchain/build-model.js';
import type { ElfSymbol } from '../toolchain/elf.js';

export type ValidateStep = 'build' | 'flash' | 'run';

export interface ValidateProgress {
  step: ValidateStep;
  /** 0 … 1 over the whole validation. */
  fraction: number;
  message: string;
  /** Samples compared so far (run step). */
  done?: number;
  equal?: number;
}

export interface ValidateOptions {
  board: Board;
  /** Name of the model in messages and in the generated code. */
  name: string;
  /** `sha256:<hex>` of the model file. */
  hash: string;
  /** Samples to run, the first ones of the dataset (default 100; all when the dataset is smaller). */
  samples?: number;
  /** What the code generator favours where kernels trade code for speed (GenerateOptions.optimize; default `size`). */
  optimize?: OptimizeFor;
  /** Where the firmware project goes (default: a temporary folder, removed afterwards). */
  workDirectory?: string;
  /** How to reach the board (see deploy.ts). */
  connection?: BoardConnectOptions;
  onProgress?: (progress: ValidateProgress) => void;
  signal?: AbortSignal;
}

export interface ValidateResult extends ValidationReport {
  /** What the firmware was generated for (ValidateOptions.optimize). */
  optimizeFor: OptimizeFor;
  boardName: string;
  model: { name: string; hash: string };
  datasetName: string;
  timings: { buildMs: number; flashMs: number; runMs: number; totalMs: number };
}

/** Default number of samples a validation runs. */
export const defaultValidationSamples = 100;

/** Most differing samples listed in a report. */
const maxListed = 20;

export async function validateGraph(graph: Graph, dataset: Dataset, options: ValidateOptions): Promise<ValidateResult> {
  const { board, signal } = options;
  const wanted = options.samples ?? defaultValidationSamples;
  if (!Number.isInteger(wanted) || wanted < 1) throw new DatasetError(`samples must be a positive integer, got ${wanted}`, { samples: wanted });
  if (graph.inputs.length !== 1) throw new DatasetError(`dataset ${dataset.name}: the model has ${graph.inputs.length} inputs; validation feeds exactly one`);
  if (graph.outputs.length === 0) throw new DatasetError(`dataset ${dataset.name}: the model has no outputs to compare`);
  const unreachable = unreachableReason(board, options.connection);
  if (unreachable) throw unreachable;
  // A real board, as deploy reaches it: its port plugged in and something to flash it with, checked before building.
  let connectionOptions: BoardConnectOptions = { ...options.connection };
  if (!board.qemu) {
    const plan = await planRealBoard(board, connectionOptions);
    connectionOptions = { ...connectionOptions, serialPort: plan.port.path, ...(plan.method === 'given' ? {} : { flashMethod: plan.method }) };
  }
  // A dataset that does not fit the model is refused before minutes of building.
  sampleConverter(dataset.name, dataset.sample, graph.tensors[graph.inputs[0]]);
  const total = Math.min(wanted, dataset.size);
  if (total === 0) throw new DatasetError(`dataset ${dataset.name} has no samples`);

  const started = performance.now();
  const progress = (update: ValidateProgress) => options.onProgress?.(update);
  const checkCancelled = () => {
    if (signal?.aborted) throw new CancelledError('validation cancelled');
  };

  progress({ step: 'build', fraction: 0, message: `generating C for ${options.name} and compiling it for ${board.id}` });
  const workDirectory = options.workDirectory ?? (await mkdtemp(join(tmpdir(), 'tinydeploy-validate-')));
  try {
    const optimize = options.optimize ?? 'size';
    const { model, project, build } = await buildModelGraph(graph, { board, out: workDirectory, application: 'profiler', name: options.name, hash: options.hash, generate: { optimize } });
    const firmware = build!;
    const reference = model.graph;
    const input = reference.tensors[reference.inputs[0]];
    const convert = sampleConverter(dataset.name, dataset.sample, input);
    const outputs = reference.outputs.map((id) => reference.tensors[id]);
    const classify = elementCount(outputs[0].shape) === dataset.classes.length;
    const buildMs = performance.now() - started;
    checkCancelled();

    progress({ step: 'flash', fraction: 0.3, message: `starting ${board.name} and flashing ${firmware.report.flashBytes} bytes` });
    const connection = await connectBoard(board, firmware.elf, {
      ...connectionOptions,
      signal,
      onProgress: (step) => {
        options.connection?.onProgress?.(step);
        progress({ step: 'flash', fraction: 0.35, message: step.message });
      },
    });
    try {
      const { client, info } = connection;
      if (info.buildId !== project.buildId) {
        throw new DeviceError(`board ${board.id} answers with build ${info.buildId}, expected the build just flashed (${project.buildId})`, { board: board.id });
      }
      const flashMs = connection.timings.totalMs;
      const runStarted = performance.now();
      const load = inputLoader(connection, firmware.symbols);
      const host = new Interpreter(reference, { state: 'reset' });
      const agreement = new OutputAgreementAccumulator();
      const differing: ValidationReport['differing'] = [];
      let done = 0;
      let equal = 0;
      let passed = 0;
      let boardCorrect = 0;
      let hostCorrect = 0;
      let disagreements = 0;
      for await (const sample of dataset.samples({ limit: total })) {
        checkCancelled();
        const value = convert(sample.values);
        await load(bytesOf(value).slice());
        await client.run();
        const boardBytes: Uint8Array[] = [];
        for (let i = 0; i < outputs.length; i++) boardBytes.push(await client.readOutput(i));
        const hostBytes = host.run([value]).outputs.map((data) => bytesOf(data));
        let sampleEqual = true;
        let samplePasses = true;
        let sampleMax = 0;
        outputs.forEach((tensor, i) => {
          if (boardBytes[i].length !== hostBytes[i].length) {
            throw new DeviceError(`board ${board.id}: output ${i} (${tensor.name}) has ${boardBytes[i].length} bytes, the host's ${hostBytes[i].length}`, { board: board.id });
          }
          const comparison = compareTensorBytes(tensor.dtype, hostBytes[i], boardBytes[i]);
          sampleEqual &&= comparison.equal;
          samplePasses &&= comparisonPasses(comparison);
          const hostReal = realValues(tensor, hostBytes[i]);
          const boardReal = realValues(tensor, boardBytes[i]);
          for (let k = 0; k < hostReal.length; k++) sampleMax = Math.max(sampleMax, Math.abs(boardReal[k] - hostReal[k]));
          agreement.add(hostReal, boardReal);
        });
        if (sampleEqual) equal++;
        if (samplePasses) passed++;
        else if (differing.length < maxListed) differing.push({ index: sample.index, source: sample.source, maxAbsDiff: sampleMax });
        if (classify) {
          const boardClass = argmax(dataFromBytes(outputs[0].dtype, boardBytes[0].slice()));
          const hostClass = argmax(dataFromBytes(outputs[0].dtype, hostBytes[0].slice()));
          if (boardClass === sample.label) boardCorrect++;
          if (hostClass === sample.label) hostCorrect++;
          if (boardClass !== hostClass) disagreements++;
        }
        done++;
        progress({ step: 'run', fraction: 0.4 + (0.6 * done) / total, message: `sample ${done} of ${total}: ${equal} identical`, done, equal });
      }
      const runMs = performance.now() - runStarted;
      return {
        boardId: board.id,
        boardName: board.name,
        model: { name: options.name, hash: options.hash },
        datasetName: dataset.name,
        samples: done,
        equal,
        passed,
        outputDType: outputs[0].dtype,
        accuracy: classify ? { board: boardCorrect / done, host: hostCorrect / done } : { board: null, host: null },
        disagreements,
        differing,
        ...agreement.result(),
        optimizeFor: optimize,
        timings: { buildMs, flashMs, runMs, totalMs: performance.now() - started },
      };
    } finally {
      await connection.close();
    }
  } finally {
    if (!options.workDirectory) await rm(workDirectory, { recursive: true, force: true });
  }
}

/**
 * Puts one input where LOAD_INPUT would: straight into the profiler's input copy over GDB when
 * the back-end can write memory and the ELF names the copy (virtual boards), else LOAD_INPUT over
 * the serial line.
 */
function inputLoader(connection: BoardConnection, symbols: readonly ElfSymbol[]): (bytes: Uint8Array) => Promise<void> {
  const copy = symbols.find((symbol) => symbol.name === 'td_adapter_input_copy0');
  const { writeMemory } = connection;
  return async (bytes) => {
    if (writeMemory && copy && copy.size === bytes.length) await writeMemory(copy.value, bytes);
    else await connection.client.loadInput(0, bytes);
  };
}

/** A tensor's values as real numbers: dequantized when it is quantized (one scale), else as stored. */
function realValues(tensor: Tensor, bytes: Uint8Array): Float64Array {
  const data: TensorData = dataFromBytes(tensor.dtype, bytes.slice());
  const quantization = tensor.dtype !== 'float32' && tensor.quantization?.scale.length === 1 ? tensor.quantization : undefined;
  const scale = quantization ? quantization.scale[0] : 1;
  const zeroPoint = quantization ? (quantization.zeroPoint[0] ?? 0) : 0;
  const values = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = (Number(data[i]) - zeroPoint) * scale;
  return values;
}
