import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../../common/errors.js';
import { Store } from '../store/index.js';
import { startBackend } from './backend.js';

describe('startBackend', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tinydeploy-backend-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(directory, { recursive: true, force: true });
  });

  it('closes the store it opened, releasing the data folder, when the job host fails to start', async () => {
    const dataDirectory = join(directory, 'data');
    vi.spyOn(Store.prototype, 'interruptUnfinishedJobs').mockImplementation(() => {
      throw new StoreError('the jobs table cannot be written');
    });
    expect(() => startBackend({ dataDirectory })).toThrow('the jobs table cannot be written');
    expect(existsSync(join(dataDirectory, 'lock'))).toBe(false);

    vi.restoreAllMocks();
    const backend = startBackend({ dataDirectory });
    expect(existsSync(join(dataDirectory, 'lock'))).toBe(true);
    await backend.close();
    expect(existsSync(join(dataDirectory, 'lock'))).toBe(false);
  });
});
