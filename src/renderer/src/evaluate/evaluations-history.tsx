/**
 * History's list of evaluations (host accuracy) and validations (a board against the host),
 * newest first; a row opens the full result (confusion matrix, per class, top-k; or the board's
 * comparison figures) below the table. Reloads when a job of the project finishes.
 */

import { useState } from 'react';
import type { Evaluation, ModelVariant } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { formatCount, formatPercent, formatTime } from '../format.js';
import { useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';
import { optimizeChoice } from '../deploy/optimize-words.js';
import { EvaluationView } from './evaluation-view.js';

export function EvaluationsHistory({ projectId, variants }: { projectId: string; variants: ModelVariant[] }) {
  const services = useServices();
  const finished = useFinishedJobsCount(projectId);
  const evaluations = useQuery(`evaluations:${projectId}`, () => services.evaluations.list({ projectId }), finished);
  const [openId, setOpenId] = useState<string>();
  if (evaluations.error) return <ErrorBanner error={evaluations.error} />;
  const rows = evaluations.data ?? [];
  if (rows.length === 0) return null;
  const variantName = (id: string) => variants.find((variant) => variant.id === id)?.name ?? id.slice(0, 8);
  const open = rows.find((row) => row.id === openId);
  const columns: Column<Evaluation>[] = [
    { header: 'Time', align: 'numeric', render: (row) => formatTime(row.createdAt) },
    { header: 'Kind', render: (row) => (row.kind === 'evaluate' ? 'evaluate' : 'validate') },
    { header: 'Variant', render: (row) => variantName(row.variantId), title: (row) => variantName(row.variantId) },
    { header: 'Dataset', render: (row) => row.datasetName },
    { header: 'Board', className: 'mono', render: (row) => row.boardId ?? 'host' },
    {
      header: 'Built for',
      headerTitle: 'Validations: what the firmware was generated for, code size or speed (– for host evaluations and validations made before it was recorded)',
      testId: 'evaluation-history-optimize-for',
      title: (row) => (row.validation?.optimizeFor ? optimizeChoice(row.validation.optimizeFor).meaning : undefined),
      render: (row) => (row.validation?.optimizeFor ? optimizeChoice(row.validation.optimizeFor).label.toLowerCase() : '–'),
    },
    { header: 'Samples', align: 'numeric', render: (row) => formatCount(row.samples) },
    { header: 'Accuracy', align: 'numeric', testId: 'evaluation-history-accuracy', render: (row) => (row.accuracy === null ? '–' : formatPercent(row.accuracy, 2)) },
    {
      header: 'Board vs host',
      testId: 'evaluation-history-check',
      render: (row) =>
        row.validation ? (
          <span className={`badge badge--${row.validation.equal === row.validation.samples ? 'exact' : row.validation.passed === row.validation.samples ? 'tolerance' : 'differs'}`}>
            {row.validation.equal}/{row.validation.samples} identical
          </span>
        ) : (
          '–'
        ),
    },
    {
      header: 'Details',
      align: 'actions',
      render: (row) => (
        <button type="button" className="button button--small" aria-expanded={row.id === openId} onClick={() => setOpenId(row.id === openId ? undefined : row.id)}>
          {row.id === openId ? 'Hide' : 'Details'}
        </button>
      ),
    },
  ];
  return (
    <>
      <Panel title={`Evaluations and validations (${rows.length})`} testId="evaluations-history">
        <DataTable columns={columns} rows={rows} rowKey={(row) => row.id} isSelected={(row) => row.id === openId} rowTestId="evaluation-history-row" />
      </Panel>
      {open && (
        <Panel title={open.kind === 'evaluate' ? 'Evaluation' : 'Validation on the board'} testId="evaluation-history-detail">
          <EvaluationView evaluation={open} variantName={variantName(open.variantId)} />
        </Panel>
      )}
    </>
  );
}
