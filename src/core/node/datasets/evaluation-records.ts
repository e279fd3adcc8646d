import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../common/errors.js';
import type { Evaluation, EvaluationReport, ValidationReport } from '../../../shared/services/types.js';
import type { Store } from '../store/index.js';

/**
 * Evaluations (host accuracy with per-class figures, top-k and the confusion matrix) and
 * validations (a board's outputs against the host's) in the store's `evaluations` table
 * (migration 3), each row with its whole report as JSON. Kept beside Store rather than in it: it
 * reaches the database through `store.sqlite`, inside `store.transaction` so that a full disk is
 * reported as the store reports it. Rows go with their project, variant or job; a removed dataset
 * leaves its name.
 */

export type NewEvaluation = Omit<Evaluation, 'id' | 'createdAt' | 'accuracy' | 'samples' | 'evaluation' | 'validation'> &
  ({ kind: 'evaluate'; evaluation: EvaluationReport } | { kind: 'validate'; validation: ValidationReport });

interface EvaluationRow {
  id: string;
  project_id: string;
  variant_id: string;
  job_id: string | null;
  dataset_id: string | null;
  dataset_name: string;
  kind: 'evaluate' | 'validate';
  board_id: string | null;
  samples: number;
  accuracy: number | null;
  report: string;
  created_at: string;
}

export class EvaluationRecords {
  constructor(private readonly store: Store) {}

  add(evaluation: NewEvaluation): Evaluation {
    const id = randomUUID();
    const report = evaluation.kind === 'evaluate' ? evaluation.evaluation : evaluation.validation;
    const accuracy = evaluation.kind === 'evaluate' ? evaluation.evaluation.accuracy : evaluation.validation.accuracy.board;
    this.store.transaction(() =>
      this.store.sqlite
        .prepare(
          `INSERT INTO evaluations (id, project_id, variant_id, job_id, dataset_id, dataset_name, kind, board_id, samples, accuracy, report, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          evaluation.projectId,
          evaluation.variantId,
          evaluation.jobId,
          evaluation.datasetId,
          evaluation.datasetName,
          evaluation.kind,
          evaluation.boardId ?? null,
          report.samples,
          accuracy,
          JSON.stringify(report),
          new Date().toISOString(),
        ),
    );
    return this.get(id);
  }

  get(id: string): Evaluation {
    const row = this.store.sqlite.prepare('SELECT * FROM evaluations WHERE id = ?').get(id) as EvaluationRow | undefined;
    if (!row) throw new NotFoundError(`evaluation ${id} not found`, { evaluationId: id });
    return fromRow(row);
  }

  /** Of a project (or one variant), newest first. */
  list(filter: { projectId: string; variantId?: string }): Evaluation[] {
    const rows = (
      filter.variantId === undefined
        ? this.store.sqlite.prepare('SELECT * FROM evaluations WHERE project_id = ? ORDER BY created_at DESC, rowid DESC').all(filter.projectId)
        : this.store.sqlite.prepare('SELECT * FROM evaluations WHERE project_id = ? AND variant_id = ? ORDER BY created_at DESC, rowid DESC').all(filter.projectId, filter.variantId)
    ) as EvaluationRow[];
    return rows.map(fromRow);
  }
}

function fromRow(row: EvaluationRow): Evaluation {
  const report = JSON.parse(row.report) as EvaluationReport | ValidationReport;
  return {
    id: row.id,
    projectId: row.project_id,
    variantId: row.variant_id,
    jobId: row.job_id,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    kind: row.kind,
    ...(row.board_id !== null ? { boardId: row.board_id } : {}),
    samples: row.samples,
    accuracy: row.accuracy,
    ...(row.kind === 'evaluate' ? { evaluation: report as EvaluationReport } : { validation: report as ValidationReport }),
    createdAt: row.created_at,
  };
}
