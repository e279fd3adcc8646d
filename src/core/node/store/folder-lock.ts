import { existsSync, linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../../common/errors.js';

/**
 * One process at a time owns a data folder: the app and `tinydeploy serve` would otherwise both
 * run its jobs, and each would mark the other's running jobs interrupted when it starts. The
 * owner holds `<folder>/lock` (its pid, host and start time); a second process is refused with the
 * owner named. A lock left by a process that died is taken over.
 *
 * Both steps are atomic, so simultaneous starters never both win:
 * - creating: the record is written to a file of this process's own, then hard-linked to `lock`
 *   (link fails if `lock` exists), so nobody ever reads a lock that exists but is still empty;
 * - taking over a dead owner's lock: one taker at a time holds `lock.takeover` (created the same
 *   way), checks that `lock` still names the dead owner it saw, then renames its record over it.
 */
export class FolderLock {
  private constructor(readonly path: string) {}

  static acquire(directory: string): FolderLock {
    const path = join(directory, 'lock');
    const record = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
    for (let attempt = 0; attempt < 50; attempt++) {
      if (createExclusive(path, record)) return new FolderLock(path);
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
      // The owner is gone, unreadable (a lock from a crashed older version), or this process re-opening.
      if (takeOver(path, owner, record)) return new FolderLock(path);
      pause(2 + attempt);
    }
    throw new StoreError(`cannot lock data folder ${directory}: ${path} keeps changing hands`, { directory });
  }

  /** Gives the folder up. Idempotent. */
  release(): void {
    const owner = readOwner(this.path);
    if (owner?.pid === process.pid) rmSync(this.path, { force: true });
  }
}

interface Owner {
  pid: number;
  host: string;
  since: string;
}

/** A file of this process's own holding `content`, for linking or renaming into place. */
function privateCopy(path: string, content: string): string {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, content, { flag: 'wx' });
  return temporary;
}

/** Creates `path` holding `content` if it does not exist, atomically; false when it exists. */
function createExclusive(path: string, content: string): boolean {
  const temporary = privateCopy(path, content);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * Replaces the lock of the `stale` owner by `record`, under the takeover guard; false when another
 * process holds the guard or the lock changed since it was read (the caller looks again).
 */
function takeOver(path: string, stale: Owner | undefined, record: string): boolean {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, record)) {
    const taker = readOwner(guard);
    // A taker that died holding the guard would block everyone: clear it, then look again.
    if (!taker || (taker.host === hostname() && !processAlive(taker.pid))) rmSync(guard, { force: true });
    return false;
  }
  try {
    if (!existsSync(path)) return false;
    const current = readOwner(path);
    if (current?.pid !== stale?.pid || current?.since !== stale?.since) return false;
    renameSync(privateCopy(path, record), path);
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Sleeps `ms` milliseconds synchronously (the lock is taken at start-up, before anything else runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Owner;
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
