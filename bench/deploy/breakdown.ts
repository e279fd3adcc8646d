/**
 * Where each shared int8 model's RAM and code go, beside TFLite Micro + CMSIS-NN's totals:
 *
 *   npx tsx bench/deploy/breakdown.ts [model-name ...]
 *
 * RAM: the arena's peak (the op whose live buffers set it, and those buffers: tensors, kernel
 * scratch, state) from the generated code's memory plan. Code: the firmware built for virtual-m4f
 * with the profiler (the deploy build), flash minus the weight arrays, by part, from the ELF's
 * symbols and the object file defining each: the generated model's code (op calls, shapes, tensor
 * table), its folded parameters (per-channel multipliers, shifts, folded biases: parameters.ts),
 * each kernel, the profiler runtime, the C library and libgcc functions linked, the board's
 * start-up and drivers, and what no symbol names (alignment). No board runs; stack is measured by
 * bench/deploy/run.ts. Writes bench/deploy/breakdown.md when every model is asked for.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { weightSymbolPrefix } from '../../src/core/common/codegen/index.js';
import { tensorBytes } from '../../src/core/common/ir/tensor.js';
import { buildModelFile } from '../../src/core/node/toolchain/build-model.js';
import { parseElf, readElf, SHF_ALLOC, SHF_WRITE, SHT_NOBITS } from '../../src/core/node/toolchain/elf.js';
import { foldedBytes, foldedParameters } from './parameters.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');

const models = [
  { name: 'kws_ref_model', file: 'mlperf_tiny/kws_ref_model.tflite' },
  { name: 'vww_96_int8', file: 'mlperf_tiny/vww_96_int8.tflite' },
  { name: 'pretrainedResnet_quant', file: 'mlperf_tiny/pretrainedResnet_quant.tflite' },
  { name: 'ad01_int8', file: 'mlperf_tiny/ad01_int8.tflite' },
  { name: 'trained_lstm_int8', file: 'rnn/trained_lstm_int8.tflite' },
];

interface BaselineRow {
  model: string;
  kernels: string;
  arenaBytes: number;
  stackBytesInvoke: number;
  codeFlashExclModel: number;
}

const STT_OBJECT = 1;
const STT_FUNC = 2;

/** Flash bytes by the source defining each symbol (`libc/libgcc` for what no project object defines), weights left out. */
async function flashBySource(directory: string, elfPath: string, sources: readonly string[]): Promise<{ bySource: Map<string, number>; symbols: Map<string, number>; flash: number }> {
  const owner = new Map<string, string>();
  for (const source of sources) {
    const object = parseElf(new Uint8Array(await readFile(join(directory, 'build', source.replace(/\.c$/, '.o')))), source);
    for (const symbol of object.symbols) {
      if (symbol.sectionIndex !== 0 && (symbol.type === STT_FUNC || symbol.type === STT_OBJECT) && !owner.has(symbol.name)) owner.set(symbol.name, source);
    }
  }
  const image = await readElf(elfPath);
  const bySource = new Map<string, number>();
  const symbols = new Map<string, number>();
  const seen = new Set<string>();
  let flash = 0;
  for (const symbol of image.symbols) {
    if (symbol.sectionIndex === 0 || symbol.size === 0 || (symbol.type !== STT_FUNC && symbol.type !== STT_OBJECT)) continue;
    const section = image.sections[symbol.sectionIndex];
    if (!section || (section.flags & SHF_ALLOC) === 0) continue;
    if ((section.flags & SHF_WRITE) !== 0 && section.type === SHT_NOBITS) continue;
    const key = `${symbol.sectionIndex}:${symbol.value}:${symbol.size}`;
    if (seen.has(key) || symbol.name.startsWith(weightSymbolPrefix)) continue;
    seen.add(key);
    const source = owner.get(symbol.name) ?? 'libc/libgcc';
    bySource.set(source, (bySource.get(source) ?? 0) + symbol.size);
    symbols.set(`${source === 'libc/libgcc' ? '' : `${basename(source, '.c')}:`}${symbol.name}`, symbol.size);
    flash += symbol.size;
  }
  return { bySource, symbols, flash };
}

async function main() {
  const only = process.argv.slice(2);
  const baseline = JSON.parse(await readFile(join(sharedDir, 'baseline/tflm_m4f.json'), 'utf8')) as BaselineRow[];
  const lines: string[] = [];
  const kernelLines: string[] = [];
  for (const entry of models.filter((model) => only.length === 0 || only.includes(model.name))) {
    const out = await mkdtemp(join(tmpdir(), 'td-breakdown-'));
    try {
      const { model, project, build } = await buildModelFile(join(sharedDir, 'models', entry.file), { board: virtualM4f, out, application: 'profiler' });
      const { graph, memory } = model;
      let peak = { step: 0, bytes: -1 };
      for (let step = 0; step < graph.ops.length; step++) {
        const bytes = memory.buffers.filter((buffer) => buffer.firstUse <= step && buffer.lastUse >= step).reduce((sum, buffer) => sum + buffer.size, 0);
        if (bytes > peak.bytes) peak = { step, bytes };
      }
      const live = memory.buffers
        .filter((buffer) => buffer.firstUse <= peak.step && buffer.lastUse >= peak.step)
        .map((buffer) => {
          const id = /^t(\d+)$/.exec(buffer.key)?.[1];
          const what = id === undefined ? buffer.key.replace(/^scratch/, 'scratch of op ') : `${graph.tensors[Number(id)].shape.join('x')} ${graph.tensors[Number(id)].dtype}`;
          return `${what} ${buffer.size}`;
        });
      const shifts = memory.inPlace.filter((decision) => decision.opIndex === peak.step && decision.kind === 'shift');
      const code = build!.report.flashBytes - build!.report.weightBytes;
      const { bySource, symbols, flash } = await flashBySource(out, build!.elf, project.sources);
      const sum = (prefix: string) => [...bySource].filter(([source]) => source.startsWith(prefix)).reduce((total, [, bytes]) => total + bytes, 0);
      const parameters = foldedParameters(model.source);
      const folded = foldedBytes(parameters);
      const kernels = [...bySource].filter(([source]) => source.startsWith('kernels/')).sort((a, b) => b[1] - a[1]);
      const libraries = [...symbols].filter(([name]) => !name.includes(':')).sort((a, b) => b[1] - a[1]);
      const parts = {
        modelCode: sum('model/') - folded - parameters.other,
        tables: parameters.other,
        multipliers: parameters.multipliers,
        shifts: parameters.shifts,
        foldedBiases: parameters.biases,
        kernels: sum('kernels/'),
        runtime: sum('runtime/'),
        libraries: bySource.get('libc/libgcc') ?? 0,
        startup: sum('boards/'),
        unnamed: code - flash,
      };
      const tflm = baseline.find((row) => row.model === entry.name && row.kernels === 'cmsis_nn');
      const row = {
        model: entry.name,
        arenaBytes: model.arenaBytes,
        peak: { op: peak.step, type: graph.ops[peak.step].type, liveBytes: peak.bytes, buffers: live, overlappedBy: shifts.map((shift) => -shift.delta!) },
        largestTensor: Math.max(...graph.tensors.filter((tensor) => tensor.data === undefined).map(tensorBytes)),
        codeBytes: code,
        codeExclFoldedParameters: code - folded,
        codeParts: parts,
        kernels: Object.fromEntries(kernels.map(([source, bytes]) => [basename(source, '.c'), bytes])),
        libraries: Object.fromEntries(libraries),
        tflm: tflm ? { ramBytes: tflm.arenaBytes + tflm.stackBytesInvoke, codeBytes: tflm.codeFlashExclModel } : undefined,
      };
      console.log(JSON.stringify(row));
      const ratio = (ours: number, theirs?: number) => (theirs ? ` (${(ours / theirs).toFixed(3)})` : '');
      lines.push(
        `| ${row.model} | ${row.arenaBytes}${ratio(row.arenaBytes, tflm?.arenaBytes)} | op ${row.peak.op} ${row.peak.type}: ${row.peak.buffers.join(', ')}${shifts.length ? ` (output over input: -${row.peak.overlappedBy.join(', ')})` : ''} | ${code}${ratio(code, tflm?.codeFlashExclModel)} | ${code - folded}${ratio(code - folded, tflm?.codeFlashExclModel)} | ${parts.modelCode} | ${parts.tables} | ${parts.multipliers} / ${parts.shifts} / ${parts.foldedBiases} | ${parts.kernels} | ${parts.runtime} | ${parts.libraries} | ${parts.startup} | ${parts.unnamed} |`,
      );
      kernelLines.push(
        `- ${row.model}: ${kernels.map(([source, bytes]) => `${basename(source, '.c')} ${bytes}`).join(', ')}; C library and libgcc: ${libraries.map(([name, bytes]) => `${name} ${bytes}`).join(', ') || 'none'}`,
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  if (only.length === 0) {
    await writeFile(
      join(here, 'breakdown.md'),
      `# Where RAM and code go (virtual-m4f, \`npx tsx bench/deploy/breakdown.ts\`)

Arena: the planned arena and the op whose live buffers set its peak (bytes per buffer, before output-over-input
overlaps). Code: flash minus the weight arrays of the deploy build (profiler included), by the object file defining
each symbol: the generated model's code (op calls, shapes, tensor table), its lookup tables (softmax exponentials,
LOGISTIC/TANH bytes: code in both columns), its folded parameters (per-channel multipliers / shifts / biases with the
input offset folded in), kernels, profiler runtime (protocol server, framing, model table, per-op hooks), C library
and libgcc functions, board start-up and drivers (vector table, reset, UART, SysTick), and bytes no symbol names
(alignment). In parentheses: ours / TFLite Micro + CMSIS-NN (its arena; its flash minus the model file).

Two code columns. **code strict B** counts our folded parameters as code. **code like TFLM B** counts them as model
data, as TFLite Micro's figure does with their sources (its model file holds the per-channel scales and zero points
and the biases; its multipliers and shifts are computed at start-up into its arena): the strict bytes minus the
multiplier, shift and folded-bias arrays.

| model | arena B | peak | code strict B | code like TFLM B | model code B | tables B | multipliers / shifts / folded biases B | kernels B | runtime B | C library B | start-up B | unnamed B |
|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}

Kernels by size, and the C library and libgcc functions linked:

${kernelLines.join('\n')}
`,
    );
  }
}

await main();
