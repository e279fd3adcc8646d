/**
 * Searches and their trials in the project store (schema 4: `searches`, `search_trials`; schema 5:
 * the project and job of a search started from the app, each trial's int8 model). A search is
 * found again by its key (space, dataset, board, budgets, optimizer, seed, epochs…), so running
 * the same search again continues from its stored trials instead of starting over.
 */

import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Candidate } from '../../common/search/space.js';
import type { Store } from '../store/store.js';

export type TrialStatus = 'ok' | 'over-budget' | 'rejected' | 'failed';

export interface TrialRecord {
  index: number;
  params: Candidate;
  status: TrialStatus;
  reason?: string;
  accuracy?: number;
  latency?: number;
  latencyUnit?: string;
  arenaBytes?: number;
  stackBytes?: number;
  flashBytes?: number;
  bitExact?: boolean;
  details?: Record<string, unknown>;
  /** `sha256:<hex>` of the trial's int8 .tflite in the store's model files (kept by searches run from the app). */
  modelHash?: string;
  createdAt?: string;
}

/** A stored search: what defines it and where it belongs. */
export interface SearchRecord {
  id: string;
  key: string;
  config: Record<string, unknown>;
  projectId: string | null;
  jobId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface SearchRow {
  id: string;
  key: string;
  config: string;
  project_id: string | null;
  job_id: string | null;
  created_at: string;
  updated_at: string;
}

const searchFromRow = (row: SearchRow): SearchRecord => ({
  id: row.id,
  key: row.key,
  config: JSON.parse(row.config) as Record<string, unknown>,
  projectId: row.project_id,
  jobId: row.job_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

interface TrialRow {
  idx: number;
  params: string;
  status: TrialStatus;
  reason: string | null;
  accuracy: number | null;
  latency: number | null;
  latency_unit: string | null;
  arena_bytes: number | null;
  stack_bytes: number | null;
  flash_bytes: number | null;
  bit_exact: number | null;
  details: string | null;
  model_hash: string | null;
  created_at: string;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

export class SearchStore {
  private readonly database: Database;
  constructor(private readonly store: Store) {
    this.database = store.sqlite;
  }

  /**
   * The search with this key (created with `config` when new); `resumed` when it already had one.
   * `owner`: the project it belongs to and the job now running it (searches run from the app).
   */
  openSearch(key: string, config: unknown, owner: { projectId?: string; jobId?: string } = {}): { id: string; resumed: boolean } {
    const row = this.database.prepare('SELECT id FROM searches WHERE key = ?').get(key) as { id: string } | undefined;
    const now = new Date().toISOString();
    if (row) {
      if (owner.jobId !== undefined) this.database.prepare('UPDATE searches SET job_id = ?, updated_at = ? WHERE id = ?').run(owner.jobId, now, row.id);
      return { id: row.id, resumed: true };
    }
    const id = randomUUID();
    this.database
      .prepare('INSERT INTO searches (id, key, config, project_id, job_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, key, JSON.stringify(config), owner.projectId ?? null, owner.jobId ?? null, now, now);
    return { id, resumed: false };
  }

  /** The search with this id, or undefined. */
  findSearch(id: string): SearchRecord | undefined {
    const row = this.database.prepare('SELECT * FROM searches WHERE id = ?').get(id) as SearchRow | undefined;
    return row ? searchFromRow(row) : undefined;
  }

  /** The searches of a project, newest first. */
  listSearches(projectId: string): SearchRecord[] {
    return (this.database.prepare('SELECT * FROM searches WHERE project_id = ? ORDER BY created_at DESC, rowid DESC').all(projectId) as SearchRow[]).map(searchFromRow);
  }

  /** Keeps a trial's int8 model in the store's model files; returns its hash for `addTrial`. */
  keepModel(bytes: Uint8Array): string {
    return this.store.modelFiles.write(bytes);
  }

  /** The bytes of a kept trial model. */
  readModel(hash: string): Uint8Array {
    return this.store.modelFiles.read(hash);
  }

  trials(searchId: string): TrialRecord[] {
    const rows = this.database.prepare('SELECT * FROM search_trials WHERE search_id = ? ORDER BY idx').all(searchId) as TrialRow[];
    return rows.map((row) => ({
      index: row.idx,
      params: JSON.parse(row.params) as Candidate,
      status: row.status,
      ...(row.reason !== null ? { reason: row.reason } : {}),
      ...(row.accuracy !== null ? { accuracy: row.accuracy } : {}),
      ...(row.latency !== null ? { latency: row.latency } : {}),
      ...(row.latency_unit !== null ? { latencyUnit: row.latency_unit } : {}),
      ...(row.arena_bytes !== null ? { arenaBytes: row.arena_bytes } : {}),
      ...(row.stack_bytes !== null ? { stackBytes: row.stack_bytes } : {}),
      ...(row.flash_bytes !== null ? { flashBytes: row.flash_bytes } : {}),
      ...(row.bit_exact !== null ? { bitExact: row.bit_exact === 1 } : {}),
      ...(row.details !== null ? { details: JSON.parse(row.details) as Record<string, unknown> } : {}),
      ...(row.model_hash !== null ? { modelHash: row.model_hash } : {}),
      createdAt: row.created_at,
    }));
  }

  /** Stores a trial; a trial already stored under its index is kept as it was (false then). */
  addTrial(searchId: string, trial: TrialRecord): boolean {
    const now = new Date().toISOString();
    return this.database.transaction(() => {
      const inserted = this.database
        .prepare(
          `INSERT OR IGNORE INTO search_trials (search_id, idx, params, status, reason, accuracy, latency, latency_unit, arena_bytes, stack_bytes, flash_bytes, bit_exact, details, model_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          searchId,
          trial.index,
          JSON.stringify(trial.params),
          trial.status,
          orNull(trial.reason),
          orNull(trial.accuracy),
          orNull(trial.latency),
          orNull(trial.latencyUnit),
          orNull(trial.arenaBytes),
          orNull(trial.stackBytes),
          orNull(trial.flashBytes),
          trial.bitExact === undefined ? null : trial.bitExact ? 1 : 0,
          trial.details ? JSON.stringify(trial.details) : null,
          orNull(trial.modelHash),
          now,
        );
      this.database.prepare('UPDATE searches SET updated_at = ? WHERE id = ?').run(now, searchId);
      return inserted.changes === 1;
    })();
  }
}
