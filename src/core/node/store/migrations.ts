import type { Database } from 'better-sqlite3';
import { TinyDeployError } from '../../common/errors.js';

/**
 * The store's schema, as an ordered list of migrations. The database records the version it is
 * at in `PRAGMA user_version` (0 for a new file); opening runs every later migration in order,
 * each in its own transaction together with the version bump, so a migration that fails leaves
 * the database at the previous version, untouched.
 *
 * Rules for adding one: append, never edit a released entry (users' databases already ran it);
 * give it the next version number; write it so it works on the data a real user has (copy
 * columns, do not assume empty tables). A database at a version above the last entry was
 * written by a newer TinyDeploy and is refused rather than misread.
 */

export interface Migration {
  /** The `user_version` after this migration (1, 2, 3, … without gaps). */
  version: number;
  /** One line for people: what this version adds. */
  description: string;
  /** SQL run with `exec`, or a function for changes that need code. Runs inside a transaction. */
  up: string | ((database: Database) => void);
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'projects, variants, datasets, jobs and their log, boards seen, deployments, measurements',
    up: `
      CREATE TABLE projects (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );

      -- A model variant: imported, or derived from its parent. The model bytes live in the data
      -- folder as models/<hex>.tflite, named by their SHA-256 (file_hash is 'sha256:<hex>').
      CREATE TABLE variants (
        id          TEXT PRIMARY KEY,
        project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        parent_id   TEXT REFERENCES variants(id) ON DELETE SET NULL,
        name        TEXT NOT NULL,
        origin      TEXT NOT NULL,      -- JSON VariantOrigin
        file_hash   TEXT NOT NULL,
        file_bytes  INTEGER NOT NULL,
        summary     TEXT NOT NULL,      -- JSON: ops, macs, parameters, peakActivationBytes, dtype
        detail      TEXT NOT NULL,      -- JSON: layers, inputs, outputs
        created_at  TEXT NOT NULL
      );
      CREATE INDEX variants_project ON variants(project_id);
      CREATE INDEX variants_file_hash ON variants(file_hash);

      -- Datasets are referenced on disk, not copied.
      CREATE TABLE datasets (
        id            TEXT PRIMARY KEY,
        project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,
        path          TEXT NOT NULL,
        format        TEXT NOT NULL CHECK (format IN ('files', 'idx')),
        sample_count  INTEGER NOT NULL,
        created_at    TEXT NOT NULL
      );
      CREATE INDEX datasets_project ON datasets(project_id);

      CREATE TABLE jobs (
        id           TEXT PRIMARY KEY,
        project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL,
        params       TEXT NOT NULL,     -- JSON
        board_id     TEXT,              -- the board the job holds while it runs (deploy)
        status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        progress     REAL NOT NULL DEFAULT 0,
        step         TEXT NOT NULL DEFAULT '',
        result       TEXT,              -- JSON
        error        TEXT,              -- JSON {name, message}
        created_at   TEXT NOT NULL,
        started_at   TEXT,
        finished_at  TEXT
      );
      CREATE INDEX jobs_project ON jobs(project_id);
      CREATE INDEX jobs_status ON jobs(status);

      -- Log lines are appended while a job runs: one row each, never a rewrite of the whole log.
      CREATE TABLE job_log (
        job_id  TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        line    TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      );

      -- Boards TinyDeploy has seen: catalog boards deployed to, serial devices plugged in.
      CREATE TABLE boards (
        id             TEXT PRIMARY KEY,
        kind           TEXT NOT NULL CHECK (kind IN ('virtual', 'real', 'serial')),
        name           TEXT NOT NULL,
        details        TEXT NOT NULL,   -- JSON
        first_seen_at  TEXT NOT NULL,
        last_seen_at   TEXT NOT NULL
      );

      -- One firmware build of a variant flashed to a board.
      CREATE TABLE deployments (
        id                 TEXT PRIMARY KEY,
        project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        variant_id         TEXT NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
        board_id           TEXT NOT NULL REFERENCES boards(id),
        job_id             TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        build_id           TEXT NOT NULL,
        flash_bytes        INTEGER NOT NULL,
        ram_bytes          INTEGER NOT NULL,
        arena_bytes        INTEGER NOT NULL,
        toolchain_version  TEXT NOT NULL,
        build              TEXT NOT NULL,  -- JSON BuildReport
        created_at         TEXT NOT NULL
      );
      CREATE INDEX deployments_variant ON deployments(variant_id);

      CREATE TABLE measurements (
        id                   TEXT PRIMARY KEY,
        project_id           TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        variant_id           TEXT NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
        job_id               TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        deployment_id        TEXT REFERENCES deployments(id) ON DELETE CASCADE,
        kind                 TEXT NOT NULL CHECK (kind IN ('deploy', 'evaluate')),
        board_id             TEXT,
        latency_value        REAL,
        latency_unit         TEXT CHECK (latency_unit IN ('instructions', 'cycles')),
        latency_ms           REAL,
        instructions_per_mac REAL,
        arena_bytes          INTEGER,
        stack_bytes          INTEGER,
        flash_bytes          INTEGER,
        ram_bytes            INTEGER,
        board_flash_bytes    INTEGER,
        board_ram_bytes      INTEGER,
        bit_exact            INTEGER,
        passed               INTEGER,
        accuracy             REAL,
        samples              INTEGER,
        layers               TEXT,      -- JSON [{index, op, latency, macs}]
        memory_timeline      TEXT,      -- JSON [{index, liveBytes}]
        details              TEXT,      -- JSON: anything else of the result (runs, confusion, …)
        created_at           TEXT NOT NULL
      );
      CREATE INDEX measurements_project ON measurements(project_id);
      CREATE INDEX measurements_variant ON measurements(variant_id);
    `,
  },
  {
    version: 2,
    description: "custom boards: the user's own board entries (\"My board\"), usable wherever a catalog board is",
    up: `
      CREATE TABLE custom_boards (
        id          TEXT PRIMARY KEY,
        spec        TEXT NOT NULL,      -- JSON CustomBoardSpec (core, clock, memory, UART, flash method)
        created_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'evaluations: host accuracy (per class, top-k, confusion) and on-board validations of a variant on a dataset',
    up: `
      CREATE TABLE evaluations (
        id            TEXT PRIMARY KEY,
        project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        variant_id    TEXT NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
        job_id        TEXT REFERENCES jobs(id) ON DELETE CASCADE,
        dataset_id    TEXT REFERENCES datasets(id) ON DELETE SET NULL,
        dataset_name  TEXT NOT NULL,    -- kept when the dataset is removed
        kind          TEXT NOT NULL CHECK (kind IN ('evaluate', 'validate')),
        board_id      TEXT,             -- validations: the board
        samples       INTEGER NOT NULL,
        accuracy      REAL,             -- null: a validation of a model that is not a classifier of the dataset's classes
        report        TEXT NOT NULL,    -- JSON EvaluationReport or ValidationReport
        created_at    TEXT NOT NULL
      );
      CREATE INDEX evaluations_project ON evaluations(project_id);
      CREATE INDEX evaluations_variant ON evaluations(variant_id);
    `,
  },
  {
    version: 4,
    description: 'architecture searches and their trials (candidate, status, what the board measured), so a search resumes where it stopped',
    up: `
      CREATE TABLE searches (
        id          TEXT PRIMARY KEY,
        key         TEXT NOT NULL UNIQUE,  -- what makes it the same search: space, dataset, board, budgets, optimizer, seed, epochs
        config      TEXT NOT NULL,         -- JSON SearchConfig
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE search_trials (
        search_id    TEXT NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
        idx          INTEGER NOT NULL,     -- 0, 1, 2, … in the order the optimizer suggested them
        params       TEXT NOT NULL,        -- JSON candidate
        status       TEXT NOT NULL CHECK (status IN ('ok', 'over-budget', 'rejected', 'failed')),
        reason       TEXT,                 -- why a trial failed, was rejected or is over budget
        accuracy     REAL,                 -- held-out top-1 of the int8 model (host interpreter)
        latency      REAL,                 -- measured on the board, in latency_unit
        latency_unit TEXT,
        arena_bytes  INTEGER,
        stack_bytes  INTEGER,
        flash_bytes  INTEGER,
        bit_exact    INTEGER,
        details      TEXT,                 -- JSON: parameters, MACs, float accuracy, epochs, timings, deploy build id
        created_at   TEXT NOT NULL,
        PRIMARY KEY (search_id, idx)
      );
    `,
  },
  {
    version: 5,
    description: "a search started from the app belongs to a project (its Search page) and remembers the job that ran it last; a trial keeps its int8 model, so a point of the front becomes a variant",
    up: `
      ALTER TABLE searches ADD COLUMN project_id TEXT REFERENCES projects(id) ON DELETE CASCADE;
      ALTER TABLE searches ADD COLUMN job_id TEXT;
      ALTER TABLE search_trials ADD COLUMN model_hash TEXT;  -- the trial's int8 .tflite in the model files (absent: not kept)
      CREATE INDEX searches_project ON searches(project_id);
    `,
  },
  {
    version: 6,
    description: "a project's \"optimize for\" setting (size or speed), used by its Deploy & Profile jobs; each deployment and measurement records the setting it was built with",
    up: `
      ALTER TABLE projects ADD COLUMN optimize_for TEXT NOT NULL DEFAULT 'size' CHECK (optimize_for IN ('size', 'speed'));
      -- NULL: built before the setting was recorded.
      ALTER TABLE deployments ADD COLUMN optimize_for TEXT CHECK (optimize_for IN ('size', 'speed'));
      ALTER TABLE measurements ADD COLUMN optimize_for TEXT CHECK (optimize_for IN ('size', 'speed'));
    `,
  },
];

/** The schema version this TinyDeploy writes: the last migration's. */
export const schemaVersion = migrations[migrations.length - 1].version;

/**
 * Brings `database` to the last version of `list` (default: the store's migrations). Refuses a
 * database at a newer version than the list knows (TinyDeployError naming `label` and both
 * versions). Returns the versions it applied.
 */
export function migrate(database: Database, label: string, list: readonly Migration[] = migrations): number[] {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new TinyDeployError(`migration list: entry ${index} has version ${migration.version}, expected ${index + 1}`, { index, version: migration.version });
    }
  });
  const latest = list.length;
  const current = database.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new TinyDeployError(
      `${label}: database schema version ${current} is newer than this TinyDeploy supports (${latest}); ` +
        'it was written by a newer TinyDeploy: update TinyDeploy, or use another data folder',
      { path: label, version: current, supported: latest },
    );
  }
  const applied: number[] = [];
  for (const migration of list.slice(current)) {
    database.transaction(() => {
      if (typeof migration.up === 'string') database.exec(migration.up);
      else migration.up(database);
      database.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
