import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../../shared/services/types.js';
import { memoryBars } from './memory-bars.js';

const base: Measurement = { id: 'm', projectId: 'p', variantId: 'v', jobId: 'j', kind: 'deploy', boardId: 'virtual-m4f', createdAt: '', boardFlashBytes: 4 << 20, boardRamBytes: 4 << 20 };

describe('the fit check’s bars', () => {
  it('flash = weights + model + kernels + runtime + start-up + other and RAM = arena + stack + runtime + other, against the board', () => {
    const measurement: Measurement = {
      ...base,
      flashBytes: 43_372,
      ramBytes: 11_708,
      arenaBytes: 11_200,
      memory: { flash: { weights: 24_368, model: 6_110, kernels: 11_450, runtime: 987, startup: 380, other: 77 }, ram: { arena: 11_200, stack: 504, runtime: 4, other: 0 } },
    };
    const [flash, ram] = memoryBars(measurement);
    expect(flash).toMatchObject({ label: 'Flash', used: 43_372, capacity: 4 << 20 });
    expect(flash!.parts.map((part) => part.label)).toEqual(['weights', 'model', 'kernels', 'runtime', 'start-up', 'other']);
    expect(ram).toMatchObject({ label: 'RAM', used: 11_708 });
    expect(ram!.parts.map((part) => [part.label, part.bytes])).toEqual([
      ['arena', 11_200],
      ['stack', 504],
      ['runtime', 4],
      ['other', 0],
    ]);
    expect(ram!.parts[0]!.meaning).toMatch(/planner's arena: every activation tensor/);
  });

  it('a measurement without recorded parts shows what it has', () => {
    const [flash, ram] = memoryBars({ ...base, flashBytes: 40_000, ramBytes: 12_000, arenaBytes: 11_000, stackBytes: 500 });
    expect(flash).toMatchObject({ used: 40_000, parts: [] });
    expect(ram!.parts.map((part) => [part.label, part.bytes])).toEqual([
      ['arena', 11_000],
      ['stack', 500],
      ['other', 500],
    ]);
  });
});
