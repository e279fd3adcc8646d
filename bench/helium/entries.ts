/**
 * The DSP depthwise entries td_depthwise_conv2d_s8_paired, _lines and _columns on the emulated Cortex-M55.
 *
 *   npx tsx bench/helium/entries.ts [--seeds 1-600] [--no-ops] [--jobs 1] [--label entries]
 *
 * Takes every single-op depthwise model a DSP build without Helium (virtual-m4f's) calls one of those entries for:
 * the random shapes of bench/shapes (test/codegen/testing/random-shapes.ts) among `--seeds`, and the depthwise rows of
 * ../shared/baseline/ops/ (unless --no-ops). Each is deployed to virtual-m55 (QEMU mps3-an547, the Helium kernels)
 * twice: as the generator lowers it for the board (`m55`), and with its depthwise layer lowered as for a DSP build
 * without Helium (`forced`: the entry the Cortex-M4 calls, from the same Helium kernel file, which carries the DSP
 * entries). The forcing is the bench's: it wraps the op library's depthwise `prepare`, which every lowering calls
 * with its LowerContext, to lower with `helium: false`; the firmware is the board's own. Both runs are checked
 * against the interpreter (and TFLite Micro's `.out.bin` for the baseline rows). Writes bench/helium/<label>.json
 * and prints a table of both figures per case.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { virtualM55 } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import type { LowerContext } from '../../src/core/common/codegen/lowering.js';
import { depthwiseConv2d } from '../../src/core/common/ops/depthwise-conv-2d.js';
import type { OpContext } from '../../src/core/common/ops/index.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { randomShapeCase } from '../../test/codegen/testing/random-shapes.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');
const opsDir = join(sharedDir, 'baseline/ops');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1-600' },
    'no-ops': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '1' },
    label: { type: 'string', default: 'entries' },
  },
});

const entries = ['td_depthwise_conv2d_s8_paired', 'td_depthwise_conv2d_s8_lines', 'td_depthwise_conv2d_s8_columns'];

/** Lowering every depthwise layer as for a DSP build without Helium while set (see the top). */
let forceDsp = false;
const prepare = depthwiseConv2d.prepare.bind(depthwiseConv2d);
depthwiseConv2d.prepare = (context: OpContext) => {
  const lowering = context as Partial<LowerContext>;
  if (forceDsp && lowering.options) lowering.options = { ...lowering.options, helium: false };
  return prepare(context);
};

/** The kernel functions the generated model calls. */
function calls(graph: Graph, helium: boolean): string[] {
  const { source } = generateModel(graph, { dsp: true, helium });
  return [...new Set(source.match(/\btd_[a-z0-9_]+(?=\()/g) ?? [])].filter((name) => !name.startsWith('td_model_')).sort();
}

interface Case {
  name: string;
  macs: number;
  graph: Graph;
  input: Uint8Array;
  expected?: Buffer;
}

interface Run {
  instructions: number;
  calls: string[];
  bitExact: boolean;
  matchesTflm: boolean | null;
}

async function measure(item: Case, forced: boolean): Promise<Run | { error: string }> {
  forceDsp = forced;
  try {
    const called = calls(item.graph, true);
    const result = await deployGraph(item.graph, { board: virtualM55, runs: 1, inputs: [item.input], estimate: false, name: item.name, hash: `entries-${item.name}` });
    const output = Buffer.concat(result.outputBytes.map((bytes) => Buffer.from(bytes)));
    return { instructions: result.latency.value, calls: called, bitExact: result.bitExact, matchesTflm: item.expected ? output.equals(item.expected) : null };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]!.slice(0, 200) };
  } finally {
    forceDsp = false;
  }
}

function seedList(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [low, high] = part.split('-').map(Number);
    return high === undefined ? [low!] : Array.from({ length: high - low! + 1 }, (_, i) => low! + i);
  });
}

async function cases(): Promise<Case[]> {
  const found: Case[] = [];
  const takes = (graph: Graph) => calls(graph, false).some((name) => entries.includes(name));
  for (const seed of seedList(values.seeds)) {
    if (seed % 10 < 4 || seed % 10 >= 7) continue; // not a depthwise case (randomShapeCase's families)
    const made = randomShapeCase(seed);
    if (takes(made.graph)) found.push({ name: made.name, macs: made.macs, graph: made.graph, input: made.input });
  }
  if (!values['no-ops']) {
    const ops = JSON.parse(await readFile(join(opsDir, 'ops.json'), 'utf8')) as { model: string; op: string; macs: number }[];
    for (const op of ops.filter((row) => row.op === 'DEPTHWISE_CONV_2D')) {
      const graph = await loadModelFile(join(opsDir, `${op.model}.tflite`));
      if (!takes(graph)) continue;
      const input = new Uint8Array(await readFile(join(opsDir, `${op.model}.input.bin`)));
      found.push({ name: op.model, macs: op.macs, graph, input, expected: Buffer.from(await readFile(join(opsDir, `${op.model}.out.bin`))) });
    }
  }
  return found;
}

const ok = (run: Run | { error: string }): run is Run => 'instructions' in run;
const count = (value: number) => value.toLocaleString('en-US');

const list = await cases();
console.log(`${list.length} cases: ${list.map((item) => item.name).join(', ')}`);
const rows: { name: string; macs: number; m55: Run | { error: string }; forced: Run | { error: string } }[] = [];
// Both runs of a case one after the other (the forcing is process-wide); cases in sequence.
for (const item of list) {
  const m55 = await measure(item, false);
  const forced = await measure(item, true);
  const row = { name: item.name, macs: item.macs, m55, forced };
  rows.push(row);
  const text = (run: Run | { error: string }) =>
    ok(run) ? `${count(run.instructions)} (${run.calls.join(', ')})${run.bitExact ? '' : ' NOT BIT-EXACT'}${run.matchesTflm === false ? ' ≠TFLM' : ''}` : `error: ${run.error}`;
  console.log(`${item.name}: m55 ${text(m55)}; forced ${text(forced)}`);
}
await writeFile(join(here, `${values.label}.json`), `${JSON.stringify({ board: virtualM55.id, date: new Date().toISOString(), rows }, null, 1)}\n`);
console.log('\n| case | MACs | M55 choice | instr | M4 entry | instr | entry / M55 | checks |\n|---|---:|---|---:|---|---:|---:|---|');
for (const { name, macs, m55, forced } of rows) {
  if (!ok(m55) || !ok(forced)) {
    console.log(`| ${name} | ${count(macs)} | error | | | | | |`);
    continue;
  }
  const checks = [m55, forced].map((run) => (run.bitExact ? 'bit-exact' : 'DIFFERS') + (run.matchesTflm === null ? '' : run.matchesTflm ? ', =TFLM' : ', ≠TFLM')).join(' / ');
  console.log(`| ${name} | ${count(macs)} | ${m55.calls.join(', ')} | ${count(m55.instructions)} | ${forced.calls.join(', ')} | ${count(forced.instructions)} | ${(forced.instructions / m55.instructions).toFixed(3)} | ${checks} |`);
}
