/**
 * Making a file with a service and saving it, with what the buttons show meanwhile: which export
 * is running, the last file saved, the error if one failed.
 */

import { useState } from 'react';
import type { ExportFile } from '../../../shared/services/types.js';
import { asError } from '../state/services-context.js';
import { saveExportFile } from './download.js';

export interface Exporter {
  /** The export running now (its name), if any. */
  busy: string | undefined;
  saved: ExportFile | undefined;
  error: Error | undefined;
  clearError: () => void;
  run: (name: string, make: () => Promise<ExportFile>) => Promise<void>;
  /** The button text: `text…` while `name` runs. */
  label: (name: string, text: string) => string;
}

export function useExport(): Exporter {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  const [saved, setSaved] = useState<ExportFile>();
  return {
    busy,
    saved,
    error,
    clearError: () => setError(undefined),
    async run(name, make) {
      setBusy(name);
      setError(undefined);
      try {
        const file = await make();
        saveExportFile(file);
        setSaved(file);
      } catch (caught) {
        setError(asError(caught));
      } finally {
        setBusy(undefined);
      }
    },
    label: (name, text) => (busy === name ? `${text}…` : text),
  };
}
