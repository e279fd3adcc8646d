/**
 * Float32 models, optimized kernels against portable ones on the same emulated board.
 *
 *   npx tsx bench/deploy/float.ts [--board <id>] [model-name ...]
 *
 * Each shared float model deployed twice with `tinydeploy deploy`'s code path: with the board's
 * optimized kernels (on an FPU core the blocked float32 kernels: td_conv2d_f32_packed,
 * td_fully_connected_f32_packed, the FPU td_depthwise_conv2d_f32) and with the portable kernels
 * (the board with its DSP extension switched off: TFLite's reference loops in C, hard float). Both
 * builds' outputs are checked against the host interpreter; a model whose portable build already
 * differs from it (libm's expf/tanhf against JavaScript's) must differ identically (same elements,
 * same largest difference). ../shared/baseline has no TFLite Micro float figures, so the portable
 * kernels (the same loops as TFLite's reference float kernels) are the comparison.
 * Writes bench/deploy/results-float-<board>.json.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBoard, virtualM4f } from '../../src/core/common/boards/index.js';
import { deployModelFile, type DeployResult } from '../../src/core/node/deploy/deploy.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');

const models = [
  { name: 'kws_ref_model_float32', file: 'mlperf_tiny/kws_ref_model_float32.tflite' },
  { name: 'vww_96_float', file: 'mlperf_tiny/vww_96_float.tflite' },
  { name: 'pretrainedResnet', file: 'mlperf_tiny/pretrainedResnet.tflite' },
  { name: 'ad01_fp32', file: 'mlperf_tiny/ad01_fp32.tflite' },
  { name: 'trained_lstm', file: 'rnn/trained_lstm.tflite' },
];

/** Instructions per op type in the last run. */
function perOpType(result: DeployResult): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const layer of result.layers) sums[layer.op] = (sums[layer.op] ?? 0) + layer.latency;
  return sums;
}

const outputsOf = (result: DeployResult) => result.outputs.map((o) => ({ equal: o.comparison.equal, differing: o.comparison.differing, maxAbsDifference: o.comparison.maxAbsDifference }));

async function main() {
  const args = process.argv.slice(2);
  const boardAt = args.indexOf('--board');
  const board = boardAt >= 0 ? requireBoard(args[boardAt + 1]) : virtualM4f;
  const only = boardAt >= 0 ? args.filter((_, index) => index !== boardAt && index !== boardAt + 1) : args;
  const rows = [];
  for (const entry of models.filter((model) => only.length === 0 || only.includes(model.name))) {
    const vector = join(sharedDir, 'vectors', `${entry.name}.input.bin`);
    const inputs = existsSync(vector) ? [new Uint8Array(await readFile(vector))] : undefined;
    const path = join(sharedDir, 'models', entry.file);
    const optimized = await deployModelFile(path, { board, runs: 3, estimate: false, ...(inputs ? { inputs } : {}) });
    const portable = await deployModelFile(path, { board: { ...board, dsp: false }, runs: 3, estimate: false, ...(inputs ? { inputs } : {}) });
    const sameOutputs = JSON.stringify(outputsOf(optimized)) === JSON.stringify(outputsOf(portable));
    const row = {
      model: entry.name,
      macs: optimized.model.macs,
      optimized: { instructions: optimized.latency.value, perMac: optimized.instructionsPerMac, flashBytes: optimized.flashBytes, arenaBytes: optimized.arenaBytes, stackBytes: optimized.stackBytes, byOp: perOpType(optimized) },
      portable: { instructions: portable.latency.value, perMac: portable.instructionsPerMac, flashBytes: portable.flashBytes, arenaBytes: portable.arenaBytes, stackBytes: portable.stackBytes, byOp: perOpType(portable) },
      ratio: Math.round((optimized.latency.value / portable.latency.value) * 1000) / 1000,
      bitExactWithInterpreter: { optimized: optimized.bitExact, portable: portable.bitExact },
      sameOutputsAsPortable: sameOutputs,
      outputs: { optimized: outputsOf(optimized), portable: outputsOf(portable) },
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  if (only.length === 0) await writeFile(join(here, `results-float-${board.id}.json`), JSON.stringify({ board: board.id, unit: 'instructions', models: rows }, null, 1) + '\n');
}

await main();
