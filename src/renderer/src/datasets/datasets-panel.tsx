/**
 * The project's datasets: the list (format, samples, folder), adding one — the desktop app's
 * folder picker, browser mode's upload of a folder or a .zip of it (into the data folder's
 * `datasets/`), or a folder path on the serving machine — and a preview of the selected one (its format and a few samples
 * drawn as images, spectrograms or time series).
 */

import { useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import type { Dataset } from '../../../shared/services/types.js';
import { maxModelBytes } from '../../../shared/services/schemas.js';
import { maxWebSocketMessageBytes } from '../../../shared/services/websocket-channel.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { formatBytes, formatCount } from '../format.js';
import { asError, useQuery, useServices } from '../state/services-context.js';
import { DatasetPreviewView } from './dataset-preview.js';
import './datasets.css';

/** The desktop app has the preload bridge, and with it a folder dialog; browser mode uploads instead. */
const inDesktopApp = typeof window !== 'undefined' && (window as { tinydeploy?: unknown }).tinydeploy !== undefined;

/** Most bytes one upload may carry: what one message to the server may hold. */
const maxUploadBytes = maxModelBytes;

/** Whether files of these sizes and paths fit one message once encoded (base64 and JSON around each file). */
function fitsOneMessage(files: readonly { size: number; path: string }[]): boolean {
  const encoded = files.reduce((sum, file) => sum + Math.ceil(file.size / 3) * 4 + file.path.length + 48, 1024);
  return encoded <= maxWebSocketMessageBytes;
}

export function DatasetsPanel({
  projectId,
  datasets,
  selectedId,
  onSelect,
  onChanged,
}: {
  projectId: string;
  datasets: Dataset[] | undefined;
  selectedId: string | undefined;
  onSelect: (datasetId: string) => void;
  onChanged: (added?: Dataset) => void;
}) {
  const services = useServices();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  const [path, setPath] = useState('');

  const run = async (what: string, action: () => Promise<Dataset | null | void>) => {
    setBusy(what);
    setError(undefined);
    try {
      const added = await action();
      onChanged(added ?? undefined);
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setBusy(undefined);
    }
  };

  const choose = () =>
    run('choosing a folder', async () => {
      const folder = await services.datasets.chooseFolder();
      return folder === null ? null : services.datasets.add({ projectId, path: folder });
    });

  const upload = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    if (files.length === 0) return;
    void run('uploading', async () => {
      const total = files.reduce((sum, file) => sum + file.size, 0);
      if (!fitsOneMessage(files.map((file) => ({ size: file.size, path: file.webkitRelativePath || file.name })))) {
        throw new Error(
          `the folder holds ${formatBytes(total)} in ${files.length} files, more than one upload may carry (about ${formatBytes(maxUploadBytes)}); zip it, copy it into the data folder's datasets/ folder on the server, or start tinydeploy serve with --allow-folder and add it by its path`,
        );
      }
      // webkitRelativePath is "<folder>/<path inside it>": the folder names the dataset.
      const relative = files.map((file) => file.webkitRelativePath || file.name);
      const name = relative[0].includes('/') ? relative[0].split('/')[0] : 'dataset';
      const entries = await Promise.all(
        files.map(async (file, i) => ({ path: relative[i].includes('/') ? relative[i].slice(relative[i].indexOf('/') + 1) : relative[i], bytes: new Uint8Array(await file.arrayBuffer()) })),
      );
      // Hidden files of the folder (.DS_Store, …) are not part of a dataset.
      return services.datasets.upload({ projectId, name, files: entries.filter((entry) => !entry.path.split('/').some((part) => part.startsWith('.'))) });
    });
  };

  const uploadZip = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    void run('uploading', async () => {
      if (file.size > maxUploadBytes) throw new Error(`${file.name} is ${formatBytes(file.size)}, more than the ${formatBytes(maxUploadBytes)} one upload may carry`);
      const name = file.name.replace(/\.zip$/i, '') || 'dataset';
      return services.datasets.upload({ projectId, name, files: [{ path: file.name, bytes: new Uint8Array(await file.arrayBuffer()) }] });
    });
  };

  const addPath = (event: FormEvent) => {
    event.preventDefault();
    void run('adding', async () => {
      const added = await services.datasets.add({ projectId, path: path.trim() });
      setPath('');
      return added;
    });
  };

  const columns: Column<Dataset>[] = [
    { header: 'Dataset', rowHeader: true, render: (dataset) => dataset.name, title: (dataset) => dataset.name },
    { header: 'Format', render: (dataset) => dataset.format },
    { header: 'Samples', align: 'numeric', render: (dataset) => formatCount(dataset.sampleCount) },
    { header: 'Folder', className: 'mono muted dataset-path', title: (dataset) => dataset.path, render: (dataset) => dataset.path },
    {
      header: 'Actions',
      align: 'actions',
      render: (dataset) => (
        <button
          type="button"
          className="button button--small button--danger"
          onClick={(event) => {
            event.stopPropagation();
            void run('removing', () => services.datasets.remove({ datasetId: dataset.id }));
          }}
          aria-label={`Remove dataset ${dataset.name}`}
        >
          Remove
        </button>
      ),
    },
  ];

  const selected = datasets?.find((dataset) => dataset.id === selectedId);
  return (
    <Panel title="Datasets" testId="datasets-panel">
      <div className="dataset-add">
        {inDesktopApp ? (
          <button type="button" className="button" onClick={() => void choose()} disabled={busy !== undefined} data-testid="choose-dataset-folder">
            Choose dataset folder…
          </button>
        ) : (
          <label className={`button${busy ? ' button--disabled' : ''}`} data-testid="upload-dataset-label">
            Upload dataset folder…
            <input
              type="file"
              className="visually-hidden"
              multiple
              {...{ webkitdirectory: '', directory: '' }}
              onChange={upload}
              disabled={busy !== undefined}
              data-testid="dataset-folder-input"
            />
          </label>
        )}
        {!inDesktopApp && (
          <label className={`button${busy ? ' button--disabled' : ''}`} data-testid="upload-dataset-zip-label">
            Upload .zip…
            <input type="file" className="visually-hidden" accept=".zip,application/zip" onChange={uploadZip} disabled={busy !== undefined} data-testid="dataset-zip-input" />
          </label>
        )}
        <form className="dataset-add__path" onSubmit={addPath} aria-label="Add a dataset by its folder path">
          <label className="field field--wide">
            <span className="field__label">or a folder path on {inDesktopApp ? 'this computer' : 'the server'}</span>
            <input className="input" type="text" value={path} placeholder="/path/to/dataset" onChange={(event) => setPath(event.target.value)} data-testid="accuracy-dataset-path" />
          </label>
          <button type="submit" className="button" disabled={busy !== undefined || path.trim() === ''} data-testid="accuracy-add-dataset">
            Add
          </button>
        </form>
        {busy && (
          <span className="muted" aria-live="polite">
            {busy}…
          </span>
        )}
      </div>
      <p className="note">
        A dataset is a folder with a <code>dataset.json</code> describing its samples (one file per sample with a label CSV, or IDX files as MNIST&apos;s). Datasets are referenced where they are
        {inDesktopApp ? '' : '; an uploaded folder is copied into the data folder'}.
      </p>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      <DataTable
        columns={columns}
        rows={datasets}
        rowKey={(dataset) => dataset.id}
        isSelected={(dataset) => dataset.id === selectedId}
        onRowClick={(dataset) => onSelect(dataset.id)}
        rowTestId="dataset-row"
        empty={{ title: 'No dataset yet', body: 'Add a folder to evaluate accuracy and validate on a board.' }}
        testId="datasets-table"
      />
      {selected && <DatasetPreviewLoader dataset={selected} />}
    </Panel>
  );
}

function DatasetPreviewLoader({ dataset }: { dataset: Dataset }) {
  const services = useServices();
  const preview = useQuery(`dataset-preview:${dataset.id}`, () => services.datasets.preview({ datasetId: dataset.id, count: 6 }));
  if (preview.error) return <ErrorBanner error={preview.error} />;
  if (!preview.data) return <div aria-busy="true" className="muted">reading the first samples…</div>;
  return <DatasetPreviewView preview={preview.data} />;
}
