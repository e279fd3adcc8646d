/**
 * The arithmetic of the Compare tab, without the DOM (tested in Node): which row is a row's
 * baseline, deltas and which direction is better, the metrics a scatter plot can use, and the
 * Pareto front of accuracy against a cost.
 */

import type { ComparisonRow } from '../../../shared/services/types.js';

export type CostMetric = 'latency' | 'ram' | 'flash';

export const costMetrics: { id: CostMetric; label: string }[] = [
  { id: 'latency', label: 'latency' },
  { id: 'ram', label: 'RAM' },
  { id: 'flash', label: 'flash' },
];

/** A stable key of a row: variant and board. */
export const rowKey = (row: ComparisonRow) => `${row.variantId}:${row.board?.id ?? '-'}:${row.optimizeFor ?? '-'}`;

/**
 * The row a row is compared with: the baseline variant on the same board built for the same goal (code size or
 * speed), else on the same board, else the baseline variant's row without a board (model figures only), else its
 * first row. None for the row itself.
 */
export function baselineRow(rows: readonly ComparisonRow[], row: ComparisonRow, baselineVariantId: string | undefined): ComparisonRow | undefined {
  if (!baselineVariantId) return undefined;
  const candidates = rows.filter((candidate) => candidate.variantId === baselineVariantId);
  const sameBoard = candidates.filter((candidate) => candidate.board?.id === row.board?.id);
  const match = sameBoard.find((candidate) => candidate.optimizeFor === row.optimizeFor) ?? sameBoard[0] ?? candidates.find((candidate) => !candidate.board) ?? candidates[0];
  return match === row ? undefined : match;
}

export interface Delta {
  /** Relative change (b − a) / a, or for accuracy the difference in percentage points / 100. */
  change: number;
  /** The text shown: "+12.3%", "−4.1%", "+1.2 pp". */
  text: string;
  /** Whether the change is an improvement (lower cost, higher accuracy), a regression, or neither. */
  verdict: 'better' | 'worse' | 'same';
}

const minus = '\u2212';
const signed = (value: number, digits: number) => `${value > 0 ? '+' : value < 0 ? minus : '±'}${Math.abs(value).toFixed(digits)}`;

/** The change of a cost (lower is better) from `base` to `value`. */
export function costDelta(value: number | undefined, base: number | undefined): Delta | undefined {
  if (value === undefined || base === undefined || base === 0) return undefined;
  const change = (value - base) / base;
  const same = Math.abs(change) < 0.0005;
  return { change, text: same ? '±0%' : `${signed(change * 100, 1)}%`, verdict: same ? 'same' : change < 0 ? 'better' : 'worse' };
}

/** The change of an accuracy (higher is better), in percentage points. */
export function accuracyDelta(value: number | undefined, base: number | undefined): Delta | undefined {
  if (value === undefined || base === undefined) return undefined;
  const change = value - base;
  const same = Math.abs(change) < 0.00005;
  return { change, text: same ? '±0 pp' : `${signed(change * 100, 1)} pp`, verdict: same ? 'same' : change > 0 ? 'better' : 'worse' };
}

/** A row's cost on the chosen axis, with its unit; latency is in ms when the row has it, else in its counted unit. */
export function costOf(row: ComparisonRow, metric: CostMetric, latencyIn: 'ms' | 'instructions' | 'cycles'): number | undefined {
  if (metric === 'ram') return row.ramBytes;
  if (metric === 'flash') return row.flash?.total;
  if (!row.latency) return undefined;
  if (latencyIn === 'ms') return row.latency.milliseconds;
  return row.latency.unit === latencyIn ? row.latency.value : undefined;
}

/**
 * The unit latency is plotted in for these rows: ms when every deployed row has it (measured or
 * estimated), else the counted unit most rows have (rows in the other unit are left out).
 */
export function latencyAxisUnit(rows: readonly ComparisonRow[]): 'ms' | 'instructions' | 'cycles' {
  const deployed = rows.filter((row) => row.latency);
  if (deployed.length > 0 && deployed.every((row) => row.latency!.milliseconds !== undefined)) return 'ms';
  const cycles = deployed.filter((row) => row.latency!.unit === 'cycles').length;
  return cycles > deployed.length - cycles ? 'cycles' : 'instructions';
}

export interface ScatterPoint {
  key: string;
  label: string;
  cost: number;
  accuracy: number;
  row: ComparisonRow;
}

/** Rows that have both an accuracy and the cost, as points. */
export function scatterPoints(rows: readonly ComparisonRow[], metric: CostMetric): { points: ScatterPoint[]; unit: string } {
  const latencyIn = latencyAxisUnit(rows);
  const points: ScatterPoint[] = [];
  for (const row of rows) {
    const cost = costOf(row, metric, latencyIn);
    if (cost === undefined || !row.accuracy) continue;
    points.push({ key: rowKey(row), label: row.board ? `${row.variantName} · ${row.board.id}${row.optimizeFor === 'speed' ? ' · for speed' : ''}` : row.variantName, cost, accuracy: row.accuracy.value, row });
  }
  return { points, unit: metric === 'latency' ? latencyIn : 'bytes' };
}

/**
 * The points no other point beats: none has a lower-or-equal cost and a higher-or-equal accuracy
 * with one of them strictly better. Returned by increasing cost (the front's staircase).
 */
export function paretoFront<P extends { cost: number; accuracy: number }>(points: readonly P[]): P[] {
  const front = points.filter((point) => !points.some((other) => other !== point && other.cost <= point.cost && other.accuracy >= point.accuracy && (other.cost < point.cost || other.accuracy > point.accuracy)));
  // Equal points are all on the front; keep one position each in order.
  return [...front].sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
}
