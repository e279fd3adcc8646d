import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../test/testing/shared-data.js';
import { openStore, type Store } from '../store/index.js';
import { createDatasetService } from '../services/datasets.js';
import { makeZip } from './testing/make-zip.js';
import { writeUploadedFolder } from './upload.js';

/** Browser mode's folder upload: files into the data folder's datasets/, added as a dataset, or nothing kept. */

const kws01 = join(repoRoot, 'resources/datasets/kws01');
let directory: string;
let store: Store;
let projectId: string;

/** kws01's dataset.json and its first `count` samples, as the browser sends a folder. */
function kwsFiles(count: number): { path: string; bytes: Uint8Array }[] {
  const description = JSON.parse(readFileSync(join(kws01, 'dataset.json'), 'utf8')) as { labels: string };
  const lines = readFileSync(join(kws01, description.labels), 'utf8').split('\n').filter(Boolean).slice(0, count);
  return [
    { path: 'dataset.json', bytes: readFileSync(join(kws01, 'dataset.json')) },
    { path: description.labels, bytes: new TextEncoder().encode(lines.join('\n') + '\n') },
    ...lines.map((line) => ({ path: line.split(',')[0], bytes: new Uint8Array(readFileSync(join(kws01, line.split(',')[0]))) })),
  ];
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinydeploy-upload-'));
  store = openStore(join(directory, 'data'));
  projectId = store.createProject('uploads').id;
});

afterAll(() => {
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('datasets.upload', () => {
  it('writes the folder into datasets/<name>, adds it, and previews it; a second upload of the name gets <name>-2', async () => {
    const service = createDatasetService(store);
    const dataset = await service.upload({ projectId, name: 'kws-small', files: kwsFiles(10) });
    expect(dataset).toMatchObject({ name: 'kws-small', format: 'files', sampleCount: 10, path: join(directory, 'data', 'datasets', 'kws-small') });
    expect((await service.preview({ datasetId: dataset.id, count: 2 })).samples.map((sample) => sample.className)).toEqual(['Stop', 'Left']);
    const again = await service.upload({ projectId, name: 'kws-small', files: kwsFiles(3) });
    expect(again).toMatchObject({ name: 'kws-small-2', sampleCount: 3 });
    expect(await service.list({ projectId })).toHaveLength(2);
  });

  it('takes the folder zipped: one .zip file, its top folder removed', async () => {
    const service = createDatasetService(store);
    const archive = makeZip(kwsFiles(5).map((file) => ({ name: `kws01/${file.path}`, bytes: file.bytes })));
    const dataset = await service.upload({ projectId, name: 'kws-zipped', files: [{ path: 'kws01.zip', bytes: archive }] });
    expect(dataset).toMatchObject({ name: 'kws-zipped', sampleCount: 5 });
    expect(readdirSync(dataset.path)).toContain('dataset.json');
  });

  it('keeps nothing of a folder that is not a dataset', async () => {
    const service = createDatasetService(store);
    const files = kwsFiles(2).filter((file) => file.path !== 'dataset.json');
    await expect(service.upload({ projectId, name: 'no-description', files })).rejects.toThrow(/is not a readable dataset folder/);
    expect(existsSync(join(directory, 'data', 'datasets', 'no-description'))).toBe(false);
  });

  it('refuses a path leading out of the folder or sent twice, leaving nothing', async () => {
    const root = join(directory, 'writer');
    await expect(writeUploadedFolder(root, 'x', [{ path: '../escape.bin', bytes: new Uint8Array(1) }])).rejects.toThrow('upload x: file "../escape.bin" is not inside the folder');
    await expect(writeUploadedFolder(root, 'x', [{ path: 'a.bin', bytes: new Uint8Array(1) }, { path: 'a.bin', bytes: new Uint8Array(2) }])).rejects.toThrow('upload x: file "a.bin" is sent twice');
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(join(directory, 'escape.bin'))).toBe(false);
  });

  it('has no folder dialog outside the desktop app', async () => {
    await expect(createDatasetService(store).chooseFolder()).rejects.toThrow(/no folder dialog here/);
  });
});
