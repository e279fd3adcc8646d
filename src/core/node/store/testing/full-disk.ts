import type { Store } from '../store.js';

/**
 * Test helpers that make the store's disk full without mounting a small file system: SQLite's
 * own limit (`PRAGMA max_page_count`) holds the database at its size, and the pages that job
 * writes land in are filled to the brim, so that the next job update or log line fails with a
 * real SQLITE_FULL from SQLite, as on a full disk.
 */

/** SQLite's "database or disk is full". */
const isFull = (error: unknown) => (error as { code?: unknown }).code === 'SQLITE_FULL';

/**
 * Holds the database at its current size (the same as `openStore(…, { maxPageCount: 1 })`)
 * and fills it: rows for a filler job of a filler project go in until not even one byte more
 * fits, so every free page is used and the last pages of the job tables are full. After this,
 * creating a job or appending a log line to any job fails with SQLITE_FULL.
 */
export function fillStore(store: Store): void {
  const database = store.sqlite;
  const project = store.createProject('filler (full-disk test)');
  const filler = store.createJob({ projectId: project.id, kind: 'evaluate', params: {} });
  store.updateJob(filler.id, { status: 'failed' }); // Not a job for a job host to run.
  database.pragma('max_page_count = 1');
  const insertLine = database.prepare('INSERT INTO job_log (job_id, seq, line) VALUES (?, ?, ?)');
  const insertJob = database.prepare("INSERT INTO jobs (id, project_id, kind, params, status, created_at) VALUES (?, ?, 'evaluate', '{}', 'failed', ?)");
  let seq = 0;
  let jobNumber = 0;
  // Large rows first (they take every free page), then ever smaller ones into the last pages.
  for (const size of [4000, 1000, 200, 40, 8, 1]) {
    for (;;) {
      try {
        insertLine.run(filler.id, seq++, 'x'.repeat(size));
      } catch (error) {
        if (!isFull(error)) throw error;
        break;
      }
    }
    for (;;) {
      try {
        insertJob.run(`filler-${project.id}-${String(jobNumber++).padStart(8, '0')}-${'x'.repeat(size)}`, project.id, new Date().toISOString());
      } catch (error) {
        if (!isFull(error)) throw error;
        break;
      }
    }
  }
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
