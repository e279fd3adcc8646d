/**
 * History: every measurement of the project, newest first, filtered by variant and board, with
 * the latest latency of each variant on each board in a grid above (the comparison users come
 * for). A row opens the full result below the table. Reloads when a job of the project finishes.
 */

import { useState } from 'react';
import type { Measurement, ModelVariant } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { BitExactBadge, EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { formatBytes, formatCount, formatMilliseconds, formatPercent, formatTime, latencyMeaning } from '../format.js';
import { ResultView } from '../deploy/result-view.js';
import { optimizeChoice } from '../deploy/optimize-words.js';
import { EvaluationsHistory } from '../evaluate/evaluations-history.js';
import { checkMark } from './check.js';
import { useDevices, useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';
import { newestFirst } from '../../../core/common/newest-first.js';

export function HistoryTab({ projectId, variants }: { projectId: string; variants: ModelVariant[] }) {
  const services = useServices();
  const finished = useFinishedJobsCount(projectId);
  const { listing } = useDevices();
  const measurements = useQuery(`history:${projectId}`, () => services.measurements.list({ projectId }), finished);
  const [variantFilter, setVariantFilter] = useState('');
  const [boardFilter, setBoardFilter] = useState('');
  const [openId, setOpenId] = useState<string>();

  const variantName = (id: string) => variants.find((variant) => variant.id === id)?.name ?? id.slice(0, 8);
  const all = newestFirst(measurements.data ?? []);
  const boardIds = [...new Set(all.map((measurement) => measurement.boardId ?? 'host'))];
  const rows = all.filter((measurement) => (!variantFilter || measurement.variantId === variantFilter) && (!boardFilter || (measurement.boardId ?? 'host') === boardFilter));
  const open = all.find((measurement) => measurement.id === openId);

  if (measurements.error) return <ErrorBanner error={measurements.error} />;
  if (!measurements.data) return <div aria-busy="true" />;
  if (all.length === 0) {
    // Evaluations and validations are kept apart from measurements: a project with only those still lists them.
    return (
      <>
        <Panel title="History">
          <EmptyState title="No measurements yet">
            <p>Each Deploy &amp; Profile run and each evaluation is kept here, per variant and board.</p>
          </EmptyState>
        </Panel>
        <EvaluationsHistory projectId={projectId} variants={variants} />
      </>
    );
  }

  const orDash = (value: number | undefined, format: (value: number) => string) => (value !== undefined ? format(value) : '–');
  const columns: Column<Measurement>[] = [
    { header: 'Time', align: 'numeric', title: (measurement) => formatTime(measurement.createdAt), render: (measurement) => formatTime(measurement.createdAt).slice(5, 16) },
    { header: 'Variant', className: 'cell--name', title: (measurement) => variantName(measurement.variantId), render: (measurement) => <span className="truncate">{variantName(measurement.variantId)}</span> },
    {
      header: 'Board',
      headerTitle: 'The board, and under it what the code was generated for: code size (one kernel per kind of layer) or speed (each layer its fastest kernel); nothing for evaluations and deploys made before it was recorded',
      title: (measurement) => (measurement.optimizeFor ? `built for ${optimizeChoice(measurement.optimizeFor).meaning}` : undefined),
      render: (measurement) => (
        <span className="history-board">
          <span className="mono">{measurement.boardId ?? 'host'}</span>
          {measurement.optimizeFor && (
            <span className="history-board__built muted">
              for <span data-testid="history-optimize-for">{optimizeChoice(measurement.optimizeFor).label.toLowerCase()}</span>
            </span>
          )}
        </span>
      ),
    },
    {
      header: 'Latency',
      headerTitle: 'One inference: executed instructions on a virtual board (QEMU is not cycle-accurate), CPU cycles on a real board; ms where the board’s clock gives them',
      align: 'numeric',
      testId: 'history-latency',
      title: (measurement) => (measurement.latency ? latencyMeaning(measurement.latency.unit, { name: measurement.boardId ?? 'host' }) : undefined),
      render: (measurement) =>
        measurement.latency ? (
          <>
            {formatCount(measurement.latency.value)} <span className="muted">{measurement.latency.unit === 'instructions' ? 'instr.' : 'cycles'}</span>
            {measurement.latency.milliseconds !== undefined && <span className="muted"> · {formatMilliseconds(measurement.latency.milliseconds)}</span>}
            {measurement.latency.milliseconds === undefined && measurement.estimate && <span className="muted"> · ≈{formatMilliseconds(measurement.estimate.ms)} est.</span>}
          </>
        ) : (
          '–'
        ),
    },
    { header: 'Per MAC', align: 'numeric', headerTitle: 'Instructions (or cycles) per multiply-accumulate', render: (measurement) => orDash(measurement.instructionsPerMac ?? undefined, (value) => value.toFixed(2)) },
    { header: 'Arena', align: 'numeric', headerTitle: "The memory planner's arena: every activation, buffers shared when their lifetimes do not overlap", render: (measurement) => orDash(measurement.arenaBytes, formatBytes) },
    { header: 'RAM', align: 'numeric', headerTitle: 'arena + stack + runtime + other', render: (measurement) => orDash(measurement.ramBytes, formatBytes) },
    { header: 'Flash', align: 'numeric', headerTitle: 'weights + model + kernels + runtime + start-up + other', render: (measurement) => orDash(measurement.flashBytes, formatBytes) },
    {
      header: 'Check',
      render: (measurement) => (measurement.bitExact !== undefined ? <BitExactBadge bitExact={measurement.bitExact} passed={measurement.passed} /> : '–'),
    },
    { header: 'Acc.', headerTitle: 'Top-1 accuracy (evaluations)', align: 'numeric', render: (measurement) => orDash(measurement.accuracy, (value) => formatPercent(value, 2)) },
    {
      header: 'Details',
      align: 'actions',
      render: (measurement) =>
        measurement.kind === 'deploy' && (
          <button type="button" className="button button--small" aria-expanded={measurement.id === openId} onClick={() => setOpenId(measurement.id === openId ? undefined : measurement.id)}>
            {measurement.id === openId ? 'Hide' : 'Details'}
          </button>
        ),
    },
  ];

  return (
    <>
      <LatestGrid measurements={all} variants={variants} boardIds={boardIds.filter((id) => id !== 'host')} />
      <Panel
        title={`Measurements (${rows.length}${rows.length === all.length ? '' : ` of ${all.length}`})`}
        testId="history-panel"
        actions={
          <>
            <label className="field field--inline">
              <span className="field__label">Variant</span>
              <select className="select" value={variantFilter} onChange={(event) => setVariantFilter(event.target.value)} data-testid="history-variant-filter">
                <option value="">all</option>
                {variants.map((variant) => (
                  <option key={variant.id} value={variant.id}>
                    {variant.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field field--inline">
              <span className="field__label">Board</span>
              <select className="select" value={boardFilter} onChange={(event) => setBoardFilter(event.target.value)} data-testid="history-board-filter">
                <option value="">all</option>
                {boardIds.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </label>
          </>
        }
      >
        <DataTable
          columns={columns}
          rows={rows}
          rowKey={(measurement) => measurement.id}
          isSelected={(measurement) => measurement.id === openId}
          rowTestId="history-row"
          testId="history-table"
        />
      </Panel>
      {open && (
        <Panel title="Measurement" testId="history-detail">
          <ResultView
            measurement={open}
            board={listing?.boards.find((board) => board.id === open.boardId)}
            variantName={variantName(open.variantId)}
            noReuseBytes={variants.find((variant) => variant.id === open.variantId)?.summary.peakActivationBytes}
          />
        </Panel>
      )}
      <EvaluationsHistory projectId={projectId} variants={variants} />
    </>
  );
}

/** Latest deploy latency of each variant on each board: rows variants, columns boards. */
function LatestGrid({ measurements, variants, boardIds }: { measurements: Measurement[]; variants: ModelVariant[]; boardIds: string[] }) {
  if (boardIds.length === 0) return null;
  // `measurements` comes newest first: the first match is the latest.
  const latest = (variantId: string, boardId: string) => measurements.find((m) => m.kind === 'deploy' && m.variantId === variantId && m.boardId === boardId);
  const shown = variants.filter((variant) => boardIds.some((boardId) => latest(variant.id, boardId)));
  const boardColumns = boardIds.map(
    (boardId): Column<ModelVariant> => ({
      header: boardId,
      key: `board:${boardId}`,
      align: 'numeric',
      title: (variant) => {
        const latency = latest(variant.id, boardId)?.latency;
        return latency ? `${formatCount(latency.value)} ${latency.unit}` : undefined;
      },
      render: (variant) => {
        const measurement = latest(variant.id, boardId);
        if (!measurement?.latency) return '–';
        return (
          <>
            {formatCount(measurement.latency.value)} <span className="muted">{measurement.latency.unit === 'instructions' ? 'instr.' : 'cycles'}</span>
            {checkMark(measurement) && (
              <span className="history-flag" title={checkMark(measurement)!.title}>
                {' '}
                {checkMark(measurement)!.mark}
              </span>
            )}
          </>
        );
      },
    }),
  );
  return (
    <Panel title="Latest latency per variant and board" testId="latest-grid">
      <DataTable
        columns={[{ header: 'Variant', rowHeader: true, className: 'cell--name', title: (variant) => variant.name, render: (variant) => <span className="truncate">{variant.name}</span> }, ...boardColumns]}
        rows={shown}
        rowKey={(variant) => variant.id}
      />
    </Panel>
  );
}
