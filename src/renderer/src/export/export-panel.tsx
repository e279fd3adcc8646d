/**
 * Export and share: the generated C project of a variant for a board (the zip `tinydeploy build
 * --out` would write), its compiled firmware, the variant's .tflite, and a deploy measurement's
 * report (HTML with its charts, or the per-layer table as CSV or JSON). The services make the
 * files; download.ts saves them.
 */

import { useState } from 'react';
import type { ComparisonRow, ModelVariant } from '../../../shared/services/types.js';
import { ErrorBanner, Panel } from '../components/widgets.js';
import { VariantField } from '../components/variant-field.js';
import { formatBytes, formatTime } from '../format.js';
import { useDevices, useServices } from '../state/services-context.js';
import { optimizeChoice } from '../deploy/optimize-words.js';
import { ReportButtons } from './report-downloads.js';
import { useExport } from './use-export.js';

/** A deploy measurement one can make a report of: its row in the comparison. */
export type ReportSource = Pick<ComparisonRow, 'measurementId' | 'variantName' | 'board' | 'measuredAt' | 'optimizeFor'>;

export function ExportPanel({ variants, measurements, initialVariantId }: { variants: readonly ModelVariant[]; measurements: readonly ReportSource[]; initialVariantId?: string }) {
  const services = useServices();
  const { listing } = useDevices();
  const [variantId, setVariantId] = useState(initialVariantId ?? variants[0]?.id ?? '');
  const [boardId, setBoardId] = useState('virtual-m4f');
  const [measurementId, setMeasurementId] = useState<string>();
  const exporter = useExport();
  const { busy, saved } = exporter;
  const run = (name: string, make: Parameters<typeof exporter.run>[1]) => void exporter.run(name, make);
  const label = exporter.label;
  const reportable = measurements.filter((entry) => entry.measurementId);
  const chosenMeasurement = measurementId ?? reportable[0]?.measurementId;
  const boards = listing?.boards ?? [];

  return (
    <Panel title="Export and share" testId="export-panel">
      <div className="export">
        <form className="inline-form" aria-label="Export a variant" onSubmit={(event) => event.preventDefault()}>
          <VariantField variants={variants} value={variantId} onChange={setVariantId} testId="export-variant" withSize={false} />
          <label className="field">
            <span className="field__label">Board</span>
            <select className="select" value={boardId} onChange={(event) => setBoardId(event.target.value)} data-testid="export-board">
              {boards.length === 0 && <option value={boardId}>{boardId}</option>}
              {boards.map((board) => (
                <option key={board.id} value={board.id}>
                  {board.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button" disabled={!variantId || busy !== undefined} onClick={() => run('c', () => services.exports.cProject({ variantId, boardId }))} data-testid="export-c-project" title="The generated C project (model, kernels, board files, Makefile, CMakeLists.txt) as tinydeploy build --out writes it">
            {label('c', 'C project (.zip)')}
          </button>
          <button type="button" className="button" disabled={!variantId || busy !== undefined} onClick={() => run('firmware', () => services.exports.firmware({ variantId, boardId }))} data-testid="export-firmware" title="Compiled with arm-none-eabi-gcc: the ELF (and .bin/.hex/.uf2 for real boards) with its build report">
            {label('firmware', 'Firmware (.zip)')}
          </button>
          <button type="button" className="button" disabled={!variantId || busy !== undefined} onClick={() => run('model', () => services.exports.model({ variantId }))} data-testid="export-model">
            {label('model', 'Model (.tflite)')}
          </button>
        </form>
        <form className="inline-form" aria-label="Export a measurement report" onSubmit={(event) => event.preventDefault()}>
          <label className="field">
            <span className="field__label">Measurement</span>
            <select className="select" value={chosenMeasurement ?? ''} onChange={(event) => setMeasurementId(event.target.value)} disabled={reportable.length === 0} data-testid="export-measurement">
              {reportable.length === 0 && <option value="">no deploy yet</option>}
              {reportable.map((entry) => (
                <option key={entry.measurementId} value={entry.measurementId}>
                  {entry.variantName} on {entry.board?.id ?? '?'}
                  {entry.optimizeFor ? ` for ${optimizeChoice(entry.optimizeFor).label.toLowerCase()}` : ''}
                  {entry.measuredAt ? `, ${formatTime(entry.measuredAt)}` : ''}
                </option>
              ))}
            </select>
          </label>
          <ReportButtons measurementId={chosenMeasurement} exporter={exporter} />
        </form>
        {saved && (
          <p className="muted" data-testid="export-saved" role="status">
            Saved {saved.fileName} ({formatBytes(saved.bytes.length)}).
          </p>
        )}
        <ErrorBanner error={exporter.error} onDismiss={exporter.clearError} />
      </div>
    </Panel>
  );
}
