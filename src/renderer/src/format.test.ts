import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatElapsed, formatLatency, formatMilliseconds, formatPercent, formatShape, formatUsbId, shortHash } from './format.js';

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
});
