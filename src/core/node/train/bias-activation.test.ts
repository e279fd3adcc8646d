import { describe, expect, it } from 'vitest';
import { biasActivation } from './bias-activation.js';
import { loadTrainingEngine, type Tf } from './engine.js';

type T = ReturnType<Tf['tensor']>;

/** Seeded values in [-1, 1] (the same on every back end). */
function values(tf: Tf, shape: number[], seed: number): T {
  let state = seed >>> 0;
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return tf.tensor(data, shape);
}

/** Value and gradients of sum(f(x, b) · w), f fused or tfjs' ops. */
async function run(backend: 'cpu' | 'wasm', fused: boolean, relu: boolean) {
  const { tf } = await loadTrainingEngine(backend);
  return tf.tidy(() => {
    const x = values(tf, [2, 3, 4, 5], 1);
    const b = values(tf, [5], 2);
    const w = values(tf, [2, 3, 4, 5], 3);
    const f = (a: T, c: T): T => {
      if (!fused) return relu ? tf.relu(a.add(c)) : a.add(c);
      const result = biasActivation(tf, a, c, relu);
      if (!result) throw new Error(`no fused bias on ${backend}`);
      return result;
    };
    const [dx, db] = tf.grads((a: T, c: T) => f(a, c).mul(w).sum())([x, b]);
    return { y: f(x, b).dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, db: db.dataSync() as Float32Array };
  });
}

describe('bias and ReLU with a one-kernel gradient', () => {
  for (const relu of [false, true]) {
    for (const backend of ['cpu', 'wasm'] as const) {
      it(`gives tfjs' values and the cpu back end's gradients on ${backend}${relu ? ', through a ReLU' : ''}`, async () => {
        const reference = await run('cpu', false, relu);
        const fused = await run(backend, true, relu);
        expect(fused.y).toEqual(reference.y);
        fused.dx.forEach((value, i) => expect(value).toBeCloseTo(reference.dx[i], 6));
        fused.db.forEach((value, i) => expect(value).toBeCloseTo(reference.db[i], 5));
        expect(reference.db.some((value) => Math.abs(value) > 0.1)).toBe(true);
        // Through the ReLU some of dx is cut: the comparison above sees the mask.
        if (relu) expect(reference.dx.some((value) => value === 0)).toBe(true);
      });
    }
  }
});
