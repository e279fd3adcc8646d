import { describe, expect, it } from 'vitest';
import { cElements, cFloat, cInt, commentText, wrapList } from './c-source.js';

describe('C literals', () => {
  it('prints every float32 so that it parses back to the same bits', () => {
    const bits = new Uint32Array(1);
    const view = new Float32Array(bits.buffer);
    let state = 12345;
    for (let i = 0; i < 20000; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      bits[0] = state;
      const value = view[0];
      if (!Number.isFinite(value)) continue;
      const literal = cFloat(value);
      expect(literal.endsWith('f')).toBe(true);
      expect(Math.fround(Number.parseFloat(literal.slice(0, -1)))).toBe(value);
    }
    expect(cFloat(1)).toBe('1.0f');
    expect(cFloat(-0)).toBe('-0.0f');
    expect(cFloat(1e-45)).toBe('1.401298464324817e-45f');
    expect(cFloat(Infinity)).toBe('INFINITY');
    expect(() => cFloat(Number.NaN, 'weights[3]')).toThrow('weights[3] is NaN');
  });

  it('writes INT32_MIN as an expression and refuses what does not fit', () => {
    expect(cInt(-2147483648)).toBe('(-2147483647 - 1)');
    expect(cInt(2147483647)).toBe('2147483647');
    expect(() => cInt(2147483648)).toThrow(/does not fit/);
    expect(() => cInt(1.5)).toThrow(/does not fit/);
  });

  it('prints int64 values exactly, beyond int32 and beyond 2^53 included', () => {
    expect(cElements(BigInt64Array.of(3_000_000_000n, -5n, 2n ** 62n + 1n, -(2n ** 63n)), 'int64', 'bias')).toEqual([
      '3000000000LL',
      '-5LL',
      '4611686018427387905LL',
      '(-9223372036854775807LL - 1)',
    ]);
  });

  it('wraps lists and escapes comments', () => {
    const wrapped = wrapList(Array.from({ length: 40 }, (_, i) => String(i * 1000)), 40);
    expect(wrapped.split('\n').every((line) => line.length <= 42 && line.startsWith('  '))).toBe(true);
    expect(wrapped.replace(/\s+/g, ' ').trim()).toBe(Array.from({ length: 40 }, (_, i) => `${i * 1000},`).join(' '));
    expect(commentText('a */ b\nc')).toBe('a * / b c');
  });
});
