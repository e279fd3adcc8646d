/**
 * Deploy & Profile figures on the emulated Cortex-M4F, side by side with TFLite Micro + CMSIS-NN.
 *
 *   npx tsx bench/deploy/run.ts [--board <id>] [--optimize size|speed] [model-name ...]
 *   npx tsx bench/deploy/run.ts --readme   (README.md again from results.json, results-speed.json and results-float-*.json)
 *
 * For every shared model: `tinydeploy deploy` to virtual-m4f (build with the on-device profiler,
 * flash over GDB, 3 runs on TFLite Micro's own input where ../shared/vectors has one, else the
 * seeded input), and the figures it reports: instructions per inference and per MAC, arena, stack
 * high-water (painted, measured on the board), flash (whole firmware: model, kernels, profiler
 * and start-up) and the wall time from build start to checked result. Next to them, TFLite Micro's
 * figures from ../shared/baseline/tflm_m4f.json (CMSIS-NN and reference kernels; its stack is
 * the painted high-water during Invoke, its flash text + rodata + data + model), with ratios
 * ours / theirs (below 1: TinyDeploy is smaller or faster). Code is flash minus the model on both
 * sides (ours: flash minus the weight arrays as emitted; theirs: flash minus the model file, whose
 * bytes hold the weights with their quantization parameters), RAM is arena + stack high-water.
 * Two code figures: "like TFLM" counts our folded parameters (per-channel multipliers and shifts,
 * biases with offsets folded in: parameters.ts) as model data, as TFLite Micro's model file holds
 * their sources (scales, zero points, biases); "strict" keeps them in code.
 * Writes bench/deploy/results.json and bench/deploy/README.md (virtual-m4f, every model), or
 * bench/deploy/results-<board>.json for another board (`--board virtual-m7`, `virtual-m55`: the
 * same kernels on other cores; TFLite Micro's figures are the M4F's, so no ratios there).
 * `--optimize speed` generates each layer's fastest kernel whatever the model then links
 * (GenerateOptions.optimize; the default, `size`, is what results.json holds) and writes
 * results-speed.json (results-speed-<board>.json), which README.md sets beside results.json.
 *
 * Instructions, not cycles: QEMU's -icount counts executed instructions, which is what both
 * sides are measured in.
 */

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBoard, virtualM4f } from '../../src/core/common/boards/index.js';
import { CodegenError } from '../../src/core/common/errors.js';
import { generateModel, optimizeGoals, type OptimizeFor } from '../../src/core/common/codegen/index.js';
import { deployModelFile } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { kernelVariantOf } from '../../src/core/node/toolchain/firmware.js';
import { foldedBytes, foldedParameters, type FoldedParameters } from './parameters.js';
import { floatSection } from './float-section.js';
import { speedSection } from './speed-section.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');

const models = [
  { name: 'kws_ref_model', file: 'mlperf_tiny/kws_ref_model.tflite' },
  { name: 'vww_96_int8', file: 'mlperf_tiny/vww_96_int8.tflite' },
  { name: 'pretrainedResnet_quant', file: 'mlperf_tiny/pretrainedResnet_quant.tflite' },
  { name: 'ad01_int8', file: 'mlperf_tiny/ad01_int8.tflite' },
  { name: 'trained_lstm_int8', file: 'rnn/trained_lstm_int8.tflite' },
  { name: 'kws_ref_model_float32', file: 'mlperf_tiny/kws_ref_model_float32.tflite' },
  { name: 'vww_96_float', file: 'mlperf_tiny/vww_96_float.tflite' },
  { name: 'pretrainedResnet', file: 'mlperf_tiny/pretrainedResnet.tflite' },
  { name: 'ad01_fp32', file: 'mlperf_tiny/ad01_fp32.tflite' },
  { name: 'trained_lstm', file: 'rnn/trained_lstm.tflite' },
];

interface BaselineRow {
  model: string;
  kernels: 'cmsis_nn' | 'ref';
  instructionsPerInference: number;
  arenaBytes: number;
  stackBytesInvoke: number;
  flashBytes: number;
  codeFlashExclModel: number;
}

interface DeployBenchRow {
  model: string;
  /** What the code generator favoured (absent in rows measured before the setting existed: size). */
  optimize?: OptimizeFor;
  /** The kernel functions the model calls. */
  kernels?: string[];
  input: string;
  macs: number;
  instructionsPerInference: number;
  instructionsPerMac: number;
  arenaBytes: number;
  stackBytes: number;
  flashBytes: number;
  weightBytes: number;
  /** Flash minus the weights as emitted. */
  codeBytes: number;
  /** The folded parameter arrays in that code, by kind. */
  foldedParameters: FoldedParameters;
  /** codeBytes minus the multiplier, shift and folded-bias arrays (counted as model data, as TFLite Micro's model file holds their sources). */
  codeExclFoldedParametersBytes: number;
  /** The parts of the flash (weights, model code and parameters, kernels, runtime, start-up). */
  flashParts: Record<string, number>;
  bitExact: boolean;
  passed: boolean;
  wallMs: number;
  wallBreakdownMs: { build: number; startAndFlash: number; runAndRead: number };
  tflm: { cmsisNnInstructions: number; referenceInstructions?: number; arenaBytes: number; stackBytes: number; flashBytes: number; codeBytes: number } | null;
  ratios: {
    instructionsVsCmsisNn: number | null;
    instructionsVsReference: number | null;
    arena: number | null;
    stack: number | null;
    /** (arena + stack) / (arena + stack). */
    ram: number | null;
    flash: number | null;
    code: number | null;
    codeExclFoldedParameters: number | null;
  } | null;
}

const ratio = (ours: number, theirs: number | undefined) => (theirs ? Math.round((ours / theirs) * 1000) / 1000 : null);

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--readme')) {
    // Render README.md again from results.json and the float results, without deploying.
    const saved = JSON.parse(await readFile(join(here, 'results.json'), 'utf8')) as { models: DeployBenchRow[] };
    await writeFile(join(here, 'README.md'), readme(saved.models));
    return;
  }
  const boardAt = args.indexOf('--board');
  const board = boardAt >= 0 ? requireBoard(args[boardAt + 1]) : virtualM4f;
  const optimizeAt = args.indexOf('--optimize');
  const optimize = (optimizeAt >= 0 ? args[optimizeAt + 1] : 'size') as OptimizeFor;
  if (!optimizeGoals.includes(optimize)) throw new Error(`--optimize ${optimize}: give ${optimizeGoals.join(' or ')}`);
  const optionIndices = [boardAt, optimizeAt].filter((at) => at >= 0).flatMap((at) => [at, at + 1]);
  const only = args.filter((_, index) => !optionIndices.includes(index));
  const measuredAgainstBaseline = board.id === virtualM4f.id;
  const baseline = JSON.parse(await readFile(join(sharedDir, 'baseline/tflm_m4f.json'), 'utf8')) as BaselineRow[];
  const results: DeployBenchRow[] = [];
  for (const entry of models.filter((model) => only.length === 0 || only.includes(model.name))) {
    const vector = join(sharedDir, 'vectors', `${entry.name}.input.bin`);
    const inputs = existsSync(vector) ? [new Uint8Array(await readFile(vector))] : undefined;
    const path = join(sharedDir, 'models', entry.file);
    const deployed = await deployModelFile(path, { board, runs: 3, optimize, ...(inputs ? { inputs } : {}) }).catch((error: unknown) => {
      // A model larger than the board's flash or RAM (the float VWW on virtual-m55) is left out, saying why.
      if (error instanceof CodegenError && /does not fit/.test(error.message)) return error;
      throw error;
    });
    if (deployed instanceof CodegenError) {
      console.log(`${entry.name}: left out on ${board.id}: ${deployed.message}`);
      continue;
    }
    const result = deployed;
    // The same C deploy compiled (generateModel is deterministic), read for its parameter arrays.
    const parameters = foldedParameters(generateModel(await loadModelFile(path), { dsp: board.dsp, helium: kernelVariantOf(board) === 'helium', optimize }).source);
    const codeBytes = result.flashBytes - result.build.weightBytes;
    const codeExclFolded = codeBytes - foldedBytes(parameters);
    const cmsis = measuredAgainstBaseline ? baseline.find((row) => row.model === entry.name && row.kernels === 'cmsis_nn') : undefined;
    const reference = baseline.find((row) => row.model === entry.name && row.kernels === 'ref');
    const row: DeployBenchRow = {
      model: entry.name,
      optimize,
      kernels: result.kernels,
      input: inputs ? 'TFLite Micro vector' : 'seeded',
      macs: result.model.macs,
      instructionsPerInference: result.latency.value,
      instructionsPerMac: Math.round(result.instructionsPerMac! * 1000) / 1000,
      arenaBytes: result.arenaBytes,
      stackBytes: result.stackBytes,
      flashBytes: result.flashBytes,
      weightBytes: result.build.weightBytes,
      codeBytes,
      foldedParameters: parameters,
      codeExclFoldedParametersBytes: codeExclFolded,
      flashParts: { ...result.build.flashParts },
      bitExact: result.bitExact,
      passed: result.passed,
      wallMs: Math.round(result.timings.totalMs),
      wallBreakdownMs: {
        build: Math.round(result.timings.buildMs),
        startAndFlash: Math.round(result.timings.flashMs),
        runAndRead: Math.round(result.timings.runMs),
      },
      tflm: cmsis
        ? {
            cmsisNnInstructions: cmsis.instructionsPerInference,
            referenceInstructions: reference?.instructionsPerInference,
            arenaBytes: cmsis.arenaBytes,
            stackBytes: cmsis.stackBytesInvoke,
            flashBytes: cmsis.flashBytes,
            codeBytes: cmsis.codeFlashExclModel,
          }
        : null,
      ratios: cmsis
        ? {
            instructionsVsCmsisNn: ratio(result.latency.value, cmsis.instructionsPerInference),
            instructionsVsReference: ratio(result.latency.value, reference?.instructionsPerInference),
            arena: ratio(result.arenaBytes, cmsis.arenaBytes),
            stack: ratio(result.stackBytes, cmsis.stackBytesInvoke),
            ram: ratio(result.arenaBytes + result.stackBytes, cmsis.arenaBytes + cmsis.stackBytesInvoke),
            flash: ratio(result.flashBytes, cmsis.flashBytes),
            code: ratio(codeBytes, cmsis.codeFlashExclModel),
            codeExclFoldedParameters: ratio(codeExclFolded, cmsis.codeFlashExclModel),
          }
        : null,
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  const document = {
    board: board.id,
    machine: board.qemu?.machine,
    unit: 'instructions',
    note: 'ours / TFLite Micro ratios; below 1 means TinyDeploy is smaller or faster. TFLite Micro figures from ../shared/baseline/tflm_m4f.json.',
    models: results,
  };
  if (optimize === 'speed') {
    await writeFile(join(here, `results-speed${measuredAgainstBaseline ? '' : `-${board.id}`}.json`), JSON.stringify(document, null, 1) + '\n');
    if (measuredAgainstBaseline) await writeFile(join(here, 'README.md'), readme((JSON.parse(await readFile(join(here, 'results.json'), 'utf8')) as { models: DeployBenchRow[] }).models));
  } else if (!measuredAgainstBaseline) {
    await writeFile(join(here, `results-${board.id}.json`), JSON.stringify(document, null, 1) + '\n');
  } else if (only.length === 0) {
    await writeFile(join(here, 'results.json'), JSON.stringify(document, null, 1) + '\n');
    await writeFile(join(here, 'README.md'), readme(results));
  }
}

function readme(rows: DeployBenchRow[]): string {
  const count = (value: number) => value.toLocaleString('en-US');
  const lines = rows.map((row) =>
    row.tflm
      ? `| ${row.model} | ${count(row.instructionsPerInference)} | ${row.instructionsPerMac.toFixed(2)} | ${count(row.tflm.cmsisNnInstructions)} (${row.ratios!.instructionsVsCmsisNn}) | ${count(row.tflm.referenceInstructions ?? 0)} (${row.ratios!.instructionsVsReference}) | ${count(row.arenaBytes)} (${row.ratios!.arena}) | ${count(row.stackBytes)} (${row.ratios!.stack}) | ${count(row.flashBytes)} (${row.ratios!.flash}) | ${count(row.arenaBytes + row.stackBytes)} (${row.ratios!.ram}) | ${count(row.codeBytes)} (${row.ratios!.code}) | ${count(row.codeExclFoldedParametersBytes)} (${row.ratios!.codeExclFoldedParameters}) | ${row.bitExact ? 'yes' : 'no'} | ${(row.wallMs / 1000).toFixed(1)} s |`
      : `| ${row.model} | ${count(row.instructionsPerInference)} | ${row.instructionsPerMac.toFixed(2)} | – | – | ${count(row.arenaBytes)} | ${count(row.stackBytes)} | ${count(row.flashBytes)} | ${count(row.arenaBytes + row.stackBytes)} | ${count(row.codeBytes)} | ${count(row.codeExclFoldedParametersBytes)} | ${row.bitExact ? 'yes' : row.passed ? 'within 1e-4' : 'NO'} | ${(row.wallMs / 1000).toFixed(1)} s |`,
  );
  return `# Deploy & Profile on the virtual Cortex-M4F

\`npx tsx bench/deploy/run.ts\` deploys every shared model to \`virtual-m4f\` (QEMU mps2-an386, arm-none-eabi-gcc
-O2, DSP kernels) with \`tinydeploy deploy\`'s code path and compares with TFLite Micro + CMSIS-NN measured on the
same emulated board (\`../shared/baseline/\`). In parentheses: ours / TFLite Micro with CMSIS-NN (below 1: smaller or
faster). Instructions are counted by QEMU (\`-icount\`), not cycles. Flash is the whole firmware on both sides
(ours includes the profiler runtime); stack is the painted high-water measured on the board on both sides (ours: the
model's runs, the stack painted again before them and the UART's receive interrupt held off during them). Wall time
runs from build start to the checked result (build, QEMU start, flash over GDB, upload the input, 3 runs, read back).
RAM is arena + stack. Code is flash minus the model, in two columns. TFLite Micro's figure is its flash minus the
model file, and that file holds the weights, the biases, every tensor's scales and zero points (from which it
computes its multipliers and shifts at start-up, into its arena) and the graph. **code like TFLM B** is ours
measured the same way: flash minus the arrays that carry the model's tensors, that is the weights, the biases (ours
with the input offset folded in, in place of the model's bias) and the per-channel multipliers and shifts (ours
precomputed from the model's scales); the graph's counterpart (op calls, shapes, tensor table) stays in our code.
**code strict B** counts those folded biases, multipliers and shifts as code as well. Where each model's code goes: \`breakdown.md\` (\`npx tsx bench/deploy/breakdown.ts\`).
Other cores: \`--board virtual-m7\` or \`virtual-m55\` writes \`results-<board>.json\`.

| model | instructions | per MAC | TFLM CMSIS-NN | TFLM reference | arena B | stack B | flash B | RAM B | code strict B | code like TFLM B | bit-exact | wall |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|
${lines.join('\n')}

Full figures are in \`results.json\`.
${speedSection(here, rows)}${floatSection(here)}`;
}

await main();
