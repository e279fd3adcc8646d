/**
 * bench/shapes --speed: the random-shape cases (test/codegen/testing/random-shapes.ts) measured on
 * virtual-m4f the way bench/kernels measures its rows (../kernels/measure.ts): each case deployed with
 * the DSP kernels and again with the portable ones, QEMU's exact instruction count of the whole
 * inference (the op and the model's call into it), the kernels each build calls, and whether both
 * builds give the interpreter's bytes.
 *
 * Against the goal "never slower than the portable kernel; convolutions and depthwise at most 2.0
 * instructions per MAC, fully connected at most 1.6": per op the distribution of DSP instructions
 * per MAC (median, p90, worst) over cases of at least MIN_MACS MACs (below that the call, the
 * requantization of a few outputs and the loop set-up outweigh the MACs, so per MAC says nothing
 * about the inner loop), every case where the DSP build takes more instructions than the portable
 * one (at any size), and the worst cases per MAC with the kernel they run.
 *
 * Writes speed/<label>.json and the part of README.md between the speed markers; with a
 * speed/before.json, the README sets each figure beside it.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateModel } from '../../src/core/common/codegen/index.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { randomShapeCase } from '../../test/codegen/testing/random-shapes.js';
import { dspBoard, measureOp, portableBoard } from '../kernels/measure.js';

/** Instructions per SysTick tick on virtual-m4f (-icount shift=0, 25 MHz SysTick): the figures' resolution. */
const TICK = 40;

/** Per-MAC figures only for cases with at least this many MACs. */
export const MIN_MACS = 2000;
const limits: Record<string, number> = { CONV_2D: 2.0, DEPTHWISE_CONV_2D: 2.0, FULLY_CONNECTED: 1.6 };
const macOps = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'];

interface Build {
  instructions: number;
  /** The kernel files the build links (DeployResult.kernels). */
  kernels: string[];
  /** The functions the generated model calls (a kernel file's entry point, e.g. td_depthwise_conv2d_s8_wide_packed). */
  calls?: string[];
  matchesInterpreter: boolean;
}

export interface SpeedCase {
  seed: number;
  name: string;
  op: string;
  macs: number;
  dsp: Build | { error: string };
  portable: Build | { error: string };
  dspPerMac: number | null;
  portablePerMac: number | null;
  /** DSP instructions / portable instructions. */
  dspVsPortable: number | null;
}

const ok = (build: SpeedCase['dsp']): build is Build => 'instructions' in build;
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const count = (value: number) => value.toLocaleString('en-US');

async function measureCase(seed: number, portableBefore?: SpeedCase['portable']): Promise<SpeedCase> {
  const { name, graph, input, macs } = randomShapeCase(seed);
  const op = graph.ops[0]!.type;
  const build = async (board: typeof dspBoard): Promise<Build | { error: string }> => {
    try {
      const { instructions, kernels, matchesInterpreter } = await measureOp(graph, [input], board, name, `shapes-${seed}`);
      return { instructions, kernels, calls: kernelCalls(graph, board.dsp), matchesInterpreter };
    } catch (error) {
      return { error: (error as Error).message.split('\n')[0]!.slice(0, 200) };
    }
  };
  const dsp = await build(dspBoard);
  const portable = portableBefore ?? (await build(portableBoard));
  return {
    seed,
    name,
    op,
    macs,
    dsp,
    portable,
    dspPerMac: ok(dsp) && macs ? round(dsp.instructions / macs) : null,
    portablePerMac: ok(portable) && macs ? round(portable.instructions / macs) : null,
    dspVsPortable: ok(dsp) && ok(portable) ? round(dsp.instructions / portable.instructions) : null,
  };
}

function quantile(sorted: number[], q: number): number | null {
  return sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]! : null;
}

/** The functions the generated model calls, as Deploy & Profile generates it (for code size, the default). */
function kernelCalls(graph: Graph, dsp: boolean): string[] {
  const { source } = generateModel(graph, { dsp });
  return [...new Set(source.match(/\btd_[a-z0-9_]+(?=\()/g) ?? [])].filter((name) => !name.startsWith('td_model_')).sort();
}

/** The functions a build calls (the kernel files it links, for a run that did not record them). */
const kernelText = (build: SpeedCase['dsp']) => (ok(build) ? (build.calls ?? build.kernels).join(', ') : 'error');

export function speedSummary(cases: SpeedCase[]) {
  const byOp: Record<string, { cases: number; measured: number; median: number | null; p90: number | null; worst: number | null; portableMedian: number | null; aboveGoal: number }> = {};
  for (const op of macOps) {
    const rows = cases.filter((row) => row.op === op && row.macs >= MIN_MACS && row.dspPerMac !== null);
    const perMac = rows.map((row) => row.dspPerMac!).sort((a, b) => a - b);
    const portable = rows.filter((row) => row.portablePerMac !== null).map((row) => row.portablePerMac!).sort((a, b) => a - b);
    byOp[op] = {
      cases: cases.filter((row) => row.op === op).length,
      measured: rows.length,
      median: quantile(perMac, 0.5),
      p90: quantile(perMac, 0.9),
      worst: perMac.length ? perMac[perMac.length - 1]! : null,
      portableMedian: quantile(portable, 0.5),
      aboveGoal: perMac.filter((value) => value > limits[op]!).length,
    };
  }
  return {
    cases: cases.length,
    bothEqual: cases.filter((row) => ok(row.dsp) && ok(row.portable) && row.dsp.matchesInterpreter && row.portable.matchesInterpreter).length,
    slowerThanPortable: cases.filter((row) => (row.dspVsPortable ?? 0) > 1).map((row) => row.seed),
    /** Slower by more than the profiler's resolution on virtual-m4f (SysTick under -icount: 40 instructions a tick). */
    slowerBeyondTick: cases.filter((row) => ok(row.dsp) && ok(row.portable) && row.dsp.instructions - row.portable.instructions > TICK).map((row) => row.seed),
    byOp,
  };
}

function percent(before: number | null | undefined, after: number | null): string {
  if (after === null) return '–';
  return before === undefined || before === null || before === after ? after.toFixed(2) : `${before.toFixed(2)} → ${after.toFixed(2)}`;
}

function readme(label: string, first: number, cases: SpeedCase[], before: { summary: ReturnType<typeof speedSummary>; label: string } | undefined): string {
  const facts = speedSummary(cases);
  const opRows = macOps.map((op) => {
    const entry = facts.byOp[op]!;
    const earlier = before?.summary.byOp[op];
    return `| ${op} | ${entry.cases} | ${entry.measured} | ${percent(earlier?.median, entry.median)} | ${percent(earlier?.p90, entry.p90)} | ${percent(earlier?.worst, entry.worst)} | ${percent(earlier?.portableMedian, entry.portableMedian)} | ${limits[op]!.toFixed(1)} | ${earlier && earlier.aboveGoal !== entry.aboveGoal ? `${earlier.aboveGoal} → ` : ''}${entry.aboveGoal} |`;
  });
  const pooling = cases.filter((row) => !macOps.includes(row.op) && row.dspVsPortable !== null).map((row) => row.dspVsPortable!).sort((a, b) => a - b);
  const slower = cases.filter((row) => (row.dspVsPortable ?? 0) > 1).sort((a, b) => b.dspVsPortable! - a.dspVsPortable!);
  const slowerRows = slower.map((row) => `| ${row.name} | ${count(row.macs)} | ${count((row.dsp as Build).instructions)} | ${count((row.portable as Build).instructions)} | ${row.dspVsPortable!.toFixed(2)} | ${kernelText(row.dsp)} |`);
  const worstRows = macOps.flatMap((op) =>
    cases
      .filter((row) => row.op === op && row.macs >= MIN_MACS && row.dspPerMac !== null)
      .sort((a, b) => b.dspPerMac! - a.dspPerMac!)
      .slice(0, 8)
      .map((row) => `| ${row.name} | ${count(row.macs)} | ${count((row.dsp as Build).instructions)} | ${row.dspPerMac!.toFixed(2)} | ${row.portablePerMac === null ? '–' : row.portablePerMac.toFixed(2)} | ${kernelText(row.dsp)} |`),
  );
  const byKernel = new Map<string, number[]>();
  for (const row of cases) if (row.macs >= MIN_MACS && row.dspPerMac !== null) byKernel.set(kernelText(row.dsp), [...(byKernel.get(kernelText(row.dsp)) ?? []), row.dspPerMac]);
  const kernelRows = [...byKernel.entries()]
    .map(([kernels, values]) => ({ kernels, values: values.sort((a, b) => a - b) }))
    .sort((a, b) => b.values.length - a.values.length)
    .map(({ kernels, values }) => `| ${kernels} | ${values.length} | ${quantile(values, 0.5)!.toFixed(2)} | ${quantile(values, 0.9)!.toFixed(2)} | ${values[values.length - 1]!.toFixed(2)} |`);
  const errors = cases.filter((row) => !ok(row.dsp) || !ok(row.portable) || !row.dsp.matchesInterpreter || !row.portable.matchesInterpreter);
  return `<!-- speed:begin (written by \`npx tsx bench/shapes/run.ts --speed\`) -->
Seeds ${first}-${first + cases.length - 1} (\`speed/${label}.json\`${before ? `; before: \`speed/${before.label}.json\`` : ''}), each deployed to \`virtual-m4f\` with the DSP kernels and
with the portable ones (\`bench/kernels/measure.ts\`, as bench/kernels measures its rows: QEMU's exact instruction count of
the whole inference, the op and the model's call into it). ${facts.bothEqual} of ${facts.cases} with the interpreter's bytes
from both builds${errors.length ? ` (not: ${errors.map((row) => row.name).join(', ')})` : ''}.

Instructions per MAC only over cases of at least ${count(MIN_MACS)} MACs: below that the call, the requantization and
the loop set-up outweigh the MACs (a 500-MAC case at 4 per MAC is 2,000 instructions, most of them not in an inner
loop). Slower than portable counts every case, whatever its size.

| op | cases | ≥ ${count(MIN_MACS)} MACs | DSP /MAC median | p90 | worst | portable /MAC median | goal | above goal |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${opRows.join('\n')}

Pooling (${pooling.length} cases, no MACs): DSP / portable median ${quantile(pooling, 0.5)?.toFixed(2) ?? '–'}, worst ${pooling.length ? pooling[pooling.length - 1]!.toFixed(2) : '–'}.

DSP build slower than the portable one: ${before ? `${before.summary.slowerThanPortable.length} → ` : ''}${slower.length} of ${cases.length}; by more than one
SysTick tick (${TICK} instructions, the figures' resolution): ${before ? `${before.summary.slowerBeyondTick.length} → ` : ''}${facts.slowerBeyondTick.length}.

${slower.length ? `| case | MACs | DSP | portable | DSP / portable | DSP build calls |\n|---|---:|---:|---:|---:|---|\n${slowerRows.join('\n')}\n` : ''}
Worst per MAC (eight per op, at least ${count(MIN_MACS)} MACs):

| case | MACs | DSP | DSP /MAC | portable /MAC | DSP build calls |
|---|---:|---:|---:|---:|---|
${worstRows.join('\n')}

Per kernel (cases of at least ${count(MIN_MACS)} MACs):

| DSP build calls | cases | /MAC median | p90 | worst |
|---|---:|---:|---:|---:|
${kernelRows.join('\n')}
<!-- speed:end -->`;
}

/** Rewrites README.md's speed section from `cases` (speed/<label>.json's), against speed/before.json where there is one. */
export function writeSpeedReadme(directory: string, label: string, first: number, cases: SpeedCase[]): void {
  const beforeFile = join(directory, 'speed', 'before.json');
  const beforeCases = label !== 'before' && existsSync(beforeFile) ? (JSON.parse(readFileSync(beforeFile, 'utf8')) as { cases: SpeedCase[] }).cases : undefined;
  const before = beforeCases ? { summary: speedSummary(beforeCases), label: 'before' } : undefined;
  const readmeFile = join(directory, 'README.md');
  const text = readFileSync(readmeFile, 'utf8');
  const section = readme(label, first, cases, before);
  const start = text.indexOf('<!-- speed:begin');
  const end = text.indexOf('<!-- speed:end -->');
  const updated = start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + '<!-- speed:end -->'.length) : `${text.trimEnd()}\n\n## Speed\n\n${section}\n`;
  writeFileSync(readmeFile, updated);
}

/**
 * Measures seeds first .. first + count - 1, or only `seeds` (then the other cases of an existing
 * speed/<label>.json are kept: its changed seeds measured again). `dspOnly`: the portable figures are the
 * patched speed/<label>.json's or else speed/before.json's for the same seed (for a change to DSP kernels or their
 * choice only, which leaves the portable build as it was).
 */
export async function runSpeedSweep(options: { first: number; count: number; jobs: number; label: string; directory: string; dspOnly?: boolean; seeds?: number[] }): Promise<boolean> {
  const directory = join(options.directory, 'speed');
  const labelFile = join(directory, `${options.label}.json`);
  const kept = options.seeds && existsSync(labelFile) ? (JSON.parse(readFileSync(labelFile, 'utf8')) as { first: number; portableFrom?: string; cases: SpeedCase[] }) : undefined;
  const seeds = options.seeds ?? Array.from({ length: options.count }, (_, i) => options.first + i);
  const cases: SpeedCase[] = (kept?.cases ?? []).filter((row) => !seeds.includes(row.seed));
  const first = kept?.first ?? (options.seeds ? Math.min(...seeds) : options.first);
  const beforeFile = join(directory, 'before.json');
  const beforeDocument = existsSync(beforeFile) ? (JSON.parse(readFileSync(beforeFile, 'utf8')) as { summary: ReturnType<typeof speedSummary>; cases: SpeedCase[] }) : undefined;
  // --dsp-only: the portable build's figures of the recorded sweep being patched, else of speed/before.json.
  const portableBefore = new Map(options.dspOnly ? [...(beforeDocument?.cases ?? []), ...(kept?.cases ?? [])].map((row) => [row.seed, row.portable]) : []);
  let next = 0;
  await Promise.all(
    Array.from({ length: options.jobs }, async () => {
      while (next < seeds.length) {
        const seed = seeds[next++]!;
        if (options.dspOnly && !portableBefore.has(seed)) throw new Error(`--dsp-only: seed ${seed} is not in speed/before.json${kept ? ` nor speed/${options.label}.json` : ''}`);
        const row = await measureCase(seed, portableBefore.get(seed));
        cases.push(row);
        const text = (build: SpeedCase['dsp']) => (ok(build) ? `${build.instructions}${build.matchesInterpreter ? '' : ' DIFFERS'}` : `ERROR ${build.error}`);
        console.log(`${row.name}: DSP ${text(row.dsp)} (${row.dspPerMac ?? '–'}/MAC, ${kernelText(row.dsp)}), portable ${text(row.portable)}${(row.dspVsPortable ?? 0) > 1 ? ' SLOWER THAN PORTABLE' : ''}`);
      }
    }),
  );
  cases.sort((a, b) => a.seed - b.seed);
  const summary = speedSummary(cases);
  // Where the portable figures came from: a patched sweep keeps its own (--dsp-only takes them from it, then from before.json).
  const portableFrom = !options.dspOnly ? 'this run' : kept ? (kept.portableFrom ?? 'this run') : 'before.json';
  mkdirSync(directory, { recursive: true });
  writeFileSync(labelFile, JSON.stringify({ board: 'virtual-m4f', unit: 'instructions', first, minMacs: MIN_MACS, portableFrom, summary, cases }, null, 1) + '\n');
  writeSpeedReadme(options.directory, options.label, first, cases);
  console.log(JSON.stringify(summary));
  return summary.bothEqual === cases.length;
}
