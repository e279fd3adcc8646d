import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatClock,
  formatCount,
  formatElapsed,
  formatLatency,
  formatMilliseconds,
  formatPercent,
  formatPrecision,
  formatShape,
  formatUsbId,
  formatVariantOption,
  friendlyError,
  latencyMeaning,
  shortHash,
} from './format.js';

describe('format', () => {
  it('groups counts as inspect prints them', () => {
    expect(formatCount(2_656_768)).toBe('2,656,768');
    expect(formatCount(0)).toBe('0');
  });

  it('writes bytes in binary units with three significant digits', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(10_624)).toBe('10.4 KiB');
    expect(formatBytes(16_000)).toBe('15.6 KiB');
    expect(formatBytes(4 * 1024 * 1024)).toBe('4.00 MiB');
    expect(formatBytes(512 * 1024)).toBe('512 KiB');
    expect(formatBytes(Number.NaN)).toBe('–');
  });

  it('writes shapes, shares, USB ids and hashes', () => {
    expect(formatShape([1, 49, 10, 1])).toBe('1×49×10×1');
    expect(formatShape([])).toBe('scalar');
    expect(formatPercent(0.19271)).toBe('19.3%');
    expect(formatUsbId('0D28', '0204')).toBe('0d28:0204');
    expect(formatUsbId(undefined, '0204')).toBe('–');
    expect(shortHash('sha256:aeea43680070ffff')).toBe('aeea4368');
  });

  it('keeps the latency unit honest: instructions never get a time', () => {
    expect(formatLatency({ value: 7_135_080, unit: 'instructions' })).toBe('7,135,080 instructions');
    expect(formatLatency({ value: 1_234_567, unit: 'cycles', milliseconds: 49.38268 })).toBe('1,234,567 cycles (49.38 ms)');
    expect(formatMilliseconds(0.0123)).toBe('12.3 µs');
    expect(formatMilliseconds(1234.5)).toBe('1.23 s');
  });

  it('measures elapsed time between ISO stamps', () => {
    expect(formatElapsed('2025-01-01T00:00:00.000Z', '2025-01-01T00:00:02.400Z')).toBe('2.4 s');
    expect(formatElapsed('2025-01-01T00:00:00.000Z', '2025-01-01T00:03:05.000Z')).toBe('3 min 05 s');
    expect(formatElapsed(undefined, '2025-01-01T00:00:00.000Z')).toBe('–');
  });

  it('a hybrid model is not shown as float32', () => {
    expect(formatPrecision({ dtype: 'float32', weightDtype: 'int8' })).toBe('hybrid: int8 weights, float32 compute');
    expect(formatPrecision({ dtype: 'float32', weightDtype: 'float32' })).toBe('float32');
    expect(formatPrecision({ dtype: 'int8', weightDtype: 'int8' })).toBe('int8');
    expect(formatPrecision({ dtype: 'float32' })).toBe('float32');
  });

  it('a variant select names a hybrid as hybrid, with its size when given', () => {
    const hybrid = { name: 'kws-dynamic', summary: { dtype: 'float32', weightDtype: 'int8' } };
    expect(formatVariantOption(hybrid, 20_582)).toBe('kws-dynamic (hybrid: int8 weights, float32 compute, 20.1 KiB)');
    expect(formatVariantOption(hybrid)).toBe('kws-dynamic (hybrid: int8 weights, float32 compute)');
    expect(formatVariantOption({ name: 'kws', summary: { dtype: 'int8', weightDtype: 'int8' } }, 512)).toBe('kws (int8, 512 B)');
  });

  it('a request a schema refused reads as a sentence about the field, not a raw RequestError', () => {
    const tooLong = Object.assign(new Error(`models.rename: name must be a non-empty string of at most 200 characters, not blank and without control characters, got "${'x'.repeat(60)}…" (339 characters)`), {
      name: 'RequestError',
    });
    expect(friendlyError(tooLong)).toEqual({ title: 'Too long', message: 'The name has 339 characters; at most 200 are allowed.' });
    const empty = Object.assign(new Error('projects.rename: name must be a non-empty string of at most 200 characters, not blank and without control characters, got ""'), { name: 'RequestError' });
    expect(friendlyError(empty)).toEqual({ title: 'Missing', message: 'The name must not be empty.' });
    expect(friendlyError(Object.assign(new Error('disk full'), { name: 'StoreError' }))).toEqual({ title: 'StoreError', message: 'disk full' });
  });

  it('says what a latency counts, with the board’s clock', () => {
    expect(formatClock(120e6)).toBe('120 MHz');
    expect(formatClock(25e6)).toBe('25 MHz');
    expect(latencyMeaning('instructions', { name: 'Virtual Cortex-M4F', cpuHz: 25e6 })).toMatch(/^executed instructions of one inference, counted by QEMU .*not cycles or time; Virtual Cortex-M4F at 25 MHz\)$/);
    expect(latencyMeaning('cycles', { name: 'NUCLEO-L4R5ZI', cpuHz: 120e6 })).toBe("CPU cycles of one inference, measured by the board's cycle counter (NUCLEO-L4R5ZI at 120 MHz)");
  });
});
