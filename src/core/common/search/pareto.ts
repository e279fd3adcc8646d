/**
 * Pareto fronts and hypervolume, every objective minimised. The hypervolume is exact, by slicing
 * along the last objective and recursing on the others (Hypervolume by Slicing Objectives,
 * While et al. 2006): O(n^(d-1)) work, meant for the small fronts of an architecture search
 * (2–4 objectives, tens of points).
 */

import { UsageError } from '../errors.js';

/** True when `a` is at least as good as `b` everywhere and better somewhere. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (the first of equal points only), in input order. */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  const front: number[] = [];
  points.forEach((point, i) => {
    const beaten = points.some((other, j) => j !== i && (dominates(other, point) || (j < i && other.every((value, k) => value === point[k]))));
    if (!beaten) front.push(i);
  });
  return front;
}

/** Volume dominated by `points` and bounded by `reference` (points not strictly better than it in every objective add nothing). */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const d = reference.length;
  if (d === 0) throw new UsageError('hypervolume needs at least one objective');
  for (const point of points) {
    if (point.length !== d) throw new UsageError(`hypervolume: a point has ${point.length} objectives, the reference ${d}`);
    if (point.some((value) => Number.isNaN(value))) throw new UsageError('hypervolume: a point has an objective that is not a number');
  }
  const inside = points.filter((point) => point.every((value, i) => value < reference[i]));
  return slice(inside, reference, d);
}

function slice(points: readonly (readonly number[])[], reference: readonly number[], d: number): number {
  if (points.length === 0) return 0;
  if (d === 1) return reference[0] - Math.min(...points.map((point) => point[0]));
  const axis = d - 1;
  const sorted = [...points].sort((a, b) => a[axis] - b[axis]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? sorted[i + 1][axis] : reference[axis];
    const depth = top - sorted[i][axis];
    if (depth > 0) volume += depth * slice(sorted.slice(0, i + 1), reference, axis);
  }
  return volume;
}
