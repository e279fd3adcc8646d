/**
 * Per-layer diff of two deploys: the same model on two boards (ops matched by position), or a
 * parent and its child (ops aligned by type, so an added QUANTIZE or a fused op shows on one
 * side only). Each row: the op on each side, both latencies, the difference and a bar of it.
 */

import { useState } from 'react';
import type { ComparisonRow, LayerDiffRow } from '../../../shared/services/types.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { formatCount } from '../format.js';
import { useQuery, useServices } from '../state/services-context.js';
import { costDelta } from './compare-model.js';

const minus = '\u2212';

export function LayerDiffPanel({ rows, baselineVariantId }: { rows: readonly ComparisonRow[]; baselineVariantId: string | undefined }) {
  const deployed = rows.filter((row) => row.measurementId);
  const defaultA = deployed.find((row) => row.variantId === baselineVariantId) ?? deployed[0];
  const defaultB = deployed.find((row) => row !== defaultA && row.board?.id === defaultA?.board?.id) ?? deployed.find((row) => row !== defaultA);
  const [a, setA] = useState<string>();
  const [b, setB] = useState<string>();
  const measurementA = a ?? defaultA?.measurementId;
  const measurementB = b ?? defaultB?.measurementId;
  const label = (row: ComparisonRow) => `${row.variantName} on ${row.board?.id ?? '?'}`;

  const select = (value: string | undefined, onChange: (id: string) => void, testId: string, name: string) => (
    <label className="field field--inline">
      <span className="field__label">{name}</span>
      <select className="select cmp-diff-select" value={value ?? ''} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        {deployed.map((row) => (
          <option key={row.measurementId} value={row.measurementId}>
            {label(row)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <Panel
      title="Per-layer diff"
      testId="layer-diff-panel"
      actions={
        deployed.length >= 2 && (
          <>
            {select(measurementA, setA, 'diff-a', 'A')}
            {select(measurementB, setB, 'diff-b', 'B')}
          </>
        )
      }
    >
      {deployed.length < 2 || !measurementA || !measurementB ? (
        <EmptyState title="Two deploys are needed">Deploy a variant on two boards, or a parent and its optimized child, to see where the time moved.</EmptyState>
      ) : (
        <LayerDiffTable key={`${measurementA}:${measurementB}`} measurementA={measurementA} measurementB={measurementB} />
      )}
    </Panel>
  );
}

function LayerDiffTable({ measurementA, measurementB }: { measurementA: string; measurementB: string }) {
  const services = useServices();
  const diff = useQuery(`layer-diff:${measurementA}:${measurementB}`, () => services.compare.layerDiff({ measurementA, measurementB }));
  if (diff.error) return <ErrorBanner error={diff.error} />;
  if (!diff.data) return <div aria-busy="true" />;
  const { a, b, matching, rows } = diff.data;
  const unit = a.unit ?? 'instructions';
  const maxDelta = Math.max(1, ...rows.map((row) => Math.abs(row.delta ?? row.a?.latency ?? row.b?.latency ?? 0)));
  const opText = (side: LayerDiffRow['a']) => (side ? `${side.index} ${side.op}` : '—');
  const columns: Column<LayerDiffRow>[] = [
    { header: 'A op', className: 'mono cmp-diff-op', render: (row) => opText(row.a) },
    { header: 'B op', className: 'mono cmp-diff-op', render: (row) => opText(row.b) },
    { header: `A ${unit}`, align: 'numeric', render: (row) => (row.a ? formatCount(row.a.latency) : '—') },
    { header: `B ${unit}`, align: 'numeric', render: (row) => (row.b ? formatCount(row.b.latency) : '—') },
    {
      header: 'B − A',
      align: 'numeric',
      testId: 'diff-delta',
      render: (row) => {
        const value = row.delta ?? (row.b ? row.b.latency : row.a ? -row.a.latency : 0);
        const change = row.a && row.b ? costDelta(row.b.latency, row.a.latency) : undefined;
        return (
          <span className={`delta delta--${value < 0 ? 'better' : value > 0 ? 'worse' : 'same'}`}>
            {value > 0 ? '+' : value < 0 ? minus : '±'}
            {formatCount(Math.abs(value))}
            {change && <span className="muted"> ({change.text})</span>}
            {!row.a && <span className="muted"> (B only)</span>}
            {!row.b && <span className="muted"> (A only)</span>}
          </span>
        );
      },
    },
    {
      header: 'Change',
      key: 'bar',
      render: (row) => {
        const value = row.delta ?? (row.b ? row.b.latency : -(row.a?.latency ?? 0));
        const width = (Math.abs(value) / maxDelta) * 50;
        return (
          <svg className="cmp-diff-bar" width={100} height={10} aria-hidden="true">
            <line x1={50} x2={50} y1={0} y2={10} className="cmp-diff-bar__axis" />
            <rect x={value < 0 ? 50 - width : 50} y={1} width={Math.max(width, 0.5)} height={8} className={value < 0 ? 'cmp-diff-bar--better' : 'cmp-diff-bar--worse'} />
          </svg>
        );
      },
    },
  ];
  const total = costDelta(b.total, a.total);
  return (
    <>
      <p className="note" data-testid="diff-summary">
        A: {a.variantName} on {a.boardId}, {formatCount(a.total)} {unit}. B: {b.variantName} on {b.boardId}, {formatCount(b.total)} {unit}
        {total ? ` (${total.text})` : ''}. {matching === 'index' ? 'Same ops: matched one to one.' : 'Different graphs: ops aligned by type in order; an op on one side only was added, fused or removed.'}
      </p>
      <div className="table-scroll cmp-diff-scroll">
        <DataTable columns={columns} rows={rows} rowKey={(row) => `${row.a?.index ?? '-'}:${row.b?.index ?? '-'}`} rowTestId="diff-row" testId="layer-diff-table" scroll={false} />
      </div>
    </>
  );
}
