import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/types.js';
import { generateModel } from '../index.js';
import { pairedChunk, pairedEntry, pairedIndex, pairFullyConnectedWeights, pairedWeightBytes } from './fc-paired.js';

/** The int16 halfword at `index` (little-endian) of the paired bytes. */
const halfword = (packed: Int8Array, index: number) => ((packed[index]! & 0xff) | (packed[index + 1]! << 8)) << 16 >> 16;

/**
 * The DSP kernel's arithmetic on one pair over the paired layout, in 32-bit wrap-around: per
 * halfword the combined product into `raw` (SMLAD on the raw word) and the low byte's into `a`
 * (SXTB16 + SMLAD), B's sum taken out every `chunk` inputs as (raw − a) >> 8; the last depth % 8
 * inputs from the true weights.
 */
function pairDot(packed: Int8Array, pair: number, units: number, depth: number, x: ArrayLike<number>, chunk: number): [number, number] {
  const grouped = depth - (depth % 8);
  let a = 0;
  let b = 0;
  for (let start = 0; start < grouped; start += chunk) {
    let raw = a;
    for (let k = start; k < Math.min(grouped, start + chunk); k++) {
      const { index } = pairedIndex(pair, k, units, depth);
      raw = (raw + Math.imul(halfword(packed, index), x[k]!)) | 0;
      a = (a + Math.imul(packed[index]!, x[k]!)) | 0;
    }
    b = (b + (((raw - a) | 0) >> 8)) | 0;
  }
  for (let k = grouped; k < depth; k++) {
    a += packed[pairedIndex(pair, k, units, depth).index]! * x[k]!;
    b += pair + 1 < units ? packed[pairedIndex(pair + 1, k, units, depth).index]! * x[k]! : 0;
  }
  return [a, b];
}

function exactDot(weights: ArrayLike<number>, row: number, depth: number, x: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < depth; k++) sum += weights[row * depth + k]! * x[k]!;
  return sum;
}

describe('paired fully connected weights', () => {
  it('holds w_A + 256 · w_B in every halfword and w_A in its low byte, for every pair of int8 weights but a -128 B beside a negative A', () => {
    const pairs: [number, number][] = [];
    for (let wa = -128; wa <= 127; wa++) for (let wb = -128; wb <= 127; wb++) if (!(wb === -128 && wa < 0)) pairs.push([wa, wb]);
    const depth = pairs.length - (pairs.length % 8);
    const weights = new Int8Array(2 * depth);
    for (let k = 0; k < depth; k++) [weights[k], weights[depth + k]] = pairs[k]!;
    const packed = pairFullyConnectedWeights(weights, 2, depth)!;
    expect(packed.length).toBe(2 * depth);
    for (let k = 0; k < depth; k++) {
      const a = pairedIndex(0, k, 2, depth);
      const b = pairedIndex(1, k, 2, depth);
      expect(a.combined && b.combined && b.index === a.index + 1).toBe(true);
      const [wa, wb] = pairs[k]!;
      if (halfword(packed, a.index) !== wa + 256 * wb || packed[a.index] !== wa) {
        expect({ wa, wb, halfword: halfword(packed, a.index), low: packed[a.index] }).toEqual({ wa, wb, halfword: wa + 256 * wb, low: wa });
      }
    }
  });

  it('recovers both rows exactly at the extremes of a 512-input chunk (|w| 127, inputs -128 and 127), over several chunks', () => {
    const depth = 3 * pairedChunk + 8 + 5;
    for (const [wa, wb, value] of [[127, 127, -128], [-127, -127, -128], [-127, 127, 127], [127, -127, -128], [-1, -127, -128], [-127, -1, 127]] as const) {
      const weights = new Int8Array(2 * depth);
      weights.fill(wa, 0, depth);
      weights.fill(wb, depth);
      const x = new Int8Array(depth).fill(value);
      const [a, b] = pairDot(pairFullyConnectedWeights(weights, 2, depth)!, 0, 2, depth, x, pairedChunk);
      expect([a, b]).toEqual([exactDot(weights, 0, depth, x), exactDot(weights, 1, depth, x)]);
    }
    // One input past the chunk bound breaks the recovery: the bound is what the kernel relies on.
    const over = 2 * pairedChunk + 8;
    const weights = new Int8Array(2 * over).fill(127);
    const [, b] = pairDot(pairFullyConnectedWeights(weights, 2, over)!, 0, 2, over, new Int8Array(over).fill(-128), over);
    expect(b).not.toBe(exactDot(weights, 1, over, new Int8Array(over).fill(-128)));
  });

  it('lays out blocks, pairs after the blocks, odd row counts and depths 1..40 so that every row decodes to its weights', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 8) % 255 - 127;
    let withMinus128 = 0;
    for (const units of [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]) {
      for (let depth = 1; depth <= 40; depth++) {
        const weights = Int8Array.from({ length: units * depth }, random);
        // Every third layer a -128 somewhere, where the layout holds it (A rows, B rows beside a non-negative A, the last depth % 8).
        const place = Math.abs(random() * 31 + depth) % (units * depth);
        const [row, k] = [Math.floor(place / depth), place % depth];
        if ((units + depth) % 3 === 0 && (row % 2 === 0 || row + 1 > units || k >= depth - (depth % 8) || weights[place - depth]! >= 0)) {
          weights[place] = -128;
          withMinus128++;
        }
        const x = Int8Array.from({ length: depth }, () => random());
        const packed = pairFullyConnectedWeights(weights, units, depth)!;
        expect(packed.length).toBe(pairedWeightBytes(units, depth));
        const seen = new Set<number>();
        for (let row = 0; row < units; row++) {
          for (let k = 0; k < depth; k++) {
            const { index, combined } = pairedIndex(row, k, units, depth);
            seen.add(index);
            const value = combined && row % 2 === 1 ? packed[index]! + (packed[index - 1]! < 0 ? 1 : 0) : packed[index]!;
            if (value !== weights[row * depth + k]) expect({ units, depth, row, k, value }).toEqual({ units, depth, row, k, value: weights[row * depth + k] });
          }
        }
        // A missing B row takes the rest of the bytes.
        expect(seen.size).toBe(units % 2 === 0 ? packed.length : packed.length - depth);
        for (let pair = 0; pair < units; pair += 2) {
          const [a, b] = pairDot(packed, pair, units, depth, x, pairedChunk);
          expect(a).toBe(exactDot(weights, pair, depth, x));
          if (pair + 1 < units) expect(b).toBe(exactDot(weights, pair + 1, depth, x));
        }
      }
    }
    expect(withMinus128).toBeGreaterThan(50);
  });

  it('refuses a -128 B weight beside a negative A weight, and a B chunk of -128s (the layout of td_fully_connected_s8_packed is used instead)', () => {
    const rows = (a: number[], b: number[]) => Int8Array.from([...a, ...b]);
    const eight = (value: number, at = -1, other = value) => Array.from({ length: 8 }, (_, k) => (k === at ? other : value));
    expect(pairFullyConnectedWeights(rows(eight(-1), eight(5, 3, -128)), 2, 8)).toBeUndefined();
    expect(pairFullyConnectedWeights(rows(eight(0), eight(5, 3, -128)), 2, 8)).toBeInstanceOf(Int8Array);
    expect(pairFullyConnectedWeights(rows(eight(-128), eight(-127)), 2, 8)).toBeInstanceOf(Int8Array);
    // The last depth % 8 weights are true values: -128 anywhere there.
    expect(pairFullyConnectedWeights(rows([...eight(-1), -1], [...eight(1), -128]), 2, 9)).toBeInstanceOf(Int8Array);
    // |Σ B·x| < 2^23 per chunk of 512 needs Σ|w_B| < 2^16 there: a chunk of -128s alone breaks it.
    const depth = pairedChunk;
    const b = new Array<number>(depth).fill(-128);
    expect(pairFullyConnectedWeights(rows(new Array<number>(depth).fill(3), b), 2, depth)).toBeUndefined();
    b[100] = -127;
    const packed = pairFullyConnectedWeights(rows(new Array<number>(depth).fill(3), b), 2, depth)!;
    const x = new Int8Array(depth).fill(-128);
    expect(pairDot(packed, 0, 2, depth, x, pairedChunk)).toEqual([exactDot(rows(new Array<number>(depth).fill(3), b), 0, depth, x), exactDot(rows(new Array<number>(depth).fill(3), b), 1, depth, x)]);
  });
});

/** One int8 FULLY_CONNECTED, per-tensor weights [units][depth] (values cycling through -127..127 unless given). */
function fcGraph(units: number, depth: number, weights?: Int8Array, activation = 'none'): Graph {
  const q = (scale: number, zeroPoint = 0) => ({ scale: [scale], zeroPoint: [zeroPoint], axis: 0 });
  return {
    name: 'fc',
    tensors: [
      { id: 0, name: 'input', shape: [1, depth], dtype: 'int8', quantization: q(0.5, -3) },
      { id: 1, name: 'weights', shape: [units, depth], dtype: 'int8', data: weights ?? Int8Array.from({ length: units * depth }, (_, i) => ((i * 37) % 255) - 127), quantization: q(0.01) },
      { id: 2, name: 'bias', shape: [units], dtype: 'int32', data: Int32Array.from({ length: units }, (_, i) => i * 10 - 7), quantization: q(0.005) },
      { id: 3, name: 'output', shape: [1, units], dtype: 'int8', quantization: q(0.75, 2) },
    ],
    ops: [{ type: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], attrs: { activation, keepNumDims: false, asymmetricQuantizeInputs: false } }],
    inputs: [0],
    outputs: [3],
  };
}

describe('fully connected dispatch (DSP builds)', () => {
  it('takes the paired layout for a depth of eight or more, with the weights rounded up to an even row count', () => {
    const model = generateModel(fcGraph(5, 16), { dsp: true });
    expect(model.kernels).toEqual(['td_fully_connected_s8_paired']);
    expect(model.source).toMatch(/static const int8_t td_weights_t\d+\[96\] TD_ALIGNED\(16\)/);
    expect(model.weightBytes).toBe(96);
    expect(model.source).toContain('td_fully_connected_s8_paired_short(&td_op0_params, 1, 16, 5,');
  });

  it('calls the short entry point only where its conditions are settled: a depth of 8..512 in steps of eight, the whole int8 range, a word-aligned input', () => {
    const call = (graph: Graph) => /(td_fully_connected_s8_paired\w*)\(&td_op0_params/.exec(generateModel(graph, { dsp: true }).source)?.[1];
    expect(call(fcGraph(3, 8))).toBe('td_fully_connected_s8_paired_short');
    expect(call(fcGraph(10, 512))).toBe('td_fully_connected_s8_paired_short');
    expect(call(fcGraph(10, 520))).toBe('td_fully_connected_s8_paired');
    expect(call(fcGraph(10, 20))).toBe('td_fully_connected_s8_paired');
    expect(call(fcGraph(10, 64, undefined, 'relu'))).toBe('td_fully_connected_s8_paired');
    const full = { min: -128, max: 127 };
    expect(pairedEntry(64, full, '((const int8_t *)&td_arena[32])')).toBe('td_fully_connected_s8_paired_short');
    expect(pairedEntry(64, full, '((const int8_t *)&td_arena[34])')).toBe('td_fully_connected_s8_paired');
    expect(pairedEntry(64, full, 'td_weights_t7')).toBe('td_fully_connected_s8_paired');
    expect(pairedEntry(64, { min: -128, max: 100 }, '((const int8_t *)&td_arena[0])')).toBe('td_fully_connected_s8_paired');
  });

  it('keeps td_fully_connected_s8_packed for a -128 the paired layout cannot hold, a depth below eight, and td_fully_connected_s8 for the portable build', () => {
    // Row 3 (the B of rows 2/3), input 5: -128 beside row 2's -3 there.
    const weights = Int8Array.from({ length: 4 * 16 }, (_, i) => (i === 53 ? -128 : (i % 9) - 4));
    expect(weights[37]).toBe(-3);
    expect(generateModel(fcGraph(4, 16, weights), { dsp: true }).kernels).toEqual(['td_fully_connected_s8_packed']);
    // The same -128 in row 2, an A row, is held.
    const inA = Int8Array.from({ length: 4 * 16 }, (_, i) => (i === 37 ? -128 : (i % 9) - 4));
    expect(generateModel(fcGraph(4, 16, inA), { dsp: true }).kernels).toEqual(['td_fully_connected_s8_paired']);
    expect(generateModel(fcGraph(4, 7), { dsp: true }).kernels).toEqual(['td_fully_connected_s8_packed']);
    expect(generateModel(fcGraph(4, 16), { dsp: false }).kernels).toEqual(['td_fully_connected_s8']);
  });

  it('calls the packed kernel\'s _rows entry for one to three rows (no block of four to set up), the general entry from four rows and on Helium', () => {
    const call = (graph: Graph, helium = false) => /(td_fully_connected_s8_packed\w*)\(&td_op0_params/.exec(generateModel(graph, { dsp: true, helium }).source)?.[1];
    expect(call(fcGraph(1, 1))).toBe('td_fully_connected_s8_packed_rows');
    expect(call(fcGraph(3, 7))).toBe('td_fully_connected_s8_packed_rows');
    expect(call(fcGraph(4, 7))).toBe('td_fully_connected_s8_packed');
    expect(call(fcGraph(3, 7), true)).toBe('td_fully_connected_s8_packed');
  });

  it('keeps td_fully_connected_s8_packed on a Helium target, whose MVE kernel of that name has no paired twin', () => {
    expect(generateModel(fcGraph(5, 16), { dsp: true, helium: true }).kernels).toEqual(['td_fully_connected_s8_packed']);
  });
});
