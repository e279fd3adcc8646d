/**
 * The comparison, graph and export services' types (the rest of the services are in types.ts).
 * Same rules: one plain object in, plain data out (JSON values and Uint8Array).
 */

import type { OptimizeFor } from './fields.js';

// ---- compare -----------------------------------------------------------------------------

/** Where a row's accuracy comes from: a stored evaluation (dataset named) or an older accuracy measurement. */
export interface ComparisonAccuracy {
  /** 0 … 1, top-1. */
  value: number;
  samples?: number;
  datasetId?: string;
  datasetName?: string;
  measuredAt: string;
}

export interface ComparisonLatency {
  /** Median over the runs, in `unit`. */
  value: number;
  unit: 'instructions' | 'cycles';
  /** Spread over the runs, in `unit` (absent when only one value was kept). */
  min?: number;
  max?: number;
  runs?: number;
  /** Cycles: measured when `unit` is cycles, else the virtual board's estimate from the instruction mix. */
  cycles?: number;
  milliseconds?: number;
  /** `measured` (a real cycle counter), `estimate` (a virtual board's instruction-mix estimate) or absent (no cycles). */
  cyclesSource?: 'measured' | 'estimate';
  /** The clock the milliseconds are at. */
  cpuHz?: number;
}

/** One variant on one board (or, when `board` is absent, a variant not deployed yet: model figures only). */
export interface ComparisonRow {
  variantId: string;
  variantName: string;
  parentId: string | null;
  dtype: string;
  parameters: number;
  macs: number;
  /** The no-reuse bound of activations (every tensor live at once is not assumed: the analysis' peak). */
  peakActivationBytes: number;
  board?: { id: string; name: string; core: string; flashBytes: number; ramBytes: number };
  /**
   * What the row's deploys were generated for: a variant built both for code size and for speed on one board has a
   * row for each (absent: deploys made before the setting was recorded).
   */
  optimizeFor?: OptimizeFor;
  /** The newest deploy measurement of this variant on this board (built for `optimizeFor`). */
  measurementId?: string;
  measuredAt?: string;
  /** How many deploy measurements of this variant, board and setting exist (the newest is shown). */
  deployCount?: number;
  bitExact?: boolean;
  passed?: boolean;
  accuracy?: ComparisonAccuracy;
  latency?: ComparisonLatency;
  arenaBytes?: number;
  stackBytes?: number;
  /** RAM = data + bss (the arena is in bss) + estimated stack. */
  ramBytes?: number;
  /** RAM by part (arena + stack + runtime + other = ramBytes), when the build report has them. */
  ram?: { arena: number; stack: number; runtime: number; other: number };
  /**
   * Flash = text + rodata + data of the ELF; code = flash − weights. With the build's parts from
   * the ELF's symbols: weights + model + kernels + runtime + startup + other = total.
   */
  flash?: { total: number; weights?: number; code?: number; model?: number; kernels?: number; runtime?: number; startup?: number; other?: number };
}

export interface Comparison {
  rows: ComparisonRow[];
}

/** One op of a per-layer diff: matched by position (same model) or by aligning op types (parent vs child). */
export interface LayerDiffRow {
  a?: { index: number; op: string; latency: number; macs: number };
  b?: { index: number; op: string; latency: number; macs: number };
  /** b − a, in the measurements' unit, when both sides have the op. */
  delta?: number;
}

export interface LayerDiffSide {
  measurementId: string;
  variantId: string;
  variantName: string;
  boardId?: string;
  unit?: 'instructions' | 'cycles';
  total: number;
}

export interface LayerDiff {
  a: LayerDiffSide;
  b: LayerDiffSide;
  /** `index`: same op list, matched by position; `aligned`: different graphs, matched by op type in order. */
  matching: 'index' | 'aligned';
  rows: LayerDiffRow[];
}

export interface CompareService {
  /** Every variant of the project on every board it was deployed to, with its newest figures. */
  table(request: { projectId: string }): Promise<Comparison>;
  /** Per-layer latency of two deploy measurements side by side (b against a). */
  layerDiff(request: { measurementA: string; measurementB: string }): Promise<LayerDiff>;
}

// ---- graph -------------------------------------------------------------------------------

/** Statistics of a constant tensor's values (dequantized when it is quantized). */
export interface WeightStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Share of exact zeros, 0 … 1. */
  zeros: number;
  /** `bins` equal-width bins from min to max. */
  histogram: number[];
}

export interface GraphTensor {
  id: number;
  name: string;
  shape: number[];
  dtype: string;
  /** constant (weights), variable (state kept between invocations, as LSTM state), or an activation. */
  kind: 'constant' | 'variable' | 'activation';
  bytes: number;
  /** Per-tensor: one scale and zero point; per-channel: summarised (first values, count, range). */
  quantization?: { scale: number[]; zeroPoint: number[]; axis: number; channels: number };
  stats?: WeightStats;
}

export interface GraphNode {
  index: number;
  op: string;
  /** The op's attributes as plain values (padding, strides, activation, …). */
  attrs: Record<string, string | number | boolean | number[]>;
  /** Tensor ids; -1 for an absent optional input. */
  inputs: number[];
  outputs: number[];
}

export interface ModelGraph {
  variantId: string;
  tensors: GraphTensor[];
  nodes: GraphNode[];
  inputs: number[];
  outputs: number[];
}

export interface GraphService {
  /** The variant's graph with attributes, quantization parameters and weight statistics. */
  get(request: { variantId: string }): Promise<ModelGraph>;
}

// ---- export ------------------------------------------------------------------------------

export interface ExportFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

export type ReportFormat = 'html' | 'csv' | 'json';

export interface ExportService {
  /** The generated C project for a board as a zip: what `tinydeploy build --out` writes, sources only. */
  cProject(request: { variantId: string; boardId: string }): Promise<ExportFile>;
  /** The firmware compiled for a board as a zip: the ELF (and .bin/.hex/.uf2 for real boards) with its build report. */
  firmware(request: { variantId: string; boardId: string }): Promise<ExportFile>;
  /** The variant's model file (.tflite). */
  model(request: { variantId: string }): Promise<ExportFile>;
  /** A deploy measurement as a report: self-contained HTML with its charts, or the per-layer table as CSV or JSON. */
  report(request: { measurementId: string; format: ReportFormat }): Promise<ExportFile>;
}
