import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../../common/errors.js';

/**
 * One process at a time owns a data folder: the app and `tinydeploy serve` would otherwise both
 * run its jobs, and each would mark the other's running jobs interrupted when it starts. The
 * owner holds `<folder>/lock` (created exclusively, holding its pid and host); a second process
 * is refused with the owner named. A lock left by a process that died is taken over.
 */
export class FolderLock {
  private constructor(readonly path: string) {}

  static acquire(directory: string): FolderLock {
    const path = join(directory, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const descriptor = openSync(path, 'wx');
        writeSync(descriptor, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
        closeSync(descriptor);
        return new FolderLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(path);
      if (owner && owner.host === hostname() && owner.pid !== process.pid && processAlive(owner.pid)) {
        throw new StoreError(`data folder ${directory} is in use by process ${owner.pid} (since ${owner.since}): close that TinyDeploy window or server, or choose another folder with --data-dir`, {
          directory,
          pid: owner.pid,
        });
      }
      if (owner && owner.host !== hostname()) {
        throw new StoreError(`data folder ${directory} is in use by process ${owner.pid} on host ${owner.host}; if it is not running, remove ${path}`, { directory, pid: owner.pid, host: owner.host });
      }
      // The owner is gone (or it is this process, re-opening): take the lock over.
      rmSync(path, { force: true });
    }
    throw new StoreError(`cannot lock data folder ${directory}: ${path} keeps reappearing`, { directory });
  }

  /** Gives the folder up. Idempotent. */
  release(): void {
    const owner = readOwner(this.path);
    if (owner?.pid === process.pid) rmSync(this.path, { force: true });
  }
}

function readOwner(path: string): { pid: number; host: string; since: string } | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; host: string; since: string };
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
