/**
 * Seeded random single-op int8 models over the shapes the kernel dispatch distinguishes: CONV_2D
 * (kernels 1x1 to 10x8, strides 1 to 3, dilation, one to 70 input channels, 'same' and 'valid'),
 * DEPTHWISE_CONV_2D (depth multipliers 1 to 8), FULLY_CONNECTED (depths 1 to 700, batch 1 to 3,
 * occasionally a -128 weight), AVERAGE_POOL_2D and MAX_POOL_2D, with per-channel filter scales
 * spread over four octaves, zero points anywhere in -128..127, every fused clamp, and output
 * scales chosen so the outputs spread over the int8 range rather than saturate. Each case is a
 * pure function of its seed: the random-shape test and bench/shapes run the same cases.
 */
import type { Activation, Graph, Padding } from '../../../src/core/common/ir/types.js';
import { OpModel, randomData, seeded } from '../../corpus/testing/op-models.js';

export interface RandomShapeCase {
  name: string;
  graph: Graph;
  input: Uint8Array;
  macs: number;
}

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const between = (random: () => number, low: number, high: number) => low + Math.floor(random() * (high - low + 1));

const activations: readonly Activation[] = ['none', 'none', 'relu', 'relu6', 'relu_n1_to_1'];
const channelCounts = [1, 1, 2, 3, 3, 4, 5, 7, 8, 8, 9, 12, 15, 16, 16, 17, 24, 31, 32, 33, 48, 64, 70];

function outputSize(size: number, filter: number, stride: number, dilation: number, padding: Padding): number {
  const extent = (filter - 1) * dilation + 1;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - extent) / stride) + 1;
}

/** Per-channel filter scales over four octaves, and the bias scales and output scale that go with them. */
function quantization(m: OpModel, channels: number, depth: number, inputScale: number) {
  const filterScales = Array.from({ length: channels }, () => 0.004 * 2 ** (m.random() * 4 - 2));
  const mean = filterScales.reduce((sum, scale) => sum + scale, 0) / channels;
  // A sum of `depth` products of roughly uniform int8 values has a spread near 74 * 74 * sqrt(depth).
  const outputScale = (inputScale * mean * 74 * 74 * Math.sqrt(depth)) / 50;
  return { filterScales, outputScale };
}

function perChannel(m: OpModel, id: number, scales: number[], axis: number): void {
  m.tensors[id]!.quantization = { scale: scales, zeroPoint: scales.map(() => 0), axis };
}

function int8Weights(m: OpModel, count: number, allowMinus128: boolean): Int8Array {
  const data = Int8Array.from({ length: count }, () => between(m.random, -127, 127));
  if (allowMinus128 && m.random() < 0.3) data[Math.floor(m.random() * count)] = -128;
  return data;
}

function bias(m: OpModel, scales: number[], inputScale: number, spread: number): number {
  const id = m.tensor('int32', [scales.length], undefined, Int32Array.from(scales, () => Math.round((m.random() * 2 - 1) * spread)));
  m.tensors[id]!.quantization = { scale: scales.map((scale) => scale * inputScale), zeroPoint: scales.map(() => 0), axis: 0 };
  return id;
}

function convolution(m: OpModel, depthwise: boolean): { graph: Graph; macs: number; label: string } {
  const r = m.random;
  // Half the depthwise cases take the shapes the DSP build's pair kernels are chosen for (3x3 and 5x5 windows at
  // stride 1 or 2, no dilation, input channels a multiple of four), so that those paths are drawn often.
  const pairShaped = depthwise && r() < 0.5;
  const pairWindow = pairShaped ? pick(r, [3, 3, 5]) : 0;
  const [kh, kw] = pairShaped ? [pairWindow, pairWindow] : r() < 0.15 ? pick(r, [[10, 8], [10, 4], [8, 10], [1, 7], [7, 1], [1, 3], [3, 1]] as const) : [between(r, 1, 5), between(r, 1, 5)];
  const strideH = pairShaped ? pick(r, [1, 1, 2]) : pick(r, [1, 1, 1, 2, 2, 3]);
  const strideW = pairShaped || r() < 0.8 ? strideH : pick(r, [1, 2]);
  const dilated = !pairShaped && r() < 0.1;
  const dilationH = dilated ? 2 : 1;
  const dilationW = dilated ? pick(r, [1, 2]) : 1;
  const padding: Padding = r() < 0.6 ? 'same' : 'valid';
  const drawnChannels = pick(r, channelCounts);
  const inChannels = pairShaped ? Math.ceil(drawnChannels / 4) * 4 : drawnChannels;
  const multiplier = depthwise ? (r() < 0.7 ? 1 : pick(r, [2, 3, 4, 8])) : 1;
  const outChannels = depthwise ? inChannels * multiplier : pick(r, [1, 2, 3, 4, 5, 8, 8, 12, 16, 16, 17, 24, 32, 40]);
  const minH = padding === 'valid' ? (kh - 1) * dilationH + 1 : 1;
  const minW = padding === 'valid' ? (kw - 1) * dilationW + 1 : 1;
  const budget = depthwise ? 6000 : 2500;
  const maxSide = Math.max(1, Math.floor(Math.sqrt(budget / inChannels)));
  const height = between(r, minH, Math.max(minH, minH + maxSide));
  const width = between(r, minW, Math.max(minW, minW + maxSide));
  const inputQ: [number, number] = [0.02 + r() * 0.1, between(r, -128, 127)];
  const depth = depthwise ? kh * kw : kh * kw * inChannels;
  const { filterScales, outputScale } = quantization(m, outChannels, depth, inputQ[0]);
  const x = m.input('int8', [1, height, width, inChannels], inputQ);
  const filterShape = depthwise ? [1, kh, kw, outChannels] : [outChannels, kh, kw, inChannels];
  const filter = m.tensor('int8', filterShape, undefined, int8Weights(m, outChannels * depth, false));
  perChannel(m, filter, filterScales, depthwise ? 3 : 0);
  // Now and then a bias as large as the products' spread, which moves the whole output range.
  const b = bias(m, filterScales, inputQ[0], r() < 0.2 ? 74 * 74 * Math.sqrt(depth) : 3000);
  const outH = outputSize(height, kh, strideH, dilationH, padding);
  const outW = outputSize(width, kw, strideW, dilationW, padding);
  const activation = pick(r, activations);
  const y = m.tensor('int8', [1, outH, outW, outChannels], [activation === 'relu_n1_to_1' ? 1 / 100 : outputScale, between(r, -100, 100)]);
  const attrs = { padding, strideH, strideW, dilationH, dilationW, activation };
  if (depthwise) m.op('DEPTHWISE_CONV_2D', { ...attrs, depthMultiplier: multiplier }, [x, filter, b], [y]);
  else m.op('CONV_2D', attrs, [x, filter, b], [y]);
  const label = `${depthwise ? 'dw' : 'conv'}_${kh}x${kw}_s${strideH}${strideW === strideH ? '' : `x${strideW}`}${dilated ? `_d${dilationH}${dilationW}` : ''}_${height}x${width}x${inChannels}_to_${outChannels}_${padding}${activation === 'none' ? '' : `_${activation}`}`;
  return { graph: m.graph(label), macs: outH * outW * outChannels * depth, label };
}

function fullyConnected(m: OpModel): { graph: Graph; macs: number; label: string } {
  const r = m.random;
  const depth = r() < 0.3 ? between(r, 1, 16) : between(r, 17, 700);
  const units = pick(r, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 17, 31, 32, 64]);
  const batch = r() < 0.8 ? 1 : between(r, 2, 3);
  const inputQ: [number, number] = [0.02 + r() * 0.1, between(r, -128, 127)];
  const weightScale = 0.004 * 2 ** (r() * 4 - 2);
  const outputScale = (inputQ[0] * weightScale * 74 * 74 * Math.sqrt(depth)) / 50;
  const x = m.input('int8', [batch, depth], inputQ);
  const weights = m.tensor('int8', [units, depth], [weightScale, 0], int8Weights(m, units * depth, true));
  const hasBias = r() < 0.8;
  const inputs = [x, weights];
  if (hasBias) {
    const id = m.tensor('int32', [units], [inputQ[0] * weightScale, 0], Int32Array.from({ length: units }, () => between(r, -5000, 5000)));
    inputs.push(id);
  }
  const activation = pick(r, activations);
  const y = m.tensor('int8', [batch, units], [activation === 'relu_n1_to_1' ? 1 / 100 : outputScale, between(r, -100, 100)]);
  m.op('FULLY_CONNECTED', { activation, keepNumDims: false, asymmetricQuantizeInputs: false }, inputs, [y]);
  const label = `fc_${batch > 1 ? `${batch}x` : ''}${depth}x${units}${hasBias ? '' : '_nobias'}${activation === 'none' ? '' : `_${activation}`}`;
  return { graph: m.graph(label), macs: batch * depth * units, label };
}

function pooling(m: OpModel, type: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D'): { graph: Graph; macs: number; label: string } {
  const r = m.random;
  const filterH = between(r, 1, 5);
  const filterW = r() < 0.7 ? filterH : between(r, 1, 5);
  const strideH = pick(r, [1, 2, 2, 3]);
  const strideW = r() < 0.8 ? strideH : pick(r, [1, 2]);
  const padding: Padding = r() < 0.5 ? 'same' : 'valid';
  const channels = pick(r, channelCounts);
  const height = between(r, padding === 'valid' ? filterH : 1, filterH + 20);
  const width = between(r, padding === 'valid' ? filterW : 1, filterW + 20);
  const q: [number, number] = [0.05, between(r, -128, 127)];
  const x = m.input('int8', [1, height, width, channels], q);
  const activation = pick(r, activations);
  const y = m.tensor('int8', [1, outputSize(height, filterH, strideH, 1, padding), outputSize(width, filterW, strideW, 1, padding), channels], q);
  m.op(type, { padding, strideH, strideW, filterH, filterW, activation }, [x], [y]);
  const label = `${type === 'MAX_POOL_2D' ? 'maxpool' : 'avgpool'}_${filterH}x${filterW}_s${strideH}${strideW === strideH ? '' : `x${strideW}`}_${height}x${width}x${channels}_${padding}${activation === 'none' ? '' : `_${activation}`}`;
  return { graph: m.graph(label), macs: 0, label };
}

/** The case of one seed: the op family follows the seed, then every parameter. */
export function randomShapeCase(seed: number): RandomShapeCase {
  const m = new OpModel(seeded(seed * 7919 + 17));
  const family = seed % 10;
  const made =
    family < 4 ? convolution(m, false) : family < 7 ? convolution(m, true) : family < 9 ? fullyConnected(m) : pooling(m, m.random() < 0.5 ? 'AVERAGE_POOL_2D' : 'MAX_POOL_2D');
  const inputTensor = made.graph.tensors[made.graph.inputs[0]!]!;
  const count = inputTensor.shape.reduce((a, b) => a * b, 1);
  const input = new Uint8Array(randomData('int8', count, seeded(seed + 1_000_003)).buffer.slice(0));
  return { name: `${seed}_${made.label}`, graph: made.graph, input, macs: made.macs };
}
