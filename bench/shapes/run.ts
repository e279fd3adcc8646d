/**
 * Random-shape sweep: hundreds of seeded single-op int8 models (test/codegen/testing/random-shapes.ts:
 * convolutions, depthwise convolutions, fully connected layers, pooling) generated, built with the
 * DSP kernels and run on virtual-m4f (QEMU mps2-an386), each output compared byte for byte with the
 * interpreter. The random-shape test runs the first 20 seeds; this runs as many as asked.
 *
 *   npx tsx bench/shapes/run.ts [--cases 400] [--first 1] [--jobs 2]
 *   npx tsx bench/shapes/run.ts --speed [--label latest] [--dsp-only] [--cases 300] [--first 1] [--jobs 2]
 *   npx tsx bench/shapes/run.ts --speed --label <label> --seeds 14,335,744   (re-measures those in speed/<label>.json)
 *   npx tsx bench/shapes/run.ts --readme --label <label>
 *
 * Writes bench/shapes/results.json (every case: its seed, name, op, MACs and whether the board's bytes
 * equal the interpreter's) and prints the disagreeing cases. Exits 1 on any. bench/kernels measures
 * speed on TFLite Micro's shapes; this measures agreement over shapes nobody picked.
 *
 * --speed measures them too (./speed.ts): each case deployed twice, with the DSP kernels and with the
 * portable ones, as bench/kernels measures its rows; it writes bench/shapes/speed/<label>.json and the
 * speed section of bench/shapes/README.md. --dsp-only takes the portable figures from speed/before.json.
 * --readme rewrites that section from a recorded speed/<label>.json without measuring.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runInterpreter, runVirtualM4f } from '../../test/corpus/testing/run-everywhere.js';
import { randomShapeCase } from '../../test/codegen/testing/random-shapes.js';
import { runSpeedSweep, writeSpeedReadme, type SpeedCase } from './speed.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '400' },
    first: { type: 'string', default: '1' },
    jobs: { type: 'string', default: String(Math.max(1, Math.min(2, availableParallelism()))) },
    speed: { type: 'boolean', default: false },
    label: { type: 'string', default: 'latest' },
    'dsp-only': { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
    seeds: { type: 'string' },
  },
});

if (values.readme) {
  // The README's speed section from a recorded sweep (speed/<label>.json), e.g. one whose changed seeds were re-measured.
  const document = JSON.parse(readFileSync(join(here, 'speed', `${values.label}.json`), 'utf8')) as { first: number; cases: SpeedCase[] };
  writeSpeedReadme(here, values.label, document.first, document.cases);
  process.exit(0);
}

if (values.speed) {
  const ok = await runSpeedSweep({ first: Number(values.first), count: Number(values.cases), jobs: Number(values.jobs), label: values.label, directory: here, dspOnly: values['dsp-only'], seeds: values.seeds?.split(',').map(Number) });
  process.exit(ok ? 0 : 1);
}

interface CaseResult {
  seed: number;
  name: string;
  op: string;
  macs: number;
  outcome: 'equal' | 'differs' | 'error';
  detail?: string;
}

const first = Number(values.first);
const count = Number(values.cases);
const seeds = Array.from({ length: count }, (_, i) => first + i);
const results: CaseResult[] = [];

async function runCase(seed: number): Promise<CaseResult> {
  const { name, graph, input, macs } = randomShapeCase(seed);
  const op = graph.ops[0]!.type;
  try {
    const [expected] = runInterpreter(graph, [input]);
    const board = await runVirtualM4f(graph, [input], `shapes-${seed}`);
    if (board.status !== 0) return { seed, name, op, macs, outcome: 'error', detail: `board status ${board.status}` };
    const got = board.outputs[0]!;
    let firstDifference = -1;
    for (let i = 0; i < expected!.length; i++) if (got[i] !== expected![i]) { firstDifference = i; break; }
    if (got.length !== expected!.length) return { seed, name, op, macs, outcome: 'differs', detail: `${got.length} bytes, expected ${expected!.length}` };
    if (firstDifference >= 0) {
      const differing = expected!.reduce((n, byte, i) => n + (byte !== got[i] ? 1 : 0), 0);
      return { seed, name, op, macs, outcome: 'differs', detail: `${differing} of ${got.length} bytes differ, first at ${firstDifference}` };
    }
    return { seed, name, op, macs, outcome: 'equal' };
  } catch (error) {
    return { seed, name, op, macs, outcome: 'error', detail: (error as Error).message.split('\n')[0] };
  }
}

let next = 0;
await Promise.all(
  Array.from({ length: Number(values.jobs) }, async () => {
    while (next < seeds.length) {
      const seed = seeds[next++]!;
      const result = await runCase(seed);
      results.push(result);
      if (result.outcome !== 'equal') console.log(`${result.outcome.toUpperCase()} ${result.name}: ${result.detail}`);
      if (results.length % 25 === 0) console.log(`${results.length} of ${seeds.length}`);
    }
  }),
);

results.sort((a, b) => a.seed - b.seed);
const byOp: Record<string, { cases: number; equal: number }> = {};
for (const result of results) {
  const entry = (byOp[result.op] ??= { cases: 0, equal: 0 });
  entry.cases++;
  if (result.outcome === 'equal') entry.equal++;
}
const summary = { board: 'virtual-m4f', kernels: 'DSP', first, cases: count, equal: results.filter((r) => r.outcome === 'equal').length, byOp };
writeFileSync(join(here, 'results.json'), JSON.stringify({ summary, results }, null, 1) + '\n');
console.log(JSON.stringify(summary));
process.exit(summary.equal === count ? 0 : 1);
