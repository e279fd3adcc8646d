/**
 * Kernel shape sweep on the emulated Cortex-M4F, side by side with TFLite Micro + CMSIS-NN.
 *
 *   npx tsx bench/kernels/run.ts [--label before] [--dsp-only] [--update after] [name-substring ...]
 *
 * Over ../shared/baseline/ops/ (single-op int8 models, each with a seeded input, TFLite Micro's
 * output for it and, in ops.json, TFLite Micro + CMSIS-NN's instructions inside one Invoke() on
 * QEMU mps2-an386): every model is deployed to virtual-m4f twice, once with the DSP kernels the
 * board gets by default and once with the portable C kernels (the same board with `dsp: false`,
 * which is what the generator and the firmware build switch on). Each run checks the board's
 * output bytes against TFLite Micro's `.out.bin`. Per shape it prints instructions (ours DSP,
 * ours portable), instructions per MAC, the M4's floor (two MACs per SMLAD: MACs / 2),
 * CMSIS-NN's instructions and ours / CMSIS-NN; then a summary (median ratio, worst, how many at
 * ≤ 0.6x) and the worst shapes. Writes bench/kernels/results/<label>.json (default `latest`) and,
 * on a full run, bench/kernels/README.md. `--update after` measures the named models again and
 * puts them into results/after.json (keeping its portable figures under --dsp-only), then writes
 * the README from the whole.
 *
 * Instructions, not cycles: QEMU's -icount counts executed instructions on both sides. Ours is the
 * whole inference the profiler times (the op plus the model's call into it); TFLite Micro's is one
 * Invoke() (plus 3–6 instructions of marker calls).
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f, type Board } from '../../src/core/common/boards/index.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { fileSha256 } from '../../src/core/node/toolchain/build-model.js';
import { splitInputs } from '../../test/corpus/testing/run-everywhere.js';
import { measureOp, portableBoard } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');
const opsDir = join(sharedDir, 'baseline/ops');

interface OpsRow {
  model: string;
  op: string;
  shape: Record<string, unknown>;
  macs: number;
  instructions: number;
  instrPerMac: number;
}

interface Measurement {
  instructions: number;
  /** Board output bytes equal TFLite Micro's `.out.bin`. */
  matchesTflm: boolean;
  /** Board output equal to our interpreter's. */
  matchesInterpreter: boolean;
}

interface KernelBenchRow {
  model: string;
  op: string;
  shape: Record<string, unknown>;
  macs: number;
  /** The M4's floor: two MACs per SMLAD. */
  floorInstructions: number;
  cmsisNn: number;
  dsp: Measurement | { error: string };
  portable: Measurement | { error: string } | null;
  /** Ours (DSP) / CMSIS-NN. */
  ratio: number | null;
  /** Ours (DSP) / ours (portable). */
  vsPortable: number | null;
  dspPerMac: number | null;
  portablePerMac: number | null;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

async function measure(row: OpsRow, board: Board): Promise<Measurement | { error: string }> {
  const path = join(opsDir, `${row.model}.tflite`);
  const input = new Uint8Array(await readFile(join(opsDir, `${row.model}.input.bin`)));
  const expected = Buffer.from(await readFile(join(opsDir, `${row.model}.out.bin`)));
  try {
    const graph = await loadModelFile(path);
    const result = await measureOp(graph, splitInputs(graph, input), board, `${row.model}.tflite`, await fileSha256(path));
    return { instructions: result.instructions, matchesTflm: result.output.equals(expected), matchesInterpreter: result.matchesInterpreter };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0]!.slice(0, 200) };
  }
}

function shapeText(row: OpsRow): string {
  const shape = row.shape as { input?: number[]; kernel?: number[]; stride?: number; depthMultiplier?: number; outChannels?: number; output?: number[] };
  const parts = [];
  if (shape.input) parts.push(`in ${shape.input.join('x')}`);
  if (shape.kernel) parts.push(`k ${shape.kernel.join('x')}`);
  if (shape.stride) parts.push(`s${shape.stride}`);
  if (shape.depthMultiplier && shape.depthMultiplier !== 1) parts.push(`dm${shape.depthMultiplier}`);
  if (shape.output) parts.push(`out ${shape.output.join('x')}`);
  return parts.join(', ');
}

const ok = (value: KernelBenchRow['dsp'] | null): value is Measurement => !!value && 'instructions' in value;

function table(rows: KernelBenchRow[], before: Map<string, KernelBenchRow>): string {
  const count = (value: number) => value.toLocaleString('en-US');
  const lines = rows.map((row) => {
    const dsp = ok(row.dsp) ? `${count(row.dsp.instructions)}${row.dsp.matchesTflm ? '' : ' **≠TFLM**'}` : `error: ${(row.dsp as { error: string }).error}`;
    const portable = row.portable === null ? '–' : ok(row.portable) ? `${count(row.portable.instructions)}${row.portable.matchesTflm ? '' : ' **≠TFLM**'}` : 'error';
    const perMac = (value: number | null) => (value === null ? '–' : value.toFixed(2));
    const earlier = before.get(row.model)?.ratio;
    return `| ${row.model} | ${row.op} | ${count(row.macs)} | ${dsp} | ${portable} | ${perMac(row.dspPerMac)} | ${perMac(row.portablePerMac)} | ${row.macs ? count(row.floorInstructions) : '–'} | ${count(row.cmsisNn)} | ${earlier === undefined || earlier === null ? '–' : earlier.toFixed(2)} | ${row.ratio === null ? '–' : row.ratio.toFixed(2)} |`;
  });
  return `| model | op | MACs | ours DSP | ours portable | DSP /MAC | portable /MAC | M4 floor (MACs/2) | CMSIS-NN | before: DSP / CMSIS-NN | DSP / CMSIS-NN |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}`;
}

function summary(rows: KernelBenchRow[]) {
  const ratios = rows.filter((row) => row.ratio !== null).map((row) => row.ratio!).sort((a, b) => a - b);
  const median = ratios.length ? ratios[Math.floor((ratios.length - 1) / 2)]! : null;
  return {
    models: rows.length,
    deployed: rows.filter((row) => ok(row.dsp)).length,
    equalToTflm: rows.filter((row) => ok(row.dsp) && row.dsp.matchesTflm).length,
    medianRatio: median,
    worstRatio: ratios.length ? ratios[ratios.length - 1]! : null,
    atMost06: ratios.filter((ratio) => ratio <= 0.6).length,
    slowerThanPortable: rows.filter((row) => row.vsPortable !== null && row.vsPortable > 1).map((row) => row.model),
    convAbove2PerMac: rows.filter((row) => /CONV/.test(row.op) && (row.dspPerMac ?? 0) > 2).map((row) => row.model),
    fcAbove16PerMac: rows.filter((row) => row.op === 'FULLY_CONNECTED' && (row.dspPerMac ?? 0) > 1.6).map((row) => row.model),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let label = 'latest';
  let dspOnly = false;
  let update: string | undefined;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--label') label = args[++i]!;
    else if (args[i] === '--dsp-only') dspOnly = true;
    else if (args[i] === '--update') label = update = args[++i]!;
    else only.push(args[i]!);
  }
  const ops = JSON.parse(await readFile(join(opsDir, 'ops.json'), 'utf8')) as OpsRow[];
  const rows: KernelBenchRow[] = [];
  for (const op of ops.filter((row) => only.length === 0 || only.some((part) => row.model.includes(part)))) {
    const dsp = await measure(op, virtualM4f);
    const portable = dspOnly ? null : await measure(op, portableBoard);
    const row: KernelBenchRow = {
      model: op.model,
      op: op.op,
      shape: op.shape,
      macs: op.macs,
      floorInstructions: Math.ceil(op.macs / 2),
      cmsisNn: op.instructions,
      dsp,
      portable,
      ratio: ok(dsp) ? round(dsp.instructions / op.instructions) : null,
      vsPortable: ok(dsp) && ok(portable) ? round(dsp.instructions / portable.instructions) : null,
      dspPerMac: ok(dsp) && op.macs ? round(dsp.instructions / op.macs) : null,
      portablePerMac: ok(portable) && op.macs ? round(portable.instructions / op.macs) : null,
    };
    rows.push(row);
    const text = ok(dsp)
      ? `${dsp.instructions} (${row.ratio}x CMSIS-NN${row.dspPerMac !== null ? `, ${row.dspPerMac}/MAC` : ''}${dsp.matchesTflm ? '' : ', OUTPUT DIFFERS FROM TFLM'})`
      : `ERROR ${dsp.error}`;
    const portableText = portable === null ? '' : ok(portable) ? `; portable ${portable.instructions}${portable.matchesTflm ? '' : ' (DIFFERS)'}` : `; portable ERROR ${portable.error}`;
    console.log(`${op.model} [${shapeText(op)}]: ${text}${portableText}`);
  }
  if (update) {
    const previous = JSON.parse(await readFile(join(here, 'results', `${update}.json`), 'utf8')) as { rows: KernelBenchRow[] };
    const fresh = new Map(rows.map((row) => [row.model, row]));
    const merged = previous.rows.map((old) => {
      const row = fresh.get(old.model);
      if (!row) return old;
      const portable = row.portable ?? old.portable;
      return {
        ...row,
        portable,
        vsPortable: ok(row.dsp) && ok(portable) ? round(row.dsp.instructions / portable.instructions) : null,
        portablePerMac: ok(portable) && row.macs ? round(portable.instructions / row.macs) : null,
      };
    });
    rows.splice(0, rows.length, ...merged);
  }
  const worst = rows
    .filter((row) => row.ratio !== null)
    .sort((a, b) => b.ratio! - a.ratio!)
    .slice(0, 12);
  const facts = summary(rows);
  console.log(`\nsummary: ${JSON.stringify(facts)}`);
  console.log(`worst: ${worst.map((row) => `${row.model} ${row.ratio}x`).join(', ')}`);
  await mkdir(join(here, 'results'), { recursive: true });
  const document = {
    board: virtualM4f.id,
    machine: virtualM4f.qemu!.machine,
    unit: 'instructions',
    baseline: 'TFLite Micro 90b983c + CMSIS-NN 4ab83cc3, ../shared/baseline/ops/ops.json',
    summary: facts,
    worst: worst.map((row) => ({ model: row.model, ratio: row.ratio })),
    rows,
  };
  await writeFile(join(here, 'results', `${label}.json`), JSON.stringify(document, null, 1) + '\n');
  if ((only.length === 0 && !dspOnly) || update) {
    const beforeFile = join(here, 'results', 'before.json');
    const beforeDocument = label !== 'before' && existsSync(beforeFile) ? (JSON.parse(await readFile(beforeFile, 'utf8')) as { summary: ReturnType<typeof summary>; rows: KernelBenchRow[] }) : undefined;
    const before = new Map((beforeDocument?.rows ?? []).map((row) => [row.model, row]));
    const beforeText = beforeDocument
      ? `Before the shape dispatch (\`results/before.json\`): ${beforeDocument.summary.equalToTflm} of ${beforeDocument.summary.models} with TFLite Micro's bytes, median ${beforeDocument.summary.medianRatio}x, worst ${beforeDocument.summary.worstRatio}x, ${beforeDocument.summary.atMost06} at ≤ 0.6x.\n\n`
      : '';
    await writeFile(
      join(here, 'README.md'),
      `# Kernel shape sweep on the virtual Cortex-M4F

\`npm run bench:kernels\` (\`npx tsx bench/kernels/run.ts [--label name] [--dsp-only] [model-substring ...]\`) deploys
every single-op int8 model of \`../shared/baseline/ops/\` to \`virtual-m4f\` (QEMU mps2-an386, arm-none-eabi-gcc -O2)
with our DSP kernels and again with our portable C kernels (the same board with \`dsp: false\`), checks the board's
output bytes against TFLite Micro's \`.out.bin\` (\`≠TFLM\` marks a difference), and sets the instructions beside
TFLite Micro + CMSIS-NN's on the same emulated board (\`ops.json\`). The M4's floor is MACs / 2 (one SMLAD does two
MACs). Instructions are QEMU's exact count (\`-icount\`); ours is the whole inference, TFLite Micro's one Invoke().

Summary: ${facts.deployed} of ${facts.models} deploy, ${facts.equalToTflm} with TFLite Micro's exact bytes; median
${facts.medianRatio}x CMSIS-NN, worst ${facts.worstRatio}x, ${facts.atMost06} shapes at ≤ 0.6x. Slower than our portable
kernel: ${facts.slowerThanPortable.join(', ') || 'none'}. Convolutions above 2.0 instructions per MAC: ${facts.convAbove2PerMac.length};
fully connected above 1.6: ${facts.fcAbove16PerMac.length}.

${beforeText}
Worst shapes: ${worst.map((row) => `${row.model} (${row.ratio}x)`).join(', ')}.

${table(rows, before)}

Full figures (and earlier runs) are in \`results/\`.
`,
    );
  }
}

await main();
