/**
 * int4 weights against their int8 twins on the emulated Cortex-M4F (virtual-m4f).
 *
 *   nice -n 10 npx tsx bench/int4/run.ts [--dsp-only] [model ...]
 *
 * For single-op int8 models of the kernel sweep (../shared/baseline/ops/), the filter is requantized
 * to int4 per output channel (scale × max|w| / 7, values rounded into [-8, 7], the bias rescaled to
 * the new scale) and marked packed, as TFLite's converter writes INT4 weights. Two graphs are
 * deployed: the int4 one (td_*_s8_int4 over the packed bytes) and its int8 twin — the same values
 * stored as int8 (the int8 kernels) — so both compute the same sums and must give the same bytes.
 * Each is deployed with the DSP kernels and with the portable ones (the board with `dsp: false`;
 * `--dsp-only` leaves the portable builds out). A model `name@cN` is the depthwise model `name` cut
 * to its first N channels (odd channel counts, which the sweep lacks).
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
const defaultModels = [
  'fc_256x128',
  'conv_3x3_s2_16x16x16_to_32_same',
  'conv_3x3_s1_16x16x32_to_32_same',
  'fc_640x128',
  'dw_3x3_s1_24x24x32_same',
  'dw_3x3_s1_12x12x64_same',
  'dw_3x3_s2_24x24x64_same',
  'dw_5x5_s1_24x24x32_same',
  'dw_5x5_s2_12x12x64_same',
  'dw_3x3_s1_12x12x8_dm2_same',
  'dw_3x3_s1_12x12x64_same@c61',
  'dw_5x5_s1_12x12x64_valid@c27',
  'dw_10x8_s2_49x40x16_same',
];

/**
 * `name@cN`: a depthwise model (depth multiplier 1) cut to its first N channels — input, filter,
 * bias, scales and the input bytes alike — for channel counts the sweep does not have (odd ones).
 */
function withChannels(graph: Graph, input: Uint8Array, channels: number): { graph: Graph; input: Uint8Array } {
  const op = graph.ops.find((candidate) => candidate.type === 'DEPTHWISE_CONV_2D');
  if (!op) throw new Error(`${graph.name}: @c${channels} needs a DEPTHWISE_CONV_2D`);
  const from = graph.tensors[op.inputs[0]].shape.at(-1)!;
  if (graph.tensors[op.outputs[0]].shape.at(-1) !== from || channels > from) throw new Error(`${graph.name}: @c${channels} needs depth multiplier 1 and at most ${from} channels`);
  const cut = <T extends { length: number }>(values: ArrayLike<number>, make: (length: number) => T & { [index: number]: number }): T => {
    const out = make((values.length / from) * channels);
    for (let i = 0, j = 0; i < values.length; i++) if (i % from < channels) out[j++] = values[i];
    return out;
  };
  const tensors = graph.tensors.map((tensor) => {
    if (tensor.shape.at(-1) !== from || !op.inputs.concat(op.outputs).includes(tensor.id)) return tensor;
    const q = tensor.quantization;
    const quantization = q && q.scale.length === from ? { ...q, scale: q.scale.slice(0, channels), zeroPoint: q.zeroPoint.slice(0, channels) } : q;
    const data = tensor.data === undefined ? undefined : tensor.data instanceof Int32Array ? cut(tensor.data, (n) => new Int32Array(n)) : cut(tensor.data as Int8Array, (n) => new Int8Array(n));
    return { ...tensor, shape: [...tensor.shape.slice(0, -1), channels], quantization, data } as Tensor;
  });
  return { graph: { ...graph, name: `${graph.name}@c${channels}`, tensors }, input: cut(input, (n) => new Uint8Array(n)) };
}

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
    arenaBytes: result.arenaBytes,
    stackBytes: result.stackBytes,
    bitExact: result.bitExact,
    output: Buffer.concat(result.outputBytes.map((bytes) => Buffer.from(bytes))).toString('hex'),
  };
}

async function main(): Promise<void> {
  const dspOnly = process.argv.includes('--dsp-only');
  const filters = process.argv.slice(2).filter((arg) => arg !== '--dsp-only');
  const names = filters.length > 0 ? filters : defaultModels;
  const rows = [];
  for (const name of names) {
    const [base, cutTo] = name.split('@c');
    let graph = await loadModelFile(join(opsDir, `${base}.tflite`));
    let input: Uint8Array = new Uint8Array(await readFile(join(opsDir, `${base}.input.bin`)));
    if (cutTo !== undefined) ({ graph, input } = withChannels(graph, input, Number(cutTo)));
    const int4 = toInt4(graph);
    const twin = int8Twin(int4);
    const row: Record<string, unknown> = { model: name };
    const variants = [['dsp', virtualM4f], ['portable', { ...virtualM4f, dsp: false }]] as const;
    for (const [variant, board] of dspOnly ? variants.slice(0, 1) : variants) {
      const a = await deploy(int4, board, `${name.replace('@', '_')}_int4`, [input]);
      const b = await deploy(twin, board, `${name.replace('@', '_')}_int8_twin`, [input]);
      row[variant] = { int4: { ...a, output: undefined }, int8: { ...b, output: undefined }, sameBytes: a.output === b.output };
      console.log(
        `${name} ${variant}: flash ${a.flashBytes} vs ${b.flashBytes} B (weights ${a.weightBytes} vs ${b.weightBytes}), arena ${a.arenaBytes} vs ${b.arenaBytes} B, stack ${a.stackBytes} vs ${b.stackBytes} B, ` +
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
