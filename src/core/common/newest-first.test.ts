import { describe, expect, it } from 'vitest';
import { newestFirst } from './newest-first.js';

describe('newestFirst', () => {
  it('orders by time, and of records made in the same millisecond puts the later-recorded first', () => {
    const records = [
      { id: 'a', createdAt: '2026-01-01T00:00:00.000Z' },
      { id: 'b', createdAt: '2026-01-02T00:00:00.000Z' },
      { id: 'c', createdAt: '2026-01-02T00:00:00.000Z' },
      { id: 'd', createdAt: '2026-01-01T12:00:00.000Z' },
    ];
    expect(newestFirst(records).map((record) => record.id)).toEqual(['c', 'b', 'd', 'a']);
    expect(records.map((record) => record.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});
