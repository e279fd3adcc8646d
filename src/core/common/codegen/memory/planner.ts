import { CodegenError } from '../../errors.js';

/**
 * The memory planner interface of the C generator (STYLE.md §10, TFLite Micro's
 * MicroMemoryPlanner idea): given every buffer the generated code needs in RAM, with its size
 * and the span of op steps during which it must keep its contents, a planner assigns each an
 * offset in one static arena. Strategies are swappable; each states what it guarantees.
 *
 * Contract shared by every strategy:
 * - Steps are op indices. A buffer is live from `firstUse` (the op that writes it first, 0 for
 *   graph inputs) to `lastUse` (the last op that reads it, the last op for graph outputs),
 *   both inclusive. Two buffers whose live spans share a step never overlap in memory, except
 *   a pair tied by an offset constraint (below), which the caller has proven safe.
 * - An offset constraint `offset(buffer) = offset(relativeTo) + delta` is kept exactly: the
 *   buffers it ties move as one rigid group. It is how an op whose kernel reads its input ahead
 *   of its writes gets its output overlapping its input (see windowed.ts).
 * - Every offset is a multiple of `planAlignment` (16 bytes: enough for any C scalar type, for
 *   the 8-byte LDRD/VLDR accesses of Cortex-M kernels and for 16-byte vector loads on hosts),
 *   and so is the arena size. The arena base must be aligned to the same 16 bytes.
 * - A zero-size buffer gets offset 0 and takes no space.
 */

/** Alignment of every buffer offset and of the arena size, in bytes. */
export const planAlignment = 16;

export interface BufferRequest {
  /** The caller's name for the buffer (unique within one plan). */
  key: string;
  /** Bytes the buffer needs. */
  size: number;
  /** First op step at which the buffer holds data (inclusive). */
  firstUse: number;
  /** Last op step at which the buffer is read (inclusive). */
  lastUse: number;
}

/** `offset(buffer) = offset(relativeTo) + delta`; delta is a multiple of planAlignment. */
export interface OffsetConstraint {
  buffer: string;
  relativeTo: string;
  delta: number;
}

export interface MemoryPlan {
  /** Bytes of the arena: the end of the highest buffer, rounded up to `planAlignment`. */
  arenaBytes: number;
  /** Offset of each buffer in the arena, by key. */
  offsets: Map<string, number>;
  /** The strategy that produced the plan (for reports). */
  strategy: string;
}

export interface MemoryPlanner {
  readonly name: string;
  /**
   * Places every buffer, keeping the constraints. Throws CodegenError on a malformed request
   * (negative size, inverted span, duplicate key, constraint on an unknown buffer or a cycle of
   * constraints that disagree).
   */
  plan(buffers: readonly BufferRequest[], constraints?: readonly OffsetConstraint[]): MemoryPlan;
}

export function alignUp(value: number, alignment = planAlignment): number {
  return Math.ceil(value / alignment) * alignment;
}

export function alignDown(value: number, alignment = planAlignment): number {
  return Math.floor(value / alignment) * alignment;
}

/** Whether the live spans of two buffers share at least one step. */
export function lifetimesOverlap(a: BufferRequest, b: BufferRequest): boolean {
  return a.firstUse <= b.lastUse && b.firstUse <= a.lastUse;
}

/** Rejects requests a planner cannot place; every strategy calls it first. */
export function checkRequests(buffers: readonly BufferRequest[], constraints: readonly OffsetConstraint[] = []): void {
  const keys = new Set<string>();
  for (const buffer of buffers) {
    if (keys.has(buffer.key)) throw new CodegenError(`memory plan: buffer ${buffer.key} is requested twice`, { key: buffer.key });
    keys.add(buffer.key);
    if (!Number.isInteger(buffer.size) || buffer.size < 0) {
      throw new CodegenError(`memory plan: buffer ${buffer.key} has size ${buffer.size}, expected a whole number of bytes`, {
        key: buffer.key,
      });
    }
    if (!Number.isInteger(buffer.firstUse) || !Number.isInteger(buffer.lastUse) || buffer.firstUse > buffer.lastUse) {
      throw new CodegenError(
        `memory plan: buffer ${buffer.key} is live from step ${buffer.firstUse} to ${buffer.lastUse}, expected first ≤ last`,
        { key: buffer.key },
      );
    }
  }
  for (const constraint of constraints) {
    for (const key of [constraint.buffer, constraint.relativeTo]) {
      if (!keys.has(key)) throw new CodegenError(`memory plan: offset constraint names unknown buffer ${key}`, { key });
    }
    if (constraint.delta % planAlignment !== 0) {
      throw new CodegenError(`memory plan: offset constraint ${constraint.buffer} = ${constraint.relativeTo} + ${constraint.delta} is not ${planAlignment}-byte aligned`);
    }
  }
}

/** A rigid group of buffers tied by constraints: each member's offset relative to the group's base (the lowest is 0). */
export interface BufferGroup {
  members: { buffer: BufferRequest; offset: number }[];
  /** Bytes from the base to the end of the highest member. */
  extent: number;
  firstUse: number;
  lastUse: number;
}

/** Splits buffers into rigid groups along the constraints (a buffer without constraints is its own group). */
export function rigidGroups(buffers: readonly BufferRequest[], constraints: readonly OffsetConstraint[] = []): BufferGroup[] {
  const byKey = new Map(buffers.map((buffer) => [buffer.key, buffer]));
  const edges = new Map<string, { to: string; delta: number }[]>();
  const link = (from: string, to: string, delta: number) => edges.set(from, [...(edges.get(from) ?? []), { to, delta }]);
  for (const { buffer, relativeTo, delta } of constraints) {
    link(relativeTo, buffer, delta);
    link(buffer, relativeTo, -delta);
  }
  const relative = new Map<string, number>();
  const groups: BufferGroup[] = [];
  for (const start of buffers) {
    if (relative.has(start.key)) continue;
    relative.set(start.key, 0);
    const keys = [start.key];
    for (let i = 0; i < keys.length; i++) {
      for (const { to, delta } of edges.get(keys[i]) ?? []) {
        const offset = relative.get(keys[i])! + delta;
        if (!relative.has(to)) {
          relative.set(to, offset);
          keys.push(to);
        } else if (relative.get(to) !== offset) {
          throw new CodegenError(`memory plan: offset constraints place buffer ${to} at two different offsets`, { key: to });
        }
      }
    }
    const lowest = Math.min(...keys.map((key) => relative.get(key)!));
    const members = keys.map((key) => ({ buffer: byKey.get(key)!, offset: relative.get(key)! - lowest }));
    groups.push({
      members,
      extent: Math.max(...members.map((member) => member.offset + member.buffer.size)),
      firstUse: Math.min(...members.map((member) => member.buffer.firstUse)),
      lastUse: Math.max(...members.map((member) => member.buffer.lastUse)),
    });
  }
  return groups;
}

/**
 * Checks a plan against its requests: every buffer placed, aligned, inside the arena, every
 * constraint kept, and no two buffers live at the same step overlapping in memory unless a
 * constraint ties them. Throws CodegenError naming the first pair that breaks it. The generator
 * runs it on every plan it emits.
 */
export function verifyPlan(buffers: readonly BufferRequest[], plan: MemoryPlan, constraints: readonly OffsetConstraint[] = []): void {
  const fail = (message: string): never => {
    throw new CodegenError(`memory plan (${plan.strategy}): ${message}`);
  };
  if (plan.arenaBytes % planAlignment !== 0) fail(`arena size ${plan.arenaBytes} is not a multiple of ${planAlignment}`);
  const tied = new Set<string>();
  for (const { buffer, relativeTo, delta } of constraints) {
    const [a, b] = [plan.offsets.get(buffer), plan.offsets.get(relativeTo)];
    if (a === undefined || b === undefined || a !== b + delta) {
      fail(`buffer ${buffer} at ${a} breaks its constraint ${relativeTo} (${b}) + ${delta}`);
    }
    tied.add(`${buffer}\u0000${relativeTo}`).add(`${relativeTo}\u0000${buffer}`);
  }
  const placed = buffers
    .filter((buffer) => buffer.size > 0)
    .map((buffer) => {
      const offset = plan.offsets.get(buffer.key);
      if (offset === undefined) return fail(`buffer ${buffer.key} has no offset`);
      if (offset % planAlignment !== 0) fail(`buffer ${buffer.key} at offset ${offset} is not ${planAlignment}-byte aligned`);
      if (offset < 0 || offset + buffer.size > plan.arenaBytes) {
        fail(`buffer ${buffer.key} [${offset}, ${offset + buffer.size}) lies outside the ${plan.arenaBytes}-byte arena`);
      }
      return { buffer, offset };
    })
    .sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < placed.length; i++) {
    const a = placed[i];
    for (let j = i + 1; j < placed.length && placed[j].offset < a.offset + a.buffer.size; j++) {
      const b = placed[j];
      if (lifetimesOverlap(a.buffer, b.buffer) && !tied.has(`${a.buffer.key}\u0000${b.buffer.key}`)) {
        fail(
          `buffers ${a.buffer.key} [${a.offset}, ${a.offset + a.buffer.size}) steps ${a.buffer.firstUse}–${a.buffer.lastUse} and ` +
            `${b.buffer.key} [${b.offset}, ${b.offset + b.buffer.size}) steps ${b.buffer.firstUse}–${b.buffer.lastUse} overlap`,
        );
      }
    }
  }
}

/**
 * The most bytes live at any one step (each buffer rounded up to the alignment). Without
 * constraints it is a lower bound no strategy can beat; buffers tied by a constraint share
 * bytes, so with constraints a plan can go below it.
 */
export function peakLiveBytes(buffers: readonly BufferRequest[]): number {
  const steps = new Map<number, number>();
  for (const buffer of buffers) {
    for (let step = buffer.firstUse; step <= buffer.lastUse; step++) {
      steps.set(step, (steps.get(step) ?? 0) + alignUp(buffer.size));
    }
  }
  return Math.max(0, ...steps.values());
}
