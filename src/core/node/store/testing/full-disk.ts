import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Store } from '../store.js';

/**
 * Test helpers that make the store's disk full without mounting a small file system: SQLite's
 * own limit (`PRAGMA max_page_count`) holds the database at its size, and the pages that job
 * writes land in are filled to the brim, so that the next job log line or new job fails with a
 * real SQLITE_FULL from SQLite, as on a full disk.
 */

/** SQLite's "database or disk is full". */
const isFull = (error: unknown) => (error as { code?: unknown }).code === 'SQLITE_FULL';

/** Runs `insert` until the database is full. */
function untilFull(insert: () => void): void {
  for (;;) {
    try {
      insert();
    } catch (error) {
      if (!isFull(error)) throw error;
      return;
    }
  }
}

/**
 * Holds the database of this connection at its current size and fills it: rows of a filler job
 * (failed, of a filler project) go in until not even one byte more fits, so every free page is
 * used and the last pages of the job tables are full. After this, creating a job or appending a
 * log line to any job fails with SQLITE_FULL, on this connection and on any other whose
 * `max_page_count` is not above this size (`openStore(…, { maxPageCount: 1 })` at an earlier
 * size, e.g. a server's).
 */
export function fillDatabase(database: Database): void {
  const time = new Date().toISOString();
  const projectId = randomUUID();
  const jobId = randomUUID();
  database.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(projectId, 'filler (full-disk test)', time, time);
  // Failed: not a job for a job host to run.
  database.prepare("INSERT INTO jobs (id, project_id, kind, params, status, created_at) VALUES (?, ?, 'evaluate', '{}', 'failed', ?)").run(jobId, projectId, time);
  database.pragma('max_page_count = 1');
  const insertLine = database.prepare('INSERT INTO job_log (job_id, seq, line) VALUES (?, ?, ?)');
  const insertJob = database.prepare("INSERT INTO jobs (id, project_id, kind, params, status, created_at) VALUES (?, ?, 'evaluate', '{}', 'failed', ?)");
  let seq = 0;
  // Large rows first (they take every free page), then ever smaller ones into the last pages.
  for (const size of [4000, 1000, 200, 40, 8, 1]) {
    untilFull(() => insertLine.run(jobId, seq++, 'x'.repeat(size)));
    untilFull(() => insertJob.run(`filler-${randomUUID()}-${'x'.repeat(size)}`, projectId, time));
  }
}

/** `fillDatabase` on the store's own connection. */
export function fillStore(store: Store): void {
  fillDatabase(store.sqlite);
}

/**
 * `fillDatabase` through a connection of its own to the database of a data folder that another
 * store (a server's, opened with `maxPageCount: 1`) holds: that store's writes then fail.
 */
export function fillDataFolder(dataDirectory: string): void {
  const database = new BetterSqlite3(join(dataDirectory, 'tinydeploy.db'));
  try {
    database.pragma('busy_timeout = 5000');
    fillDatabase(database);
  } finally {
    database.close();
  }
}

/** Leaves `pages` free pages in the database (a table filled, then dropped), room that a size limit set now still allows. */
export function leaveFreePages(database: Database, pages: number): void {
  database.exec('CREATE TABLE free_pages_filler (bytes BLOB)');
  const insert = database.prepare('INSERT INTO free_pages_filler VALUES (zeroblob(4000))');
  for (let i = 0; i < pages; i++) insert.run();
  database.exec('DROP TABLE free_pages_filler');
}

/** A model file writer (`openStore`'s `writeModelFile`) that fails as a full disk does. */
export function fullDiskWriter(path: string): never {
  const error = new Error(`ENOSPC: no space left on device, write '${path}'`) as NodeJS.ErrnoException;
  error.code = 'ENOSPC';
  error.errno = -28;
  error.syscall = 'write';
  error.path = path;
  throw error;
}
