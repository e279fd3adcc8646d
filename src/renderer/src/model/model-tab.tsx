/**
 * The Model tab: the project's variants (import more by drop or file dialog, delete with
 * confirmation) and, for the selected variant, its figures, inputs and outputs, the graph and the
 * per-layer table side by side.
 */

import { useState } from 'react';
import type { Measurement, ModelDetail, ModelVariant } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ConfirmDialog, EmptyState, ErrorBanner, Figure, Panel } from '../components/widgets.js';
import { formatBytes, formatCount, formatPercent, formatPrecision, formatShape, formatTime, maxNameLength, shortHash } from '../format.js';
import { memoryLabels, noReuseMeaning } from '../memory-words.js';
import { asError, useFinishedJobsCount, useQuery, useServices } from '../state/services-context.js';
import { GraphView } from './graph-view.js';
import { ImportZone } from './import-zone.js';
import { LayerTable } from './layer-table.js';
import { QuantizePanel } from './quantize-panel.js';
import './model.css';
import { newestFirst } from '../../../core/common/newest-first.js';

/** How a variant was made, naming its parent when the list has it. */
export function originText(variant: ModelVariant, variants: readonly ModelVariant[] = []): string {
  const origin = variant.origin;
  if (origin.kind === 'import') return `imported from ${origin.fileName}`;
  if (origin.kind === 'search') {
    const params = Object.entries(origin.params).map(([key, value]) => `${key}=${value}`).join(' ');
    return `trial ${origin.trialIndex} of a ${origin.space} search (${params})`;
  }
  const parent = variants.find((candidate) => candidate.id === variant.parentId);
  const calibration = origin.calibration ? `, calibrated on ${origin.calibration.synthetic ? 'synthetic inputs' : 'a dataset'} (${origin.calibration.samples} samples)` : '';
  return `${origin.pipeline} of ${parent ? parent.name : 'its parent'}${calibration}`;
}

/**
 * The accuracy shown beside a variant: for a variant an optimization made, the one measured by
 * that job together with its parent's on the same samples; otherwise its newest accuracy.
 */
export function variantAccuracy(variant: ModelVariant, measurements: readonly Measurement[]): { accuracy: number; samples?: number; parent?: number } | undefined {
  const own = newestFirst(measurements.filter((measurement) => measurement.variantId === variant.id && measurement.accuracy !== undefined));
  if (variant.parentId) {
    for (const measurement of own) {
      const parent = measurements.find((candidate) => candidate.jobId === measurement.jobId && candidate.variantId === variant.parentId && candidate.accuracy !== undefined);
      if (parent) return { accuracy: measurement.accuracy!, samples: measurement.samples, parent: parent.accuracy };
    }
  }
  return own[0] && { accuracy: own[0].accuracy!, samples: own[0].samples };
}

export function ModelTab({
  projectId,
  variants,
  loaded,
  selected,
  onSelect,
  onChanged,
}: {
  projectId: string;
  variants: ModelVariant[];
  loaded: boolean;
  selected: ModelVariant | undefined;
  onSelect: (variantId: string) => void;
  onChanged: () => void;
}) {
  const services = useServices();
  const [deleting, setDeleting] = useState<ModelVariant>();
  const [renaming, setRenaming] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<Error>();
  const finished = useFinishedJobsCount(projectId);
  const measurements = useQuery(`measurements:${projectId}`, () => services.measurements.list({ projectId }), finished);

  const onImported = (variant: ModelVariant) => {
    // The same bytes again: the services give back the variant the project has.
    const known = variants.find((candidate) => candidate.id === variant.id);
    setNotice(known ? `That file is already in this project as “${known.name}” (same bytes, ${shortHash(known.fileHash)}): no copy was made; it is selected.` : undefined);
    onChanged();
    onSelect(variant.id);
  };

  const rename = async (variant: ModelVariant, name: string) => {
    try {
      await services.models.rename({ variantId: variant.id, name });
      setRenaming(undefined);
      setError(undefined);
      onChanged();
    } catch (caught) {
      setError(asError(caught));
    }
  };

  if (!loaded) return <div aria-busy="true" />;
  if (variants.length === 0) {
    return (
      <Panel title="Import a model">
        <EmptyState title="No model in this project yet">
          <ImportZone projectId={projectId} onImported={onImported} large />
        </EmptyState>
      </Panel>
    );
  }

  const remove = async (variant: ModelVariant) => {
    setDeleting(undefined);
    try {
      await services.models.remove({ variantId: variant.id });
      onChanged();
    } catch (caught) {
      setError(asError(caught));
    }
  };

  const variantColumns: Column<ModelVariant>[] = [
    {
      header: 'Variant',
      className: 'cell--name',
      title: (variant) => `${variant.name}\n${variant.fileHash}, created ${formatTime(variant.createdAt)}`,
      render: (variant) =>
        renaming === variant.id ? (
          <RenameVariantForm variant={variant} onRename={(name) => void rename(variant, name)} onCancel={() => setRenaming(undefined)} />
        ) : (
          <button type="button" className="link-button truncate" onClick={() => onSelect(variant.id)} aria-current={variant.id === selected?.id ? 'true' : undefined} data-testid="variant-name">
            {variant.name}
          </button>
        ),
    },
    { header: 'Origin', className: 'muted cell--wrap', testId: 'variant-origin', render: (variant) => originText(variant, variants) },
    { header: 'Precision', className: 'cell--wrap', testId: 'variant-precision', render: (variant) => formatPrecision(variant.summary) },
    { header: 'MACs', align: 'numeric', title: (variant) => `${formatCount(variant.summary.ops)} ops`, render: (variant) => formatCount(variant.summary.macs) },
    { header: 'Params', align: 'numeric', render: (variant) => formatCount(variant.summary.parameters) },
    {
      header: 'No-reuse bound',
      headerTitle: noReuseMeaning,
      align: 'numeric',
      render: (variant) => formatBytes(variant.summary.peakActivationBytes),
    },
    { header: 'File', align: 'numeric', render: (variant) => formatBytes(variant.fileBytes) },
    { header: 'Accuracy', align: 'numeric', testId: 'variant-accuracy', render: (variant) => <AccuracyCell accuracy={variantAccuracy(variant, measurements.data ?? [])} /> },
    {
      header: 'Actions',
      align: 'actions',
      render: (variant) => (
        <>
          <button type="button" className="button button--small" onClick={() => setRenaming(variant.id)} aria-label={`Rename variant ${variant.name}`} data-testid="rename-variant">
            Rename
          </button>
          <button type="button" className="button button--small button--danger" onClick={() => setDeleting(variant)} aria-label={`Delete variant ${variant.name}`}>
            Delete
          </button>
        </>
      ),
    },
  ];

  return (
    <>
      <Panel title="Variants" actions={<ImportZone projectId={projectId} onImported={onImported} onError={setError} />} testId="variants-panel">
        <DataTable
          columns={variantColumns}
          rows={variants}
          rowKey={(variant) => variant.id}
          isSelected={(variant) => variant.id === selected?.id}
          rowTestId="variant-row"
          testId="variant-table"
        />
      </Panel>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      {notice && (
        <p className="note note--info" role="status" data-testid="import-notice">
          {notice}
        </p>
      )}
      {selected && <QuantizePanel projectId={projectId} variant={selected} variants={variants} onSelect={onSelect} />}
      {selected && <VariantDetail key={selected.id} variant={selected} />}
      {deleting && (
        <ConfirmDialog title={`Delete variant “${deleting.name}”?`} confirmLabel="Delete variant" onConfirm={() => void remove(deleting)} onCancel={() => setDeleting(undefined)}>
          <p>Its model file and its measurements are deleted with it. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function AccuracyCell({ accuracy }: { accuracy: ReturnType<typeof variantAccuracy> }) {
  if (!accuracy) return <span className="muted">—</span>;
  const samples = accuracy.samples !== undefined ? ` on ${formatCount(accuracy.samples)} samples` : '';
  return (
    <span title={`top-1 accuracy${samples}${accuracy.parent !== undefined ? `; its parent on the same samples: ${formatPercent(accuracy.parent)}` : ''}`}>
      {formatPercent(accuracy.accuracy)}
      {accuracy.parent !== undefined && <span className="muted"> (parent {formatPercent(accuracy.parent)})</span>}
    </span>
  );
}

function VariantDetail({ variant }: { variant: ModelVariant }) {
  const services = useServices();
  const detail = useQuery(`variant:${variant.id}`, () => services.models.get({ variantId: variant.id }));
  const [selectedOp, setSelectedOp] = useState<number>();
  if (detail.error) return <ErrorBanner error={detail.error} />;
  if (!detail.data) return <div aria-busy="true" />;
  return (
    <>
      <VariantFigures detail={detail.data} />
      <div className="model-views">
        <Panel title="Graph" testId="graph-panel">
          <GraphView variantId={variant.id} layers={detail.data.layers} selected={selectedOp} onSelect={setSelectedOp} />
        </Panel>
        <Panel title={`Layers (${detail.data.layers.length})`} testId="layers-panel">
          <div className="table-scroll layer-scroll">
            <LayerTable detail={detail.data} selected={selectedOp} onSelect={setSelectedOp} />
          </div>
        </Panel>
      </div>
    </>
  );
}

function VariantFigures({ detail }: { detail: ModelDetail }) {
  const io = (tensors: ModelDetail['inputs']) => tensors.map((tensor) => `${formatShape(tensor.shape)} ${tensor.dtype}`).join(', ');
  return (
    <div className="figures" data-testid="variant-figures">
      <Figure label="MACs" value={formatCount(detail.summary.macs)} testId="figure-macs" />
      <Figure label="Parameters" value={formatCount(detail.summary.parameters)} />
      <Figure label={memoryLabels.noReuse} value={formatBytes(detail.summary.peakActivationBytes)} title={noReuseMeaning} />
      <Figure label="Precision" value={formatPrecision(detail.summary)} wrap />
      <Figure label="Ops" value={formatCount(detail.summary.ops)} />
      <Figure label="File" value={formatBytes(detail.fileBytes)} />
      <Figure label="Input" value={io(detail.inputs)} title={detail.inputs.map((tensor) => tensor.name).join(', ')} wrap testId="figure-input" />
      <Figure label="Output" value={io(detail.outputs)} title={detail.outputs.map((tensor) => tensor.name).join(', ')} wrap testId="figure-output" />
    </div>
  );
}

function RenameVariantForm({ variant, onRename, onCancel }: { variant: ModelVariant; onRename: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(variant.name);
  return (
    <form
      className="rename-form"
      onSubmit={(event) => {
        event.preventDefault();
        onRename(name);
      }}
    >
      <input
        className="input"
        value={name}
        autoFocus
        maxLength={maxNameLength}
        aria-label={`New name of variant ${variant.name}`}
        onChange={(event) => setName(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
        data-testid="rename-variant-input"
      />
      <span className="muted field__hint" aria-live="polite">
        {name.length}/{maxNameLength}
      </span>
      <button type="submit" className="button button--small button--primary" disabled={name.trim() === ''}>
        Save
      </button>
    </form>
  );
}
