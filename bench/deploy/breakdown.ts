/**
 * Where each shared int8 model's RAM and code go, beside TFLite Micro + CMSIS-NN's totals:
 *
 *   npx tsx bench/deploy/breakdown.ts [model-name ...]
 *
 * RAM: the arena's peak (the op whose live buffers set it, and those buffers: tensors, kernel
 * scratch, state) from the generated code's memory plan. Code: the firmware built for virtual-m4f
 * with the profiler (the deploy build), its flash by part: the model's code and folded
 * parameters (per-channel multipliers and shifts, folded biases), kernels, profiler runtime,
 * start-up. No board runs; stack is measured by bench/deploy/run.ts. Writes
 * bench/deploy/breakdown.md when every model is asked for.
 */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { tensorBytes } from '../../src/core/common/ir/tensor.js';
import { buildModelFile } from '../../src/core/node/toolchain/build-model.js';

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

async function main() {
  const only = process.argv.slice(2);
  const baseline = JSON.parse(await readFile(join(sharedDir, 'baseline/tflm_m4f.json'), 'utf8')) as BaselineRow[];
  const lines: string[] = [];
  for (const entry of models.filter((model) => only.length === 0 || only.includes(model.name))) {
    const out = await mkdtemp(join(tmpdir(), 'td-breakdown-'));
    try {
      const { model, build } = await buildModelFile(join(sharedDir, 'models', entry.file), { board: virtualM4f, out, application: 'profiler' });
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
      const parts = build!.report.flashParts;
      const code = build!.report.flashBytes - build!.report.weightBytes;
      const tflm = baseline.find((row) => row.model === entry.name && row.kernels === 'cmsis_nn');
      const row = {
        model: entry.name,
        arenaBytes: model.arenaBytes,
        peak: { op: peak.step, type: graph.ops[peak.step].type, liveBytes: peak.bytes, buffers: live, overlappedBy: shifts.map((shift) => -shift.delta!) },
        largestTensor: Math.max(...graph.tensors.filter((tensor) => tensor.data === undefined).map(tensorBytes)),
        codeBytes: code,
        codeParts: { modelCodeAndParameters: parts.model, parameters: model.parameterBytes, kernels: parts.kernels, runtime: parts.runtime, startup: parts.startup, other: parts.other },
        tflm: tflm ? { ramBytes: tflm.arenaBytes + tflm.stackBytesInvoke, codeBytes: tflm.codeFlashExclModel } : undefined,
      };
      console.log(JSON.stringify(row));
      const ratio = (ours: number, theirs?: number) => (theirs ? ` (${(ours / theirs).toFixed(3)})` : '');
      lines.push(
        `| ${row.model} | ${row.arenaBytes}${ratio(row.arenaBytes, tflm?.arenaBytes)} | op ${row.peak.op} ${row.peak.type}: ${row.peak.buffers.join(', ')}${shifts.length ? ` (output over input: -${row.peak.overlappedBy.join(', ')})` : ''} | ${code}${ratio(code, tflm?.codeFlashExclModel)} | ${parts.model - model.parameterBytes} / ${model.parameterBytes} | ${parts.kernels} | ${parts.runtime} | ${parts.startup + parts.other} |`,
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
overlaps). Code: flash minus the weight arrays, by part: the model's code (op calls, shapes) / its folded parameters
(per-channel multipliers and shifts, folded biases: TFLite Micro keeps their sources, the per-channel scales and zero
points, in the model file and computes them into its arena), kernels, profiler runtime, start-up and the rest. In
parentheses: ours / TFLite Micro + CMSIS-NN (its arena; its flash minus the model file).

| model | arena B | peak | code B | model code / parameters B | kernels B | runtime B | start-up + other B |
|---|---:|---|---:|---:|---:|---:|---:|
${lines.join('\n')}
`,
    );
  }
}

await main();
