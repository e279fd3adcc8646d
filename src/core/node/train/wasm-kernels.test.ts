import { describe, expect, it } from 'vitest';
import { loadTrainingEngine, type Tf } from './engine.js';
import { wasmTrainingKernels } from './wasm-kernels.js';
import { trainKernels } from './simd/train-kernels.js';

/** Seeded values in [-1, 1] (the same on every back end). */
function values(tf: Tf, shape: number[], seed: number): ReturnType<Tf['tensor']> {
  let state = seed >>> 0;
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return tf.tensor(data, shape);
}

interface Case {
  name: string;
  input: number[];
  filter: number[];
  strides: [number, number];
  pad: 'same' | 'valid';
  depthwise: boolean;
}

const cases: Case[] = [
  { name: 'KWS first conv (10x4, stride 2, same)', input: [3, 49, 10, 1], filter: [10, 4, 1, 8], strides: [2, 2], pad: 'same', depthwise: false },
  { name: 'pointwise conv', input: [2, 5, 5, 6], filter: [1, 1, 6, 7], strides: [1, 1], pad: 'valid', depthwise: false },
  { name: '3x3 conv, stride 2, valid', input: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'valid', depthwise: false },
  { name: 'depthwise 3x3 same', input: [2, 7, 5, 6], filter: [3, 3, 6, 1], strides: [1, 1], pad: 'same', depthwise: true },
  { name: 'depthwise 3x3 stride 2, multiplier 2', input: [2, 9, 7, 3], filter: [3, 3, 3, 2], strides: [2, 2], pad: 'same', depthwise: true },
  { name: 'depthwise 3x3 stride 2, 8 channels (SIMD kernel)', input: [2, 9, 7, 8], filter: [3, 3, 8, 1], strides: [2, 2], pad: 'same', depthwise: true },
  { name: 'depthwise 5x3 valid, 64 channels (KWS width, SIMD kernel)', input: [3, 8, 6, 64], filter: [5, 3, 64, 1], strides: [1, 1], pad: 'valid', depthwise: true },
];

/** The gradients of sum(conv(x, w) · r) with respect to x and w on one back end. */
async function gradients(backend: 'wasm' | 'cpu', testCase: Case): Promise<{ dx: Float32Array; dw: Float32Array }> {
  const { tf } = await loadTrainingEngine(backend);
  return tf.tidy(() => {
    const x = values(tf, testCase.input, 1);
    const w = values(tf, testCase.filter, 2);
    const conv = (a: ReturnType<Tf['tensor']>, b: ReturnType<Tf['tensor']>): ReturnType<Tf['tensor']> =>
      testCase.depthwise
        ? tf.depthwiseConv2d(a as never, b as never, testCase.strides, testCase.pad)
        : tf.conv2d(a as never, b as never, testCase.strides, testCase.pad);
    const shape = conv(x, w).shape;
    const r = values(tf, shape, 3);
    const [dx, dw] = tf.grads((a, b) => conv(a, b).mul(r).sum())([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

describe('wasm training kernels', () => {
  it('are registered for the wasm back end', async () => {
    const { tf } = await loadTrainingEngine('wasm');
    for (const name of wasmTrainingKernels) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    // TinyDeploy's SIMD kernels instantiate over the back end's memory (else the depthwise filter gradient falls back to TypeScript).
    expect(trainKernels(tf.backend())).toBeDefined();
  });

  it('clone shares the data (Identity), which outlives the original', async () => {
    const { tf } = await loadTrainingEngine('wasm');
    const a = tf.tensor([1, 2, 3]);
    const b = tf.clone(a);
    const c = tf.clone(b).reshape([3, 1]);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
  });

  it("multiply with transposed operands as the cpu back end does (BatchMatMul transposes first on wasm)", async () => {
    const results: Record<string, Float32Array[]> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      const { tf } = await loadTrainingEngine(backend);
      results[backend] = tf.tidy(() => {
        const a = values(tf, [2, 5, 7], 4);
        const b = values(tf, [2, 7, 3], 5);
        const aT = values(tf, [2, 7, 5], 6);
        const bT = values(tf, [2, 3, 7], 7);
        return [tf.matMul(a, b), tf.matMul(aT, b, true, false), tf.matMul(a, bT, false, true), tf.matMul(aT, bT, true, true)].map((product) => product.dataSync() as Float32Array);
      });
    }
    results.wasm.forEach((product, i) => product.forEach((value, j) => expect(value).toBeCloseTo(results.cpu[i][j], 5)));
  });

  for (const testCase of cases) {
    it(`give the cpu back end's gradients: ${testCase.name}`, async () => {
      const cpu = await gradients('cpu', testCase);
      const wasm = await gradients('wasm', testCase);
      expect(wasm.dw.length).toBe(cpu.dw.length);
      const worst = (a: Float32Array, b: Float32Array) => a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
      expect(worst(wasm.dw, cpu.dw)).toBeLessThan(1e-5);
      expect(worst(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
      // Not all zero: the comparison would pass on two empty gradients.
      expect(cpu.dw.some((value) => Math.abs(value) > 1e-3)).toBe(true);
    });
  }
});
