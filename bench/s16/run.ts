/**
 * 16x8 (int16 activations, int8 weights) kernels per MAC on the virtual Cortex-M4F (QEMU
 * mps2-an386, arm-none-eabi-gcc -O2): `npx tsx bench/s16/run.ts [--skip-kws]`.
 *
 * Single-op graphs (seeded weights, per-channel scales, int64 biases) of the convolution,
 * depthwise and fully connected shapes of the shared models, each deployed three times: 16x8 with
 * our DSP kernels, 16x8 with the portable C kernels (the same board with `dsp: false`), and the
 * int8 twin of the same shape with our DSP kernels. Then the shared float KWS quantized both ways
 * (all int8, and 16x8 for every layer but the softmax, calibrated on kws01's first 50 samples),
 * whole model: instructions, arena, flash. Instructions are QEMU's exact count (-icount) of each
 * op as the profiler times it; every deploy is checked byte-identical against the interpreter.
 * Results go to results.json beside this file.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f, type Board } from '../../src/core/common/boards/index.js';
import type { Graph, Op, Tensor } from '../../src/core/common/ir/types.js';
import { openDataset } from '../../src/core/node/datasets/index.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { quantizeModel } from '../../src/core/node/quantize/quantize-model.js';
import { sharedPath } from '../../test/testing/shared-data.js';

const here = dirname(fileURLToPath(import.meta.url));
const portableBoard: Board = { ...virtualM4f, dsp: false };

/** mulberry32: seeded, reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  name: string;
  op: 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED';
  input: number[];
  /** conv: [C_out, K_h, K_w]; depthwise: [K_h, K_w]; FC: [units]. */
  filter: number[];
  stride?: number;
}

const shapes: Shape[] = [
  { name: 'conv_10x4_s2_49x10x1_to_64 (KWS stem)', op: 'CONV_2D', input: [1, 49, 10, 1], filter: [64, 10, 4], stride: 2 },
  { name: 'conv_1x1_25x5x64_to_64 (KWS pointwise)', op: 'CONV_2D', input: [1, 25, 5, 64], filter: [64, 1, 1] },
  { name: 'conv_3x3_16x16x32_to_32', op: 'CONV_2D', input: [1, 16, 16, 32], filter: [32, 3, 3] },
  { name: 'conv_3x3_32x32x3_to_16', op: 'CONV_2D', input: [1, 32, 32, 3], filter: [16, 3, 3] },
  { name: 'dw_3x3_25x5x64 (KWS depthwise)', op: 'DEPTHWISE_CONV_2D', input: [1, 25, 5, 64], filter: [3, 3] },
  { name: 'dw_3x3_24x24x32', op: 'DEPTHWISE_CONV_2D', input: [1, 24, 24, 32], filter: [3, 3] },
  { name: 'fc_640_to_128 (AD)', op: 'FULLY_CONNECTED', input: [1, 640], filter: [128] },
  { name: 'fc_256_to_256', op: 'FULLY_CONNECTED', input: [1, 256], filter: [256] },
  { name: 'fc_64_to_12 (KWS head)', op: 'FULLY_CONNECTED', input: [1, 64], filter: [12] },
];

/** A one-op graph of `shape` at 16x8 (int16, int64 bias) or int8 (int32 bias), seeded weights. */
function singleOp(shape: Shape, precision: 'int16' | 'int8'): Graph {
  const next = random(7);
  const { op: type, input, filter } = shape;
  const stride = shape.stride ?? 1;
  const channels = type === 'DEPTHWISE_CONV_2D' ? input[3] : filter[0];
  const weightShape = type === 'CONV_2D' ? [filter[0], filter[1], filter[2], input[3]] : type === 'DEPTHWISE_CONV_2D' ? [1, filter[0], filter[1], input[3]] : [filter[0], input[1]];
  const terms = type === 'CONV_2D' ? filter[1] * filter[2] * input[3] : type === 'DEPTHWISE_CONV_2D' ? filter[0] * filter[1] : input[1];
  const outputShape =
    type === 'FULLY_CONNECTED' ? [1, filter[0]] : [1, Math.ceil(input[1] / stride), Math.ceil(input[2] / stride), channels];
  const weightCount = weightShape.reduce((a, b) => a * b, 1);
  const weights = Int8Array.from({ length: weightCount }, () => Math.floor(next() * 255) - 127);
  const scales = Array.from({ length: channels }, () => Math.fround(0.002 + next() * 0.008));
  const wide = precision === 'int16';
  const inputScale = wide ? 1 / 32768 : 1 / 128;
  const outputScale = Math.fround(inputScale * 0.005 * Math.sqrt(terms) * (wide ? 1 : 3));
  const bias = wide ? BigInt64Array.from({ length: channels }, () => BigInt(Math.floor((next() - 0.5) * 2e6))) : Int32Array.from({ length: channels }, () => Math.floor((next() - 0.5) * 2e4));
  const zeroPoint = wide ? 0 : -3;
  const tensors: Tensor[] = [
    { id: 0, name: 'input', shape: input, dtype: precision, quantization: { scale: [inputScale], zeroPoint: [zeroPoint], axis: 0 } },
    { id: 1, name: 'weights', shape: weightShape, dtype: 'int8', data: weights, quantization: { scale: scales, zeroPoint: scales.map(() => 0), axis: type === 'DEPTHWISE_CONV_2D' ? 3 : 0 } },
    { id: 2, name: 'bias', shape: [channels], dtype: wide ? 'int64' : 'int32', data: bias },
    { id: 3, name: 'output', shape: outputShape, dtype: precision, quantization: { scale: [outputScale], zeroPoint: [wide ? 0 : 5], axis: 0 } },
  ];
  const window = { padding: 'same', strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, activation: 'relu' };
  const attrs =
    type === 'FULLY_CONNECTED'
      ? { activation: 'relu', keepNumDims: false, asymmetricQuantizeInputs: false }
      : type === 'DEPTHWISE_CONV_2D'
        ? { ...window, depthMultiplier: 1 }
        : window;
  const op = { type, inputs: [0, 1, 2], outputs: [3], attrs } as Op;
  return { name: shape.name, tensors, ops: [op], inputs: [0], outputs: [3] };
}

async function measure(name: string, graph: Graph, board: Board) {
  const result = await deployGraph(graph, { name: 'bench', hash: `${name}-${board.dsp === false ? 'portable' : 'dsp'}`, board, runs: 1, estimate: false });
  const weighted = result.layers.filter((layer) => layer.macs > 0);
  const macs = weighted.reduce((total, layer) => total + layer.macs, 0);
  const instructions = weighted.reduce((total, layer) => total + layer.latency, 0);
  if (!result.bitExact) throw new Error(`${name}: the board's output differs from the interpreter's`);
  return { macs, instructions, perMac: Math.round((instructions / macs) * 100) / 100, total: result.latency.value, arenaBytes: result.arenaBytes, flashBytes: result.flashBytes };
}

const kernels = [];
for (const shape of shapes) {
  const dsp = await measure(shape.name, singleOp(shape, 'int16'), virtualM4f);
  const portable = await measure(shape.name, singleOp(shape, 'int16'), portableBoard);
  const int8 = await measure(shape.name, singleOp(shape, 'int8'), virtualM4f);
  const row = { name: shape.name, op: shape.op, macs: dsp.macs, s16Dsp: dsp.perMac, s16Portable: portable.perMac, int8Dsp: int8.perMac, s16DspOverInt8: Math.round((dsp.perMac / int8.perMac) * 100) / 100 };
  console.log(`${row.name}: ${row.macs.toLocaleString('en-US')} MACs, 16x8 DSP ${row.s16Dsp}/MAC, 16x8 portable ${row.s16Portable}/MAC, int8 DSP ${row.int8Dsp}/MAC (16x8/int8 ${row.s16DspOverInt8})`);
  kernels.push(row);
}

const models = [];
if (!process.argv.includes('--skip-kws')) {
  const float = await loadModelFile(sharedPath('models/mlperf_tiny/kws_ref_model_float32.tflite'));
  const dataset = await openDataset(sharedPath('datasets/kws01'));
  const int16Layers = float.ops.flatMap((op, index) => (op.type === 'SOFTMAX' ? [] : [index])).join(',');
  for (const [name, passOptions] of [
    ['kws int8', { samples: 50 }],
    ['kws 16x8', { samples: 50, int16Layers }],
  ] as const) {
    const { graph } = await quantizeModel(float, { modelName: 'kws_ref_model_float32.tflite', calibration: { kind: 'dataset', dataset }, passOptions, evaluationLimit: 0 });
    const result = await deployGraph(graph, { name: 'kws', hash: name, board: virtualM4f, runs: 1, estimate: false });
    const row = { name, bitExact: result.bitExact, instructions: result.latency.value, perMac: Math.round((result.instructionsPerMac ?? 0) * 100) / 100, arenaBytes: result.arenaBytes, stackBytes: result.stackBytes, flashBytes: result.flashBytes };
    console.log(`${name}: ${row.instructions.toLocaleString('en-US')} instructions (${row.perMac}/MAC), arena ${row.arenaBytes} B, stack ${row.stackBytes} B, flash ${row.flashBytes} B, bit-exact ${row.bitExact}`);
    models.push(row);
  }
}
await writeFile(join(here, 'results.json'), `${JSON.stringify({ kernels, models }, null, 2)}\n`);
