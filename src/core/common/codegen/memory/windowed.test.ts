import { describe, expect, it } from 'vitest';
import { computeOutSize } from '../../ops/window.js';
import type { DType, Graph, Op, Padding } from '../../ir/types.js';
import { planAlignment } from './planner.js';
import { windowedOutputDelta } from './windowed.js';

/** Deterministic pseudo-random generator (mulberry32). */
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

interface Case {
  type: 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'AVERAGE_POOL_2D';
  dtype: DType;
  batches: number;
  height: number;
  width: number;
  inputChannels: number;
  outputChannels: number;
  filterH: number;
  filterW: number;
  stride: number;
  dilation: number;
  padding: Padding;
}

function graphOf(c: Case): { graph: Graph; op: Op; outputHeight: number; outputWidth: number } {
  const outputHeight = computeOutSize(c.padding, c.height, c.filterH, c.stride, c.dilation);
  const outputWidth = computeOutSize(c.padding, c.width, c.filterW, c.stride, c.dilation);
  const filterShape = c.type === 'CONV_2D' ? [c.outputChannels, c.filterH, c.filterW, c.inputChannels] : [1, c.filterH, c.filterW, c.outputChannels];
  const graph: Graph = {
    name: 'windowed',
    tensors: [
      { id: 0, name: 'x', shape: [c.batches, c.height, c.width, c.inputChannels], dtype: c.dtype },
      { id: 1, name: 'w', shape: filterShape, dtype: c.dtype, data: new Int8Array(filterShape.reduce((a, b) => a * b, 1)) },
      { id: 2, name: 'y', shape: [c.batches, outputHeight, outputWidth, c.outputChannels], dtype: c.dtype },
    ],
    ops: [],
    inputs: [0],
    outputs: [2],
  };
  const attrs =
    c.type === 'AVERAGE_POOL_2D'
      ? { padding: c.padding, strideH: c.stride, strideW: c.stride, filterH: c.filterH, filterW: c.filterW, activation: 'none' }
      : { padding: c.padding, strideH: c.stride, strideW: c.stride, dilationH: c.dilation, dilationW: c.dilation, activation: 'none', depthMultiplier: 1 };
  const op = { type: c.type, inputs: c.type === 'AVERAGE_POOL_2D' ? [0] : [0, 1], outputs: [2], attrs } as Op;
  graph.ops.push(op);
  return { graph, op, outputHeight, outputWidth };
}

/**
 * The order a kernel visits (output pixel, output channels): `pixels` as the reference kernels
 * (each channel read then written, pixel after pixel); `blocks` as the DSP depthwise kernel
 * (blocks of `block` channels outermost, each over every pixel); `row-blocks` as the Helium
 * depthwise kernel (per output row, block after block, each over the row's pixels).
 */
type Order = { kind: 'pixels' } | { kind: 'blocks' | 'row-blocks'; block: number };

function* visits(c: Case, order: Order, outputHeight: number, outputWidth: number): Generator<{ n: number; y: number; x: number; channels: number[] }> {
  const blockOf = (first: number, size: number) => Array.from({ length: Math.min(size, c.outputChannels - first) }, (_, i) => first + i);
  if (order.kind === 'pixels') {
    for (let n = 0; n < c.batches; n++)
      for (let y = 0; y < outputHeight; y++)
        for (let x = 0; x < outputWidth; x++) for (let oc = 0; oc < c.outputChannels; oc++) yield { n, y, x, channels: [oc] };
    return;
  }
  for (let n = 0; n < c.batches; n++) {
    if (order.kind === 'blocks') {
      for (let first = 0; first < c.outputChannels; first += order.block)
        for (let y = 0; y < outputHeight; y++) for (let x = 0; x < outputWidth; x++) yield { n, y, x, channels: blockOf(first, order.block) };
    } else {
      for (let y = 0; y < outputHeight; y++)
        for (let first = 0; first < c.outputChannels; first += order.block)
          for (let x = 0; x < outputWidth; x++) yield { n, y, x, channels: blockOf(first, order.block) };
    }
  }
}

/**
 * Replays a kernel's memory accesses (for each visit: read the window of its channels, then write
 * them) with the output placed `delta` bytes from the input, and reports the first read of an
 * input byte the output has already overwritten.
 */
function firstClobberedRead(c: Case, delta: number, outputHeight: number, outputWidth: number, order: Order = { kind: 'pixels' }): string | undefined {
  const bytes = c.dtype === 'float32' ? 4 : 1;
  const inputBase = Math.max(0, -delta);
  const outputBase = inputBase + delta;
  const written = new Set<number>();
  const pad = (size: number, out: number, filter: number) => Math.max(0, Math.floor(((out - 1) * c.stride + (filter - 1) * c.dilation + 1 - size) / 2));
  const padTop = pad(c.height, outputHeight, c.filterH);
  const padLeft = pad(c.width, outputWidth, c.filterW);
  const dilation = c.type === 'AVERAGE_POOL_2D' ? 1 : c.dilation;
  for (const { n, y, x, channels: outputChannels } of visits(c, order, outputHeight, outputWidth)) {
    const pixel = (n * outputHeight + y) * outputWidth + x;
    for (const oc of outputChannels) {
      const channels = c.type === 'CONV_2D' ? Array.from({ length: c.inputChannels }, (_, i) => i) : [Math.floor(oc / (c.outputChannels / c.inputChannels))];
      for (let ky = 0; ky < c.filterH; ky++) {
        const inY = y * c.stride - padTop + ky * dilation;
        if (inY < 0 || inY >= c.height) continue;
        for (let kx = 0; kx < c.filterW; kx++) {
          const inX = x * c.stride - padLeft + kx * dilation;
          if (inX < 0 || inX >= c.width) continue;
          for (const ic of channels) {
            const address = inputBase + (((n * c.height + inY) * c.width + inX) * c.inputChannels + ic) * bytes;
            for (let b = 0; b < bytes; b++) {
              if (written.has(address + b)) return `pixel ${pixel} channel ${oc} reads input (${n},${inY},${inX},${ic}) after it was overwritten`;
            }
          }
        }
      }
    }
    for (const oc of outputChannels) {
      const target = outputBase + (pixel * c.outputChannels + oc) * bytes;
      for (let b = 0; b < bytes; b++) written.add(target + b);
    }
  }
  return undefined;
}

/** The orders a depthwise kernel may run in (portable, DSP, Helium). */
const depthwiseOrders: Order[] = [{ kind: 'pixels' }, { kind: 'blocks', block: 4 }, { kind: 'row-blocks', block: 8 }];

describe('windowedOutputDelta', () => {
  it('overlaps a 1x1 expansion so that the output ends one input pixel before the input ends', () => {
    const c: Case = { type: 'CONV_2D', dtype: 'int8', batches: 1, height: 48, width: 48, inputChannels: 8, outputChannels: 16, filterH: 1, filterW: 1, stride: 1, dilation: 1, padding: 'same' };
    const { graph, op } = graphOf(c);
    // The last output pixel (16 bytes) must end before the last input pixel (8 bytes) it still reads.
    expect(windowedOutputDelta(graph, op)).toBe(-(48 * 48 * 8) - 16);
  });

  it('overlaps a 3x3 depthwise layer, keeping a row and two pixels between output and input', () => {
    const c: Case = { type: 'DEPTHWISE_CONV_2D', dtype: 'int8', batches: 1, height: 25, width: 5, inputChannels: 64, outputChannels: 64, filterH: 3, filterW: 3, stride: 1, dilation: 1, padding: 'same' };
    const { graph, op } = graphOf(c);
    // Output pixel p (ending at (p + 1) · 64) must stay below its window's first pixel p − W − 1.
    expect(windowedOutputDelta(graph, op)).toBe(-(5 + 2) * 64);
  });

  it('puts a stride-2 output one pixel before its larger input', () => {
    const c: Case = { type: 'CONV_2D', dtype: 'int8', batches: 1, height: 16, width: 16, inputChannels: 16, outputChannels: 16, filterH: 3, filterW: 3, stride: 2, dilation: 1, padding: 'same' };
    const { graph, op } = graphOf(c);
    expect(windowedOutputDelta(graph, op)).toBe(-16);
  });

  it('never lets the output overwrite input still to be read (simulated on random geometries)', () => {
    const next = random(2024);
    const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
    let overlapped = 0;
    for (let i = 0; i < 300; i++) {
      const type = pick(['CONV_2D', 'DEPTHWISE_CONV_2D', 'AVERAGE_POOL_2D'] as const);
      const inputChannels = 1 + Math.floor(next() * 6);
      const c: Case = {
        type,
        dtype: pick(['int8', 'float32'] as const),
        batches: 1 + Math.floor(next() * 2),
        height: 1 + Math.floor(next() * 9),
        width: 1 + Math.floor(next() * 9),
        inputChannels,
        outputChannels: type === 'CONV_2D' ? 1 + Math.floor(next() * 12) : type === 'DEPTHWISE_CONV_2D' ? inputChannels * (1 + Math.floor(next() * 2)) : inputChannels,
        filterH: 1 + Math.floor(next() * 4),
        filterW: 1 + Math.floor(next() * 4),
        stride: 1 + Math.floor(next() * 2),
        dilation: type === 'AVERAGE_POOL_2D' ? 1 : 1 + Math.floor(next() * 2),
        padding: pick(['same', 'valid'] as const),
      };
      const { graph, op, outputHeight, outputWidth } = graphOf(c);
      if (outputHeight <= 0 || outputWidth <= 0) continue;
      const delta = windowedOutputDelta(graph, op);
      if (delta === undefined) continue;
      overlapped++;
      expect(Math.abs(delta % planAlignment)).toBe(0);
      for (const order of c.type === 'DEPTHWISE_CONV_2D' ? depthwiseOrders : [{ kind: 'pixels' } as Order]) {
        expect(firstClobberedRead(c, delta, outputHeight, outputWidth, order), `${JSON.stringify(c)} ${JSON.stringify(order)}`).toBeUndefined();
      }
    }
    expect(overlapped).toBeGreaterThan(100);
  });

  it('keeps each channel of a depthwise output over the same input channel, for kernels that run channel blocks outermost', () => {
    // A stride-2 depthwise layer of 24 channels (a Fashion-MNIST DS-CNN's first block): an offset
    // that is not a whole number of pixels puts early channel blocks of later output pixels over
    // input channels of other blocks still to be read (the DSP kernel, 4-channel blocks over the
    // whole image, overwrote channels 16-23 of input pixel 0).
    const c: Case = { type: 'DEPTHWISE_CONV_2D', dtype: 'int8', batches: 1, height: 14, width: 14, inputChannels: 24, outputChannels: 24, filterH: 3, filterW: 3, stride: 2, dilation: 1, padding: 'same' };
    const { graph, op, outputHeight, outputWidth } = graphOf(c);
    const delta = windowedOutputDelta(graph, op)!;
    expect(Math.abs(delta % 24)).toBe(0);
    expect(Math.abs(delta % planAlignment)).toBe(0);
    for (const order of depthwiseOrders) expect(firstClobberedRead(c, delta, outputHeight, outputWidth, order), JSON.stringify(order)).toBeUndefined();
    // The offset the pixel-order bound alone gives (-32 here) fails in channel-block order.
    expect(firstClobberedRead(c, -32, outputHeight, outputWidth, { kind: 'pixels' })).toBeUndefined();
    expect(firstClobberedRead(c, -32, outputHeight, outputWidth, { kind: 'blocks', block: 4 })).toBeDefined();
  });

  it('is tight: moving the output one alignment step further clobbers input of a convolution', () => {
    const c: Case = { type: 'CONV_2D', dtype: 'int8', batches: 1, height: 6, width: 4, inputChannels: 16, outputChannels: 16, filterH: 3, filterW: 3, stride: 1, dilation: 1, padding: 'same' };
    const { graph, op, outputHeight, outputWidth } = graphOf(c);
    const delta = windowedOutputDelta(graph, op)!;
    expect(firstClobberedRead(c, delta, outputHeight, outputWidth)).toBeUndefined();
    expect(firstClobberedRead(c, delta + planAlignment, outputHeight, outputWidth)).toBeDefined();
  });

  it('ignores ops that are not windowed', () => {
    const { graph } = graphOf({ type: 'CONV_2D', dtype: 'int8', batches: 1, height: 4, width: 4, inputChannels: 2, outputChannels: 2, filterH: 1, filterW: 1, stride: 1, dilation: 1, padding: 'same' });
    expect(windowedOutputDelta(graph, { type: 'FULLY_CONNECTED', inputs: [0, 1], outputs: [2], attrs: {} } as unknown as Op)).toBeUndefined();
  });
});
