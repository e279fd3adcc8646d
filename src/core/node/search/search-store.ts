/**
 * Searches and their trials in the project store (schema 4: `searches`, `search_trials`). A search
 * is found again by its key (space, dataset, board, budgets, optimizer, seed, epochs…), so running
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
  createdAt?: string;
}

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
  created_at: string;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

export class SearchStore {
  private readonly database: Database;
  constructor(store: Store) {
    this.database = store.sqlite;
  }

  /** The search with this key (created with `config` when new); `resumed` when it already had one. */
  openSearch(key: string, config: unknown): { id: string; resumed: boolean } {
    const row = this.database.prepare('SELECT id FROM searches WHERE key = ?').get(key) as { id: string } | undefined;
    if (row) return { id: row.id, resumed: true };
    const id = randomUUID();
    const now = new Date().toISOString();
    this.database.prepare('INSERT INTO searches (id, key, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, key, JSON.stringify(config), now, now);
    return { id, resumed: false };
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
      createdAt: row.created_at,
    }));
  }

  addTrial(searchId: string, trial: TrialRecord): void {
    const now = new Date().toISOString();
    this.database.transaction(() => {
      this.database
        .prepare(
          `INSERT INTO search_trials (search_id, idx, params, status, reason, accuracy, latency, latency_unit, arena_bytes, stack_bytes, flash_bytes, bit_exact, details, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          now,
        );
      this.database.prepare('UPDATE searches SET updated_at = ? WHERE id = ?').run(now, searchId);
    })();
  }
}
