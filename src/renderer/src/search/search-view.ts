/**
 * What the Search tab draws, as plain functions of a search's trials: the points of the Pareto
 * plot (accuracy against latency, coloured by RAM), the front as a staircase, and the text of a
 * candidate's parameters.
 */

import type { SearchTrial } from '../../../shared/services/types.js';

/** A measured trial as a point: accuracy (0…1), latency, RAM (arena + stack), on the front or not. */
export interface ParetoPoint {
  index: number;
  accuracy: number;
  latency: number;
  ramBytes: number;
  flashBytes: number;
  status: SearchTrial['status'];
  front: boolean;
}

/** The trials the board measured (ok and over budget), as points. */
export function paretoPoints(trials: readonly SearchTrial[], front: readonly number[]): ParetoPoint[] {
  const onFront = new Set(front);
  return trials
    .filter((trial) => trial.accuracy !== undefined && trial.latency !== undefined && (trial.status === 'ok' || trial.status === 'over-budget'))
    .map((trial) => ({
      index: trial.index,
      accuracy: trial.accuracy!,
      latency: trial.latency!,
      ramBytes: (trial.arenaBytes ?? 0) + (trial.stackBytes ?? 0),
      flashBytes: trial.flashBytes ?? 0,
      status: trial.status,
      front: onFront.has(trial.index),
    }));
}

/**
 * The front in the plot's two objectives as a staircase, by latency: from each front point the
 * line runs right at its accuracy to the next one's latency, then up. (The front is taken over
 * all four objectives, so a point on it may sit below the staircase of the two drawn.)
 */
export function frontStaircase(points: readonly ParetoPoint[]): { latency: number; accuracy: number }[] {
  const front = points.filter((point) => point.front).sort((a, b) => a.latency - b.latency || b.accuracy - a.accuracy);
  const steps: { latency: number; accuracy: number }[] = [];
  let best = -Infinity;
  for (const point of front) {
    if (point.accuracy <= best) continue;
    if (steps.length) steps.push({ latency: point.latency, accuracy: best });
    steps.push({ latency: point.latency, accuracy: point.accuracy });
    best = point.accuracy;
  }
  return steps;
}

/** A colour from light to dark blue-violet for a RAM figure within [min, max] (one value: the middle). */
export function ramColour(ramBytes: number, min: number, max: number): string {
  const t = max > min ? Math.min(1, Math.max(0, (ramBytes - min) / (max - min))) : 0.5;
  // From a light teal (few bytes) to a deep purple (many): hue 180 → 285, lightness 70 % → 35 %.
  const hue = Math.round(180 + 105 * t);
  const lightness = Math.round(70 - 35 * t);
  return `hsl(${hue}, 60%, ${lightness}%)`;
}

/** `layers=2 hidden=48 window=32` */
export function paramsText(params: Record<string, string | number>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
