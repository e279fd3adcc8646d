import { describe, expect, it } from 'vitest';
import './softmax.js';
import { int16LutLookup, softmaxInt16Luts } from '../../ops/int16-lut.js';
import { int16SoftmaxParams } from '../../ops/softmax.js';
import { prepareSingleOp, runSingleOp, type TensorSpec } from '../testing/single-op.js';

const int16 = (shape: number[], scale: number, zeroPoint = 0): TensorSpec => ({ dtype: 'int16', shape, quantization: [scale, zeroPoint] });
const spec = (inputScale: number, shape: number[], beta = 1, output = int16(shape, 1 / 32768)) => ({
  type: 'SOFTMAX',
  attrs: { beta },
  inputs: [int16(shape, inputScale)],
  output,
});

describe('int16 softmax tables (TFLite LUTPopulate, float32)', () => {
  const { exp, oneOverOnePlusX } = softmaxInt16Luts();

  it('hold exp over [-10, 0] and 1/(1 + x) over [0, 1] in Q0.15, 513 entries each', () => {
    expect(exp.length).toBe(513);
    expect(oneOverOnePlusX.length).toBe(513);
    // exp(0) and 1/(1 + 0) are 1: 32768 clamped to 32767; 1/(1 + 1) = 0.5.
    expect([exp[512], oneOverOnePlusX[0], oneOverOnePlusX[512]]).toEqual([32767, 32767, 16384]);
    // Every entry within one unit of the rounded function (the midpoint bias moves an entry by at most 1).
    for (let i = 0; i < 512; i++) {
      expect(Math.abs(exp[i] - Math.round(Math.exp(-10 + (10 * i) / 512) * 32768)), `exp ${i}`).toBeLessThanOrEqual(1);
      expect(Math.abs(oneOverOnePlusX[i] - Math.round(32768 / (1 + i / 512))), `1/(1+x) ${i}`).toBeLessThanOrEqual(1);
    }
  });

  it('interpolate between entries from the low 7 bits of the input', () => {
    // 256 + (value >> 7) picks the entry: -32768 is entry 0, 32767 entry 511 with offset 127.
    expect(int16LutLookup(-32768, exp)).toBe(exp[0]);
    expect(int16LutLookup(0, exp)).toBe(exp[256]);
    expect(int16LutLookup(64, exp)).toBe(exp[256] + ((exp[257] - exp[256]) * 64 + 64 >> 7));
    expect(int16LutLookup(32767, exp)).toBe(exp[511] + ((exp[512] - exp[511]) * 127 + 64 >> 7));
  });
});

describe('SOFTMAX int16', () => {
  it('gives 1/n to n equal inputs and sums every row to about 1 (Q0.15)', () => {
    expect(Array.from(runSingleOp(spec(0.001, [1, 4]), Int16Array.of(700, 700, 700, 700)))).toEqual([8192, 8192, 8192, 8192]);
    const input = Int16Array.from({ length: 3 * 17 }, (_, i) => ((i * 7919) % 20000) - 10000);
    const output = runSingleOp<Int16Array>(spec(0.0004, [3, 17]), input);
    for (let row = 0; row < 3; row++) {
      const sum = output.slice(row * 17, row * 17 + 17).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 32768), `row ${row}`).toBeLessThan(40);
    }
  });

  it('follows float softmax within a few units of 2^-15', () => {
    const scale = 0.0003;
    const input = Int16Array.from({ length: 40 }, (_, i) => ((i * 104729) % 60000) - 30000);
    const output = runSingleOp<Int16Array>(spec(scale, [4, 10], 0.8), input);
    for (let row = 0; row < 4; row++) {
      const values = Array.from(input.slice(row * 10, row * 10 + 10), (q) => q * scale * 0.8);
      const max = Math.max(...values);
      const exps = values.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, c) => expect(Math.abs(output[row * 10 + c] - (e / sum) * 32768), `row ${row} column ${c}`).toBeLessThan(40));
    }
  });

  it('rescales x - max by input scale · beta / (10/65535) with QuantizeMultiplier', () => {
    // 0.0012 · 0.7 · 6553.5 = 5.50494: 0.688 · 2^3.
    const { input } = int16SoftmaxParams(0.7, 0.0012);
    expect(input.shift).toBe(3);
    expect(input.multiplier).toBe(Math.round(((0.0012 * 0.7 * 6553.5) / 8) * 2 ** 31));
  });

  it('refuses the output encodings TFLite Micro refuses and a zero point on the input', () => {
    expect(() => prepareSingleOp(spec(0.001, [1, 4], 1, int16([1, 4], 1 / 256)))).toThrow(/int16 output tensor 1 \(\S+\) must have scale 1\/32768 and zero point 0, has scale 0.00390625 and zero point 0/);
    expect(() => prepareSingleOp(spec(0.001, [1, 4], 1, int16([1, 4], 1 / 32768, 5)))).toThrow(/must have scale 1\/32768 and zero point 0/);
    expect(() => prepareSingleOp({ ...spec(0.001, [1, 4]), inputs: [int16([1, 4], 0.001, 3)] })).toThrow(/int16 input tensor 0 \(\S+\) must have zero point 0, has 3/);
  });
});
