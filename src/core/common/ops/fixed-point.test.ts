import { describe, expect, it } from 'vitest';
import {
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from './fixed-point.js';

// BigInt transcriptions of gemmlowp's definitions: the oracle for the number-based versions.
function srdhmReference(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, as C does
}

function random32(random: () => number): number {
  const pick = random();
  if (pick < 0.05) return [-2147483648, 2147483647, 0, -1, 1][Math.floor(random() * 5)];
  if (pick < 0.4) return Math.floor((random() - 0.5) * 2 ** 12);
  return Math.floor((random() - 0.5) * 2 ** 32) | 0;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('fixed-point arithmetic', () => {
  it('SaturatingRoundingDoublingHighMul equals the 64-bit definition on 200k random pairs and the edges', () => {
    const random = lcg(1);
    for (let i = 0; i < 200_000; i++) {
      const a = random32(random);
      const b = random32(random);
      const got = saturatingRoundingDoublingHighMul(a, b);
      if (got !== srdhmReference(a, b)) expect({ a, b, got }).toEqual({ a, b, got: srdhmReference(a, b) });
    }
    expect(saturatingRoundingDoublingHighMul(-2147483648, -2147483648)).toBe(2147483647);
    expect(saturatingRoundingDoublingHighMul(-1, 1073741824)).toBe(0);
    expect(saturatingRoundingDoublingHighMul(-3, 1073741824)).toBe(-1);
  });

  it('RoundingDivideByPOT rounds halves away from zero', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(4, 1)).toBe(2);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
    expect(roundingDivideByPOT(-2147483648, 31)).toBe(-1);
  });

  it('QuantizeMultiplier matches TFLite for typical and edge scales', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1073741824, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1073741824, shift: 1 });
    expect(quantizeMultiplier(0.25)).toEqual({ multiplier: 1073741824, shift: -1 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    const { multiplier, shift } = quantizeMultiplier(0.0078125 * 0.3);
    expect(multiplier).toBe(Math.round(0.6 * 2 ** 31));
    expect(shift).toBe(-8);
    expect(multiplyByQuantizedMultiplier(1000, multiplier, shift)).toBe(Math.round(1000 * 0.0078125 * 0.3));
  });
});
