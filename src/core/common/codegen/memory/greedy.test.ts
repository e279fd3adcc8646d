import { describe, expect, it } from 'vitest';
import { CodegenError } from '../../errors.js';
import { bestOfPlanner, defaultPlanner, greedyByAreaPlanner, greedyBySizePlanner, greedyByLifetimePlanner, linearPlanner } from './greedy.js';
import { peakLiveBytes, planAlignment, verifyPlan, type BufferRequest } from './planner.js';

/** Deterministic pseudo-random generator (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBuffers(seed: number, count: number): BufferRequest[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const firstUse = Math.floor(next() * 20);
    return {
      key: `b${i}`,
      size: next() < 0.1 ? 0 : 1 + Math.floor(next() * 5000),
      firstUse,
      lastUse: firstUse + Math.floor(next() * 6),
    };
  });
}

describe('greedy planners', () => {
  it('reuse the memory of a dead buffer in a chain', () => {
    const chain: BufferRequest[] = [
      { key: 'input', size: 100, firstUse: 0, lastUse: 0 },
      { key: 'a', size: 200, firstUse: 0, lastUse: 1 },
      { key: 'b', size: 100, firstUse: 1, lastUse: 2 },
      { key: 'output', size: 50, firstUse: 2, lastUse: 2 },
    ];
    const plan = greedyBySizePlanner.plan(chain);
    verifyPlan(chain, plan);
    // a (200) at 0, then input and b above it (aligned to 208), output reuses a's place.
    expect(plan.offsets.get('a')).toBe(0);
    expect(plan.offsets.get('input')).toBe(208);
    expect(plan.offsets.get('b')).toBe(208);
    expect(plan.offsets.get('output')).toBe(0);
    expect(plan.arenaBytes).toBe(320);
  });

  it('puts a buffer in a gap between two others when it fits', () => {
    const buffers: BufferRequest[] = [
      { key: 'low', size: 64, firstUse: 0, lastUse: 3 },
      { key: 'high', size: 64, firstUse: 0, lastUse: 3 },
      { key: 'short', size: 32, firstUse: 0, lastUse: 0 },
      { key: 'gap', size: 32, firstUse: 2, lastUse: 2 },
    ];
    const plan = greedyBySizePlanner.plan(buffers);
    verifyPlan(buffers, plan);
    expect(plan.offsets.get('gap')).toBe(plan.offsets.get('short'));
    expect(plan.arenaBytes).toBe(160);
  });

  it.each([greedyBySizePlanner, greedyByAreaPlanner, greedyByLifetimePlanner, linearPlanner, defaultPlanner])(
    '$name gives valid, aligned plans on random requests',
    (planner) => {
      for (let seed = 1; seed <= 50; seed++) {
        const buffers = randomBuffers(seed, 40);
        const plan = planner.plan(buffers);
        verifyPlan(buffers, plan);
        expect(plan.arenaBytes % planAlignment).toBe(0);
        expect(plan.arenaBytes).toBeGreaterThanOrEqual(peakLiveBytes(buffers) - planAlignment * buffers.length);
      }
    },
  );

  it('best-of keeps the smallest arena of its strategies', () => {
    for (let seed = 100; seed < 120; seed++) {
      const buffers = randomBuffers(seed, 30);
      const sizes = [greedyBySizePlanner, greedyByAreaPlanner].map((planner) => planner.plan(buffers).arenaBytes);
      expect(bestOfPlanner([greedyBySizePlanner, greedyByAreaPlanner]).plan(buffers).arenaBytes).toBe(Math.min(...sizes));
    }
  });

  it('linear never shares memory', () => {
    const buffers = randomBuffers(7, 10);
    const total = buffers.reduce((sum, buffer) => sum + Math.ceil(buffer.size / planAlignment) * planAlignment, 0);
    expect(linearPlanner.plan(buffers).arenaBytes).toBe(total);
  });

  it('rejects malformed requests naming the buffer', () => {
    expect(() => greedyBySizePlanner.plan([{ key: 'x', size: -1, firstUse: 0, lastUse: 0 }])).toThrow(/buffer x has size -1/);
    expect(() => greedyBySizePlanner.plan([{ key: 'y', size: 4, firstUse: 3, lastUse: 1 }])).toThrow(CodegenError);
    expect(() =>
      greedyBySizePlanner.plan([
        { key: 'z', size: 4, firstUse: 0, lastUse: 0 },
        { key: 'z', size: 4, firstUse: 0, lastUse: 0 },
      ]),
    ).toThrow(/requested twice/);
  });
});

describe('offset constraints', () => {
  const buffers: BufferRequest[] = [
    { key: 'input', size: 96, firstUse: 0, lastUse: 1 },
    { key: 'output', size: 96, firstUse: 1, lastUse: 2 },
    { key: 'other', size: 64, firstUse: 0, lastUse: 2 },
  ];
  const constraints = [{ buffer: 'output', relativeTo: 'input', delta: -32 }];

  it.each([greedyBySizePlanner, greedyByAreaPlanner, greedyByLifetimePlanner, linearPlanner])('$name keeps a tied pair at its offset', (planner) => {
    const plan = planner.plan(buffers, constraints);
    verifyPlan(buffers, plan, constraints);
    expect(plan.offsets.get('output')).toBe(plan.offsets.get('input')! - 32);
  });

  it('lets a tied pair share bytes that two free buffers could not', () => {
    const free = greedyBySizePlanner.plan(buffers);
    const tied = greedyBySizePlanner.plan(buffers, constraints);
    expect(free.arenaBytes).toBe(96 + 96 + 64);
    expect(tied.arenaBytes).toBe(96 + 32 + 64);
    // Without the constraint the same placement is an overlap.
    expect(() => verifyPlan(buffers, tied)).toThrow(/overlap/);
  });

  it('rejects constraints on unknown buffers, misaligned deltas and contradictions', () => {
    expect(() => greedyBySizePlanner.plan(buffers, [{ buffer: 'nope', relativeTo: 'input', delta: 0 }])).toThrow(/unknown buffer nope/);
    expect(() => greedyBySizePlanner.plan(buffers, [{ buffer: 'output', relativeTo: 'input', delta: -8 }])).toThrow(/not 16-byte aligned/);
    expect(() =>
      greedyBySizePlanner.plan(buffers, [
        { buffer: 'output', relativeTo: 'input', delta: -32 },
        { buffer: 'other', relativeTo: 'input', delta: 16 },
        { buffer: 'other', relativeTo: 'output', delta: 16 },
      ]),
    ).toThrow(/two different offsets/);
  });

  it('verifyPlan catches a broken constraint', () => {
    const plan = { arenaBytes: 256, offsets: new Map([['input', 32], ['output', 16], ['other', 160]]), strategy: 'broken' };
    expect(() => verifyPlan(buffers, plan, constraints)).toThrow(/breaks its constraint/);
  });
});

describe('verifyPlan', () => {
  const buffers: BufferRequest[] = [
    { key: 'a', size: 32, firstUse: 0, lastUse: 1 },
    { key: 'b', size: 32, firstUse: 1, lastUse: 2 },
  ];
  it('catches two live buffers sharing bytes', () => {
    const plan = { arenaBytes: 48, offsets: new Map([['a', 0], ['b', 16]]), strategy: 'broken' };
    expect(() => verifyPlan(buffers, plan)).toThrow(/buffers a \[0, 32\) steps 0–1 and b \[16, 48\) steps 1–2 overlap/);
  });
  it('catches a misaligned offset and a buffer outside the arena', () => {
    expect(() => verifyPlan(buffers, { arenaBytes: 96, offsets: new Map([['a', 0], ['b', 40]]), strategy: 's' })).toThrow(/aligned/);
    expect(() => verifyPlan(buffers, { arenaBytes: 48, offsets: new Map([['a', 0], ['b', 32]]), strategy: 's' })).toThrow(/outside/);
  });
});
