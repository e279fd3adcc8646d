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

/**
 * Starts `count` processes that each open the store of `directory` at the same instant (they wait
 * for a common start time after loading), hold it for a while, and print `owner` or `refused`.
 */
async function simultaneousStarts(directory: string, count: number): Promise<string[]> {
  const script = join(directory, 'starter.ts');
  writeFileSync(
    script,
    `import { openStore } from ${JSON.stringify(join(import.meta.dirname, 'store.ts'))};
const startAt = Number(process.argv[2]);
while (Date.now() < startAt) {}
let store;
try { store = openStore(${JSON.stringify(directory)}); console.log('owner'); } catch (error) { console.log('refused'); }
setTimeout(() => { store?.close(); }, 1500);
`,
  );
  const startAt = Date.now() + 2500;
  const children = Array.from({ length: count }, () => spawn(process.execPath, ['--import', 'tsx', script, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] }));
  return Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let output = '';
          child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
          child.on('exit', () => resolve(output.trim()));
        }),
    ),
  );
}

describe('data folder lock under simultaneous starts', () => {
  it('gives the folder to exactly one of six processes starting together, with no lock and with a dead owner’s lock', async () => {
    for (let trial = 0; trial < 4; trial++) {
      const directory = folder();
      if (trial % 2 === 1) {
        // A lock left by a process that is gone: every starter sees it stale at once.
        const dead = spawn('true');
        await new Promise((resolve) => dead.once('exit', resolve));
        writeFileSync(join(directory, 'lock'), JSON.stringify({ pid: dead.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
      }
      const outcomes = await simultaneousStarts(directory, 6);
      expect(outcomes.sort()).toEqual(['owner', 'refused', 'refused', 'refused', 'refused', 'refused']);
      expect(existsSync(join(directory, 'lock'))).toBe(false);
    }
  });
});
