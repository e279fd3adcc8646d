import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TinyDeployError } from '../../common/errors.js';

/**
 * The model files of the store: each variant's bytes kept once in the data folder as
 * `models/<sha256 hex>.tflite`, named by their content, so two variants with the same bytes
 * share a file and a file's name proves what it holds.
 *
 * Writes are atomic (a temporary file beside the target, flushed to disk, then renamed over the
 * name): a crash leaves either the whole file or a `.tmp` that `sweep` removes, never a
 * truncated model under a real name. The folder knows nothing of the database: the store
 * decides which hashes are in use and asks this folder to drop the others.
 *
 * Synchronous on purpose: the store (better-sqlite3) is synchronous, and model files are small
 * (kilobytes to a few megabytes).
 */
/** Writes the whole of `bytes` to a new file at `path` and flushes it to disk. */
export type ModelFileWriter = (path: string, bytes: Uint8Array) => void;

function writeAndFlush(path: string, bytes: Uint8Array): void {
  const descriptor = openSync(path, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

export class ModelFileStore {
  readonly directory: string;
  private readonly writeFile: ModelFileWriter;

  /** `writeFile` writes each temporary file (a test injects one that fails as a full disk does). */
  constructor(directory: string, writeFile: ModelFileWriter = writeAndFlush) {
    this.directory = directory;
    this.writeFile = writeFile;
    mkdirSync(directory, { recursive: true });
  }

  /** `sha256:<hex>` of some bytes, the form variants record. */
  static hashOf(bytes: Uint8Array): string {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  /** The path of the file holding the bytes with this hash (whether or not it exists). */
  pathOf(hash: string): string {
    return join(this.directory, `${hexOf(hash)}.tflite`);
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  /**
   * Stores the bytes (atomically) unless a file with their hash is already there; returns the
   * hash. An existing file of the wrong size (damaged outside TinyDeploy) is replaced.
   */
  write(bytes: Uint8Array): string {
    const hash = ModelFileStore.hashOf(bytes);
    const path = this.pathOf(hash);
    if (existsSync(path) && statSync(path).size === bytes.length) return hash;
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      this.writeFile(temporary, bytes);
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      throw new TinyDeployError(`model file store: cannot write ${path} (${(error as Error).message})`, { path, ...(code ? { code } : {}) });
    }
    return hash;
  }

  /** The bytes of a stored model; a missing or altered file is an error naming the hash and path. */
  read(hash: string): Uint8Array {
    const path = this.pathOf(hash);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (error) {
      throw new TinyDeployError(`model file ${path} of ${hash} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { hash, path });
    }
    if (ModelFileStore.hashOf(bytes) !== hash) {
      throw new TinyDeployError(`model file ${path} does not hold ${hash} any more: it was changed outside TinyDeploy`, { hash, path });
    }
    return bytes;
  }

  remove(hash: string): void {
    rmSync(this.pathOf(hash), { force: true });
  }

  /** Hashes of the files present (`sha256:<hex>`). */
  list(): string[] {
    return readdirSync(this.directory)
      .filter((name) => /^[0-9a-f]{64}\.tflite$/.test(name))
      .map((name) => `sha256:${name.slice(0, 64)}`);
  }

  /**
   * Removes every file whose hash is not in `used`, and temporary files left by an interrupted
   * write. Returns the hashes removed.
   */
  sweep(used: ReadonlySet<string>): string[] {
    const removed: string[] = [];
    for (const name of readdirSync(this.directory)) {
      if (name.endsWith('.tmp')) {
        rmSync(join(this.directory, name), { force: true });
        continue;
      }
      const match = /^([0-9a-f]{64})\.tflite$/.exec(name);
      if (match && !used.has(`sha256:${match[1]}`)) {
        rmSync(join(this.directory, name), { force: true });
        removed.push(`sha256:${match[1]}`);
      }
    }
    return removed;
  }
}

function hexOf(hash: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(hash);
  if (!match) throw new TinyDeployError(`model file store: "${hash}" is not a sha256:<64 hex digits> hash`, { hash });
  return match[1];
}
