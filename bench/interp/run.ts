/**
 * Host interpreter throughput against TFLite's own runtime, in the same process and run.
 *
 *   npx tsx bench/interp/run.ts [--rounds 3] [--seconds 1]
 *
 * For each int8 model with TFLite Micro vectors (../shared/vectors): one inference on the
 * vector's input with TinyDeploy's Interpreter and with @tensorflow/tfjs-tflite (WebAssembly,
 * SIMD, one thread, XNNPACK as TFLite enables it by default); outputs are compared (ours must be
 * bit-exact with TFLite Micro, and within 1 LSB of tfjs-tflite, whose XNNPACK kernels round
 * differently). Then both are warmed up for one round and timed in alternating rounds of
 * `--seconds` each; the best round of each is kept, so that load from other processes hurts both
 * alike. Writes
 * bench/interp/results.json and prints a table.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeModel } from '../../src/core/common/analysis/model-analysis.js';
import { Interpreter } from '../../src/core/common/interp/interpreter.js';
import { dataFromBytes } from '../../src/core/common/ir/tensor.js';
import { importModel } from '../../src/core/common/importers/index.js';
import { argmax } from '../../src/core/node/datasets/evaluate.js';
import { createTfliteRunner, tfliteLog, tfliteVersion, tfliteWasmFile } from './tflite-node.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');

const models = [
  { name: 'kws_ref_model', file: 'models/mlperf_tiny/kws_ref_model.tflite' },
  { name: 'vww_96_int8', file: 'models/mlperf_tiny/vww_96_int8.tflite' },
  { name: 'pretrainedResnet_quant', file: 'models/mlperf_tiny/pretrainedResnet_quant.tflite' },
  { name: 'ad01_int8', file: 'models/mlperf_tiny/ad01_int8.tflite' },
  { name: 'trained_lstm_int8', file: 'models/rnn/trained_lstm_int8.tflite' },
];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!(value > 0)) throw new Error(`--${name} needs a positive number, got ${process.argv[index + 1]}`);
  return value;
}

const rounds = option('rounds', 3);
const secondsPerRound = option('seconds', 1);

/** Calls `infer` until `seconds` have passed (at least 3 calls); returns inferences per second. */
function rate(infer: () => void, seconds: number): number {
  const start = performance.now();
  let runs = 0;
  let elapsed = 0;
  do {
    infer();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < seconds * 1000 || runs < 3);
  return (runs * 1000) / elapsed;
}

interface ModelResult {
  model: string;
  macs: number;
  ours: { inferencesPerSecond: number; msPerInference: number };
  tflite: { inferencesPerSecond: number; msPerInference: number };
  /** ours / tflite inferences per second: above 1 means TinyDeploy is faster. */
  ratio: number;
  /** Node types tfjs-tflite ran (TfLiteXNNPackDelegate: a subgraph XNNPACK took over). */
  tfliteNodes: string[];
  /** Largest |ours - tflite| over the output, in units of the int8 output (LSB). */
  maxDifferenceLsb: number;
  outputsAgreeWithin1Lsb: boolean;
  /** Both runtimes pick the same class (argmax of the output). */
  sameTop1: boolean;
  /** Our output equals TFLite Micro's (../shared/vectors/<model>.output.bin) byte for byte. */
  bitExactWithTfliteMicro: boolean;
}

const results: ModelResult[] = [];
const loadBefore = loadavg();
for (const { name, file } of models) {
  const bytes = new Uint8Array(readFileSync(join(sharedDir, file)));
  const graph = importModel(bytes, name);
  const input = dataFromBytes('int8', new Uint8Array(readFileSync(join(sharedDir, `vectors/${name}.input.bin`)))) as Int8Array;
  const expected = new Int8Array(new Uint8Array(readFileSync(join(sharedDir, `vectors/${name}.output.bin`))).buffer);

  const interpreter = new Interpreter(graph);
  const ours = interpreter.run([input]).outputs[0] as Int8Array;

  const profiler = await createTfliteRunner(bytes, { profile: true });
  profiler.getInputs()[0].data().set(input);
  let tfliteNodes: string[] = [];
  // The profile is diagnostic only; it has been seen to read back empty now and then, hence the retries.
  for (let attempt = 0; attempt < 3 && tfliteNodes.length === 0; attempt++) {
    profiler.infer();
    tfliteNodes = profiler.getProfilingResults().map((node) => node.nodeType);
  }
  profiler.cleanUp();

  const runner = await createTfliteRunner(bytes);
  const [tfliteInput] = runner.getInputs();
  const [tfliteOutput] = runner.getOutputs();
  if (tfliteInput.data().length !== input.length) {
    throw new Error(`${name}: tfjs-tflite input ${tfliteInput.name} has ${tfliteInput.data().length} elements, ours ${input.length}`);
  }
  tfliteInput.data().set(input);
  if (!runner.infer()) throw new Error(`${name}: tfjs-tflite inference failed`);
  // Copy now: later inferences overwrite the buffer (and an LSTM keeps its state between them).
  const theirs = Int8Array.from(tfliteOutput.data() as Int8Array);

  let maxDifferenceLsb = 0;
  for (let i = 0; i < ours.length; i++) maxDifferenceLsb = Math.max(maxDifferenceLsb, Math.abs(ours[i] - theirs[i]));
  const bitExactWithTfliteMicro = ours.length === expected.length && ours.every((value, i) => value === expected[i]);

  // Warm-up, not recorded: V8 optimizes our kernels and tiers WebAssembly up from its baseline
  // compiler only after many calls (tfjs-tflite's first VWW inferences are ten times slower).
  rate(() => interpreter.run([input]), secondsPerRound);
  rate(() => runner.infer(), secondsPerRound);
  let oursBest = 0;
  let theirsBest = 0;
  for (let round = 0; round < rounds; round++) {
    oursBest = Math.max(oursBest, rate(() => interpreter.run([input]), secondsPerRound));
    theirsBest = Math.max(theirsBest, rate(() => runner.infer(), secondsPerRound));
  }
  runner.cleanUp();

  const result: ModelResult = {
    model: name,
    macs: analyzeModel(graph).totals.macs,
    ours: { inferencesPerSecond: round(oursBest, 1), msPerInference: round(1000 / oursBest, 3) },
    tflite: { inferencesPerSecond: round(theirsBest, 1), msPerInference: round(1000 / theirsBest, 3) },
    ratio: round(oursBest / theirsBest, 3),
    tfliteNodes,
    maxDifferenceLsb,
    outputsAgreeWithin1Lsb: maxDifferenceLsb <= 1,
    sameTop1: argmax(ours) === argmax(theirs),
    bitExactWithTfliteMicro,
  };
  results.push(result);
  console.log(
    `${name.padEnd(24)} ours ${result.ours.inferencesPerSecond.toFixed(1).padStart(8)}/s  ` +
      `tfjs-tflite ${result.tflite.inferencesPerSecond.toFixed(1).padStart(8)}/s  ratio ${result.ratio.toFixed(3)}  ` +
      `max diff ${maxDifferenceLsb} LSB  bit-exact with TFLite Micro: ${bitExactWithTfliteMicro}`,
  );
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const report = {
  date: new Date().toISOString(),
  command: 'npx tsx bench/interp/run.ts',
  method: `one warm-up round, then best of ${rounds} alternating rounds of ${secondsPerRound} s per runtime; one inference per call, same input (vectors/<model>.input.bin)`,
  host: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadAverageBefore: loadBefore.map((value) => round(value, 2)), loadAverageAfter: loadavg().map((value) => round(value, 2)) },
  ours: { runtime: 'TinyDeploy host reference interpreter (TypeScript, bit-exact with TFLite Micro reference kernels)' },
  tflite: {
    runtime: `@tensorflow/tfjs-tflite ${tfliteVersion()} (TFLite C++ interpreter compiled to WebAssembly)`,
    wasm: tfliteWasmFile.split('/').pop(),
    threads: 1,
    log: [...new Set(tfliteLog)],
  },
  models: results,
};
writeFileSync(join(here, 'results.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${join(here, 'results.json')}`);
// Our contract is bit-exactness with TFLite Micro; tfjs-tflite's XNNPACK kernels requantize in
// float and may differ by a few LSB (recorded above, not a failure).
if (results.some((result) => !result.bitExactWithTfliteMicro)) process.exitCode = 1;
