import { findBoard, type Board } from '../../common/boards/index.js';
import { UsageError } from '../../common/errors.js';
import type { CompareService, Comparison, ComparisonAccuracy, ComparisonLatency, ComparisonRow, LayerDiff, LayerDiffRow, LayerDiffSide } from '../../../shared/services/compare-types.js';
import type { Evaluation, Measurement, ModelVariant } from '../../../shared/services/types.js';
import { CustomBoards } from '../store/custom-boards.js';
import type { Deployment, MeasurementRecord, Store } from '../store/index.js';
import { newestFirst } from '../../common/newest-first.js';

/** What the comparison reads of a stored evaluation (the evaluations service's records). */
export type EvaluationSummary = Pick<Evaluation, 'variantId' | 'datasetId' | 'datasetName' | 'kind' | 'boardId' | 'samples' | 'accuracy' | 'createdAt'>;

export interface CompareServiceOptions {
  /** The project's stored evaluations, when the app keeps them; else accuracy comes from accuracy measurements only. */
  listEvaluations?: (projectId: string) => Promise<readonly EvaluationSummary[]>;
}


/** A number the build report holds under `key`, if it does. */
function reportNumber(build: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = build?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The run spread and cycle estimate a stored measurement keeps in its details (as the measurement service shows them). */
export function withDetails(record: MeasurementRecord): Measurement {
  const details = (record.details ?? {}) as { runs?: number; latencyMin?: number; latencyMax?: number; runsIdentical?: boolean; estimate?: Measurement['estimate'] };
  return {
    ...record,
    ...(record.runs === undefined && details.runs !== undefined && details.latencyMin !== undefined && details.latencyMax !== undefined
      ? { runs: { count: details.runs, min: details.latencyMin, max: details.latencyMax, identical: details.runsIdentical ?? true } }
      : {}),
    ...(record.estimate === undefined && details.estimate ? { estimate: details.estimate } : {}),
  };
}

/** A measurement's latency with its spread and, where known, cycles and milliseconds (measured or estimated). */
export function latencyOf(record: MeasurementRecord, board: Board | undefined): ComparisonLatency | undefined {
  const latency = record.latency;
  if (!latency) return undefined;
  const measurement = withDetails(record);
  const result: ComparisonLatency = { value: latency.value, unit: latency.unit };
  if (measurement.runs) Object.assign(result, { min: measurement.runs.min, max: measurement.runs.max, runs: measurement.runs.count });
  if (latency.unit === 'cycles') {
    result.cycles = latency.value;
    result.cyclesSource = 'measured';
    if (board?.cpuHz) result.cpuHz = board.cpuHz;
    const ms = latency.milliseconds ?? (board?.cpuHz ? (1000 * latency.value) / board.cpuHz : undefined);
    if (ms !== undefined) result.milliseconds = ms;
  } else if (measurement.estimate) {
    result.cycles = measurement.estimate.cycles;
    result.milliseconds = measurement.estimate.ms;
    result.cpuHz = measurement.estimate.cpuHz;
    result.cyclesSource = 'estimate';
  } else if (latency.milliseconds !== undefined) {
    result.milliseconds = latency.milliseconds;
  }
  return result;
}

/** Flash with its parts: weights (the model's constant arrays), code (flash − weights) and, when the build report has them, the parts from the ELF's symbols. */
export function flashOf(measurement: Measurement, deployment: Deployment | undefined): ComparisonRow['flash'] {
  const total = measurement.flashBytes ?? deployment?.flashBytes;
  if (total === undefined) return undefined;
  const build = deployment?.build;
  const flash: NonNullable<ComparisonRow['flash']> = { total };
  const weights = reportNumber(build, 'weightBytes');
  const code = reportNumber(build, 'codeBytes');
  if (weights !== undefined) flash.weights = weights;
  if (code !== undefined) flash.code = code;
  const parts = build?.flashParts as Record<string, unknown> | undefined;
  for (const key of ['model', 'kernels', 'runtime', 'startup', 'other'] as const) {
    const value = reportNumber(parts, key);
    if (value !== undefined) flash[key] = value;
  }
  return flash;
}

/** RAM by part (arena, stack, runtime, other) when the build report has them. */
export function ramOf(deployment: Deployment | undefined): ComparisonRow['ram'] {
  const parts = deployment?.build.ramParts as Record<string, unknown> | undefined;
  const [arena, stack, runtime, other] = (['arena', 'stack', 'runtime', 'other'] as const).map((key) => reportNumber(parts, key));
  return arena !== undefined && stack !== undefined && runtime !== undefined && other !== undefined ? { arena, stack, runtime, other } : undefined;
}

/**
 * The accuracy shown for a variant: its newest host evaluation, else the newest accuracy a
 * measurement holds (evaluate jobs, an optimization's evaluation of parent and child).
 */
export function accuracyOf(variantId: string, evaluations: readonly EvaluationSummary[], measurements: readonly Measurement[]): ComparisonAccuracy | undefined {
  const evaluation = newestFirst(evaluations.filter((entry) => entry.variantId === variantId && entry.kind === 'evaluate' && entry.accuracy !== null))[0];
  if (evaluation) {
    return {
      value: evaluation.accuracy!,
      samples: evaluation.samples,
      ...(evaluation.datasetId ? { datasetId: evaluation.datasetId } : {}),
      datasetName: evaluation.datasetName,
      measuredAt: evaluation.createdAt,
    };
  }
  const measured = newestFirst(measurements.filter((entry) => entry.variantId === variantId && entry.accuracy !== undefined))[0];
  if (!measured) return undefined;
  return { value: measured.accuracy!, ...(measured.samples !== undefined ? { samples: measured.samples } : {}), measuredAt: measured.createdAt };
}

/**
 * The comparison table: one row per variant, board it was deployed to and what the code was generated for (code size
 * or speed; the newest deploy of each), one row for a variant never deployed.
 */
export function comparisonRows(
  variants: readonly ModelVariant[],
  measurements: readonly MeasurementRecord[],
  deployments: ReadonlyMap<string, Deployment>,
  evaluations: readonly EvaluationSummary[],
  boardOf: (id: string) => Board | undefined,
): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const ordered = [...variants].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const variant of ordered) {
    const base: ComparisonRow = {
      variantId: variant.id,
      variantName: variant.name,
      parentId: variant.parentId,
      dtype: variant.summary.dtype,
      parameters: variant.summary.parameters,
      macs: variant.summary.macs,
      peakActivationBytes: variant.summary.peakActivationBytes,
    };
    const accuracy = accuracyOf(variant.id, evaluations, measurements);
    if (accuracy) base.accuracy = accuracy;
    const deploys = newestFirst(measurements.filter((entry) => entry.variantId === variant.id && entry.kind === 'deploy' && entry.boardId));
    // Keyed by board, then setting: size sorts before speed, and deploys with no setting recorded come first.
    const byBuild = new Map<string, MeasurementRecord[]>();
    for (const deploy of deploys) {
      const key = `${deploy.boardId!}\u0000${deploy.optimizeFor ?? ''}`;
      byBuild.set(key, [...(byBuild.get(key) ?? []), deploy]);
    }
    if (byBuild.size === 0) {
      rows.push(base);
      continue;
    }
    for (const [, list] of [...byBuild].sort(([a], [b]) => a.localeCompare(b))) {
      const newest = list[0];
      const boardId = newest.boardId!;
      const board = boardOf(boardId);
      const deployment = newest.deploymentId ? deployments.get(newest.deploymentId) : undefined;
      const row: ComparisonRow = {
        ...base,
        board: board
          ? { id: board.id, name: board.name, core: board.core, flashBytes: board.memory.flash.size, ramBytes: board.memory.ram.size }
          : { id: boardId, name: boardId, core: 'unknown', flashBytes: newest.boardFlashBytes ?? 0, ramBytes: newest.boardRamBytes ?? 0 },
        ...(newest.optimizeFor ? { optimizeFor: newest.optimizeFor } : {}),
        measurementId: newest.id,
        measuredAt: newest.createdAt,
        deployCount: list.length,
      };
      const latency = latencyOf(newest, board);
      if (latency) row.latency = latency;
      if (newest.bitExact !== undefined) row.bitExact = newest.bitExact;
      if (newest.passed !== undefined) row.passed = newest.passed;
      if (newest.arenaBytes !== undefined) row.arenaBytes = newest.arenaBytes;
      if (newest.stackBytes !== undefined) row.stackBytes = newest.stackBytes;
      if (newest.ramBytes !== undefined) row.ramBytes = newest.ramBytes;
      const flash = flashOf(newest, deployment);
      if (flash) row.flash = flash;
      const ram = ramOf(deployment);
      if (ram) row.ram = ram;
      rows.push(row);
    }
  }
  return rows;
}

type LayerEntry = NonNullable<Measurement['layers']>[number];

/**
 * Pairs the ops of two layer lists: by position when both list the same op types (the same
 * model on two boards), else by the longest common subsequence of op types (a child variant
 * whose optimization added, fused or removed ops), with unmatched ops on one side only.
 */
export function alignLayers(a: readonly LayerEntry[], b: readonly LayerEntry[]): { matching: LayerDiff['matching']; rows: LayerDiffRow[] } {
  const side = ({ index, op, latency, macs }: LayerEntry) => ({ index, op, latency, macs });
  const pair = (x: LayerEntry, y: LayerEntry): LayerDiffRow => ({ a: side(x), b: side(y), delta: y.latency - x.latency });
  if (a.length === b.length && a.every((layer, i) => layer.op === b[i].op)) return { matching: 'index', rows: a.map((layer, i) => pair(layer, b[i])) };
  // Longest common subsequence on op types (ops are at most a few hundred: n·m is small).
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) table[i][j] = a[i].op === b[j].op ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  }
  const rows: LayerDiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i].op === b[j].op) rows.push(pair(a[i++], b[j++]));
    else if (j < m && (i === n || table[i][j + 1] >= table[i + 1][j])) rows.push({ b: side(b[j++]) });
    else rows.push({ a: side(a[i++]) });
  }
  return { matching: 'aligned', rows };
}

export function createCompareService(store: Store, options: CompareServiceOptions = {}): CompareService {
  const boardOf = (id: string): Board | undefined => findBoard(id) ?? findBoard(id, new CustomBoards(store).list());

  const diffSide = (measurement: MeasurementRecord): LayerDiffSide => {
    const variant = store.getVariant(measurement.variantId);
    return {
      measurementId: measurement.id,
      variantId: variant.id,
      variantName: variant.name,
      ...(measurement.boardId ? { boardId: measurement.boardId } : {}),
      ...(measurement.latency ? { unit: measurement.latency.unit } : {}),
      total: measurement.latency?.value ?? (measurement.layers ?? []).reduce((sum, layer) => sum + layer.latency, 0),
    };
  };

  return {
    async table({ projectId }): Promise<Comparison> {
      store.getProject(projectId);
      const variants = store.listVariants(projectId);
      const measurements = store.listMeasurements({ projectId });
      const deployments = new Map<string, Deployment>();
      for (const variant of variants) for (const deployment of store.listDeployments(variant.id)) deployments.set(deployment.id, deployment);
      const evaluations = options.listEvaluations ? await options.listEvaluations(projectId) : [];
      return { rows: comparisonRows(variants, measurements, deployments, evaluations, boardOf) };
    },

    async layerDiff({ measurementA, measurementB }): Promise<LayerDiff> {
      const a = store.getMeasurement(measurementA);
      const b = store.getMeasurement(measurementB);
      for (const measurement of [a, b]) {
        if (!measurement.layers || measurement.layers.length === 0) {
          throw new UsageError(`measurement ${measurement.id} (${measurement.kind}) has no per-layer latencies: compare two deploy measurements`, { measurement: measurement.id });
        }
      }
      if (a.projectId !== b.projectId) throw new UsageError(`measurements ${a.id} and ${b.id} belong to different projects`, { a: a.id, b: b.id });
      if (a.latency && b.latency && a.latency.unit !== b.latency.unit) {
        throw new UsageError(`measurement ${a.id} counts ${a.latency.unit} and ${b.id} counts ${b.latency.unit}: per-layer figures in different units do not compare`, { a: a.id, b: b.id });
      }
      const { matching, rows } = alignLayers(a.layers!, b.layers!);
      return { a: diffSide(a), b: diffSide(b), matching, rows };
    },
  };
}
