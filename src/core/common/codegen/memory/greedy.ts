import {
  alignUp,
  checkRequests,
  lifetimesOverlap,
  planAlignment,
  rigidGroups,
  type BufferGroup,
  type BufferRequest,
  type MemoryPlan,
  type MemoryPlanner,
  type OffsetConstraint,
} from './planner.js';

/**
 * Greedy first-fit placement in a chosen order (TFLite Micro's GreedyMemoryPlanner idea): take
 * the buffers one by one (a rigid group of constrained buffers as one), and put each at the
 * lowest aligned offset where none of its bytes overlaps an already placed buffer whose live
 * span shares a step with it.
 *
 * Guarantees: a valid plan (see planner.ts); deterministic for a given request list (ties in
 * the order break by first use, then key). Not guaranteed: an optimal arena. The problem is
 * NP-hard in general; placing the largest buffers first keeps the result near the peak of live
 * bytes on the chain-like graphs of tiny models (bench/codegen reports the gap per model).
 */
export function createGreedyPlanner(name: string, compare: (a: BufferRequest, b: BufferRequest) => number): MemoryPlanner {
  return {
    name,
    plan(buffers: readonly BufferRequest[], constraints: readonly OffsetConstraint[] = []): MemoryPlan {
      checkRequests(buffers, constraints);
      // A group is ordered as one buffer of its extent and its whole live span.
      const summary = (group: BufferGroup): BufferRequest => ({
        key: group.members[0].buffer.key,
        size: group.extent,
        firstUse: group.firstUse,
        lastUse: group.lastUse,
      });
      const order = rigidGroups(buffers, constraints)
        .map((group) => ({ group, summary: summary(group) }))
        .sort(
          (a, b) =>
            compare(a.summary, b.summary) ||
            a.summary.firstUse - b.summary.firstUse ||
            (a.summary.key < b.summary.key ? -1 : a.summary.key > b.summary.key ? 1 : 0),
        );
      const placed: { buffer: BufferRequest; offset: number }[] = [];
      const offsets = new Map<string, number>();
      let arenaBytes = 0;
      for (const { group } of order) {
        const members = group.members.filter((member) => member.buffer.size > 0);
        if (members.length === 0) {
          for (const member of group.members) offsets.set(member.buffer.key, member.offset);
          continue;
        }
        const neighbours = placed.filter((other) => members.some((member) => lifetimesOverlap(member.buffer, other.buffer)));
        const fits = (base: number) =>
          members.every((member) => {
            const start = base + member.offset;
            const end = start + member.buffer.size;
            return neighbours.every(
              (other) =>
                !lifetimesOverlap(member.buffer, other.buffer) || end <= other.offset || other.offset + other.buffer.size <= start,
            );
          });
        // The lowest fitting base puts some member at 0 or right after a neighbour (aligned).
        const candidates = new Set<number>([0]);
        for (const other of neighbours) {
          for (const member of members) {
            const base = alignUp(other.offset + other.buffer.size) - member.offset;
            if (base >= 0) candidates.add(base);
          }
        }
        const base = [...candidates].sort((a, b) => a - b).find(fits)!;
        for (const member of group.members) offsets.set(member.buffer.key, base + member.offset);
        for (const member of members) {
          placed.push({ buffer: member.buffer, offset: base + member.offset });
          arenaBytes = Math.max(arenaBytes, base + member.offset + member.buffer.size);
        }
      }
      return { arenaBytes: alignUp(arenaBytes, planAlignment), offsets, strategy: name };
    },
  };
}

/** Largest buffer first: TFLite Micro's order. */
export const greedyBySizePlanner = createGreedyPlanner('greedy-by-size', (a, b) => b.size - a.size);

/**
 * Largest size × lifetime first: long-lived buffers settle at the bottom of the arena and the
 * short-lived ones reuse the space above them; it wins on graphs with long skip connections.
 */
export const greedyByAreaPlanner = createGreedyPlanner(
  'greedy-by-area',
  (a, b) => b.size * (b.lastUse - b.firstUse + 1) - a.size * (a.lastUse - a.firstUse + 1),
);

/** Longest-lived first, then largest. */
export const greedyByLifetimePlanner = createGreedyPlanner(
  'greedy-by-lifetime',
  (a, b) => b.lastUse - b.firstUse - (a.lastUse - a.firstUse) || b.size - a.size,
);

/**
 * Runs several strategies and keeps the smallest arena (the first listed wins a tie). Planning
 * is cheap next to compiling, so the generator uses this by default.
 */
export function bestOfPlanner(planners: readonly MemoryPlanner[]): MemoryPlanner {
  return {
    name: `best-of(${planners.map((planner) => planner.name).join(', ')})`,
    plan(buffers: readonly BufferRequest[], constraints: readonly OffsetConstraint[] = []): MemoryPlan {
      let best: MemoryPlan | undefined;
      for (const planner of planners) {
        const plan = planner.plan(buffers, constraints);
        if (!best || plan.arenaBytes < best.arenaBytes) best = plan;
      }
      return best!;
    },
  };
}

/**
 * No reuse: every buffer (every rigid group) gets its own space, in request order (TFLite
 * Micro's LinearMemoryPlanner). Guarantees a valid plan whatever the lifetimes; the arena is
 * the sum of all buffers. Useful as a reference and for debugging a suspected aliasing bug.
 */
export const linearPlanner: MemoryPlanner = {
  name: 'linear',
  plan(buffers: readonly BufferRequest[], constraints: readonly OffsetConstraint[] = []): MemoryPlan {
    checkRequests(buffers, constraints);
    const offsets = new Map<string, number>();
    let end = 0;
    for (const group of rigidGroups(buffers, constraints)) {
      for (const member of group.members) offsets.set(member.buffer.key, end + member.offset);
      end = alignUp(end + group.extent);
    }
    return { arenaBytes: end, offsets, strategy: 'linear' };
  },
};

/** The default: the best of the greedy orders. */
export const defaultPlanner: MemoryPlanner = bestOfPlanner([greedyBySizePlanner, greedyByAreaPlanner, greedyByLifetimePlanner]);
