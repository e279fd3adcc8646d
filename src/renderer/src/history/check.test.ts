import { describe, expect, it } from 'vitest';
import { checkMark, checkOutcome } from './check.js';

describe('the check mark in History', () => {
  it('a float deploy within the tolerance passed: ≈, not ✗', () => {
    expect(checkOutcome({ bitExact: false, passed: true })).toBe('within-tolerance');
    expect(checkMark({ bitExact: false, passed: true })?.mark).toBe('≈');
  });
  it('✗ only for a failed check; nothing for bit-exact or an evaluation', () => {
    expect(checkMark({ bitExact: false, passed: false })?.mark).toBe('✗');
    expect(checkMark({ bitExact: true, passed: true })).toBeUndefined();
    expect(checkMark({})).toBeUndefined();
  });
});
