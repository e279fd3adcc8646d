/**
 * Code generation figures against TFLite Micro on the emulated Cortex-M4F.
 *
 *   npx tsx bench/codegen/run.ts
 *
 * For every shared model: `tinydeploy build` for virtual-m4f (arm-none-eabi-gcc -O2, DSP
 * kernels), then the firmware runs once under QEMU on the vector input to confirm it is still
 * bit-exact (int8). Reports arena, code (flash − weights), weight and flash bytes, RAM and the
 * stack estimate, next to TFLite Micro's figures from ../shared/baseline/tflm_m4f.json (CMSIS-NN
 * and reference kernels, arena from arena_used_bytes(), code = flash − model), with ratios
 * (ours / theirs). Also the arena under weaker plans (no overlap of windowed ops, no in-place
 * at all, no reuse), to show what each step of the planner buys. Writes
 * bench/codegen/results.json and bench/codegen/README.md.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { linearPlanner, planGraphMemory } from '../../src/core/common/codegen/index.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { buildModelFile, requireCompiler } from '../../src/core/node/toolchain/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');

const models = [
  { name: 'kws_ref_model', file: 'mlperf_tiny/kws_ref_model.tflite', vector: true },
  { name: 'vww_96_int8', file: 'mlperf_tiny/vww_96_int8.tflite', vector: true },
  { name: 'pretrainedResnet_quant', file: 'mlperf_tiny/pretrainedResnet_quant.tflite', vector: true },
  { name: 'ad01_int8', file: 'mlperf_tiny/ad01_int8.tflite', vector: true },
  { name: 'trained_lstm_int8', file: 'rnn/trained_lstm_int8.tflite', vector: true },
  { name: 'kws_ref_model_float32', file: 'mlperf_tiny/kws_ref_model_float32.tflite', vector: false },
  { name: 'vww_96_float', file: 'mlperf_tiny/vww_96_float.tflite', vector: false },
  { name: 'pretrainedResnet', file: 'mlperf_tiny/pretrainedResnet.tflite', vector: false },
  { name: 'ad01_fp32', file: 'mlperf_tiny/ad01_fp32.tflite', vector: false },
  { name: 'trained_lstm', file: 'rnn/trained_lstm.tflite', vector: false },
];

interface BaselineRow {
  model: string;
  kernels: 'cmsis_nn' | 'ref';
  arenaBytes: number;
  codeFlashExclModel: number;
  modelBytes: number;
  flashBytes: number;
  stackBytesInvoke: number;
}

const ratio = (ours: number, theirs: number | undefined) => (theirs ? Math.round((ours / theirs) * 1000) / 1000 : null);

function qemuOutputs(elf: string): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      'qemu-system-arm',
      ['-M', virtualM4f.qemu!.machine, '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-semihosting', '-kernel', elf],
      { timeout: 120_000 },
      (error, stdout) => (error && !stdout.includes('TD_STATUS') ? fail(error) : done(stdout)),
    ),
  );
}

async function main(): Promise<void> {
  const compiler = await requireCompiler('arm-none-eabi');
  const baseline = JSON.parse(await readFile(join(sharedDir, 'baseline/tflm_m4f.json'), 'utf8')) as BaselineRow[];
  const work = await mkdtemp(join(tmpdir(), 'tinydeploy-bench-codegen-'));
  const results = [];
  try {
    for (const entry of models) {
      const path = join(sharedDir, 'models', entry.file);
      const input = entry.vector ? new Uint8Array(await readFile(join(sharedDir, 'vectors', `${entry.name}.input.bin`))) : undefined;
      // The figures come from the plain build (the input would otherwise count as code); the
      // check runs a second build with the vector input compiled in.
      const { model, build } = await buildModelFile(path, { board: virtualM4f, out: join(work, entry.name) });
      const report = build!.report;
      let bitExact: boolean | null = null;
      if (input) {
        const check = await buildModelFile(path, { board: virtualM4f, out: join(work, `${entry.name}-check`), inputs: [input] });
        const expected = Buffer.from(await readFile(join(sharedDir, 'vectors', `${entry.name}.output.bin`))).toString('hex');
        const output = /TD_OUTPUT 0 ([0-9a-f]*)/.exec(await qemuOutputs(check.build!.elf))?.[1];
        bitExact = output === expected;
      }
      const graph = await loadModelFile(path);
      const plans = {
        noOverlap: planGraphMemory(graph, { overlap: false, scratchBytes: model.ops.map((op) => op.scratchBytes) }).arenaBytes,
        noInPlace: planGraphMemory(graph, { inPlace: false, scratchBytes: model.ops.map((op) => op.scratchBytes) }).arenaBytes,
        noReuse: planGraphMemory(graph, { inPlace: false, planner: linearPlanner, scratchBytes: model.ops.map((op) => op.scratchBytes) }).arenaBytes,
      };
      const row = (kernels: 'cmsis_nn' | 'ref') => baseline.find((line) => line.model === entry.name && line.kernels === kernels);
      const tflm = (kernels: 'cmsis_nn' | 'ref') => {
        const line = row(kernels);
        return line
          ? { arenaBytes: line.arenaBytes, codeBytes: line.codeFlashExclModel, modelBytes: line.modelBytes, flashBytes: line.flashBytes, stackBytes: line.stackBytesInvoke }
          : null;
      };
      const cmsis = tflm('cmsis_nn');
      const reference = tflm('ref');
      results.push({
        model: entry.name,
        bitExactOnQemu: bitExact,
        arenaBytes: report.arenaBytes,
        arenaPlan: model.memory.strategy,
        inPlaceOps: model.memory.inPlace.map((decision) => `${decision.opIndex}:${decision.kind}`),
        arenaWithoutOverlapBytes: plans.noOverlap,
        arenaWithoutInPlaceBytes: plans.noInPlace,
        arenaWithoutReuseBytes: plans.noReuse,
        codeBytes: report.codeBytes,
        weightBytes: report.weightBytes,
        parameterBytes: model.parameterBytes,
        flashBytes: report.flashBytes,
        ramBytes: report.ramBytes,
        stackBytes: report.stackBytes,
        tflm: { cmsis_nn: cmsis, ref: reference },
        ratios: cmsis
          ? {
              arenaVsCmsisNn: ratio(report.arenaBytes, cmsis.arenaBytes),
              codeVsCmsisNn: ratio(report.codeBytes, cmsis.codeBytes),
              weightsVsModel: ratio(report.weightBytes, cmsis.modelBytes),
              flashVsCmsisNn: ratio(report.flashBytes, cmsis.flashBytes),
              arenaVsRef: ratio(report.arenaBytes, reference?.arenaBytes),
              codeVsRef: ratio(report.codeBytes, reference?.codeBytes),
            }
          : null,
      });
      console.log(`${entry.name}: arena ${report.arenaBytes}, code ${report.codeBytes}, weights ${report.weightBytes}${bitExact === null ? '' : `, bit-exact ${bitExact}`}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const document = {
    board: virtualM4f.id,
    compiler: compiler.version,
    flags: '-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 (DSP kernels)',
    baseline: 'TFLite Micro 90b983c, ../shared/baseline/tflm_m4f.json',
    definitions: {
      arenaBytes: 'static arena of the generated code (activations, LSTM state, kernel scratch); TFLite Micro: arena_used_bytes(), which also holds its own bookkeeping and the per-channel multipliers',
      codeBytes: 'flash − weights = text + rodata + data of the ELF minus the model constants (td_weights_*); includes folded parameters, kernels, start-up and main',
      weightBytes: 'the model constants as emitted (dequantized float for hybrids); TFLite Micro: the whole .tflite flatbuffer (modelBytes)',
    },
    models: results,
  };
  await writeFile(join(here, 'results.json'), JSON.stringify(document, null, 1) + '\n');
  await writeFile(join(here, 'README.md'), readme(document));
}

type Document = { compiler: string; models: { model: string; [key: string]: unknown }[] };

function readme(document: Document): string {
  const count = (value: unknown) => (typeof value === 'number' ? value.toLocaleString('en-US') : '–');
  const r = (value: unknown) => (typeof value === 'number' ? value.toFixed(2) : '–');
  const rows = document.models.map((m) => {
    const tflm = (m.tflm as { cmsis_nn: { arenaBytes: number; codeBytes: number; modelBytes: number } | null }).cmsis_nn;
    const ratios = m.ratios as { arenaVsCmsisNn: number; codeVsCmsisNn: number; weightsVsModel: number } | null;
    return `| ${m.model} | ${m.bitExactOnQemu === null ? 'n/a' : m.bitExactOnQemu ? 'yes' : '**no**'} | ${count(m.arenaBytes)} | ${count(tflm?.arenaBytes)} | ${r(ratios?.arenaVsCmsisNn)} | ${count(m.codeBytes)} (${count(m.parameterBytes)}) | ${count(tflm?.codeBytes)} | ${r(ratios?.codeVsCmsisNn)} | ${count(m.weightBytes)} | ${count(tflm?.modelBytes)} | ${r(ratios?.weightsVsModel)} | ${count(m.stackBytes)} |`;
  });
  const planRows = document.models.map(
    (m) => `| ${m.model} | ${count(m.arenaBytes)} | ${count(m.arenaWithoutOverlapBytes)} | ${count(m.arenaWithoutInPlaceBytes)} | ${count(m.arenaWithoutReuseBytes)} |`,
  );
  return `# bench/codegen — generated C vs TFLite Micro on the emulated Cortex-M4F

\`npx tsx bench/codegen/run.ts\` builds every shared model with \`tinydeploy build\` for \`virtual-m4f\`
(${document.compiler}, \`-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2\`, DSP kernels), runs
the int8 ones once under QEMU mps2-an386 on the TFLite Micro vector input (bit-exact column), and compares
with TFLite Micro + CMSIS-NN from \`../shared/baseline/tflm_m4f.json\`. Ratios are ours / TFLite Micro's.
Full figures, including TFLite Micro's reference-kernel build, are in \`results.json\`.

- **arena**: our static arena (activations, LSTM state, kernel scratch) vs TFLite Micro's
  \`arena_used_bytes()\` (which also holds its interpreter bookkeeping and per-channel multipliers).
- **code**: flash − weights (text + rodata + data of the ELF minus the \`td_weights_*\` arrays: kernels,
  folded parameters, start-up, a minimal main) vs TFLite Micro's flash minus the model.
- **weights**: the model's constant tensors as emitted vs the whole \`.tflite\` flatbuffer.
- **stack**: worst-case estimate from \`-fcallgraph-info\` (memcpy/memset of newlib not counted).

| model | bit-exact on QEMU | arena B | TFLM arena B | ratio | code B (of which folded parameters) | TFLM code B | ratio | weights B | TFLM model B | ratio | stack B |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

What the planner's steps buy (arena bytes): the default plan; without the output-over-input overlap of
convolutions, depthwise convolutions and pooling; without any in-place reuse (reshape alias, element-wise
overwrite); without reuse at all (TFLite Micro's linear planner).

| model | arena B | no overlap | no in-place | no reuse |
|---|---:|---:|---:|---:|
${planRows.join('\n')}
`;
}

await main();
