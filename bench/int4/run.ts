/**
 * int4 weights against their int8 twins on the emulated Cortex-M4F (virtual-m4f).
 *
 *   nice -n 10 npx tsx bench/int4/run.ts [name-substring ...]
 *
 * For single-op int8 models of the kernel sweep (../shared/baseline/ops/), the filter is requantized
 * to int4 per output channel (scale × max|w| / 7, values rounded into [-8, 7], the bias rescaled to
 * the new scale) and marked packed, as TFLite's converter writes INT4 weights. Two graphs are
 * deployed: the int4 one (td_*_s8_int4 over the packed bytes) and its int8 twin — the same values
 * stored as int8 (the int8 kernels) — so both compute the same sums and must give the same bytes.
 * Each is deployed with the DSP kernels and with the portable ones (the board with `dsp: false`).
 * Per model: flash (total and weights), instructions per MAC, and both outputs checked against
 * the interpreter on the board (bit-exact) and against each other. Writes
 * bench/int4/results/latest.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f, type Board } from '../../src/core/common/boards/index.js';
import type { Graph, Tensor } from '../../src/core/common/ir/types.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.TINYDEPLOY_SHARED ?? resolve(here, '../../../shared');
const opsDir = join(sharedDir, 'baseline/ops');
const defaultModels = ['fc_256x128', 'conv_3x3_s2_16x16x16_to_32_same', 'conv_3x3_s1_16x16x32_to_32_same', 'fc_640x128', 'dw_3x3_s1_24x24x32_same'];

/** The op's filter requantized to int4 per output channel and marked packed (bias rescaled with it). */
function toInt4(graph: Graph): Graph {
  const op = graph.ops.find((candidate) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(candidate.type));
  if (!op) throw new Error(`${graph.name}: no CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED`);
  const tensors = graph.tensors.map((tensor) => ({ ...tensor }));
  const filter = tensors[op.inputs[1]];
  const q = filter.quantization!;
  const values = filter.data as Int8Array;
  const axis = q.scale.length > 1 ? q.axis : op.type === 'DEPTHWISE_CONV_2D' ? filter.shape.length - 1 : 0;
  const channels = filter.shape[axis];
  const inner = filter.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  // Per-tensor weights stay per tensor (one scale over the whole filter), as the converter keeps them.
  const groups = q.scale.length > 1 ? channels : 1;
  const group = (i: number) => (groups === 1 ? 0 : channelOf(i));
  const largest = new Array<number>(groups).fill(0);
  values.forEach((value, i) => (largest[group(i)] = Math.max(largest[group(i)], Math.abs(value))));
  const step = largest.map((m) => (m === 0 ? 1 : m / 7));
  const packed = Int8Array.from(values, (value, i) => Math.max(-8, Math.min(7, Math.round(value / step[group(i)]))));
  const scale = q.scale.map((s, c) => Math.fround(s * step[c]));
  tensors[filter.id] = { ...filter, data: packed, quantization: { ...q, scale }, packing: 'int4' };
  const biasId = op.inputs[2];
  if (biasId !== undefined && biasId >= 0) {
    const bias = tensors[biasId];
    const data = Int32Array.from(bias.data as Int32Array, (value, c) => Math.round(value / step[groups === 1 ? 0 : c]));
    tensors[biasId] = { ...bias, data, quantization: bias.quantization && { ...bias.quantization, scale: bias.quantization.scale.map((s, c) => Math.fround(s * step[groups === 1 ? 0 : c])) } };
  }
  return { ...graph, tensors };
}

const int8Twin = (graph: Graph): Graph => ({ ...graph, tensors: graph.tensors.map(({ packing: _packing, ...tensor }): Tensor => tensor) });

async function deploy(graph: Graph, board: Board, name: string, inputs: Uint8Array[]) {
  const result = await deployGraph(graph, { board, runs: 1, inputs, estimate: false, name, hash: name });
  return {
    instructions: result.latency.value,
    instructionsPerMac: result.instructionsPerMac,
    macs: result.model.macs,
    flashBytes: result.flashBytes,
    weightBytes: result.build.weightBytes,
    bitExact: result.bitExact,
    output: Buffer.concat(result.outputBytes.map((bytes) => Buffer.from(bytes))).toString('hex'),
  };
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const names = filters.length > 0 ? filters : defaultModels;
  const rows = [];
  for (const name of names) {
    const path = join(opsDir, `${name}.tflite`);
    const graph = await loadModelFile(path);
    const input = new Uint8Array(await readFile(join(opsDir, `${name}.input.bin`)));
    const int4 = toInt4(graph);
    const twin = int8Twin(int4);
    const row: Record<string, unknown> = { model: name };
    for (const [variant, board] of [['dsp', virtualM4f], ['portable', { ...virtualM4f, dsp: false }]] as const) {
      const a = await deploy(int4, board, `${name}_int4`, [input]);
      const b = await deploy(twin, board, `${name}_int8_twin`, [input]);
      row[variant] = { int4: { ...a, output: undefined }, int8: { ...b, output: undefined }, sameBytes: a.output === b.output };
      console.log(
        `${name} ${variant}: flash ${a.flashBytes} vs ${b.flashBytes} B (weights ${a.weightBytes} vs ${b.weightBytes}), ` +
          `${a.instructionsPerMac?.toFixed(2)} vs ${b.instructionsPerMac?.toFixed(2)} instructions/MAC (${a.instructions} vs ${b.instructions}), ` +
          `bit-exact ${a.bitExact}/${b.bitExact}, same bytes ${a.output === b.output}`,
      );
    }
    rows.push(row);
  }
  await mkdir(join(here, 'results'), { recursive: true });
  await writeFile(join(here, 'results', 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
}

await main();
