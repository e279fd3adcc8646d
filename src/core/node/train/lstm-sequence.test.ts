import { describe, expect, it } from 'vitest';
import { loadTrainingEngine, type Tf } from './engine.js';
import { hasFusedLstm, lstmSequence } from './lstm-sequence.js';

type T = ReturnType<Tf['tensor']>;

/** Seeded values in [-scale, scale] (the same on every back end). */
function values(tf: Tf, shape: number[], seed: number, scale = 1): T {
  let state = seed >>> 0;
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 2 ** 31 - 1) * scale;
  }
  return tf.tensor(data, shape);
}

/** The recurrence unrolled into tfjs ops, as `lower.ts` lowers it on other back ends: the reference. */
function unrolled(tf: Tf, projected: T, recurrent: T, cellClip: number): T {
  const [batch, steps, width] = projected.shape as number[];
  const units = width / 4;
  let hidden: T = tf.zeros([batch, units]);
  let cell: T = tf.zeros([batch, units]);
  const outputs: T[] = [];
  const perStep = tf.unstack(projected, 1);
  for (let t = 0; t < steps; t++) {
    const [i, f, g, o] = tf.split(perStep[t].add(tf.matMul(hidden, recurrent)), 4, 1);
    cell = tf.sigmoid(f).mul(cell).add(tf.sigmoid(i).mul(tf.tanh(g)));
    if (cellClip > 0) cell = tf.clipByValue(cell, -cellClip, cellClip);
    hidden = tf.tanh(cell).mul(tf.sigmoid(o));
    outputs.push(hidden);
  }
  return tf.stack(outputs, 1);
}

interface Result {
  hidden: Float32Array;
  dProjected: Float32Array;
  dRecurrent: Float32Array;
}

/** Value and gradients of sum(lstm(P, R) · W) on one back end, fused or unrolled. */
async function run(backend: 'cpu' | 'wasm', fused: boolean, cellClip: number): Promise<Result> {
  const { tf } = await loadTrainingEngine(backend);
  if (fused) expect(hasFusedLstm(tf)).toBe(true);
  return tf.tidy(() => {
    // Large enough inputs that the cell state leaves [-clip, clip] in some steps.
    const projected = values(tf, [3, 6, 4 * 5], 1, 3);
    const recurrent = values(tf, [5, 4 * 5], 2);
    const weights = values(tf, [3, 6, 5], 3);
    const lstm = (p: T, r: T) => (fused ? lstmSequence(tf, p, r, cellClip) : unrolled(tf, p, r, cellClip));
    const hidden = lstm(projected, recurrent).dataSync() as Float32Array;
    const [dProjected, dRecurrent] = tf.grads((p: T, r: T) => lstm(p, r).mul(weights).sum())([projected, recurrent]);
    return { hidden, dProjected: dProjected.dataSync() as Float32Array, dRecurrent: dRecurrent.dataSync() as Float32Array };
  });
}

const worst = (a: Float32Array, b: Float32Array) => a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i]) / Math.max(1, Math.abs(b[i]))), 0);

describe('fused LSTM recurrence', () => {
  for (const cellClip of [0, 0.8]) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`gives the unrolled ops' hidden states and gradients (cpu back end's autodiff) on ${backend}, cell clip ${cellClip}`, async () => {
        const reference = await run('cpu', false, cellClip);
        const fused = await run(backend, true, cellClip);
        expect(fused.hidden.length).toBe(reference.hidden.length);
        expect(worst(fused.hidden, reference.hidden)).toBeLessThan(1e-6);
        expect(worst(fused.dProjected, reference.dProjected)).toBeLessThan(1e-5);
        expect(worst(fused.dRecurrent, reference.dRecurrent)).toBeLessThan(1e-5);
        // Not all zero: the comparison would pass on two empty gradients.
        expect(reference.dRecurrent.some((value) => Math.abs(value) > 1e-2)).toBe(true);
        expect(reference.dProjected.some((value) => Math.abs(value) > 1e-2)).toBe(true);
      });
    }
  }

  it('clips: with a cell clip some gradients are cut that are not without it', async () => {
    const free = await run('cpu', true, 0);
    const clipped = await run('cpu', true, 0.8);
    expect(worst(free.dProjected, clipped.dProjected)).toBeGreaterThan(1e-3);
  });

  it('agrees with central differences of the fused forward (cpu)', async () => {
    const { tf } = await loadTrainingEngine('cpu');
    const analytic = await run('cpu', true, 0);
    const loss = (projected: T, recurrent: T) => tf.tidy(() => lstmSequence(tf, projected, recurrent, 0).mul(values(tf, [3, 6, 5], 3)).sum().dataSync()[0]);
    const projected = values(tf, [3, 6, 20], 1, 3);
    const recurrent = values(tf, [5, 20], 2);
    const data = recurrent.dataSync() as Float32Array;
    const step = 1e-2;
    for (const index of [0, 7, 33, 99]) {
      const plus = Float32Array.from(data);
      const minus = Float32Array.from(data);
      plus[index] += step;
      minus[index] -= step;
      const numeric = (loss(projected, tf.tensor(plus, [5, 20])) - loss(projected, tf.tensor(minus, [5, 20]))) / (2 * step);
      expect(Math.abs(numeric - analytic.dRecurrent[index])).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
    }
    tf.dispose([projected, recurrent]);
  });
});
