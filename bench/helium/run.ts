/**
 * Helium (MVE) kernels against our DSP-extension kernels, both on the emulated Cortex-M55.
 *
 *   npx tsx bench/helium/run.ts [--models-only | --ops-only] [name-substring ...]
 *
 * Every single-op CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED model of ../shared/baseline/ops/
 * and the MLPerf Tiny models (+ the int8 LSTM) of ../shared/models are deployed to virtual-m55
 * (QEMU mps3-an547) twice: with the Helium kernels the board gets by default, and with the DSP
 * kernels (the same board with `helium: false`). Each run checks the board's output against our
 * interpreter, and the single-op models' output against TFLite Micro's `.out.bin`. Instructions
 * are QEMU's exact count of executed instructions: an MVE instruction counts one, whatever its
 * beats on a real core, so the cycle estimate (the board's cycle table, dual-beat MVE) is printed
 * beside them. Writes bench/helium/results.json and the tables of bench/helium/README.md.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM55, type Board } from '../../src/core/common/boards/index.js';
import { deployModelFile } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { tensorBytes } from '../../src/core/common/ir/tensor.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');
const opsDir = join(sharedDir, 'baseline/ops');
const dspBoard: Board = { ...virtualM55, helium: false };

interface Run {
  instructions: number;
  cycles: number | null;
  bitExact: boolean;
  matchesTflm: boolean | null;
  /** Flash the kernel library takes. */
  kernelBytes: number;
}

interface Row {
  model: string;
  op: string;
  macs: number;
  helium: Run | { error: string };
  dsp: Run | { error: string };
}

const models = [
  ['kws_ref_model', 'mlperf_tiny/kws_ref_model.tflite'],
  ['vww_96_int8', 'mlperf_tiny/vww_96_int8.tflite'],
  ['pretrainedResnet_quant', 'mlperf_tiny/pretrainedResnet_quant.tflite'],
  ['ad01_int8', 'mlperf_tiny/ad01_int8.tflite'],
  ['trained_lstm_int8', 'rnn/trained_lstm_int8.tflite'],
] as const;

async function inputsOf(path: string, bytes: Uint8Array | null): Promise<Uint8Array[] | undefined> {
  if (!bytes) return undefined;
  const graph = await loadModelFile(path);
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const id of graph.inputs) {
    const size = tensorBytes(graph.tensors[id]!);
    parts.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return parts;
}

async function measure(path: string, board: Board, input: Uint8Array | null, expected: Buffer | null): Promise<Run | { error: string }> {
  try {
    const result = await deployModelFile(path, { board, runs: 1, inputs: await inputsOf(path, input), estimate: {} });
    macsOf.set(path, result.model.macs);
    const output = Buffer.concat(result.outputBytes.map((bytes) => Buffer.from(bytes)));
    return {
      instructions: result.latency.value,
      cycles: result.estimate?.cycles ?? null,
      bitExact: result.bitExact,
      matchesTflm: expected ? output.equals(expected) : null,
      kernelBytes: result.build.flashParts.kernels,
    };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}

const macsOf = new Map<string, number>();
const ok = (run: Row['helium']): run is Run => 'instructions' in run;
const count = (value: number) => value.toLocaleString('en-US');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const filters = args.filter((arg) => !arg.startsWith('--'));
  const wanted = (name: string) => filters.length === 0 || filters.some((filter) => name.includes(filter));
  const rows: Row[] = [];
  if (!args.includes('--models-only')) {
    const ops = JSON.parse(await readFile(join(opsDir, 'ops.json'), 'utf8')) as { model: string; op: string; macs: number }[];
    for (const op of ops.filter((row) => /CONV_2D|FULLY_CONNECTED/.test(row.op) && wanted(row.model))) {
      const path = join(opsDir, `${op.model}.tflite`);
      const input = new Uint8Array(await readFile(join(opsDir, `${op.model}.input.bin`)));
      const expected = Buffer.from(await readFile(join(opsDir, `${op.model}.out.bin`)));
      const row: Row = { model: op.model, op: op.op, macs: op.macs, helium: await measure(path, virtualM55, input, expected), dsp: await measure(path, dspBoard, input, expected) };
      rows.push(row);
      console.log(describe(row));
    }
  }
  if (!args.includes('--ops-only')) {
    for (const [name, file] of models.filter(([name]) => wanted(name))) {
      const path = join(sharedDir, 'models', file);
      const helium = await measure(path, virtualM55, null, null);
      const row: Row = { model: name, op: 'model', macs: macsOf.get(path) ?? 0, helium, dsp: await measure(path, dspBoard, null, null) };
      rows.push(row);
      console.log(describe(row));
    }
  }
  await mkdir(here, { recursive: true });
  await writeFile(join(here, 'results.json'), `${JSON.stringify({ board: virtualM55.id, date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`\n${table(rows)}`);
}

function describe(row: Row): string {
  const text = (run: Row['helium']) => (ok(run) ? `${count(run.instructions)}${run.bitExact ? '' : ' NOT BIT-EXACT'}${run.matchesTflm === false ? ' ≠TFLM' : ''}` : `error: ${run.error}`);
  return `${row.model}: helium ${text(row.helium)}, dsp ${text(row.dsp)}`;
}

function table(rows: Row[]): string {
  const perMac = (run: Row['helium'], macs: number) => (ok(run) && macs ? (run.instructions / macs).toFixed(2) : '–');
  const lines = [
    '| model | op | MACs | Helium instr | DSP instr | Helium / DSP | Helium /MAC | DSP /MAC | Helium cycles (est.) | DSP cycles (est.) | checks |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    const { helium, dsp } = row;
    const ratio = ok(helium) && ok(dsp) ? (helium.instructions / dsp.instructions).toFixed(3) : '–';
    const cycles = (run: Row['helium']) => (ok(run) && run.cycles !== null ? count(Math.round(run.cycles)) : '–');
    const checks = [helium, dsp]
      .map((run) => (ok(run) ? `${run.bitExact ? 'bit-exact' : 'DIFFERS'}${run.matchesTflm === null ? '' : run.matchesTflm ? ', =TFLM' : ', ≠TFLM'}` : `error: ${run.error}`))
      .join(' / ');
    lines.push(
      `| ${row.model} | ${row.op} | ${count(row.macs)} | ${ok(helium) ? count(helium.instructions) : '–'} | ${ok(dsp) ? count(dsp.instructions) : '–'} | ${ratio} | ${perMac(helium, row.macs)} | ${perMac(dsp, row.macs)} | ${cycles(helium)} | ${cycles(dsp)} | ${checks} |`,
    );
  }
  return lines.join('\n');
}

await main();
