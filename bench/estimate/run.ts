/**
 * Estimated cycles and milliseconds of the MLPerf Tiny int8 models on an STM32L4R5ZI (NUCLEO-L4R5ZI,
 * MLPerf Tiny's reference board: Cortex-M4F at 120 MHz, 5 flash wait states, ART on), beside the
 * exact instruction count and the published MLPerf Tiny results on that board.
 *
 *   npx tsx bench/estimate/run.ts [model-name ...]
 *
 * Each model is deployed to virtual-m4f (the Cortex-M4F QEMU board) with `estimate: { target:
 * nucleo-l4r5zi }`, TFLite Micro's input where ../shared/vectors has one: QEMU's instruction-class
 * plugin counts the inference's instructions by class, and the Cortex-M4 cycle table (Cortex-M4
 * TRM, ARM DDI 0439B, Table 3-1 and §3.3.2; FPU Table 7-1) plus the L4R5's 5 wait states on
 * 64-bit flash lines price them (src/core/common/boards/cycle-tables.ts states the model). Writes
 * bench/estimate/results.json and bench/estimate/README.md.
 *
 * The published figures are other implementations on the real board (X-CUBE-AI 10.2 for KWS, VWW
 * and IC; Plumerai for AD): they say where TinyDeploy's generated code would stand, not how
 * accurate the estimate is. The estimate's own accuracy is checked on hand-written loops
 * (src/core/node/devices/qemu/instruction-mix.test.ts).
 */

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cycleTables, estimateTargetOf } from '../../src/core/common/boards/cycle-tables.js';
import { requireBoard, virtualM4f } from '../../src/core/common/boards/index.js';
import { deployModelFile } from '../../src/core/node/deploy/deploy.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');

/** MLPerf Tiny results on the NUCLEO-L4R5ZI (closed division), latency per inference. */
const models = [
  { name: 'kws_ref_model', task: 'KWS (DS-CNN)', file: 'mlperf_tiny/kws_ref_model.tflite', published: { ms: 43.4, by: 'STMicroelectronics X-CUBE-AI 10.2' } },
  { name: 'vww_96_int8', task: 'VWW (MobileNetV1 0.25)', file: 'mlperf_tiny/vww_96_int8.tflite', published: { ms: 89.4, by: 'STMicroelectronics X-CUBE-AI 10.2' } },
  { name: 'pretrainedResnet_quant', task: 'IC (ResNet-8)', file: 'mlperf_tiny/pretrainedResnet_quant.tflite', published: { ms: 165.7, by: 'STMicroelectronics X-CUBE-AI 10.2' } },
  { name: 'ad01_int8', task: 'AD (FC autoencoder)', file: 'mlperf_tiny/ad01_int8.tflite', published: { ms: 4.05, by: 'Plumerai' } },
];

interface Row {
  model: string;
  task: string;
  bitExact: boolean;
  macs: number;
  /** Exact: the plugin's count of the inference (SysTick's count, in 40-instruction ticks, beside it). */
  instructions: number;
  systickInstructions: number;
  estimate: { cycles: number; ms: number; cyclesPerInstruction: number; parts: { issue: number; registers: number; refills: number; flashWaits: number } };
  published: { ms: number; by: string };
  /** Estimated ms / published ms (above 1: TinyDeploy's code is estimated slower than the record). */
  ratio: number;
}

async function main() {
  const wanted = process.argv.slice(2);
  const target = requireBoard('nucleo-l4r5zi');
  const rows: Row[] = [];
  for (const model of models.filter((m) => wanted.length === 0 || wanted.includes(m.name))) {
    const path = join(sharedDir, 'models', model.file);
    const vector = join(sharedDir, 'vectors', `${model.name}.input.bin`);
    const inputs = existsSync(vector) ? [new Uint8Array(await readFile(vector))] : undefined;
    const result = await deployModelFile(path, { board: virtualM4f, runs: 1, ...(inputs ? { inputs } : {}), estimate: { target } });
    const estimate = result.estimate;
    if (!estimate) throw new Error(`${model.name}: no estimate (${result.estimateUnavailable ?? 'unknown reason'})`);
    const row: Row = {
      model: model.name,
      task: model.task,
      bitExact: result.bitExact,
      macs: result.model.macs,
      instructions: estimate.instructions,
      systickInstructions: result.latency.value,
      estimate: { cycles: estimate.cycles, ms: estimate.ms, cyclesPerInstruction: estimate.cycles / estimate.instructions, parts: estimate.parts },
      published: model.published,
      ratio: estimate.ms / model.published.ms,
    };
    rows.push(row);
    console.log(`${model.name}: ${row.instructions} instructions, ≈ ${row.estimate.cycles} cycles, ≈ ${row.estimate.ms.toFixed(1)} ms (published ${model.published.ms} ms, ×${row.ratio.toFixed(2)})`);
  }
  const assumed = estimateTargetOf(target);
  const results = {
    date: new Date().toISOString(),
    board: { id: target.id, core: assumed.core, cpuHz: assumed.cpuHz, flashWaitStates: assumed.flashWaitStates, flashLineBytes: assumed.flashLineBytes },
    cycleTable: cycleTables[assumed.core].source,
    measuredOn: 'virtual-m4f (QEMU 7.2 mps2-an386) with the instruction-class plugin',
    rows,
  };
  await writeFile(join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  await writeFile(join(here, 'README.md'), readme(results));
}

function readme(results: { board: { id: string; cpuHz: number; flashWaitStates: number; flashLineBytes: number }; cycleTable: string; rows: Row[] }): string {
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  const lines = [
    '# Estimated cycles on an STM32L4R5ZI beside the MLPerf Tiny records',
    '',
    '`npx tsx bench/estimate/run.ts` (writes results.json and this file). Each MLPerf Tiny int8 model is deployed to',
    '`virtual-m4f` with `--target nucleo-l4r5zi`: QEMU’s instruction-class plugin (firmware/qemu-plugin/insn-classes.c)',
    'counts one inference’s instructions by class, exactly, and the Cortex-M4 cycle table prices them for the target:',
    `${results.board.id}, Cortex-M4F at ${results.board.cpuHz / 1e6} MHz, ${results.board.flashWaitStates} flash wait states on ${results.board.flashLineBytes}-byte flash lines (RM0432), ART on.`,
    '',
    `Cycle table: ${results.cycleTable}. The model behind the estimate (what it assumes and leaves out) is stated at the`,
    'top of src/core/common/boards/cycle-tables.ts; the table is checked on hand-written loops whose cycle counts the TRM',
    'gives (src/core/node/devices/qemu/instruction-mix.test.ts).',
    '',
    '| model | task | bit-exact | MACs | instructions (exact) | cycles/instr. | flash wait cycles | **estimated cycles** | **estimated ms** | published ms | by | estimate / published |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|',
    ...results.rows.map(
      (row) =>
        `| ${row.model} | ${row.task} | ${row.bitExact ? 'yes' : 'NO'} | ${count(row.macs)} | ${count(row.instructions)} | ${row.estimate.cyclesPerInstruction.toFixed(2)} | ${count(row.estimate.parts.flashWaits)} | ${count(row.estimate.cycles)} | ${row.estimate.ms.toFixed(2)} | ${row.published.ms} | ${row.published.by} | ${row.ratio.toFixed(2)} |`,
    ),
    '',
    'The published latencies are MLPerf Tiny results on the NUCLEO-L4R5ZI (X-CUBE-AI 10.2 for KWS, VWW and IC; Plumerai',
    'for AD): other code generators on the real board. The ratio says where TinyDeploy’s generated code would stand',
    'against them if the estimate were exact; it is not a measure of the estimate’s accuracy, which only a real board',
    '(DWT cycles, `tinydeploy deploy --board nucleo-l4r5zi`) can give. SysTick’s instruction count (40-instruction',
    'ticks) agrees with the plugin’s exact count: see results.json (`systickInstructions`).',
    '',
  ];
  return lines.join('\n');
}

await main();
