/**
 * The arithmetic of the lineage plot (accuracy against instructions, each variant a point joined
 * to the variant it was derived from), without the DOM (tested in Node). Only stored
 * measurements are plotted: a variant's newest accuracy (Evaluate, Optimize) and its newest
 * deploy on the chosen board counted in instructions (the virtual boards). A variant without
 * one of the two is listed with what it lacks, not plotted. An edge joins a point to its nearest
 * plotted ancestor; `generations` > 1 says variants in between are not plotted.
 */

import type { ComparisonRow } from '../../../shared/services/types.js';

export interface LineagePoint {
  variantId: string;
  name: string;
  accuracy: number;
  instructions: number;
  row: ComparisonRow;
}

export interface LineageEdge {
  from: string;
  to: string;
  /** 1: `from` is the parent of `to`; more: the ancestor that many generations up (those between not plotted). */
  generations: number;
}

export interface Unplotted {
  variantId: string;
  name: string;
  /** What the variant lacks, in words. */
  reason: string;
}

export interface LineageChart {
  /** Boards with an instruction count for some variant (virtual boards), by id. */
  boards: string[];
  /** The board plotted (absent when no variant was deployed on a board counting instructions). */
  board?: string;
  points: LineagePoint[];
  edges: LineageEdge[];
  unplotted: Unplotted[];
}

/** The board with the most plottable variants; virtual-m4f first on a tie, then by id. */
function defaultBoard(rows: readonly ComparisonRow[], boards: readonly string[]): string | undefined {
  const plottable = (board: string) => rows.filter((row) => row.board?.id === board && row.accuracy && row.latency?.unit === 'instructions').length;
  return [...boards].sort((a, b) => plottable(b) - plottable(a) || Number(b === 'virtual-m4f') - Number(a === 'virtual-m4f') || a.localeCompare(b))[0];
}

/**
 * The points, edges and unplotted variants for `board` (default: see `defaultBoard`). `rows` are
 * the Compare table's (a variant's newest deploy on each board, or the variant without a board).
 */
export function lineageChart(rows: readonly ComparisonRow[], board?: string): LineageChart {
  const boards = [...new Set(rows.filter((row) => row.board && row.latency?.unit === 'instructions').map((row) => row.board!.id))].sort();
  const chosen = board && boards.includes(board) ? board : defaultBoard(rows, boards);
  const variants = new Map<string, { name: string; parentId: string | null; accuracy?: number; row: ComparisonRow }>();
  for (const row of rows) if (!variants.has(row.variantId)) variants.set(row.variantId, { name: row.variantName, parentId: row.parentId, row });
  const points: LineagePoint[] = [];
  const unplotted: Unplotted[] = [];
  for (const [variantId, variant] of variants) {
    const own = rows.filter((row) => row.variantId === variantId);
    const accuracyRow = own.find((row) => row.accuracy);
    const deployed = own.find((row) => row.board?.id === chosen && row.latency?.unit === 'instructions');
    if (accuracyRow && deployed) {
      points.push({ variantId, name: variant.name, accuracy: accuracyRow.accuracy!.value, instructions: deployed.latency!.value, row: { ...deployed, accuracy: deployed.accuracy ?? accuracyRow.accuracy } });
      continue;
    }
    const lacks = [...(accuracyRow ? [] : ['no accuracy yet (Evaluate, or Optimize with a dataset)']), ...(deployed ? [] : [chosen ? `not deployed on ${chosen}` : 'not deployed on a virtual board'])];
    unplotted.push({ variantId, name: variant.name, reason: lacks.join('; ') });
  }
  const plotted = new Set(points.map((point) => point.variantId));
  const edges: LineageEdge[] = [];
  for (const point of points) {
    let ancestor = variants.get(point.variantId)?.parentId ?? null;
    let generations = 1;
    const seen = new Set([point.variantId]);
    while (ancestor && !plotted.has(ancestor) && variants.has(ancestor) && !seen.has(ancestor)) {
      seen.add(ancestor);
      ancestor = variants.get(ancestor)!.parentId;
      generations++;
    }
    if (ancestor && plotted.has(ancestor)) edges.push({ from: ancestor, to: point.variantId, generations });
  }
  return { boards, ...(chosen ? { board: chosen } : {}), points, edges, unplotted };
}

/**
 * The instruction axis: linear from 0 with round ticks when the points span less than 5x, else
 * logarithmic (ticks at 1, 2, 5 × 10^k) so that an int8 child 10x faster than its float parent
 * does not sit on top of its siblings.
 */
export function instructionAxis(values: readonly number[], ticks: (max: number) => number[]): { log: boolean; min: number; max: number; ticks: number[] } {
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (!(low > 0) || high / low < 5) {
    const linear = ticks(high);
    return { log: false, min: 0, max: linear[linear.length - 1], ticks: linear };
  }
  const steps: number[] = [];
  for (let exponent = Math.floor(Math.log10(low)); exponent <= Math.ceil(Math.log10(high)); exponent++) for (const mantissa of [1, 2, 5]) steps.push(mantissa * 10 ** exponent);
  const min = steps.filter((step) => step <= low).at(-1)!;
  const max = steps.find((step) => step >= high)!;
  return { log: true, min, max, ticks: steps.filter((step) => step >= min && step <= max) };
}

/** The accuracy axis: the points' range with a margin, on steps of 0.5, 1, 2 or 5 points. */
export function accuracyAxis(values: readonly number[]): { min: number; max: number; ticks: number[] } {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = Math.max(high - low, 0.01);
  const step = [0.005, 0.01, 0.02, 0.05, 0.1].find((candidate) => span / candidate <= 5) ?? 0.2;
  const min = Math.max(0, Math.floor((low - span * 0.1) / step) * step);
  const max = Math.min(1, Math.ceil((high + span * 0.1) / step) * step);
  const ticks: number[] = [];
  for (let tick = min; tick <= max + step / 2; tick += step) ticks.push(Number(tick.toFixed(4)));
  return { min, max, ticks };
}

/**
 * Where each point's label goes: beside the point, else a line above or below when that is
 * free; `undefined` (no label: hovering names it) when the text would cover another label.
 * `width` estimates a label's width in pixels.
 */
export function placeLabels(points: readonly { key: string; x: number; y: number; text: string; toLeft: boolean }[], width: (text: string) => number, lineHeight = 13): Map<string, number | undefined> {
  const placed: { left: number; right: number; top: number; bottom: number }[] = [];
  const result = new Map<string, number | undefined>();
  for (const point of points) {
    const w = width(point.text);
    const [left, right] = point.toLeft ? [point.x - 9 - w, point.x - 9] : [point.x + 9, point.x + 9 + w];
    const offset = [-7, -8 - lineHeight, -7 + lineHeight * 1.6].find((dy) => {
      const box = { left, right, top: point.y + dy - lineHeight + 3, bottom: point.y + dy + 3 };
      return !placed.some((other) => box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom);
    });
    if (offset !== undefined) placed.push({ left, right, top: point.y + offset - lineHeight + 3, bottom: point.y + offset + 3 });
    result.set(point.key, offset);
  }
  return result;
}
