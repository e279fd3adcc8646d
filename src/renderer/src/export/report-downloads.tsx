/**
 * A deploy measurement's report as downloads: one HTML file with its charts, or the per-layer
 * table as CSV or JSON (the export service makes them). Shown beside a deploy's result and in
 * the Compare tab's export panel.
 */

import type { ReportFormat } from '../../../shared/services/types.js';
import { ErrorBanner } from '../components/widgets.js';
import { useServices } from '../state/services-context.js';
import { useExport, type Exporter } from './use-export.js';

const formats: { format: ReportFormat; text: string; title: string }[] = [
  { format: 'html', text: 'Report (HTML)', title: 'One HTML file with its charts inline: opens anywhere, sends as an attachment' },
  { format: 'csv', text: 'Layers (CSV)', title: 'The per-layer table: latency, share, MACs, latency per MAC, arena live' },
  { format: 'json', text: 'Report (JSON)', title: 'The figures and the per-layer table for scripts' },
];

/** The three report buttons for `measurementId`, driven by `exporter` (one shared with other buttons, or its own). */
export function ReportButtons({ measurementId, exporter, testIdPrefix = 'export-report' }: { measurementId: string | undefined; exporter: Exporter; testIdPrefix?: string }) {
  const services = useServices();
  return (
    <>
      {formats.map(({ format, text, title }) => (
        <button
          key={format}
          type="button"
          className="button"
          disabled={!measurementId || exporter.busy !== undefined}
          title={title}
          onClick={() => measurementId && void exporter.run(`report-${format}`, () => services.exports.report({ measurementId, format }))}
          data-testid={`${testIdPrefix}-${format}`}
        >
          {exporter.label(`report-${format}`, text)}
        </button>
      ))}
    </>
  );
}

/** The report buttons with their own state and error, for a deploy's result. */
export function ReportDownloads({ measurementId }: { measurementId: string }) {
  const exporter = useExport();
  return (
    <span className="report-downloads" data-testid="report-downloads">
      <ReportButtons measurementId={measurementId} exporter={exporter} testIdPrefix="result-report" />
      <ErrorBanner error={exporter.error} onDismiss={exporter.clearError} />
    </span>
  );
}
