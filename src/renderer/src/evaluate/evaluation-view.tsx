/**
 * One evaluation (host accuracy of a variant on a dataset) and one validation (a board against
 * the host on the same samples), as the Accuracy tab shows the last of each and History any of
 * them: headline figures, the confusion matrix as a picture, precision and recall per class,
 * top-k.
 */

import type { ClassMetrics, Evaluation, EvaluationReport, ValidationReport } from '../../../shared/services/types.js';
import { DataTable } from '../components/data-table.js';
import type { Column } from '../components/data-table.js';
import { Figure } from '../components/widgets.js';
import { formatCount, formatPercent, formatTime } from '../format.js';
import { optimizeChoice } from '../deploy/optimize-words.js';
import { ConfusionMatrix } from './confusion-matrix.js';
import './evaluate.css';

const percentOrDash = (value: number | null) => (value === null ? '–' : formatPercent(value, 1));

export function EvaluationView({ evaluation, variantName }: { evaluation: Evaluation; variantName?: string }) {
  if (evaluation.evaluation) return <EvaluationReportView report={evaluation.evaluation} evaluation={evaluation} variantName={variantName} />;
  if (evaluation.validation) return <ValidationReportView report={evaluation.validation} evaluation={evaluation} variantName={variantName} />;
  return null;
}

function Meta({ evaluation, variantName }: { evaluation: Evaluation; variantName?: string }) {
  // A validation's firmware: what it was generated for (absent in validations stored before it was recorded).
  const optimizeFor = evaluation.validation?.optimizeFor;
  return (
    <span className="muted">
      {variantName ?? evaluation.variantId} on {evaluation.datasetName}
      {evaluation.boardId ? `, ${evaluation.boardId} against the host` : ' (host interpreter)'}
      {optimizeFor && (
        <>
          , optimized for{' '}
          <span data-testid="validation-optimize-for" title={optimizeChoice(optimizeFor).meaning}>
            {optimizeChoice(optimizeFor).label.toLowerCase()}
          </span>
        </>
      )}{' '}
      · {formatTime(evaluation.createdAt)}
    </span>
  );
}

function EvaluationReportView({ report, evaluation, variantName }: { report: EvaluationReport; evaluation: Evaluation; variantName?: string }) {
  const columns: Column<ClassMetrics>[] = [
    { header: 'Class', rowHeader: true, render: (entry) => entry.name },
    { header: 'Samples', align: 'numeric', render: (entry) => formatCount(entry.support) },
    { header: 'Predicted', align: 'numeric', render: (entry) => formatCount(entry.predicted) },
    { header: 'Precision', align: 'numeric', testId: 'class-precision', headerTitle: 'Of the samples predicted as this class, the share that are', render: (entry) => percentOrDash(entry.precision) },
    { header: 'Recall', align: 'numeric', testId: 'class-recall', headerTitle: 'Of the samples of this class, the share predicted as it', render: (entry) => percentOrDash(entry.recall) },
    { header: 'F1', align: 'numeric', render: (entry) => percentOrDash(entry.f1) },
  ];
  return (
    <div className="evaluation" data-testid="evaluation-result">
      <div className="evaluation__headline">
        <span className="evaluation__accuracy" data-testid="evaluation-accuracy">
          {formatPercent(report.accuracy, 2)}
        </span>
        <span className="evaluation__accuracy-label">
          top-1 accuracy · {formatCount(report.correct)} of {formatCount(report.samples)} samples
        </span>
        <Meta evaluation={evaluation} variantName={variantName} />
      </div>
      <div className="figures" data-testid="top-k">
        {report.topK.map((entry) => (
          <Figure key={entry.k} label={`Top-${entry.k}`} value={formatPercent(entry.accuracy, 2)} title={`${entry.correct} of ${report.samples}: the actual class is among the ${entry.k} highest scores`} testId={`top-${entry.k}`} />
        ))}
      </div>
      <div className="evaluation__body">
        <ConfusionMatrix classes={report.classes} confusion={report.confusion} />
        <DataTable columns={columns} rows={report.perClass} rowKey={(entry) => entry.name} rowTestId="class-row" testId="per-class-table" />
      </div>
    </div>
  );
}

/** A figure of the float comparison: 0 exactly, or 4 significant digits. */
function formatError(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  return value.toPrecision(4);
}

function ValidationReportView({ report, evaluation, variantName }: { report: ValidationReport; evaluation: Evaluation; variantName?: string }) {
  const identical = report.equal === report.samples;
  const verdict = identical ? 'identical' : report.passed === report.samples ? 'tolerance' : 'differs';
  return (
    <div className="validation" data-testid="validation-result">
      <div className="evaluation__headline">
        <span className="evaluation__accuracy" data-testid="validation-equal">
          {report.equal}/{report.samples}
        </span>
        <span className="evaluation__accuracy-label">samples with identical outputs on {report.boardId} and the host</span>
        <span className={`badge badge--${verdict === 'identical' ? 'exact' : verdict}`} data-testid="validation-badge">
          {verdict === 'identical' ? '✓ bit-exact on every sample' : verdict === 'tolerance' ? `≈ ${report.passed} of ${report.samples} within float tolerance` : `✗ ${report.samples - report.passed} samples differ`}
        </span>
        <Meta evaluation={evaluation} variantName={variantName} />
      </div>
      <div className="figures">
        <Figure label="Accuracy on the board" value={percentOrDash(report.accuracy.board)} testId="validation-board-accuracy" />
        <Figure label="Accuracy on the host" value={percentOrDash(report.accuracy.host)} testId="validation-host-accuracy" />
        <Figure label="Classified differently" value={formatCount(report.disagreements)} title="Samples where the board and the host predict different classes" />
        <Figure label="max |Δ|" value={formatError(report.maxAbsDiff)} testId="validation-max-diff" title={`Largest difference of one output value (real values; ${report.outputDType} outputs)`} />
        <Figure label="RMSE" value={formatError(report.rmse)} />
        <Figure label="MAE" value={formatError(report.mae)} />
        <Figure label="Cosine" value={report.cosine.toFixed(6)} title="Cosine similarity of the board's and the host's outputs" />
        <Figure label="L2 relative" value={formatError(report.l2r)} title="‖board − host‖ / ‖host‖" />
      </div>
      {report.differing.length > 0 && (
        <p className="note" data-testid="validation-differing">
          First differing samples: {report.differing.map((entry) => `${entry.index} (${entry.source}, max |Δ| ${formatError(entry.maxAbsDiff)})`).join(', ')}
        </p>
      )}
    </div>
  );
}
