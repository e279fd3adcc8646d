import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { NotFoundError, StoreError, TinyDeployError, serializeError } from '../../common/errors.js';
import { FolderLock } from './folder-lock.js';
import type {
  Dataset,
  Job,
  JobError,
  JobKind,
  JobStatus,
  LayerRow,
  Measurement,
  ModelDetail,
  ModelVariant,
  OptimizeFor,
  Project,
  VariantOrigin,
} from '../../../shared/services/types.js';
import { migrate } from './migrations.js';
import { ModelFileStore, type ModelFileWriter } from './model-files.js';

/**
 * The app's store: one SQLite database (`tinydeploy.db`, WAL journal, foreign keys enforced)
 * and the model files beside it (`models/`, see model-files.ts), in one data folder — Electron's
 * userData, or `--data-dir` for the CLI and browser mode.
 *
 * Only the serving process opens the store; workers send their results back and the job host
 * writes them. Every change of more than one row runs in one transaction (`transaction`), so a
 * failure leaves the database as it was. Model files follow the rows: a file is written before
 * the row that names it and removed once no variant names it, checked when the outermost
 * transaction ends (committed or rolled back) and again at every open, so a crash at any point
 * leaves at most an unreferenced file that the next open removes.
 *
 * Ids are random UUIDs; times are ISO-8601 strings. Lookups of an unknown id throw an error that
 * names the id (`find…` variants return undefined instead).
 *
 * A full disk (SQLITE_FULL, or ENOSPC/EDQUOT writing a model file) makes a write fail with a
 * StoreError that names what was being saved and the data folder (`isDiskFullError`), leaving
 * the database as it was; reads go on. A store found full at start-up is made read-only
 * (`setReadOnly`): every write then fails saying so.
 */

/** What a new variant records besides its bytes. */
export interface NewVariant {
  projectId: string;
  parentId?: string | null;
  name: string;
  origin: VariantOrigin;
  bytes: Uint8Array;
  summary: ModelVariant['summary'];
  detail: Pick<ModelDetail, 'layers' | 'inputs' | 'outputs'>;
}

export interface NewDataset {
  projectId: string;
  name: string;
  path: string;
  format: Dataset['format'];
  sampleCount: number;
}

export interface NewJob {
  projectId: string;
  kind: JobKind;
  params: Record<string, unknown>;
  /** The board the job needs to itself while it runs (deploy jobs). */
  boardId?: string;
}

/** The fields of a job the job host changes as it runs. */
export interface JobUpdate {
  status?: JobStatus;
  progress?: number;
  step?: string;
  result?: unknown;
  error?: JobError;
  startedAt?: string;
  finishedAt?: string;
}

export interface BoardSeen {
  id: string;
  kind: 'virtual' | 'real' | 'serial';
  name: string;
  details: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface Deployment {
  id: string;
  projectId: string;
  variantId: string;
  boardId: string;
  jobId: string | null;
  buildId: string;
  flashBytes: number;
  ramBytes: number;
  arenaBytes: number;
  toolchainVersion: string;
  /** What the firmware was generated for (absent: built before it was recorded). */
  optimizeFor?: OptimizeFor;
  /** The build report (section sizes, code and weight bytes, …). */
  build: Record<string, unknown>;
  createdAt: string;
}

export type NewDeployment = Omit<Deployment, 'id' | 'createdAt'>;

/** A measurement to record; `details` keeps the rest of the job's result (runs, confusion, …). */
export type NewMeasurement = Omit<Measurement, 'id' | 'createdAt'> & { deploymentId?: string; details?: Record<string, unknown> };

/** A stored measurement with the fields the service does not show. */
export interface MeasurementRecord extends Measurement {
  deploymentId?: string;
  details?: Record<string, unknown>;
}

/** Job statuses after which a job never changes again. */
export const finishedJobStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

const databaseFileName = 'tinydeploy.db';

/** The error for an id that names nothing: the kind of thing and the id. */
function notFound(kind: string, id: string): NotFoundError {
  return new NotFoundError(`${kind} ${id} not found`, { [`${kind}Id`]: id });
}

const now = () => new Date().toISOString();
const parseJson = <T>(text: string | null): T | undefined => (text === null ? undefined : (JSON.parse(text) as T));

export interface StoreOptions {
  /**
   * Test hook: the most pages the database may grow to (`PRAGMA max_page_count`; a value below
   * its current size holds it at that size), so that writes needing room fail with SQLITE_FULL
   * as they do on a full disk.
   */
  maxPageCount?: number;
  /** Test hook: writes a model file (see ModelFileStore), e.g. one that fails with ENOSPC. */
  writeModelFile?: ModelFileWriter;
  /** Test hook: takes the data folder's lock (default `FolderLock.acquire`), e.g. one that fails with ENOSPC. */
  acquireLock?: (directory: string) => Pick<FolderLock, 'release'>;
}

/** Opens (creating it when needed) the store in `dataDirectory`; see Store. */
export function openStore(dataDirectory: string, options: StoreOptions = {}): Store {
  return new Store(dataDirectory, options);
}

/** System and SQLite codes that mean the disk (or the quota) is full. */
const diskFullCodes = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** The code of an error from SQLite or the file system, also when the model file store wrapped it. */
function errorCode(error: unknown): string | undefined {
  if (error instanceof TinyDeployError) return typeof error.data?.code === 'string' ? error.data.code : undefined;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The data folder's lock; a system error writing it (a disk so full that not even the small lock
 * file fits) as a StoreError naming the folder and the reason.
 */
function acquireLock(directory: string, acquire: (directory: string) => Pick<FolderLock, 'release'>): Pick<FolderLock, 'release'> {
  try {
    return acquire(directory);
  } catch (error) {
    if (error instanceof TinyDeployError) throw error;
    const code = errorCode(error);
    const reason =
      code !== undefined && diskFullCodes.has(code)
        ? `disk full (${code}): not even its lock file can be written; free space on its disk and start again`
        : serializeError(error).message;
    throw new StoreError(`cannot lock data folder ${directory}: ${reason}`, { path: directory, ...(code ? { code } : {}), ...(code && diskFullCodes.has(code) ? { diskFull: true } : {}) });
  }
}

/**
 * A StoreError that says the data folder's disk is full (a write failed for want of space, or
 * the store is read-only since a start-up on a full disk): `data.diskFull` is true.
 */
export function isDiskFullError(error: unknown): error is StoreError {
  return error instanceof StoreError && error.data?.diskFull === true;
}

export class Store {
  readonly dataDirectory: string;
  readonly databasePath: string;
  readonly modelFiles: ModelFileStore;
  private readonly database: Database;
  private readonly lock: Pick<FolderLock, 'release'>;
  /** Nesting depth of `transaction` calls. */
  private depth = 0;
  /** Model hashes whose files may have lost (or never gained) their last variant in this transaction. */
  private readonly touchedHashes = new Set<string>();
  /** Why the store refuses writes (a start-up on a full disk, see `setReadOnly`). */
  private readOnlyError: StoreError | undefined;
  /** What the outermost `write` in progress saves, for the error of a transaction inside it. */
  private writing: string | undefined;

  constructor(dataDirectory: string, options: StoreOptions = {}) {
    this.dataDirectory = resolve(dataDirectory);
    mkdirSync(this.dataDirectory, { recursive: true });
    this.databasePath = join(this.dataDirectory, databaseFileName);
    this.lock = acquireLock(this.dataDirectory, options.acquireLock ?? ((directory) => FolderLock.acquire(directory)));
    let database: Database;
    try {
      database = new BetterSqlite3(this.databasePath);
    } catch (error) {
      this.lock.release();
      throw new StoreError(`${this.databasePath}: cannot open the database (${(error as Error).message})`, { path: this.databasePath });
    }
    try {
      database.pragma('journal_mode = WAL');
      database.pragma('foreign_keys = ON');
      database.pragma('busy_timeout = 5000');
      migrate(database, this.databasePath);
      if (options.maxPageCount !== undefined) database.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxPageCount))}`);
    } catch (error) {
      database.close();
      this.lock.release();
      if (error instanceof TinyDeployError) throw error;
      throw new StoreError(`${this.databasePath}: cannot open the database (${(error as Error).message})`, { path: this.databasePath });
    }
    this.database = database;
    this.modelFiles = new ModelFileStore(join(this.dataDirectory, 'models'), options.writeModelFile);
    this.modelFiles.sweep(this.usedHashes());
  }

  /** The schema version of the open database (`PRAGMA user_version`). */
  get schemaVersion(): number {
    return this.database.pragma('user_version', { simple: true }) as number;
  }

  get isOpen(): boolean {
    return this.database.open;
  }

  close(): void {
    if (this.database.open) this.database.close();
    this.lock.release();
  }

  /** Why writes are refused, when they are (see `setReadOnly`); undefined while the store is writable. */
  get readOnly(): StoreError | undefined {
    return this.readOnlyError;
  }

  /**
   * Refuses every write from now on, because the disk was found full when the store opened (the
   * `diskFull` error that said so): projects can still be seen, and each write fails with a
   * StoreError saying that the data folder is read-only because the disk is full. Lasts until the
   * store is opened again.
   */
  setReadOnly(cause: StoreError): void {
    this.readOnlyError = cause;
    if (this.database.open) this.database.pragma('query_only = ON');
  }

  /**
   * Runs `body` in one transaction: all its changes are committed together, or none when it
   * throws (the error is rethrown; a full disk as a StoreError naming the data folder). Nested
   * calls join the outer transaction (as savepoints).
   */
  transaction<T>(body: () => T): T {
    this.depth++;
    try {
      return this.database.transaction(body)();
    } catch (error) {
      throw this.depth === 1 ? this.storeFailure(error, this.writing ?? 'the change') : error;
    } finally {
      this.depth--;
      if (this.depth === 0) this.removeUnusedModelFiles();
    }
  }

  /** Runs one write (named by `what` for the error): refused while read-only; a full disk becomes a StoreError. */
  private write<T>(what: string, body: () => T): T {
    if (this.readOnlyError) throw this.readOnlyFailure(what);
    // A write inside another (an update inside interruptUnfinishedJobs) leaves the error to the outer one.
    if (this.writing !== undefined) return body();
    this.writing = what;
    try {
      return body();
    } catch (error) {
      throw this.storeFailure(error, what);
    } finally {
      this.writing = undefined;
    }
  }

  /** A full disk (SQLite's or the file system's) as a StoreError naming the data folder; other errors as they are. */
  private storeFailure(error: unknown, what: string): unknown {
    if (isDiskFullError(error)) return error;
    const code = errorCode(error);
    if (this.readOnlyError && code?.startsWith('SQLITE_READONLY')) return this.readOnlyFailure(what);
    if (code === undefined || !diskFullCodes.has(code)) return error;
    return new StoreError(`cannot save ${what}: disk full (${code}) under the data folder ${this.dataDirectory}; free space on its disk and try again`, {
      path: this.dataDirectory,
      code,
      diskFull: true,
    });
  }

  private readOnlyFailure(what: string): StoreError {
    return new StoreError(
      `cannot save ${what}: the data folder is read-only because the disk is full (${this.dataDirectory}, found full when TinyDeploy started); free space on its disk and restart TinyDeploy`,
      { path: this.dataDirectory, code: errorCode(this.readOnlyError), diskFull: true, readOnly: true },
    );
  }

  /** Raw SQL access for tests and diagnostics (integrity checks); the app uses the methods below. */
  get sqlite(): Database {
    return this.database;
  }

  // ---- projects ------------------------------------------------------------------------

  createProject(name: string): Project {
    const id = randomUUID();
    const time = now();
    this.write(`project ${JSON.stringify(name)}`, () => this.database.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, name, time, time));
    return this.getProject(id);
  }

  listProjects(): Project[] {
    return (this.database.prepare(`${projectSelect} ORDER BY p.created_at, p.rowid`).all() as ProjectRow[]).map(projectFromRow);
  }

  findProject(id: string): Project | undefined {
    const row = this.database.prepare(`${projectSelect} WHERE p.id = ?`).get(id) as ProjectRow | undefined;
    return row && projectFromRow(row);
  }

  getProject(id: string): Project {
    const project = this.findProject(id);
    if (!project) throw notFound('project', id);
    return project;
  }

  /** Sets what the project's Deploy & Profile jobs generate code for (types.ts OptimizeFor). */
  setProjectOptimizeFor(id: string, optimizeFor: OptimizeFor): Project {
    const changes = this.write(`the "optimize for" setting of project ${id}`, () =>
      this.database.prepare('UPDATE projects SET optimize_for = ?, updated_at = ? WHERE id = ?').run(optimizeFor, now(), id).changes,
    );
    if (changes === 0) throw notFound('project', id);
    return this.getProject(id);
  }

  renameProject(id: string, name: string): Project {
    const changes = this.write(`the name of project ${id}`, () => this.database.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(name, now(), id).changes);
    if (changes === 0) throw notFound('project', id);
    return this.getProject(id);
  }

  /** Removes the project with everything in it (variants and their files, datasets, jobs, measurements). */
  removeProject(id: string): void {
    this.write(`the removal of project ${id}`, () => this.transaction(() => {
      for (const { file_hash } of this.database.prepare('SELECT file_hash FROM variants WHERE project_id = ?').all(id) as { file_hash: string }[]) {
        this.touchedHashes.add(file_hash);
      }
      const changes = this.database.prepare('DELETE FROM projects WHERE id = ?').run(id).changes;
      if (changes === 0) throw notFound('project', id);
    }));
  }

  private touchProject(id: string): void {
    this.database.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(now(), id);
  }

  // ---- variants --------------------------------------------------------------------------

  /**
   * Adds a variant: its bytes go to the model file store (shared with any variant of the same
   * bytes), then the row. If the row cannot be written (unknown project or parent), no file is
   * left behind.
   */
  addVariant(variant: NewVariant): ModelVariant {
    const id = randomUUID();
    return this.write(`variant ${JSON.stringify(variant.name)}`, () => this.transaction(() => {
      const hash = this.modelFiles.write(variant.bytes);
      this.touchedHashes.add(hash);
      if (!this.findProject(variant.projectId)) throw notFound('project', variant.projectId);
      if (variant.parentId && !this.findVariant(variant.parentId)) throw notFound('variant', variant.parentId);
      this.database
        .prepare(
          `INSERT INTO variants (id, project_id, parent_id, name, origin, file_hash, file_bytes, summary, detail, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          variant.projectId,
          variant.parentId ?? null,
          variant.name,
          JSON.stringify(variant.origin),
          hash,
          variant.bytes.length,
          JSON.stringify(variant.summary),
          JSON.stringify(variant.detail),
          now(),
        );
      this.touchProject(variant.projectId);
      return this.getVariant(id);
    }));
  }

  listVariants(projectId: string): ModelVariant[] {
    return (this.database.prepare(`${variantSelect} WHERE project_id = ? ORDER BY created_at, rowid`).all(projectId) as VariantRow[]).map(variantFromRow);
  }

  findVariant(id: string): ModelVariant | undefined {
    const row = this.database.prepare(`${variantSelect} WHERE id = ?`).get(id) as VariantRow | undefined;
    return row && variantFromRow(row);
  }

  getVariant(id: string): ModelVariant {
    const variant = this.findVariant(id);
    if (!variant) throw notFound('variant', id);
    return variant;
  }

  /** The project's first variant whose model file has these bytes (`sha256:<hex>`), if any. */
  findVariantByHash(projectId: string, fileHash: string): ModelVariant | undefined {
    const row = this.database.prepare(`${variantSelect} WHERE project_id = ? AND file_hash = ? ORDER BY created_at, rowid LIMIT 1`).get(projectId, fileHash) as VariantRow | undefined;
    return row && variantFromRow(row);
  }

  renameVariant(id: string, name: string): ModelVariant {
    const changes = this.write(`the name of variant ${id}`, () => this.database.prepare('UPDATE variants SET name = ? WHERE id = ?').run(name, id).changes);
    if (changes === 0) throw notFound('variant', id);
    return this.getVariant(id);
  }

  /** The variant with its layer table and inputs/outputs, as analysed at import. */
  getVariantDetail(id: string): ModelDetail {
    const row = this.database.prepare(`SELECT ${variantColumns}, detail FROM variants WHERE id = ?`).get(id) as (VariantRow & { detail: string }) | undefined;
    if (!row) throw notFound('variant', id);
    const detail = JSON.parse(row.detail) as { layers: LayerRow[]; inputs: ModelDetail['inputs']; outputs: ModelDetail['outputs'] };
    return { ...variantFromRow(row), layers: detail.layers, inputs: detail.inputs, outputs: detail.outputs };
  }

  /** Where the variant's model file is (it exists while the variant does). */
  variantFilePath(id: string): string {
    return this.modelFiles.pathOf(this.getVariant(id).fileHash);
  }

  /** The variant's model bytes, checked against its hash. */
  readVariantBytes(id: string): Uint8Array {
    return this.modelFiles.read(this.getVariant(id).fileHash);
  }

  /**
   * Removes a variant with its deployments and measurements; variants derived from it keep
   * existing (their parent becomes null, their origin still says how they were made). Its file
   * goes when no other variant uses the same bytes.
   */
  removeVariant(id: string): void {
    this.write(`the removal of variant ${id}`, () => this.transaction(() => {
      const variant = this.getVariant(id);
      this.touchedHashes.add(variant.fileHash);
      this.database.prepare('DELETE FROM variants WHERE id = ?').run(id);
      this.touchProject(variant.projectId);
    }));
  }

  private usedHashes(): Set<string> {
    // A search trial's int8 model is kept as a model file too (a point of the front becomes a variant).
    const rows = this.database.prepare('SELECT file_hash FROM variants UNION SELECT model_hash FROM search_trials WHERE model_hash IS NOT NULL').all() as { file_hash: string }[];
    return new Set(rows.map((row) => row.file_hash));
  }

  private removeUnusedModelFiles(): void {
    if (this.touchedHashes.size === 0) return;
    const hashes = [...this.touchedHashes];
    this.touchedHashes.clear();
    if (!this.database.open) return;
    const used = this.database.prepare('SELECT 1 FROM variants WHERE file_hash = ? UNION ALL SELECT 1 FROM search_trials WHERE model_hash = ? LIMIT 1');
    for (const hash of hashes) if (!used.get(hash, hash)) this.modelFiles.remove(hash);
  }

  // ---- datasets --------------------------------------------------------------------------

  addDataset(dataset: NewDataset): Dataset {
    const id = randomUUID();
    this.write(`dataset ${JSON.stringify(dataset.name)}`, () => this.transaction(() => {
      if (!this.findProject(dataset.projectId)) throw notFound('project', dataset.projectId);
      this.database
        .prepare('INSERT INTO datasets (id, project_id, name, path, format, sample_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, dataset.projectId, dataset.name, dataset.path, dataset.format, dataset.sampleCount, now());
      this.touchProject(dataset.projectId);
    }));
    return this.getDataset(id);
  }

  listDatasets(projectId: string): Dataset[] {
    return (this.database.prepare(`${datasetSelect} WHERE project_id = ? ORDER BY created_at, rowid`).all(projectId) as DatasetRow[]).map(datasetFromRow);
  }

  findDataset(id: string): Dataset | undefined {
    const row = this.database.prepare(`${datasetSelect} WHERE id = ?`).get(id) as DatasetRow | undefined;
    return row && datasetFromRow(row);
  }

  getDataset(id: string): Dataset {
    const dataset = this.findDataset(id);
    if (!dataset) throw notFound('dataset', id);
    return dataset;
  }

  removeDataset(id: string): void {
    if (this.write(`the removal of dataset ${id}`, () => this.database.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes) === 0) throw notFound('dataset', id);
  }

  // ---- jobs ------------------------------------------------------------------------------

  /** Records a new job, `queued`. */
  createJob(job: NewJob): Job {
    const id = randomUUID();
    if (!this.findProject(job.projectId)) throw notFound('project', job.projectId);
    this.write(`the new ${job.kind} job`, () =>
      this.database
        .prepare("INSERT INTO jobs (id, project_id, kind, params, board_id, status, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)")
        .run(id, job.projectId, job.kind, JSON.stringify(job.params), job.boardId ?? null, now()),
    );
    return this.getJob(id);
  }

  findJob(id: string): Job | undefined {
    const row = this.database.prepare(`${jobSelect} WHERE id = ?`).get(id) as JobRow | undefined;
    return row && this.jobFromRow(row);
  }

  getJob(id: string): Job {
    const job = this.findJob(id);
    if (!job) throw notFound('job', id);
    return job;
  }

  /** Jobs, newest first; of one project and/or in some statuses when given. */
  listJobs(filter: { projectId?: string; statuses?: readonly JobStatus[] } = {}): Job[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.projectId !== undefined) {
      where.push('project_id = ?');
      values.push(filter.projectId);
    }
    if (filter.statuses) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ') || 'NULL'})`);
      values.push(...filter.statuses);
    }
    const sql = `${jobSelect}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC`;
    return (this.database.prepare(sql).all(...values) as JobRow[]).map((row) => this.jobFromRow(row));
  }

  /** The oldest queued jobs first: the order the job host runs them in. */
  queuedJobs(): (Job & { boardId: string | null })[] {
    const rows = this.database.prepare(`${jobSelect} WHERE status = 'queued' ORDER BY created_at, rowid`).all() as JobRow[];
    return rows.map((row) => ({ ...this.jobFromRow(row), boardId: row.board_id }));
  }

  /**
   * Changes a job's fields and appends log lines, in one transaction. Returns the job as it now
   * is, or undefined when it no longer exists (its project was removed meanwhile).
   */
  updateJob(id: string, update: JobUpdate, logLines: readonly string[] = []): Job | undefined {
    return this.write(`the state of job ${id}`, () => this.transaction(() => {
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (update.status !== undefined) set('status', update.status);
      if (update.progress !== undefined) set('progress', Math.min(1, Math.max(0, update.progress)));
      if (update.step !== undefined) set('step', update.step);
      if (update.result !== undefined) set('result', JSON.stringify(update.result));
      if (update.error !== undefined) set('error', JSON.stringify({ name: update.error.name, message: update.error.message }));
      if (update.startedAt !== undefined) set('started_at', update.startedAt);
      if (update.finishedAt !== undefined) set('finished_at', update.finishedAt);
      if (sets.length > 0) {
        if (this.database.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id).changes === 0) return undefined;
      } else if (!this.database.prepare('SELECT 1 FROM jobs WHERE id = ?').get(id)) {
        return undefined;
      }
      if (logLines.length > 0) {
        const { next } = this.database.prepare('SELECT COALESCE(MAX(seq), -1) + 1 AS next FROM job_log WHERE job_id = ?').get(id) as { next: number };
        const insert = this.database.prepare('INSERT INTO job_log (job_id, seq, line) VALUES (?, ?, ?)');
        logLines.forEach((line, i) => insert.run(id, next + i, line));
      }
      return this.findJob(id);
    }));
  }

  /**
   * Marks every job left `queued` or `running` (by a process that ended without finishing them)
   * `interrupted`, with a log line saying so. Returns the jobs changed.
   */
  interruptUnfinishedJobs(reason: string): Job[] {
    return this.write('the jobs a previous run left unfinished (marking them interrupted)', () => this.transaction(() => {
      const ids = (this.database.prepare("SELECT id FROM jobs WHERE status IN ('queued', 'running')").all() as { id: string }[]).map((row) => row.id);
      const time = now();
      return ids.map((id) => this.updateJob(id, { status: 'interrupted', finishedAt: time }, [reason])!);
    }));
  }

  private jobFromRow(row: JobRow): Job {
    const log = (this.database.prepare('SELECT line FROM job_log WHERE job_id = ? ORDER BY seq').all(row.id) as { line: string }[]).map((entry) => entry.line);
    const job: Job = {
      id: row.id,
      projectId: row.project_id,
      kind: row.kind as JobKind,
      params: JSON.parse(row.params) as Record<string, unknown>,
      status: row.status as JobStatus,
      progress: row.progress,
      step: row.step,
      log,
      createdAt: row.created_at,
    };
    if (row.result !== null) job.result = JSON.parse(row.result);
    if (row.error !== null) job.error = JSON.parse(row.error) as JobError;
    if (row.started_at !== null) job.startedAt = row.started_at;
    if (row.finished_at !== null) job.finishedAt = row.finished_at;
    return job;
  }

  // ---- boards seen -----------------------------------------------------------------------

  /** Records that a board was seen now (first time: inserted; later: its details and time updated). */
  recordBoardSeen(board: { id: string; kind: BoardSeen['kind']; name: string; details?: Record<string, unknown> }): BoardSeen {
    const time = now();
    this.write(`board ${board.id}`, () => this.database
      .prepare(
        `INSERT INTO boards (id, kind, name, details, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, details = excluded.details, last_seen_at = excluded.last_seen_at`,
      )
      .run(board.id, board.kind, board.name, JSON.stringify(board.details ?? {}), time, time));
    return this.listBoardsSeen().find((seen) => seen.id === board.id)!;
  }

  listBoardsSeen(): BoardSeen[] {
    const rows = this.database.prepare('SELECT * FROM boards ORDER BY first_seen_at, rowid').all() as BoardRow[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as BoardSeen['kind'],
      name: row.name,
      details: JSON.parse(row.details) as Record<string, unknown>,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  // ---- deployments and measurements ------------------------------------------------------

  /** Records a deployment; the board must have been recorded (`recordBoardSeen`). */
  addDeployment(deployment: NewDeployment): Deployment {
    const id = randomUUID();
    const createdAt = now();
    this.write(`the deployment of variant ${deployment.variantId}`, () => this.database
      .prepare(
        `INSERT INTO deployments (id, project_id, variant_id, board_id, job_id, build_id, flash_bytes, ram_bytes, arena_bytes, toolchain_version, optimize_for, build, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        deployment.projectId,
        deployment.variantId,
        deployment.boardId,
        deployment.jobId,
        deployment.buildId,
        deployment.flashBytes,
        deployment.ramBytes,
        deployment.arenaBytes,
        deployment.toolchainVersion,
        deployment.optimizeFor ?? null,
        JSON.stringify(deployment.build),
        createdAt,
      ));
    return { ...deployment, id, createdAt };
  }

  listDeployments(variantId: string): Deployment[] {
    const rows = this.database.prepare('SELECT * FROM deployments WHERE variant_id = ? ORDER BY created_at, rowid').all(variantId) as DeploymentRow[];
    return rows.map((row) => ({
      id: row.id,
      projectId: row.project_id,
      variantId: row.variant_id,
      boardId: row.board_id,
      jobId: row.job_id,
      buildId: row.build_id,
      flashBytes: row.flash_bytes,
      ramBytes: row.ram_bytes,
      arenaBytes: row.arena_bytes,
      toolchainVersion: row.toolchain_version,
      ...(row.optimize_for !== null ? { optimizeFor: row.optimize_for as OptimizeFor } : {}),
      build: JSON.parse(row.build) as Record<string, unknown>,
      createdAt: row.created_at,
    }));
  }

  addMeasurement(measurement: NewMeasurement): MeasurementRecord {
    const id = randomUUID();
    const m = measurement;
    const optional = (value: unknown) => (value === undefined ? null : value);
    const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
    const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
    this.write(`the ${m.kind} measurement of variant ${m.variantId}`, () => this.database
      .prepare(
        `INSERT INTO measurements (id, project_id, variant_id, job_id, deployment_id, kind, board_id, latency_value, latency_unit, latency_ms,
           instructions_per_mac, arena_bytes, stack_bytes, flash_bytes, ram_bytes, board_flash_bytes, board_ram_bytes, bit_exact, passed,
           accuracy, samples, layers, memory_timeline, details, optimize_for, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        m.projectId,
        m.variantId,
        m.jobId,
        optional(m.deploymentId),
        m.kind,
        optional(m.boardId),
        optional(m.latency?.value),
        optional(m.latency?.unit),
        optional(m.latency?.milliseconds),
        optional(m.instructionsPerMac),
        optional(m.arenaBytes),
        optional(m.stackBytes),
        optional(m.flashBytes),
        optional(m.ramBytes),
        optional(m.boardFlashBytes),
        optional(m.boardRamBytes),
        flag(m.bitExact),
        flag(m.passed),
        optional(m.accuracy),
        optional(m.samples),
        json(m.layers),
        json(m.memoryTimeline),
        json(m.details),
        optional(m.optimizeFor),
        now(),
      ));
    return this.getMeasurement(id);
  }

  getMeasurement(id: string): MeasurementRecord {
    const row = this.database.prepare('SELECT * FROM measurements WHERE id = ?').get(id) as MeasurementRow | undefined;
    if (!row) throw notFound('measurement', id);
    return measurementFromRow(row);
  }

  /** Measurements of a project (or of one variant), oldest first. */
  listMeasurements(filter: { projectId: string; variantId?: string }): MeasurementRecord[] {
    const rows = (
      filter.variantId === undefined
        ? this.database.prepare('SELECT * FROM measurements WHERE project_id = ? ORDER BY created_at, rowid').all(filter.projectId)
        : this.database.prepare('SELECT * FROM measurements WHERE project_id = ? AND variant_id = ? ORDER BY created_at, rowid').all(filter.projectId, filter.variantId)
    ) as MeasurementRow[];
    return rows.map(measurementFromRow);
  }
}

// ---- rows ----------------------------------------------------------------------------------

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  variant_count: number;
  optimize_for: string;
}

const projectSelect =
  'SELECT p.id, p.name, p.created_at, p.updated_at, p.optimize_for, (SELECT COUNT(*) FROM variants v WHERE v.project_id = p.id) AS variant_count FROM projects p';

function projectFromRow(row: ProjectRow): Project {
  return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at, variantCount: row.variant_count, optimizeFor: row.optimize_for as OptimizeFor };
}

interface VariantRow {
  id: string;
  project_id: string;
  parent_id: string | null;
  name: string;
  origin: string;
  file_hash: string;
  file_bytes: number;
  summary: string;
  created_at: string;
}

const variantColumns = 'id, project_id, parent_id, name, origin, file_hash, file_bytes, summary, created_at';
const variantSelect = `SELECT ${variantColumns} FROM variants`;

function variantFromRow(row: VariantRow): ModelVariant {
  return {
    id: row.id,
    projectId: row.project_id,
    parentId: row.parent_id,
    name: row.name,
    origin: JSON.parse(row.origin) as VariantOrigin,
    fileHash: row.file_hash,
    fileBytes: row.file_bytes,
    createdAt: row.created_at,
    summary: JSON.parse(row.summary) as ModelVariant['summary'],
  };
}

interface DatasetRow {
  id: string;
  project_id: string;
  name: string;
  path: string;
  format: string;
  sample_count: number;
  created_at: string;
}

const datasetSelect = 'SELECT id, project_id, name, path, format, sample_count, created_at FROM datasets';

function datasetFromRow(row: DatasetRow): Dataset {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    path: row.path,
    format: row.format as Dataset['format'],
    sampleCount: row.sample_count,
    createdAt: row.created_at,
  };
}

interface JobRow {
  id: string;
  project_id: string;
  kind: string;
  params: string;
  board_id: string | null;
  status: string;
  progress: number;
  step: string;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const jobSelect = 'SELECT id, project_id, kind, params, board_id, status, progress, step, result, error, created_at, started_at, finished_at FROM jobs';

interface BoardRow {
  id: string;
  kind: string;
  name: string;
  details: string;
  first_seen_at: string;
  last_seen_at: string;
}

interface DeploymentRow {
  id: string;
  project_id: string;
  variant_id: string;
  board_id: string;
  job_id: string | null;
  build_id: string;
  flash_bytes: number;
  ram_bytes: number;
  arena_bytes: number;
  toolchain_version: string;
  optimize_for: string | null;
  build: string;
  created_at: string;
}

interface MeasurementRow {
  id: string;
  project_id: string;
  variant_id: string;
  job_id: string;
  deployment_id: string | null;
  kind: string;
  board_id: string | null;
  latency_value: number | null;
  latency_unit: string | null;
  latency_ms: number | null;
  instructions_per_mac: number | null;
  arena_bytes: number | null;
  stack_bytes: number | null;
  flash_bytes: number | null;
  ram_bytes: number | null;
  board_flash_bytes: number | null;
  board_ram_bytes: number | null;
  bit_exact: number | null;
  passed: number | null;
  accuracy: number | null;
  samples: number | null;
  layers: string | null;
  memory_timeline: string | null;
  details: string | null;
  optimize_for: string | null;
  created_at: string;
}

function measurementFromRow(row: MeasurementRow): MeasurementRecord {
  const measurement: MeasurementRecord = {
    id: row.id,
    projectId: row.project_id,
    variantId: row.variant_id,
    jobId: row.job_id,
    kind: row.kind as Measurement['kind'],
    createdAt: row.created_at,
  };
  const assign = <K extends keyof MeasurementRecord>(key: K, value: MeasurementRecord[K] | null | undefined) => {
    if (value !== null && value !== undefined) measurement[key] = value;
  };
  assign('deploymentId', row.deployment_id);
  assign('boardId', row.board_id);
  assign('optimizeFor', row.optimize_for as OptimizeFor | null);
  if (row.latency_value !== null && row.latency_unit !== null) {
    measurement.latency = {
      value: row.latency_value,
      unit: row.latency_unit as 'instructions' | 'cycles',
      ...(row.latency_ms !== null ? { milliseconds: row.latency_ms } : {}),
    };
  }
  if (row.kind === 'deploy') measurement.instructionsPerMac = row.instructions_per_mac;
  assign('arenaBytes', row.arena_bytes);
  assign('stackBytes', row.stack_bytes);
  assign('flashBytes', row.flash_bytes);
  assign('ramBytes', row.ram_bytes);
  assign('boardFlashBytes', row.board_flash_bytes);
  assign('boardRamBytes', row.board_ram_bytes);
  if (row.bit_exact !== null) measurement.bitExact = row.bit_exact === 1;
  if (row.passed !== null) measurement.passed = row.passed === 1;
  assign('accuracy', row.accuracy);
  assign('samples', row.samples);
  assign('layers', parseJson<Measurement['layers']>(row.layers));
  assign('memoryTimeline', parseJson<Measurement['memoryTimeline']>(row.memory_timeline));
  assign('details', parseJson<Record<string, unknown>>(row.details));
  return measurement;
}
