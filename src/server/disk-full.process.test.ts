import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { StoreError } from '../core/common/errors.js';
import { openDataset } from '../core/node/datasets/dataset.js';
import { openStore } from '../core/node/store/index.js';
import { fillDataFolder, leaveFreePages } from '../core/node/store/testing/full-disk.js';
import { connectServiceClient } from '../shared/services/proxy.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices, Job } from '../shared/services/types.js';
import { webSocketChannel, type WebSocketLike } from '../shared/services/websocket-channel.js';
import { startBrowserMode, type BrowserMode } from './index.js';

/**
 * Issue 16, "a full disk kills `serve`": browser mode (the real server, back end and worker
 * processes; a client on its WebSocket) whose data folder fills while an evaluation runs. Before
 * the fix the job host threw SQLITE_FULL from the worker's message handler and the serving
 * process exited; a restart on the full folder failed in interruptUnfinishedJobs. The disk is
 * made full with SQLite's own limit: the server's connection may not grow past the size it
 * opened at (`store: { maxPageCount: 1 }`), and the test fills that room from a second
 * connection (store/testing/full-disk.ts).
 */

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'tinydeploy-serve-full-')));
const renderer = join(scratch, 'renderer');
mkdirSync(renderer);
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>TinyDeploy</title>');
const data = join(scratch, 'data');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const modelPath = new URL('../../resources/models/kws_ref_model.tflite', import.meta.url);
const datasetPath = new URL('../../resources/datasets/kws01', import.meta.url).pathname;

function connect(browserMode: BrowserMode): { client: AppServices; close: () => void } {
  const url = new URL(browserMode.server.url);
  const channel = webSocketChannel(() => new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin }) as unknown as WebSocketLike);
  return { client: connectServiceClient<AppServices>(channel, servicesSchema), close: () => channel.close() };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, the call succeeded');
}

function jobReaches(client: AppServices, jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  return new Promise((resolve) => {
    const unsubscribe = client.jobs.onJobChanged((job) => {
      if (job.id === jobId && predicate(job)) {
        unsubscribe();
        resolve(job);
      }
    });
  });
}

describe('browser mode on a full disk', () => {
  it('keeps serving when the disk fills during an evaluation, and restarts read-only on the full folder', async () => {
    // A project with the keyword-spotting model and samples, and room for a job or two.
    const store = openStore(data);
    const projectId = store.createProject('keyword spotting').id;
    const summary = { ops: 13, macs: 0, parameters: 0, peakActivationBytes: 0, dtype: 'int8' };
    const bytes = new Uint8Array(readFileSync(modelPath));
    const variantId = store.addVariant({ projectId, name: 'kws_ref_model', origin: { kind: 'import', fileName: 'kws_ref_model.tflite' }, bytes, summary, detail: { layers: [], inputs: [], outputs: [] } }).id;
    const dataset = await openDataset(datasetPath);
    const datasetId = store.addDataset({ projectId, name: dataset.name, path: dataset.directory, format: dataset.layout, sampleCount: dataset.size }).id;
    leaveFreePages(store.sqlite, 30);
    store.close();

    let browserMode = await startBrowserMode({ dataDirectory: data, rendererDirectory: renderer, store: { maxPageCount: 1 } });
    expect(browserMode.warnings).toEqual([]);
    let connection = connect(browserMode);
    const job = await connection.client.jobs.startEvaluate({ variantId, datasetId });
    await jobReaches(connection.client, job.id, (j) => j.progress > 0.02);

    // The disk fills.
    fillDataFolder(data);

    const failed = await jobReaches(connection.client, job.id, (j) => j.status !== 'running');
    expect(failed.status).toBe('failed');
    expect(failed.error?.name).toBe('StoreError');
    expect(failed.error?.message).toContain(`disk full (SQLITE_FULL) under the data folder ${data}; free space on its disk and try again`);
    // The server is still up: the next requests are answered, a new job refused with the reason.
    expect((await connection.client.projects.list()).map((p) => p.name)).toContain('keyword spotting');
    expect(await connection.client.jobs.get({ jobId: job.id })).toEqual(failed);
    const refused = await rejection(connection.client.jobs.startEvaluate({ variantId, datasetId, limit: 5 }));
    expect(refused).toBeInstanceOf(StoreError);
    expect(refused.message).toBe(`cannot save the new evaluate job: disk full (SQLITE_FULL) under the data folder ${data}; free space on its disk and try again`);
    connection.close();
    await browserMode.close();

    // A restart on the full folder: read-only, with the explanation; the projects can be seen.
    browserMode = await startBrowserMode({ dataDirectory: data, rendererDirectory: renderer, store: { maxPageCount: 1 } });
    const explanation = `data folder ${data}: the disk is full (SQLITE_FULL), so it is opened read-only: projects can be seen, but nothing can be saved and no job can run; free space on its disk and restart TinyDeploy`;
    expect(browserMode.warnings.map((w) => [w.name, w.message])).toEqual([['StoreError', explanation]]);
    connection = connect(browserMode);
    expect((await connection.client.projects.list()).map((p) => p.name)).toContain('keyword spotting');
    expect((await connection.client.jobs.get({ jobId: job.id })).status).toBe('interrupted');
    const readOnly = await rejection(connection.client.projects.create({ name: 'another' }));
    expect(readOnly).toBeInstanceOf(StoreError);
    expect(readOnly.message).toContain('the data folder is read-only because the disk is full');
    connection.close();
    await browserMode.close();
  });
});
