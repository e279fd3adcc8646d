import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importModel } from '../../importers/index.js';
import { generateModel } from '../index.js';
import type { GraphMemoryPlan } from './graph-plan.js';
import { arenaMemoryTimeline } from './timeline.js';

function plan(buffers: GraphMemoryPlan['buffers'], offsets: Record<string, number>, arenaBytes: number): GraphMemoryPlan {
  return {
    arenaBytes,
    strategy: 'test',
    tensorOffsets: new Map(Object.entries(offsets).filter(([key]) => key.startsWith('t')).map(([key, offset]) => [Number(key.slice(1)), offset])),
    scratch: new Map(
      Object.entries(offsets)
        .filter(([key]) => key.startsWith('scratch'))
        .map(([key, offset]) => [Number(key.slice(7)), { offset, bytes: buffers.find((b) => b.key === key)!.size }]),
    ),
    inPlace: [],
    buffers,
    peakLiveBytes: 0,
    stateBytes: 0,
  };
}

describe('arenaMemoryTimeline', () => {
  it('counts the bytes of the buffers live at each op, once where they overlap', () => {
    const timeline = arenaMemoryTimeline(
      plan(
        [
          { key: 't0', size: 100, firstUse: 0, lastUse: 1 },
          // Written over the end of t0 (a shifted output): overlaps t0 by 40 bytes.
          { key: 't1', size: 80, firstUse: 1, lastUse: 2 },
          { key: 'scratch2', size: 16, firstUse: 2, lastUse: 2 },
          { key: 't2', size: 0, firstUse: 2, lastUse: 3 },
        ],
        { t0: 0, t1: 60, scratch2: 0, t2: 0 },
        144,
      ),
      4,
    );
    expect(timeline).toEqual([
      { index: 0, liveBytes: 100 },
      { index: 1, liveBytes: 140 },
      { index: 2, liveBytes: 96 },
      { index: 3, liveBytes: 0 },
    ]);
  });

  it('stays within the arena of a real model, one point per op of the generated graph', () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../../../../resources/models/kws_ref_model.tflite', import.meta.url)));
    const model = generateModel(importModel(bytes, 'kws_ref_model.tflite'), { dsp: true });
    const timeline = arenaMemoryTimeline(model.memory, model.graph.ops.length);
    expect(timeline.map((point) => point.index)).toEqual(model.graph.ops.map((_, index) => index));
    const peak = Math.max(...timeline.map((point) => point.liveBytes));
    expect(peak).toBeLessThanOrEqual(model.arenaBytes);
    // The first op holds at least the model input (1×49×10×1 int8) and its own output.
    expect(timeline[0].liveBytes).toBeGreaterThanOrEqual(490 + 8000);
    expect(timeline.every((point) => point.liveBytes > 0)).toBe(true);
  });
});
