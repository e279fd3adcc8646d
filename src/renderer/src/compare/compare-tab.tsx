/**
 * The Compare tab: every variant on every board it was deployed to in one table (accuracy,
 * latency with its spread and, where known, cycles and ms; arena, stack, RAM; flash with its
 * parts; parameters and MACs), each against a baseline variant chosen here; accuracy against
 * latency, RAM or flash as a scatter plot with the Pareto front; the per-layer diff of two
 * deploys; and the exports.
 */

import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { ComparisonRow, ModelVariant } from '../../../shared/services/types.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { compactNumber } from '../charts/scale.js';
import { formatBytes, formatCount, formatMilliseconds, formatPercent, formatPrecision } from '../format.js';
import { useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';
import { ExportPanel } from '../export/export-panel.js';
import { accuracyDelta, baselineRow, costDelta, costMetrics, rowKey, scatterPoints, type CostMetric, type Delta } from './compare-model.js';
import { LayerDiffPanel } from './layer-diff.js';
import { LineagePanel } from './lineage-plot.js';
import { ScatterPlot } from './scatter-plot.js';
import './compare.css';

const unitShort = { instructions: 'instr.', cycles: 'cycles' } as const;

function DeltaLine({ delta, testId }: { delta: Delta | undefined; testId?: string }) {
  if (!delta) return null;
  return (
    <span className={`delta delta--${delta.verdict}`} data-testid={testId}>
      {delta.text}
    </span>
  );
}

function Cell({ main, sub, delta, title, deltaTestId }: { main: ReactNode; sub?: ReactNode | string[]; delta?: Delta; title?: string; deltaTestId?: string }) {
  const subLines = Array.isArray(sub) ? sub : sub ? [sub] : [];
  return (
    <span className="cmp-cell" title={title}>
      <span className="cmp-cell__main">{main}</span>
      {subLines.map((line, i) => (
        <span key={i} className="cmp-cell__sub">
          {line}
        </span>
      ))}
      <DeltaLine delta={delta} testId={deltaTestId} />
    </span>
  );
}

const dash = <span className="muted">—</span>;

/** A long name with line-break opportunities after its separators (model_name_int8 → model_ / name_ / int8). */
function breakable(name: string): ReactNode {
  const parts = name.split(/(?<=[_.-])/);
  return parts.map((part, i) => (
    <span key={i}>
      {part}
      {i < parts.length - 1 && <wbr />}
    </span>
  ));
}

/** The flash cell's parts: weights and model code, kernels and runtime (else weights and code, flash − weights). */
function flashLines(flash: NonNullable<ComparisonRow['flash']>): string[] | undefined {
  if (flash.weights === undefined) return undefined;
  if (flash.model !== undefined && flash.kernels !== undefined && flash.runtime !== undefined) {
    return [`w ${shortBytes(flash.weights)} · m ${shortBytes(flash.model)}`, `k ${shortBytes(flash.kernels)} · rt ${shortBytes(flash.runtime)}`];
  }
  return [`w ${shortBytes(flash.weights)} · c ${shortBytes(flash.code ?? flash.total - flash.weights)}`];
}

/** "88.3K", "1.20M": bytes in a sub-line, where the unit is in the line above. */
/** Under the board: what the code was generated for (when recorded) and how many deploys the newest stands for. */
function boardNote(row: ComparisonRow): string[] | undefined {
  const lines = [row.optimizeFor === 'speed' ? 'for speed' : row.optimizeFor === 'size' ? 'for code size' : '', row.deployCount && row.deployCount > 1 ? `newest of ${row.deployCount}` : ''].filter(Boolean);
  return lines.length > 0 ? lines : undefined;
}

const shortBytes = (bytes: number) => formatBytes(bytes).replace(/ ([KMG])iB$/, '$1').replace(/ B$/, '');

export function CompareTab({ projectId, variants }: { projectId: string; variants: ModelVariant[] }) {
  const services = useServices();
  const finished = useFinishedJobsCount(projectId);
  const table = useQuery(`compare:${projectId}`, () => services.compare.table({ projectId }), finished);
  const rows = useMemo(() => table.data?.rows ?? [], [table.data]);
  const [baselineChoice, setBaselineChoice] = useState<string>();
  const [metric, setMetric] = useState<CostMetric>('latency');
  // The baseline: the one chosen, else the first import (the oldest variant without a parent).
  const baselineId = baselineChoice ?? rows.find((row) => !row.parentId)?.variantId ?? rows[0]?.variantId;
  const base = (row: ComparisonRow) => baselineRow(rows, row, baselineId);

  if (table.error) return <ErrorBanner error={table.error} />;
  if (!table.data) return <div aria-busy="true" />;
  if (variants.length === 0) return <EmptyState title="Nothing to compare yet">Import a model in the Model tab, then deploy it or optimize it to compare its variants.</EmptyState>;

  // A hybrid row says so: the row's dtype alone reads "float32" for int8 weights with float32 compute.
  const precisionOf = (row: ComparisonRow) => {
    const variant = variants.find((entry) => entry.id === row.variantId);
    return variant ? formatPrecision(variant.summary) : row.dtype;
  };
  const columns: Column<ComparisonRow>[] = [
    {
      header: 'Variant',
      rowHeader: true,
      className: 'cmp-name',
      title: (row) => `${row.variantName} (${precisionOf(row)})${row.variantId === baselineId ? ' — the baseline' : ''}`,
      render: (row) => (
        <span className="cmp-cell">
          <span className="cmp-cell__main cmp-name__text">
            {breakable(row.variantName)}
            {row.variantId === baselineId && <span className="cmp-baseline-tag"> baseline</span>}
          </span>
          <span className="cmp-cell__sub">{precisionOf(row)}</span>
        </span>
      ),
    },
    {
      header: 'Board',
      title: (row) => (row.board ? `${row.board.name}, ${row.board.core}` : 'not deployed yet'),
      render: (row) => (row.board ? <Cell main={<span className="mono">{row.board.id}</span>} sub={boardNote(row)} /> : <span className="muted">not deployed</span>),
    },
    {
      header: 'Accuracy',
      align: 'numeric',
      headerTitle: 'Top-1 accuracy on the host (newest evaluation)',
      testId: 'compare-accuracy',
      title: (row) => (row.accuracy ? `top-1 on ${row.accuracy.samples ?? '?'} samples${row.accuracy.datasetName ? ` of ${row.accuracy.datasetName}` : ''}` : 'no evaluation yet: Evaluate or Optimize with a dataset'),
      // A delta only between accuracies on the same dataset (else the difference says nothing of the variants).
      render: (row) =>
        row.accuracy ? <Cell main={formatPercent(row.accuracy.value)} delta={accuracyDelta(row.accuracy.value, base(row)?.accuracy?.datasetId === row.accuracy.datasetId ? base(row)?.accuracy?.value : undefined)} /> : dash,
    },
    {
      header: 'Latency',
      align: 'numeric',
      headerTitle: 'Median over the runs in the unit the board counts (virtual boards: instructions retired, not cycles), with the min–max spread',
      testId: 'compare-latency',
      title: (row) => (row.latency ? `${formatCount(row.latency.value)} ${row.latency.unit}, median of ${row.latency.runs ?? 1} run(s)${row.latency.min !== undefined ? `; min ${formatCount(row.latency.min)}, max ${formatCount(row.latency.max!)}` : ''}` : undefined),
      render: (row) =>
        row.latency ? (
          <Cell
            main={`${compactNumber(row.latency.value)} ${unitShort[row.latency.unit]}`}
            sub={row.latency.min !== undefined && row.latency.max !== undefined ? `${compactNumber(row.latency.min)}–${compactNumber(row.latency.max)}` : undefined}
            delta={costDelta(row.latency.value, base(row)?.latency?.unit === row.latency.unit ? base(row)?.latency?.value : undefined)}
            deltaTestId="latency-delta"
          />
        ) : (
          dash
        ),
    },
    {
      header: 'Cycles · ms',
      align: 'numeric',
      headerTitle: 'Cycles and time at the board clock: measured on real boards, estimated (≈) from the instruction mix on virtual boards',
      title: (row) =>
        row.latency?.cycles !== undefined
          ? `${formatCount(row.latency.cycles)} cycles${row.latency.cpuHz ? ` at ${row.latency.cpuHz / 1e6} MHz` : ''}${row.latency.cyclesSource === 'estimate' ? ' (estimate, not a measurement)' : ''}`
          : undefined,
      render: (row) =>
        row.latency?.cycles !== undefined ? (
          <Cell
            main={`${row.latency.cyclesSource === 'estimate' ? '≈' : ''}${compactNumber(row.latency.cycles)}`}
            sub={row.latency.milliseconds !== undefined ? `${row.latency.cyclesSource === 'estimate' ? '≈' : ''}${formatMilliseconds(row.latency.milliseconds)}` : undefined}
            delta={costDelta(row.latency.milliseconds, base(row)?.latency?.milliseconds)}
          />
        ) : (
          dash
        ),
    },
    {
      header: 'Arena',
      align: 'numeric',
      headerTitle: "The planner's arena (activations with reuse)",
      render: (row) => (row.arenaBytes !== undefined ? <Cell main={formatBytes(row.arenaBytes)} delta={costDelta(row.arenaBytes, base(row)?.arenaBytes)} /> : dash),
    },
    {
      header: 'Stack',
      align: 'numeric',
      headerTitle: 'Worst-case stack estimated from the call graph',
      render: (row) => (row.stackBytes !== undefined ? <Cell main={formatBytes(row.stackBytes)} delta={costDelta(row.stackBytes, base(row)?.stackBytes)} /> : dash),
    },
    {
      header: 'RAM',
      align: 'numeric',
      headerTitle: 'RAM total = arena + stack + runtime (rt: profiler and UART buffers) + other (o)',
      testId: 'compare-ram',
      title: (row) =>
        row.ramBytes !== undefined
          ? [`RAM ${formatBytes(row.ramBytes)}${row.board ? ` of ${formatBytes(row.board.ramBytes)}` : ''}`, row.ram && `= arena ${formatBytes(row.ram.arena)} + stack ${formatBytes(row.ram.stack)} + runtime ${formatBytes(row.ram.runtime)} + other ${formatBytes(row.ram.other)}`].filter(Boolean).join(' ')
          : undefined,
      render: (row) =>
        row.ramBytes !== undefined ? <Cell main={formatBytes(row.ramBytes)} sub={row.ram ? `rt ${shortBytes(row.ram.runtime)} · o ${shortBytes(row.ram.other)}` : undefined} delta={costDelta(row.ramBytes, base(row)?.ramBytes)} /> : dash,
    },
    {
      header: 'Flash',
      align: 'numeric',
      headerTitle: 'Flash total = text + rodata + data of the ELF, by part from its symbols: weights (w) + model code and parameters (m) + kernels (k) + runtime (rt) + start-up and other',
      testId: 'compare-flash',
      title: (row) => {
        if (!row.flash) return undefined;
        const { flash } = row;
        const parts = (['weights', 'model', 'kernels', 'runtime', 'startup', 'other'] as const).filter((key) => flash[key] !== undefined).map((key) => `${key} ${formatBytes(flash[key]!)}`);
        return `flash ${formatBytes(flash.total)}${row.board ? ` of ${formatBytes(row.board.flashBytes)}` : ''}${parts.length > 1 ? ` = ${parts.join(' + ')}` : flash.code !== undefined ? ` = weights ${formatBytes(flash.weights ?? 0)} + code ${formatBytes(flash.code)}` : ''}`;
      },
      render: (row) =>
        row.flash ? (
          <Cell
            main={formatBytes(row.flash.total)}
            sub={flashLines(row.flash)}
            delta={costDelta(row.flash.total, base(row)?.flash?.total)}
          />
        ) : (
          dash
        ),
    },
    {
      header: 'Params',
      align: 'numeric',
      render: (row) => <Cell main={compactNumber(row.parameters)} delta={costDelta(row.parameters, base(row)?.parameters)} title={formatCount(row.parameters)} />,
    },
    {
      header: 'MACs',
      align: 'numeric',
      render: (row) => <Cell main={compactNumber(row.macs)} delta={costDelta(row.macs, base(row)?.macs)} title={formatCount(row.macs)} />,
    },
  ];

  const { points, unit } = scatterPoints(rows, metric);
  const metricLabel = costMetrics.find((entry) => entry.id === metric)!.label;

  return (
    <>
      <Panel
        title={`Compare (${rows.length} row${rows.length === 1 ? '' : 's'})`}
        testId="compare-panel"
        actions={
          <label className="field field--inline">
            <span className="field__label">Baseline</span>
            <select className="select" value={baselineId ?? ''} onChange={(event) => setBaselineChoice(event.target.value)} data-testid="baseline-select">
              {variants.map((variant) => (
                <option key={variant.id} value={variant.id}>
                  {variant.name}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <DataTable columns={columns} rows={rows} rowKey={rowKey} rowTestId="compare-row" testId="compare-table" className="cmp-table" isSelected={(row) => row.variantId === baselineId} />
        <p className="note">
          Each row is a variant on a board (its newest deploy), or a variant not deployed yet. Deltas are against the baseline variant on the same board: green is better (lower cost, higher accuracy), red is worse.
        </p>
      </Panel>

      <div className="compare-charts">
        <Panel
          title="Accuracy against cost"
          testId="scatter-panel"
          actions={
            <label className="field field--inline">
              <span className="field__label">against</span>
              <select className="select" value={metric} onChange={(event) => setMetric(event.target.value as CostMetric)} data-testid="scatter-metric">
                {costMetrics.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.label}
                  </option>
                ))}
              </select>
            </label>
          }
        >
          {points.length === 0 ? (
            <EmptyState title="No point to plot yet">A point needs an accuracy (Evaluate, or Optimize with a dataset) and a deploy of the same variant.</EmptyState>
          ) : (
            <ScatterPlot points={points} unit={unit} axisLabel={metricLabel} baselineVariantId={baselineId} />
          )}
        </Panel>
        <LineagePanel rows={rows} variants={variants} />
        <LayerDiffPanel rows={rows} baselineVariantId={baselineId} />
      </div>

      <ExportPanel variants={variants} measurements={rows} />
    </>
  );
}
