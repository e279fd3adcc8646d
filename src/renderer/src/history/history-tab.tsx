/**
 * History: every measurement of the project, newest first, filtered by variant and board, with
 * the latest latency of each variant on each board in a grid above (the comparison users come
 * for). A row opens the full result below the table. Reloads when a job of the project finishes.
 */

import { useState } from 'react';
import type { Measurement, ModelVariant } from '../../../shared/services/types.js';
import { BitExactBadge, EmptyState, ErrorBanner, Panel } from '../components/widgets.js';
import { formatBytes, formatCount, formatPercent, formatTime } from '../format.js';
import { ResultView } from '../deploy/result-view.js';
import { useDevices, useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';

export function HistoryTab({ projectId, variants }: { projectId: string; variants: ModelVariant[] }) {
  const services = useServices();
  const finished = useFinishedJobsCount(projectId);
  const { listing } = useDevices();
  const measurements = useQuery(`history:${projectId}`, () => services.measurements.list({ projectId }), finished);
  const [variantFilter, setVariantFilter] = useState('');
  const [boardFilter, setBoardFilter] = useState('');
  const [openId, setOpenId] = useState<string>();

  const variantName = (id: string) => variants.find((variant) => variant.id === id)?.name ?? id.slice(0, 8);
  const all = [...(measurements.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const boardIds = [...new Set(all.map((measurement) => measurement.boardId ?? 'host'))];
  const rows = all.filter((measurement) => (!variantFilter || measurement.variantId === variantFilter) && (!boardFilter || (measurement.boardId ?? 'host') === boardFilter));
  const open = all.find((measurement) => measurement.id === openId);

  if (measurements.error) return <ErrorBanner error={measurements.error} />;
  if (!measurements.data) return <div aria-busy="true" />;
  if (all.length === 0) {
    return (
      <Panel title="History">
        <EmptyState title="No measurements yet">
          <p>Each Deploy &amp; Profile run and each evaluation is kept here, per variant and board.</p>
        </EmptyState>
      </Panel>
    );
  }

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
        <div className="table-scroll">
          <table className="table" data-testid="history-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Variant</th>
                <th scope="col">Board</th>
                <th scope="col" className="numeric">
                  Latency
                </th>
                <th scope="col">Unit</th>
                <th scope="col" className="numeric">
                  Per MAC
                </th>
                <th scope="col" className="numeric">
                  Arena
                </th>
                <th scope="col" className="numeric">
                  Stack
                </th>
                <th scope="col" className="numeric">
                  Flash
                </th>
                <th scope="col">Check</th>
                <th scope="col" className="numeric">
                  Accuracy
                </th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((measurement) => (
                <tr key={measurement.id} className={measurement.id === openId ? 'is-selected' : undefined} data-testid="history-row">
                  <td className="numeric">{formatTime(measurement.createdAt)}</td>
                  <td>{variantName(measurement.variantId)}</td>
                  <td className="mono">{measurement.boardId ?? 'host'}</td>
                  <td className="numeric" data-testid="history-latency">
                    {measurement.latency ? formatCount(measurement.latency.value) : '–'}
                  </td>
                  <td className="muted">{measurement.latency?.unit ?? ''}</td>
                  <td className="numeric">{measurement.instructionsPerMac != null ? measurement.instructionsPerMac.toFixed(2) : '–'}</td>
                  <td className="numeric">{measurement.arenaBytes !== undefined ? formatBytes(measurement.arenaBytes) : '–'}</td>
                  <td className="numeric">{measurement.stackBytes !== undefined ? formatBytes(measurement.stackBytes) : '–'}</td>
                  <td className="numeric">{measurement.flashBytes !== undefined ? formatBytes(measurement.flashBytes) : '–'}</td>
                  <td>{measurement.bitExact !== undefined ? <BitExactBadge bitExact={measurement.bitExact} passed={measurement.passed} /> : '–'}</td>
                  <td className="numeric">{measurement.accuracy !== undefined ? formatPercent(measurement.accuracy, 2) : '–'}</td>
                  <td className="actions">
                    {measurement.kind === 'deploy' && (
                      <button
                        type="button"
                        className="button button--small"
                        aria-expanded={measurement.id === openId}
                        onClick={() => setOpenId(measurement.id === openId ? undefined : measurement.id)}
                      >
                        {measurement.id === openId ? 'Hide' : 'Details'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      {open && (
        <Panel title="Measurement" testId="history-detail">
          <ResultView measurement={open} board={listing?.boards.find((board) => board.id === open.boardId)} variantName={variantName(open.variantId)} />
        </Panel>
      )}
    </>
  );
}

/** Latest deploy latency of each variant on each board: rows variants, columns boards. */
function LatestGrid({ measurements, variants, boardIds }: { measurements: Measurement[]; variants: ModelVariant[]; boardIds: string[] }) {
  if (boardIds.length === 0) return null;
  // `measurements` comes newest first: the first match is the latest.
  const latest = (variantId: string, boardId: string) => measurements.find((m) => m.kind === 'deploy' && m.variantId === variantId && m.boardId === boardId);
  const shown = variants.filter((variant) => boardIds.some((boardId) => latest(variant.id, boardId)));
  return (
    <Panel title="Latest latency per variant and board" testId="latest-grid">
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Variant</th>
              {boardIds.map((id) => (
                <th key={id} scope="col" className="numeric">
                  {id}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((variant) => (
              <tr key={variant.id}>
                <th scope="row">{variant.name}</th>
                {boardIds.map((boardId) => {
                  const measurement = latest(variant.id, boardId);
                  return (
                    <td key={boardId} className="numeric" title={measurement?.latency ? `${formatCount(measurement.latency.value)} ${measurement.latency.unit}` : undefined}>
                      {measurement?.latency ? (
                        <>
                          {formatCount(measurement.latency.value)} <span className="muted">{measurement.latency.unit === 'instructions' ? 'instr.' : 'cycles'}</span>
                          {measurement.bitExact === false && <span className="history-flag"> ✗</span>}
                        </>
                      ) : (
                        '–'
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
