import { CodegenError } from '../../errors.js';
import type { GraphMemoryPlan } from './graph-plan.js';

/** Arena bytes in use while one op runs. */
export interface MemoryTimelinePoint {
  index: number;
  liveBytes: number;
}

/**
 * The arena's memory timeline of a generated model, as Deploy & Profile draws it: for each op,
 * the bytes of the arena holding live data while it runs (activations, state and that op's
 * scratch), from the memory plan the firmware was built with.
 *
 * Bytes are counted where the plan puts them, as the union of the live buffers' byte ranges,
 * so a buffer that shares memory with another (in-place ops, an output written over the part
 * of its input already read) is not counted twice and no point exceeds `plan.arenaBytes`. This
 * differs from `inspect`'s liveBytes, which sums every live tensor without any sharing.
 */
export function arenaMemoryTimeline(plan: GraphMemoryPlan, opCount: number): MemoryTimelinePoint[] {
  const ranges = plan.buffers.map((buffer) => {
    const offset = bufferOffset(plan, buffer.key);
    return { start: offset, end: offset + buffer.size, firstUse: buffer.firstUse, lastUse: buffer.lastUse };
  });
  return Array.from({ length: opCount }, (_, index) => {
    const live = ranges.filter((range) => range.firstUse <= index && index <= range.lastUse && range.end > range.start).sort((a, b) => a.start - b.start);
    let liveBytes = 0;
    let coveredTo = -Infinity;
    for (const range of live) {
      const start = Math.max(range.start, coveredTo);
      if (range.end > start) liveBytes += range.end - start;
      coveredTo = Math.max(coveredTo, range.end);
    }
    return { index, liveBytes };
  });
}

/** Arena offset of a planned buffer: `t<tensor id>` (a tensor group) or `scratch<op index>`. */
function bufferOffset(plan: GraphMemoryPlan, key: string): number {
  const scratch = /^scratch(\d+)$/.exec(key);
  const offset = scratch ? plan.scratch.get(Number(scratch[1]))?.offset : /^t(\d+)$/.test(key) ? plan.tensorOffsets.get(Number(key.slice(1))) : undefined;
  if (offset === undefined) throw new CodegenError(`memory plan: buffer ${key} has no offset`, { key });
  return offset;
}
