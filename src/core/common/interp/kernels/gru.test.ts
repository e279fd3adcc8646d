import { describe, expect, it } from 'vitest';
import { InterpreterError } from '../../errors.js';
import { findOp } from '../../ops/index.js';
import { Interpreter } from '../interpreter.js';
import { bidirectionalGru, floatGruGraph, gruWeights, int8GruGraph, int8Parameters, referenceGru, seededRandom, type GruSpec } from './testing/gru-model.js';

const base: GruSpec = {
  batch: 2,
  time: 5,
  inputSize: 6,
  units: 8,
  seed: 7,
  linearBeforeReset: true,
  timeMajor: false,
  reverse: false,
  returnSequences: true,
  recurrentNBias: true,
};

function input(spec: GruSpec, seed = 11): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: spec.batch * spec.time * spec.inputSize }, () => (random() * 2 - 1) * 2);
}

const variants: [string, Partial<GruSpec>][] = [
  ['linear_before_reset with a recurrent n bias', {}],
  ['linear_before_reset without it', { recurrentNBias: false }],
  ['reset before the recurrent product', { linearBeforeReset: false, recurrentNBias: false }],
  ['time-major', { timeMajor: true }],
  ['reverse', { reverse: true }],
  ['last step only', { returnSequences: false }],
  ['reverse, last step only, time-major', { reverse: true, returnSequences: false, timeMajor: true }],
];

describe('TD_GRU float', () => {
  for (const [name, change] of variants) {
    it(`${name}: within 1e-5 of the float64 cell`, () => {
      const spec = { ...base, ...change };
      const weights = gruWeights(spec);
      const x = input(spec);
      const actual = new Interpreter(floatGruGraph(spec, weights)).run([x]).outputs[0] as Float32Array;
      const expected = referenceGru(spec, weights, x);
      expect(actual.length).toBe(expected.length);
      const worst = Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i])));
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('streaming continues the sequence across runs; reset starts again', () => {
    const spec = { ...base };
    const weights = gruWeights(spec);
    const [first, second] = [input(spec, 1), input(spec, 2)];
    const state = new Float64Array(spec.batch * spec.units);
    referenceGru(spec, weights, first, state);
    const expected = referenceGru(spec, weights, second, state);
    const interpreter = new Interpreter(floatGruGraph(spec, weights), { state: 'streaming' });
    interpreter.run([first]);
    const streamed = interpreter.run([second]).outputs[0] as Float32Array;
    const fresh = new Interpreter(floatGruGraph(spec, weights)).run([second]).outputs[0] as Float32Array;
    const deviation = (a: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - expected[i])));
    expect(deviation(streamed)).toBeLessThan(1e-5);
    expect(deviation(fresh)).toBeGreaterThan(1e-3);
  });

  it('MACs are steps · batch · 3 · U · (I + U)', () => {
    const graph = floatGruGraph(base);
    expect(findOp('TD_GRU')?.macs?.(graph, graph.ops[0])).toBe(5 * 2 * 3 * 8 * (6 + 8));
  });

  it('refuses a recurrent n bias without linear_before_reset, naming the input', () => {
    const graph = floatGruGraph({ ...base, linearBeforeReset: false });
    expect(() => new Interpreter(graph).run([input(base)])).toThrow(InterpreterError);
    expect(() => new Interpreter(graph).run([input(base)])).toThrow(/op 0 \(TD_GRU\): recurrent new-gate bias \(input 10, tensor \d+\) is present without linear_before_reset/);
  });
});

describe('TD_GRU int8 (int16 gates and Q0.15 state)', () => {
  for (const [name, change] of variants) {
    it(`${name}: close to float on a seeded input`, () => {
      const spec = { ...base, ...change };
      const weights = gruWeights(spec);
      const x = input(spec);
      const expected = referenceGru(spec, weights, x);
      const inputRange = { min: -2, max: 2 };
      const outputRange = { min: -1, max: 1 };
      const graph = int8GruGraph(spec, weights, inputRange, outputRange);
      const xq = int8Parameters(inputRange);
      const yq = int8Parameters(outputRange);
      const quantized = Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.round(v / xq.scale) + xq.zeroPoint)));
      const actual = new Interpreter(graph).run([quantized]).outputs[0] as Int8Array;
      const dequantized = Array.from(actual, (v) => (v - yq.zeroPoint) * yq.scale);
      const worst = Math.max(...dequantized.map((v, i) => Math.abs(v - expected[i])));
      // Output step 2/255 ≈ 0.008; weight and input rounding add a few steps over 5 time steps.
      expect(worst).toBeLessThan(0.04);
    });
  }
});

describe('bidirectional TD_GRU (forward + reverse, joined)', () => {
  for (const join of ['concat', 'add'] as const) {
    for (const returnSequences of [true, false]) {
      it(`${join}, ${returnSequences ? 'sequence' : 'last step'}: float within 1e-5 of the two directions' references joined`, () => {
        const spec = { ...base, returnSequences };
        const x = input(spec);
        const forward = referenceGru(spec, gruWeights(spec), x);
        const backwardSpec = { ...spec, reverse: true, seed: spec.seed + 1 };
        const backward = referenceGru(backwardSpec, gruWeights(backwardSpec), x);
        const U = spec.units;
        const rows = forward.length / U;
        const expected = new Float64Array(join === 'concat' ? 2 * forward.length : forward.length);
        for (let row = 0; row < rows; row++) {
          for (let u = 0; u < U; u++) {
            if (join === 'concat') {
              expected[row * 2 * U + u] = forward[row * U + u];
              expected[row * 2 * U + U + u] = backward[row * U + u];
            } else {
              expected[row * U + u] = forward[row * U + u] + backward[row * U + u];
            }
          }
        }
        const actual = new Interpreter(bidirectionalGru(spec, join, 'float32')).run([x]).outputs[0] as Float32Array;
        expect(actual.length).toBe(expected.length);
        expect(Math.max(...Array.from(actual, (v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-5);
      });
    }
  }
});
