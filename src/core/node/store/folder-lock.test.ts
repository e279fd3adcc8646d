import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../common/errors.js';
import { openStore } from './store.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'tinydeploy-lock-'));
  folders.push(path);
  return path;
}

describe('data folder lock', () => {
  it('refuses a folder another live process owns, naming it, and takes over a dead owner’s lock', async () => {
    const directory = folder();
    const owner = spawn('sleep', ['30']);
    try {
      writeFileSync(join(directory, 'lock'), JSON.stringify({ pid: owner.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
      const error = (() => {
        try {
          openStore(directory);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toBe(
        `data folder ${directory} is in use by process ${owner.pid} (since 2026-01-01T00:00:00.000Z): close that TinyDeploy window or server, or choose another folder with --data-dir`,
      );
    } finally {
      owner.kill('SIGKILL');
      await new Promise((resolve) => owner.once('exit', resolve));
    }
    // The owner died without releasing: the next opener takes the folder.
    const store = openStore(directory);
    expect(existsSync(join(directory, 'lock'))).toBe(true);
    store.close();
    expect(existsSync(join(directory, 'lock'))).toBe(false);
  });
});
