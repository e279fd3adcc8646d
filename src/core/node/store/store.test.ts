import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, StoreError, TinyDeployError } from '../../common/errors.js';
import { migrate, migrations, schemaVersion, type Migration } from './migrations.js';
import { ModelFileStore } from './model-files.js';
import { isDiskFullError, openStore, type NewVariant, type Store } from './store.js';
import { fillStore, fullDiskWriter } from './testing/full-disk.js';

let dataDirectory: string;
let store: Store;

beforeEach(() => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-store-'));
  store = openStore(join(dataDirectory, 'data'));
});

afterEach(() => {
  store.close();
  rmSync(dataDirectory, { recursive: true, force: true });
});

const summary = { ops: 2, macs: 100, parameters: 10, peakActivationBytes: 64, dtype: 'int8' };
const detail = { layers: [], inputs: [{ name: 'in', shape: [1, 4], dtype: 'int8' }], outputs: [{ name: 'out', shape: [1, 2], dtype: 'int8' }] };

function variant(projectId: string, bytes: number[], extra: Partial<NewVariant> = {}): NewVariant {
  return { projectId, name: 'model', origin: { kind: 'import', fileName: 'model.tflite' }, bytes: new Uint8Array(bytes), summary, detail, ...extra };
}

function tableCounts(): Record<string, number> {
  const tables = ['projects', 'variants', 'datasets', 'jobs', 'job_log', 'boards', 'deployments', 'measurements'];
  return Object.fromEntries(tables.map((table) => [table, (store.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n]));
}

/** A project with a variant, a job, a deployment and two measurements. */
function populate() {
  const project = store.createProject('keyword spotting');
  const model = store.addVariant(variant(project.id, [1, 2, 3]));
  const job = store.createJob({ projectId: project.id, kind: 'deploy', params: { variantId: model.id, boardId: 'virtual-m4f' }, boardId: 'virtual-m4f' });
  store.recordBoardSeen({ id: 'virtual-m4f', kind: 'virtual', name: 'Virtual Cortex-M4F' });
  const deployment = store.addDeployment({
    projectId: project.id,
    variantId: model.id,
    boardId: 'virtual-m4f',
    jobId: job.id,
    buildId: 'b1',
    flashBytes: 1000,
    ramBytes: 500,
    arenaBytes: 400,
    toolchainVersion: 'arm-none-eabi-gcc 12',
    build: { codeBytes: 600 },
  });
  const deployMeasurement = store.addMeasurement({
    projectId: project.id,
    variantId: model.id,
    jobId: job.id,
    deploymentId: deployment.id,
    kind: 'deploy',
    boardId: 'virtual-m4f',
    latency: { value: 12345, unit: 'instructions' },
    instructionsPerMac: 2.5,
    arenaBytes: 400,
    stackBytes: 300,
    bitExact: true,
    passed: true,
    layers: [{ index: 0, op: 'CONV_2D', latency: 12000, macs: 90 }],
    memoryTimeline: [{ index: 0, liveBytes: 400 }],
  });
  const evaluateMeasurement = store.addMeasurement({ projectId: project.id, variantId: model.id, jobId: job.id, kind: 'evaluate', accuracy: 0.9, samples: 10, details: { correct: 9 } });
  return { project, model, job, deployment, deployMeasurement, evaluateMeasurement };
}

describe('opening and migrations', () => {
  it('creates the data folder and a database at the last schema version, in WAL mode with foreign keys on', () => {
    expect(existsSync(join(dataDirectory, 'data', 'tinydeploy.db'))).toBe(true);
    expect(existsSync(join(dataDirectory, 'data', 'models'))).toBe(true);
    expect(store.schemaVersion).toBe(schemaVersion);
    expect(schemaVersion).toBe(migrations.length);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(['boards', 'custom_boards', 'datasets', 'deployments', 'evaluations', 'job_log', 'jobs', 'measurements', 'projects', 'search_trials', 'searches', 'variants']);
  });

  it('reopens an existing database without running migrations again, keeping its data', () => {
    const { project } = populate();
    store.close();
    store = openStore(join(dataDirectory, 'data'));
    expect(store.listProjects().map((p) => p.name)).toEqual([project.name]);
    expect(store.schemaVersion).toBe(schemaVersion);
  });

  it('refuses a database written by a newer TinyDeploy, naming the file and both versions', () => {
    store.sqlite.pragma(`user_version = ${schemaVersion + 4}`);
    store.close();
    let error: unknown;
    try {
      store = openStore(join(dataDirectory, 'data'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TinyDeployError);
    expect((error as Error).message).toBe(
      `${join(dataDirectory, 'data', 'tinydeploy.db')}: database schema version ${schemaVersion + 4} is newer than this TinyDeploy supports (${schemaVersion}); ` +
        'it was written by a newer TinyDeploy: update TinyDeploy, or use another data folder',
    );
    store = openStore(join(dataDirectory, 'other'));
  });

  it('applies later migrations to existing data, and a failing migration leaves the previous version intact', () => {
    const database = new BetterSqlite3(join(dataDirectory, 'plain.db'));
    try {
      const first: Migration[] = [{ version: 1, description: 'notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' }];
      expect(migrate(database, 'plain.db', first)).toEqual([1]);
      database.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
      const second: Migration[] = [
        ...first,
        {
          version: 2,
          description: 'notes get a length',
          up: (db) => {
            db.exec('ALTER TABLE notes ADD COLUMN length INTEGER');
            db.exec('UPDATE notes SET length = LENGTH(text)');
          },
        },
      ];
      expect(migrate(database, 'plain.db', second)).toEqual([2]);
      expect(database.prepare('SELECT text, length FROM notes').all()).toEqual([{ text: 'kept', length: 4 }]);
      expect(migrate(database, 'plain.db', second)).toEqual([]);

      const broken: Migration[] = [...second, { version: 3, description: 'half done', up: 'CREATE TABLE extra (x); INSERT INTO missing VALUES (1);' }];
      expect(() => migrate(database, 'plain.db', broken)).toThrow(/no such table: missing/);
      expect(database.pragma('user_version', { simple: true })).toBe(2);
      expect(database.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeUndefined();

      expect(() => migrate(database, 'plain.db', [first[0], { ...second[1], version: 3 }])).toThrow('migration list: entry 1 has version 3, expected 2');
    } finally {
      database.close();
    }
  });
});

describe('migration 6: the "optimize for" setting', () => {
  it('a database at version 5 with a project, a variant, a deploy job, a deployment and its measurement opens at version 6 with every row kept; projects start at size, old builds record none', () => {
    const folder = join(dataDirectory, 'v5');
    const database = new BetterSqlite3((mkdirSync(folder, { recursive: true }), join(folder, 'tinydeploy.db')));
    const time = '2026-11-01T10:00:00.000Z';
    try {
      expect(migrate(database, 'v5', migrations.slice(0, 5))).toEqual([1, 2, 3, 4, 5]);
      database.prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run('p1', 'keyword spotting', time, time);
      database
        .prepare('INSERT INTO variants (id, project_id, parent_id, name, origin, file_hash, file_bytes, summary, detail, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)')
        .run('v1', 'p1', 'kws', JSON.stringify({ kind: 'import', fileName: 'kws.tflite' }), `sha256:${'ab'.repeat(32)}`, 3, JSON.stringify(summary), JSON.stringify(detail), time);
      database
        .prepare("INSERT INTO jobs (id, project_id, kind, params, board_id, status, progress, step, result, created_at) VALUES (?, ?, 'deploy', ?, 'virtual-m4f', 'succeeded', 1, 'done', ?, ?)")
        .run('j1', 'p1', JSON.stringify({ variantId: 'v1', boardId: 'virtual-m4f', runs: 1 }), JSON.stringify({ measurementId: 'm1' }), time);
      database.prepare("INSERT INTO boards (id, kind, name, details, first_seen_at, last_seen_at) VALUES ('virtual-m4f', 'virtual', 'Virtual Cortex-M4F', '{}', ?, ?)").run(time, time);
      database
        .prepare("INSERT INTO deployments (id, project_id, variant_id, board_id, job_id, build_id, flash_bytes, ram_bytes, arena_bytes, toolchain_version, build, created_at) VALUES ('d1', 'p1', 'v1', 'virtual-m4f', 'j1', 'b1', 1000, 500, 400, 'gcc 12', '{}', ?)")
        .run(time);
      database
        .prepare("INSERT INTO measurements (id, project_id, variant_id, job_id, deployment_id, kind, board_id, latency_value, latency_unit, bit_exact, passed, created_at) VALUES ('m1', 'p1', 'v1', 'j1', 'd1', 'deploy', 'virtual-m4f', 12345, 'instructions', 1, 1, ?)")
        .run(time);
    } finally {
      database.close();
    }

    const migrated = openStore(folder);
    try {
      expect(migrated.schemaVersion).toBe(6);
      expect(migrated.listProjects()).toEqual([{ id: 'p1', name: 'keyword spotting', createdAt: time, updatedAt: time, variantCount: 1, optimizeFor: 'size' }]);
      expect(migrated.getVariant('v1')).toMatchObject({ name: 'kws', fileHash: `sha256:${'ab'.repeat(32)}` });
      expect(migrated.getJob('j1')).toMatchObject({ kind: 'deploy', status: 'succeeded', params: { variantId: 'v1', boardId: 'virtual-m4f', runs: 1 }, result: { measurementId: 'm1' } });
      const [deployment] = migrated.listDeployments('v1');
      expect(deployment).toMatchObject({ id: 'd1', buildId: 'b1', flashBytes: 1000, ramBytes: 500, arenaBytes: 400 });
      expect(deployment).not.toHaveProperty('optimizeFor');
      const [measurement] = migrated.listMeasurements({ projectId: 'p1' });
      expect(measurement).toMatchObject({ id: 'm1', deploymentId: 'd1', latency: { value: 12345, unit: 'instructions' }, bitExact: true });
      expect(measurement).not.toHaveProperty('optimizeFor');

      // The setting is kept per project, and new builds record theirs.
      expect(migrated.setProjectOptimizeFor('p1', 'speed')).toMatchObject({ id: 'p1', optimizeFor: 'speed' });
      expect(() => migrated.setProjectOptimizeFor('missing', 'speed')).toThrow('project missing not found');
      const build = migrated.addDeployment({ projectId: 'p1', variantId: 'v1', boardId: 'virtual-m4f', jobId: 'j1', buildId: 'b2', flashBytes: 1, ramBytes: 1, arenaBytes: 1, toolchainVersion: 'gcc 12', optimizeFor: 'speed', build: {} });
      expect(migrated.listDeployments('v1').map((row) => row.optimizeFor)).toEqual([undefined, 'speed']);
      expect(migrated.addMeasurement({ projectId: 'p1', variantId: 'v1', jobId: 'j1', deploymentId: build.id, kind: 'deploy', optimizeFor: 'speed' })).toMatchObject({ optimizeFor: 'speed' });
      // Only size and speed: the schema refuses anything else.
      expect(() => migrated.sqlite.prepare("UPDATE projects SET optimize_for = 'fast' WHERE id = 'p1'").run()).toThrow(/CHECK constraint failed/);
    } finally {
      migrated.close();
    }
    // Opened again: nothing to migrate, the setting kept.
    const reopened = openStore(folder);
    expect(reopened.getProject('p1').optimizeFor).toBe('speed');
    reopened.close();
  });
});

describe('records', () => {
  it('creates, lists, renames and removes projects, counting their variants', () => {
    const a = store.createProject('a');
    const b = store.createProject('b');
    store.addVariant(variant(a.id, [1]));
    store.addVariant(variant(a.id, [2]));
    expect(store.listProjects().map((p) => [p.name, p.variantCount])).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
    const renamed = store.renameProject(b.id, 'b2');
    expect(renamed.name).toBe('b2');
    expect(renamed.updatedAt >= b.updatedAt).toBe(true);
    store.removeProject(b.id);
    expect(store.listProjects().map((p) => p.name)).toEqual(['a']);
  });

  it('names the id of anything it cannot find', () => {
    expect(() => store.getProject('nope')).toThrow(new NotFoundError('project nope not found', { projectId: 'nope' }));
    expect(() => store.renameProject('p-404', 'x')).toThrow('project p-404 not found');
    expect(() => store.removeProject('p-404')).toThrow('project p-404 not found');
    expect(() => store.getVariant('v-404')).toThrow('variant v-404 not found');
    expect(() => store.getVariantDetail('v-404')).toThrow('variant v-404 not found');
    expect(() => store.removeVariant('v-404')).toThrow('variant v-404 not found');
    expect(() => store.getDataset('d-404')).toThrow('dataset d-404 not found');
    expect(() => store.removeDataset('d-404')).toThrow('dataset d-404 not found');
    expect(() => store.getJob('j-404')).toThrow('job j-404 not found');
    expect(() => store.createJob({ projectId: 'p-404', kind: 'deploy', params: {} })).toThrow('project p-404 not found');
    expect(() => store.addDataset({ projectId: 'p-404', name: 'x', path: '/x', format: 'files', sampleCount: 1 })).toThrow('project p-404 not found');
    expect(store.findProject('nope')).toBeUndefined();
  });

  it('keeps variants with their origin, summary and layer detail, and their parent link', () => {
    const project = store.createProject('p');
    const parent = store.addVariant(variant(project.id, [1, 2, 3]));
    const child = store.addVariant(
      variant(project.id, [4, 5], { parentId: parent.id, name: 'pruned', origin: { kind: 'optimize', pipeline: 'prune', options: { ratio: 0.5 } } }),
    );
    expect(parent).toMatchObject({ projectId: project.id, parentId: null, name: 'model', fileBytes: 3, summary, origin: { kind: 'import', fileName: 'model.tflite' } });
    expect(parent.fileHash).toBe(ModelFileStore.hashOf(new Uint8Array([1, 2, 3])));
    expect(child).toMatchObject({ parentId: parent.id, name: 'pruned', origin: { kind: 'optimize', pipeline: 'prune', options: { ratio: 0.5 } } });
    expect(store.getVariantDetail(parent.id)).toEqual({ ...parent, ...detail });
    expect(store.listVariants(project.id).map((v) => v.name)).toEqual(['model', 'pruned']);
    expect([...store.readVariantBytes(child.id)]).toEqual([4, 5]);
    expect(() => store.addVariant(variant(project.id, [9], { parentId: 'v-404' }))).toThrow('variant v-404 not found');

    // Removing the parent keeps the child, which forgets its parent.
    store.removeVariant(parent.id);
    expect(store.getVariant(child.id).parentId).toBeNull();
  });

  it('keeps datasets', () => {
    const project = store.createProject('p');
    const dataset = store.addDataset({ projectId: project.id, name: 'kws01', path: '/data/kws01', format: 'files', sampleCount: 1000 });
    expect(store.listDatasets(project.id)).toEqual([dataset]);
    expect(dataset).toMatchObject({ name: 'kws01', path: '/data/kws01', format: 'files', sampleCount: 1000 });
    store.removeDataset(dataset.id);
    expect(store.listDatasets(project.id)).toEqual([]);
  });

  it('keeps jobs with their progress, log, result and error, newest first', () => {
    const project = store.createProject('p');
    const first = store.createJob({ projectId: project.id, kind: 'evaluate', params: { variantId: 'v', datasetId: 'd' } });
    const second = store.createJob({ projectId: project.id, kind: 'deploy', params: { variantId: 'v', boardId: 'virtual-m4f' }, boardId: 'virtual-m4f' });
    expect(first).toMatchObject({ status: 'queued', progress: 0, step: '', log: [], params: { variantId: 'v', datasetId: 'd' } });
    expect(store.queuedJobs().map((job) => [job.id, job.boardId])).toEqual([
      [first.id, null],
      [second.id, 'virtual-m4f'],
    ]);
    store.updateJob(first.id, { status: 'running', startedAt: '2025-01-01T00:00:00.000Z', progress: 0.5, step: 'sample 5 of 10' }, ['started', 'half way']);
    const done = store.updateJob(first.id, { status: 'failed', progress: 2, error: { name: 'DatasetError', message: 'bad sample' }, result: { samples: 5 } }, ['failed'])!;
    expect(done).toMatchObject({ status: 'failed', progress: 1, step: 'sample 5 of 10', log: ['started', 'half way', 'failed'], error: { name: 'DatasetError', message: 'bad sample' }, result: { samples: 5 } });
    expect(done.startedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(store.listJobs({ projectId: project.id }).map((job) => job.id)).toEqual([second.id, first.id]);
    expect(store.listJobs({ statuses: ['queued'] }).map((job) => job.id)).toEqual([second.id]);
    expect(store.listJobs({ statuses: [] })).toEqual([]);
    expect(store.updateJob('j-404', { progress: 1 })).toBeUndefined();
    expect(store.updateJob('j-404', {}, ['line'])).toBeUndefined();
  });

  it('marks jobs left queued or running interrupted, with a log line', () => {
    const project = store.createProject('p');
    const running = store.createJob({ projectId: project.id, kind: 'evaluate', params: {} });
    const queued = store.createJob({ projectId: project.id, kind: 'evaluate', params: {} });
    const finished = store.createJob({ projectId: project.id, kind: 'evaluate', params: {} });
    store.updateJob(running.id, { status: 'running', step: 'sample 3' });
    store.updateJob(finished.id, { status: 'succeeded' });
    const changed = store.interruptUnfinishedJobs('TinyDeploy quit while the job was not finished');
    expect(changed.map((job) => job.id).sort()).toEqual([running.id, queued.id].sort());
    expect(store.getJob(running.id)).toMatchObject({ status: 'interrupted', step: 'sample 3', log: ['TinyDeploy quit while the job was not finished'] });
    expect(store.getJob(running.id).finishedAt).toBeDefined();
    expect(store.getJob(finished.id).status).toBe('succeeded');
  });

  it('keeps deployments and measurements with every figure', () => {
    const { project, model, deployment, deployMeasurement, evaluateMeasurement } = populate();
    expect(store.listDeployments(model.id)).toEqual([deployment]);
    expect(deployMeasurement).toMatchObject({
      kind: 'deploy',
      deploymentId: deployment.id,
      latency: { value: 12345, unit: 'instructions' },
      instructionsPerMac: 2.5,
      bitExact: true,
      passed: true,
      layers: [{ index: 0, op: 'CONV_2D', latency: 12000, macs: 90 }],
      memoryTimeline: [{ index: 0, liveBytes: 400 }],
    });
    expect(deployMeasurement.latency).not.toHaveProperty('milliseconds');
    expect(evaluateMeasurement).toMatchObject({ kind: 'evaluate', accuracy: 0.9, samples: 10, details: { correct: 9 } });
    expect(evaluateMeasurement).not.toHaveProperty('bitExact');
    expect(store.listMeasurements({ projectId: project.id }).map((m) => m.id)).toEqual([deployMeasurement.id, evaluateMeasurement.id]);
    expect(store.listMeasurements({ projectId: project.id, variantId: 'other' })).toEqual([]);
    expect(store.listBoardsSeen().map((board) => board.id)).toEqual(['virtual-m4f']);
    const again = store.recordBoardSeen({ id: 'virtual-m4f', kind: 'virtual', name: 'renamed', details: { qemu: 'mps2-an386' } });
    expect(again).toMatchObject({ name: 'renamed', details: { qemu: 'mps2-an386' }, firstSeenAt: store.listBoardsSeen()[0].firstSeenAt });
  });
});

describe('cascades and transactions', () => {
  it('removing a project removes everything in it, and nothing of other projects', () => {
    const { project } = populate();
    const other = store.createProject('other');
    const kept = store.addVariant(variant(other.id, [7, 7]));
    store.removeProject(project.id);
    expect(tableCounts()).toEqual({ projects: 1, variants: 1, datasets: 0, jobs: 0, job_log: 0, boards: 1, deployments: 0, measurements: 0 });
    expect(store.modelFiles.list()).toEqual([kept.fileHash]);
  });

  it('removing a variant removes its deployments and measurements, not the job', () => {
    const { model } = populate();
    store.removeVariant(model.id);
    expect(tableCounts()).toMatchObject({ projects: 1, variants: 0, jobs: 1, deployments: 0, measurements: 0 });
  });

  it('a failure in the middle of a transaction leaves nothing half-written', () => {
    const { project, model, job } = populate();
    const before = tableCounts();
    const filesBefore = store.modelFiles.list();
    expect(() =>
      store.transaction(() => {
        store.createProject('half');
        store.addVariant(variant(project.id, [42, 42, 42]));
        store.recordBoardSeen({ id: 'virtual-m7', kind: 'virtual', name: 'M7' });
        store.updateJob(job.id, { status: 'succeeded', progress: 1 }, ['done']);
        // The board of a deployment must be known: this insert fails on the foreign key.
        store.addDeployment({ projectId: project.id, variantId: model.id, boardId: 'never-seen', jobId: job.id, buildId: 'x', flashBytes: 1, ramBytes: 1, arenaBytes: 1, toolchainVersion: 'gcc', build: {} });
      }),
    ).toThrow(/FOREIGN KEY constraint failed/);
    expect(tableCounts()).toEqual(before);
    expect(store.getJob(job.id)).toMatchObject({ status: 'queued', log: [] });
    // The new variant's model file was written before its row: it is gone with the rollback.
    expect(store.modelFiles.list()).toEqual(filesBefore);
    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a variant whose row cannot be written leaves no model file', () => {
    expect(() => store.addVariant(variant('p-404', [5, 5, 5]))).toThrow('project p-404 not found');
    expect(store.modelFiles.list()).toEqual([]);
  });
});

describe('model files', () => {
  it('keeps one content-addressed file per distinct bytes, shared by variants, removed with its last variant', () => {
    const project = store.createProject('p');
    const a = store.addVariant(variant(project.id, [1, 2, 3]));
    const b = store.addVariant(variant(project.id, [1, 2, 3], { name: 'copy' }));
    const c = store.addVariant(variant(project.id, [9]));
    expect(a.fileHash).toBe(b.fileHash);
    const hex = a.fileHash.slice('sha256:'.length);
    expect(store.variantFilePath(a.id)).toBe(join(dataDirectory, 'data', 'models', `${hex}.tflite`));
    expect(readdirSync(join(dataDirectory, 'data', 'models')).sort()).toEqual([`${hex}.tflite`, `${c.fileHash.slice(7)}.tflite`].sort());
    store.removeVariant(a.id);
    expect(store.modelFiles.has(a.fileHash)).toBe(true);
    store.removeVariant(b.id);
    expect(store.modelFiles.has(a.fileHash)).toBe(false);
    expect(store.modelFiles.has(c.fileHash)).toBe(true);
  });

  it('sweeps unreferenced files and interrupted writes when the store opens', () => {
    const project = store.createProject('p');
    const kept = store.addVariant(variant(project.id, [1]));
    const models = join(dataDirectory, 'data', 'models');
    const orphan = ModelFileStore.hashOf(new Uint8Array([2]));
    writeFileSync(join(models, `${orphan.slice(7)}.tflite`), new Uint8Array([2]));
    writeFileSync(join(models, `${orphan.slice(7)}.tflite.123.abcd.tmp`), new Uint8Array([2]));
    store.close();
    store = openStore(join(dataDirectory, 'data'));
    expect(readdirSync(models)).toEqual([`${kept.fileHash.slice(7)}.tflite`]);
  });

  it('refuses a file changed outside TinyDeploy, naming the hash', () => {
    const project = store.createProject('p');
    const model = store.addVariant(variant(project.id, [1, 2]));
    writeFileSync(store.variantFilePath(model.id), new Uint8Array([3, 4]));
    expect(() => store.readVariantBytes(model.id)).toThrow(`model file ${store.variantFilePath(model.id)} does not hold ${model.fileHash} any more: it was changed outside TinyDeploy`);
    rmSync(store.variantFilePath(model.id));
    expect(() => store.readVariantBytes(model.id)).toThrow(`model file ${store.variantFilePath(model.id)} of ${model.fileHash} cannot be read (ENOENT)`);
    // Writing the same bytes again repairs it.
    store.modelFiles.write(new Uint8Array([1, 2]));
    expect([...store.readVariantBytes(model.id)]).toEqual([1, 2]);
  });
});

describe('a full disk', () => {
  it('a write that finds the database full fails with a StoreError naming the data folder and the disk; reads go on and nothing is half-written', () => {
    const project = store.createProject('keyword spotting');
    const job = store.createJob({ projectId: project.id, kind: 'evaluate', params: {} });
    fillStore(store);
    const before = tableCounts();
    const full = () => store.updateJob(job.id, { status: 'running' }, ['a line that needs room']);
    expect(full).toThrow(StoreError);
    expect(full).toThrow(`cannot save the state of job ${job.id}: disk full (SQLITE_FULL) under the data folder ${store.dataDirectory}; free space on its disk and try again`);
    expect(() => store.createJob({ projectId: project.id, kind: 'deploy', params: {} })).toThrow(/^cannot save the new deploy job: disk full \(SQLITE_FULL\) under the data folder /);
    try {
      full();
    } catch (error) {
      expect(isDiskFullError(error)).toBe(true);
      expect((error as StoreError).data).toEqual({ path: store.dataDirectory, code: 'SQLITE_FULL', diskFull: true });
    }
    expect(tableCounts()).toEqual(before);
    expect(store.getJob(job.id).status).toBe('queued');
    expect(store.listProjects().map((p) => p.name)).toContain('keyword spotting');
  });

  it('a model file the disk has no room for fails the import with a StoreError, leaving no row and no file', () => {
    store.close();
    store = openStore(join(dataDirectory, 'data'), { writeModelFile: fullDiskWriter });
    const project = store.createProject('keyword spotting');
    const add = () => store.addVariant(variant(project.id, [1, 2, 3]));
    expect(add).toThrow(StoreError);
    expect(add).toThrow(/^cannot save variant "model": disk full \(ENOSPC\) under the data folder .*data; free space on its disk and try again$/);
    expect(store.listVariants(project.id)).toEqual([]);
    expect(readdirSync(store.modelFiles.directory)).toEqual([]);
  });

  it('a disk too full for the lock file stops the start with a StoreError naming the folder, not a system error', () => {
    const folder = join(dataDirectory, 'other');
    const lockOnFullDisk = () => fullDiskWriter(join(folder, 'lock'));
    expect(() => openStore(folder, { acquireLock: lockOnFullDisk })).toThrow(StoreError);
    expect(() => openStore(folder, { acquireLock: lockOnFullDisk })).toThrow(
      `cannot lock data folder ${folder}: disk full (ENOSPC): not even its lock file can be written; free space on its disk and start again`,
    );
    // The lock's own refusals pass unchanged.
    const inUse = new StoreError(`data folder ${folder} is in use by process 1`);
    expect(() =>
      openStore(folder, {
        acquireLock: () => {
          throw inUse;
        },
      }),
    ).toThrow(inUse);
  });

  it('a store made read-only (full at start-up) refuses every write saying so, and still shows what it holds', () => {
    const project = store.createProject('keyword spotting');
    store.setReadOnly(new StoreError('the disk is full', { diskFull: true, code: 'SQLITE_FULL' }));
    const readOnly = `the data folder is read-only because the disk is full (${store.dataDirectory}, found full when TinyDeploy started); free space on its disk and restart TinyDeploy`;
    expect(() => store.createProject('another')).toThrow(`cannot save project "another": ${readOnly}`);
    expect(() => store.addVariant(variant(project.id, [1]))).toThrow(`cannot save variant "model": ${readOnly}`);
    expect(() => store.createJob({ projectId: project.id, kind: 'evaluate', params: {} })).toThrow(`cannot save the new evaluate job: ${readOnly}`);
    // Even raw SQL (a path that skips the checks) cannot write: the connection is query-only.
    expect(() => store.transaction(() => store.sqlite.prepare('DELETE FROM projects').run())).toThrow(`cannot save the change: ${readOnly}`);
    expect(store.listProjects().map((p) => p.name)).toEqual(['keyword spotting']);
    expect(readdirSync(store.modelFiles.directory)).toEqual([]);
  });
});
