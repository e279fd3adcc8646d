/**
 * Importing a model: drop a file on the zone or pick it with the file dialog. The bytes go to
 * `models.importModel`; the importer's error (an ImportError naming the file and what is wrong)
 * is shown as it comes.
 */

import { useState } from 'react';
import type { DragEvent } from 'react';
import type { ModelVariant } from '../../../shared/services/types.js';
import { ErrorBanner } from '../components/widgets.js';
import { formatBytes } from '../format.js';
import { asError, useServices } from '../state/services-context.js';

/**
 * `onError` receives the import's error (or undefined when a new import starts) for a screen that
 * shows it elsewhere; without it the zone shows the error under itself.
 */
export function ImportZone({
  projectId,
  onImported,
  onError,
  large,
}: {
  projectId: string;
  onImported: (variant: ModelVariant) => void;
  onError?: (error: Error | undefined) => void;
  large?: boolean;
}) {
  const services = useServices();
  const [dragging, setDragging] = useState(false);
  const [importing, setImporting] = useState<string>();
  const [ownError, setOwnError] = useState<Error>();
  const setError = onError ?? setOwnError;

  const importFile = async (file: File) => {
    setError(undefined);
    setImporting(`${file.name} (${formatBytes(file.size)})`);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      onImported(await services.models.importModel({ projectId, fileName: file.name, bytes }));
    } catch (caught) {
      setError(asError(caught));
    } finally {
      setImporting(undefined);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void importFile(file);
  };

  return (
    <div className="import">
      <div
        className={`drop-zone${dragging ? ' drop-zone--active' : ''}${large ? ' drop-zone--large' : ''}`}
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {importing ? (
          <span role="status" aria-live="polite">
            Importing {importing}…
          </span>
        ) : (
          <>
            <span>{large ? 'Drop a model file here (TFLite .tflite or ONNX .onnx, int8 or float), or' : 'Drop a .tflite or .onnx file here, or'}</span>
            <label className="button file-button">
              Choose file…
              <input
                type="file"
                accept=".tflite,.onnx"
                className="visually-hidden"
                aria-label="Model file"
                data-testid="model-file-input"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  event.target.value = '';
                  if (file) void importFile(file);
                }}
              />
            </label>
          </>
        )}
      </div>
      {!onError && <ErrorBanner error={ownError} onDismiss={() => setOwnError(undefined)} />}
    </div>
  );
}
