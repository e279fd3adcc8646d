import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DatasetError, RequestError } from '../core/common/errors.js';
import { startBackend } from '../core/node/services/index.js';
import { connectServiceClient } from '../shared/services/proxy.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices } from '../shared/services/types.js';
import { webSocketChannel, type WebSocketLike } from '../shared/services/websocket-channel.js';
import { startBrowserMode, type BrowserMode } from './index.js';

/**
 * Browser mode reads datasets only inside the folders the person who started it allowed: the
 * real server over the real back end, a client on its WebSocket, datasets made by the test.
 * The `--allow-folder` option itself is tested in src/cli/commands/serve-options.test.ts.
 */

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'tinydeploy-allowed-')));
const renderer = join(scratch, 'renderer');
mkdirSync(renderer);
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>TinyDeploy</title>');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A valid dataset (files layout, two 2×2 int8 samples) in `directory`. */
function makeDataset(directory: string): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    join(directory, 'dataset.json'),
    JSON.stringify({ layout: 'files', labels: 'labels.csv', sample: { dtype: 'int8', shape: [2, 2], scale: 0.5, zeroPoint: 1 }, classes: ['a', 'b'] }),
  );
  writeFileSync(join(directory, 'labels.csv'), 'one.bin,2,0\ntwo.bin,2,1\n');
  writeFileSync(join(directory, 'one.bin'), new Uint8Array(4));
  writeFileSync(join(directory, 'two.bin'), new Uint8Array(4));
  return directory;
}

/** A client of the server's services on its WebSocket, with the token it printed. */
function connect(browserMode: BrowserMode): { client: AppServices; close: () => void } {
  const url = new URL(browserMode.server.url);
  const channel = webSocketChannel(() => new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin }) as unknown as WebSocketLike);
  return { client: connectServiceClient<AppServices>(channel, servicesSchema), close: () => channel.close() };
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, the call succeeded');
}

describe('browser mode reads datasets only inside the allowed folders', () => {
  const data = join(scratch, 'data');
  const allowed = join(scratch, 'allowed');
  const outside = join(scratch, 'outside');
  let browserMode: BrowserMode;
  let client: AppServices;
  let close: () => void;
  let projectId: string;

  beforeAll(async () => {
    makeDataset(join(allowed, 'inside'));
    makeDataset(join(scratch, 'allowed2', 'beside'));
    makeDataset(join(outside, 'secret-set'));
    writeFileSync(join(outside, 'a-file'), 'not a folder');
    // Links inside the allowed folder that lead out of it, to a dataset and to a folder holding one.
    symlinkSync(join(outside, 'secret-set'), join(allowed, 'link-to-outside'));
    symlinkSync(outside, join(allowed, 'link-to-outside-folder'));
    // The allowed folder named through a link of its own: it is compared by its real path.
    symlinkSync(allowed, join(scratch, 'allowed-link'));

    browserMode = await startBrowserMode({ dataDirectory: data, rendererDirectory: renderer, allowedFolders: [join(scratch, 'allowed-link')] });
    ({ client, close } = connect(browserMode));
    projectId = (await client.projects.create({ name: 'Paths' })).id;
  });

  afterAll(async () => {
    close?.();
    await browserMode?.close();
  });

  it('allows the folders given and the data folder’s own datasets/, which it makes, by their real paths', () => {
    expect(browserMode.allowedFolders).toEqual([join(data, 'datasets'), allowed]);
    expect(existsSync(join(data, 'datasets'))).toBe(true);
  });

  it('adds a dataset inside an allowed folder, named through the link to it, and one in the data folder’s datasets/', async () => {
    const dataset = await client.datasets.add({ projectId, path: join(scratch, 'allowed-link', 'inside') });
    expect(dataset).toMatchObject({ name: 'inside', path: join(allowed, 'inside'), sampleCount: 2 });
    makeDataset(join(data, 'datasets', 'copied'));
    expect(await client.datasets.add({ projectId, path: join(data, 'datasets', 'copied') })).toMatchObject({ name: 'copied', sampleCount: 2 });
  });

  it('refuses every path outside with one message that does not tell whether it exists', async () => {
    const refusal = (path: string) =>
      `datasets.add: ${path} is not inside a folder this server may read (${join(data, 'datasets')}, ${allowed}); ` +
      'start it with --allow-folder <folder> to read from another folder, or copy the dataset into one of these';
    const paths = [
      join(outside, 'secret-set'), // a dataset
      join(outside, 'a-file'), // a file
      join(outside, 'missing'), // nothing
      join(outside, 'missing', 'deeper'), // nothing under nothing
      join(outside, 'a-file', 'under-a-file'), // ENOTDIR, not ENOENT
      '/etc/passwd',
      '/proc/self/root/etc', // a link of the system's
      '/', // the root
      `${allowed}/../outside/secret-set`, // `..` after an allowed folder
      join(allowed, 'link-to-outside'), // a link inside that leads out
      join(allowed, 'link-to-outside-folder', 'secret-set'), // a path through such a link
      join(allowed, 'link-to-outside-folder', 'missing'), // a missing path through such a link
      join(scratch, 'allowed-link', '..', 'outside', 'secret-set'),
      join(scratch, 'allowed2', 'beside'), // a folder whose name starts with an allowed one's is not inside it
      data, // the data folder is not one of them, only its datasets/
    ];
    for (const path of paths) {
      const error = await rejection(client.datasets.add({ projectId, path }));
      expect(error, path).toBeInstanceOf(RequestError);
      expect(error.message, path).toBe(refusal(path));
    }
    expect(await client.datasets.list({ projectId })).toHaveLength(2);
  });

  it('hands a missing path inside an allowed folder to the dataset reader, whose error says it is not a dataset', async () => {
    const error = await rejection(client.datasets.add({ projectId, path: join(allowed, 'not-yet') }));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toContain('is not a readable dataset folder');
  });

  it('keeps uploads working: a model arrives as bytes, whatever the folders', async () => {
    const error = await rejection(client.models.importModel({ projectId, fileName: 'notes.tflite', bytes: new TextEncoder().encode('not a model') }));
    expect(error.name).toBe('ImportError');
  });

  it('leaves the Electron app’s services (no folder bound: its paths come from its own dialogs) as they were', async () => {
    const backend = startBackend({ dataDirectory: join(scratch, 'electron-data') });
    try {
      const project = await backend.services.projects.create({ name: 'Desktop' });
      expect(await backend.services.datasets.add({ projectId: project.id, path: join(outside, 'secret-set') })).toMatchObject({ name: 'secret-set' });
    } finally {
      await backend.close();
    }
  });
});

describe('browser mode without the data folder’s datasets/', () => {
  it('still starts when it cannot be made (a file has its name; a full disk refuses it too), allowing only the folders given', async () => {
    const data = join(scratch, 'data-with-a-file');
    mkdirSync(data);
    writeFileSync(join(data, 'datasets'), 'not a folder');
    const set = makeDataset(join(scratch, 'only-allowed', 'set'));
    const browserMode = await startBrowserMode({ dataDirectory: data, rendererDirectory: renderer, allowedFolders: [join(scratch, 'only-allowed')] });
    const { client, close } = connect(browserMode);
    try {
      expect(browserMode.allowedFolders).toEqual([join(scratch, 'only-allowed')]);
      const projectId = (await client.projects.create({ name: 'Paths' })).id;
      expect(await client.datasets.add({ projectId, path: set })).toMatchObject({ name: 'set' });
      expect(await rejection(client.datasets.add({ projectId, path: join(data, 'datasets') }))).toBeInstanceOf(RequestError);
    } finally {
      close();
      await browserMode.close();
    }
  });
});

describe('a dataset path typed relative', () => {
  it('is read from the folder serve was started in, as --allow-folder is, and still only inside the allowed folders', async () => {
    const data = join(scratch, 'data-relative');
    makeDataset(join(scratch, 'relative', 'kws-like'));
    const browserMode = await startBrowserMode({ dataDirectory: data, rendererDirectory: renderer, allowedFolders: [join(scratch, 'relative')], workingDirectory: join(scratch, 'relative') });
    const { client, close } = connect(browserMode);
    try {
      const { id: projectId } = await client.projects.create({ name: 'Relative' });
      expect(await client.datasets.add({ projectId, path: 'kws-like' })).toMatchObject({ name: 'kws-like', path: join(scratch, 'relative', 'kws-like'), sampleCount: 2 });
      expect(await client.datasets.add({ projectId, path: '../relative/./kws-like' })).toMatchObject({ path: join(scratch, 'relative', 'kws-like') });
      const outside = await rejection(client.datasets.add({ projectId, path: '../outside/secret-set' }));
      expect(outside).toBeInstanceOf(RequestError);
      expect(outside.message).toContain(`${join(scratch, 'outside', 'secret-set')} is not inside a folder this server may read`);
    } finally {
      close();
      await browserMode.close();
    }
  });
});
