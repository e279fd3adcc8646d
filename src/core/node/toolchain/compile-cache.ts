/**
 * The compiled-object cache: a firmware build compiles the same kernel, board and runtime sources
 * every time (only the generated model changes), so each object compiled from one C source is kept,
 * with the stack-usage (`.su`) and call-graph (`.ci`) files gcc writes beside it, under
 * `$TINYDEPLOY_CACHE_DIR/objects`, else `$XDG_CACHE_HOME/tinydeploy/objects`, else
 * `~/.cache/tinydeploy/objects`.
 *
 * Keys, as ccache's direct mode: a manifest named by the hash of the compiler (command and
 * version), the full argument list, the source's path and its bytes lists, for each object compiled
 * from it, every file the compile read (gcc `-MD`: the source, every header it includes, the
 * compiler's own headers) with the hash of its bytes. A lookup re-hashes those files: a changed header
 * is a miss, then a new entry. Paths under the build's folder (the common folder of the source, the
 * output and the include folders) are keyed relative to it, so builds in different temporary
 * folders share entries; the `.su` and `.ci` texts name that folder and are stored with it replaced
 * and given back with the current one, byte for byte what gcc writes there. An object whose bytes
 * name the folder is not kept (it could not be given back unchanged).
 *
 * Builds run in parallel (search workers, processes): every file is written under a temporary name
 * and renamed into place, so a reader sees a whole entry or none. Bounded: once a process has
 * stored an object, entries past `maxCacheEntries` are removed, least recently used first (a hit
 * touches its entry); a generated model's object, new every build, ages out first.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';

/** `$TINYDEPLOY_CACHE_DIR/objects`, else `$XDG_CACHE_HOME/tinydeploy/objects`, else `~/.cache/tinydeploy/objects`. */
export function defaultCompileCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.TINYDEPLOY_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tinydeploy');
  return join(base, 'objects');
}

/** The environment variable that turns the cache off (`off` or `0`). */
export const COMPILE_CACHE_ENV = 'TINYDEPLOY_COMPILE_CACHE';

/** The cache folder compiles use by default, or undefined when `$TINYDEPLOY_COMPILE_CACHE` turns it off. */
export function compileCacheFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = (env[COMPILE_CACHE_ENV] ?? '').trim().toLowerCase();
  return setting === 'off' || setting === '0' ? undefined : defaultCompileCacheDirectory(env);
}

/** The files gcc writes for `-c -o x.o` with `-fstack-usage` / `-fcallgraph-info`: kept with the object. */
const sideFiles = ['.su', '.ci'] as const;
const ROOT_MARK = '\u0000TDROOT\u0000';

export interface CacheableCompile {
  /** Absolute path of the C source. */
  source: string;
  /** Absolute path of the object file. */
  output: string;
  /** Compiler arguments, the source and `-o output` included. */
  args: readonly string[];
  /** Absolute include folders (they widen the folder paths are keyed relative to). */
  includeDirs: readonly string[];
  /** The compiler's working folder (`-include` and relative names are looked up there first). */
  cwd: string;
  compiler: { command: string; version: string };
}

interface ManifestEntry {
  /** Files read by the compile: path (ROOT_MARK for the build folder) and sha256 of the bytes. */
  inputs: [string, string][];
  result: string;
}

/** Objects kept at most (a kernel object is a few KiB; a generated model's up to its weights). */
export const maxCacheEntries = 4000;

const pruned = new Set<string>();

/** Removes the least recently used entries past `limit` (once per folder and process). */
export async function pruneCompileCache(directory: string, limit = maxCacheEntries): Promise<number> {
  const entries: { path: string; time: number }[] = [];
  const objects = join(directory, 'objects');
  for (const prefix of await readdir(objects).catch(() => [] as string[])) {
    for (const name of await readdir(join(objects, prefix)).catch(() => [] as string[])) {
      if (name.endsWith('.partial')) continue;
      const info = await stat(join(objects, prefix, name)).catch(() => undefined);
      if (info) entries.push({ path: join(objects, prefix, name), time: info.mtimeMs });
    }
  }
  if (entries.length <= limit) return 0;
  entries.sort((a, b) => a.time - b.time);
  const removed = entries.slice(0, entries.length - limit);
  // A manifest naming a removed entry is a miss there, and compiles again.
  for (const entry of removed) await rm(entry.path, { recursive: true, force: true });
  return removed.length;
}

const fileHashes = new Map<string, { mtimeMs: number; size: number; hash: string }>();

/** sha256 of a file's bytes (remembered while its size and modification time stay), or undefined when it cannot be read. */
async function hashFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    const known = fileHashes.get(path);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known.hash;
    const hash = createHash('sha256').update(await readFile(path)).digest('hex');
    fileHashes.set(path, { mtimeMs: info.mtimeMs, size: info.size, hash });
    return hash;
  } catch {
    return undefined;
  }
}

/** The deepest folder holding every path (the build's folder); undefined when that is the file system's root. */
function commonFolder(paths: readonly string[]): string | undefined {
  const parts = paths.map((path) => resolve(path).split(sep));
  const first = parts[0];
  let length = first.length;
  for (const other of parts.slice(1)) {
    let i = 0;
    while (i < length && i < other.length && other[i] === first[i]) i++;
    length = i;
  }
  const folder = first.slice(0, length).join(sep);
  // Two levels at least (/tmp/build-x, not /tmp): a shallower folder is too common a prefix to replace in text.
  return length >= 3 ? folder : undefined;
}

function replaceAll(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}

/** The files a gcc `-MD` dependency file lists (its targets left out, `\ ` unescaped). */
export function parseDependencies(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const files: string[] = [];
  for (const line of joined.split(/\r?\n/)) {
    const colon = line.search(/:(\s|$)/);
    if (colon < 0) continue;
    const rest = line.slice(colon + 1);
    let current = '';
    for (let i = 0; i < rest.length; i++) {
      const char = rest[i];
      if (char === '\\' && rest[i + 1] === ' ') {
        current += ' ';
        i++;
      } else if (/\s/.test(char)) {
        if (current) files.push(current);
        current = '';
      } else {
        current += char;
      }
    }
    if (current) files.push(current);
  }
  return [...new Set(files)];
}

/**
 * One compile's place in the cache: `lookup()` gives the objects back (true) or says to compile;
 * after compiling with `dependencyArgs()` added, `store()` keeps the result.
 */
export class CachedCompile {
  private readonly root: string | undefined;
  private readonly manifestPath: string;
  private readonly dependencyFile: string;

  private constructor(
    private readonly directory: string,
    private readonly job: CacheableCompile,
    private readonly baseKey: string,
    root: string | undefined,
  ) {
    this.root = root;
    this.manifestPath = join(directory, 'manifests', baseKey.slice(0, 2), `${baseKey}.json`);
    this.dependencyFile = `${job.output}.${process.pid}.${randomBytes(4).toString('hex')}.d`;
  }

  static async open(directory: string, job: CacheableCompile): Promise<CachedCompile | undefined> {
    const root = commonFolder([job.source, dirname(job.output), ...job.includeDirs]);
    const sourceHash = await hashFile(job.source);
    if (sourceHash === undefined) return undefined;
    const keyed = (text: string) => (root ? replaceAll(text, root, ROOT_MARK) : text);
    const base = createHash('sha256')
      .update(JSON.stringify({ v: 1, command: job.compiler.command, version: job.compiler.version, args: job.args.map(keyed), cwd: keyed(job.cwd), sourceHash }))
      .digest('hex');
    return new CachedCompile(directory, job, base, root);
  }

  private local(path: string): string {
    return this.root && path.startsWith(ROOT_MARK) ? this.root + path.slice(ROOT_MARK.length) : path;
  }

  private keyed(path: string): string {
    return this.root && (path === this.root || path.startsWith(this.root + sep)) ? ROOT_MARK + path.slice(this.root.length) : path;
  }

  private async manifest(): Promise<ManifestEntry[]> {
    try {
      return JSON.parse(await readFile(this.manifestPath, 'utf8')) as ManifestEntry[];
    } catch {
      return [];
    }
  }

  /** Writes the cached object and its side files at the output and gives the compile's diagnostics; undefined when there is no entry for these inputs. */
  async lookup(): Promise<string | undefined> {
    for (const entry of await this.manifest()) {
      let same = true;
      for (const [path, hash] of entry.inputs) {
        if ((await hashFile(this.local(path))) !== hash) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      const folder = join(this.directory, 'objects', entry.result.slice(0, 2), entry.result);
      try {
        const object = await readFile(join(folder, 'object.o'));
        const texts = await Promise.all(sideFiles.map((extension) => readFile(join(folder, `object${extension}`), 'utf8').catch(() => undefined)));
        const diagnostics = await readFile(join(folder, 'diagnostics.txt'), 'utf8');
        const now = new Date();
        await utimes(folder, now, now).catch(() => undefined);
        await writeFile(this.job.output, object);
        const stem = this.job.output.replace(/\.o$/, '');
        await Promise.all(
          sideFiles.map(async (extension, i) => {
            const text = texts[i];
            if (text === undefined) await rm(`${stem}${extension}`, { force: true });
            else await writeFile(`${stem}${extension}`, this.fromCache(text));
          }),
        );
        return this.fromCache(diagnostics);
      } catch {
        // An entry half removed by hand: compile.
      }
    }
    return undefined;
  }

  private fromCache(text: string): string {
    return this.root ? replaceAll(text, ROOT_MARK, this.root) : text;
  }

  private toCache(text: string): string {
    return this.root ? replaceAll(text, this.root, ROOT_MARK) : text;
  }

  /** The arguments that make gcc list what it read. */
  dependencyArgs(): string[] {
    return ['-MD', '-MF', this.dependencyFile];
  }

  /** Keeps what the compile just wrote at the output, and its diagnostics (after a successful compile with `dependencyArgs()`). */
  async store(diagnostics: string): Promise<void> {
    try {
      const dependencies = parseDependencies(await readFile(this.dependencyFile, 'utf8')).map((path) => resolve(this.job.cwd, path));
      const files = [...new Set([this.job.source, ...dependencies])].sort();
      const inputs: [string, string][] = [];
      for (const path of files) {
        const hash = await hashFile(path);
        if (hash === undefined) return;
        inputs.push([this.keyed(path), hash]);
      }
      const object = await readFile(this.job.output);
      if (this.root && object.includes(this.root)) return;
      const stem = this.job.output.replace(/\.o$/, '');
      const texts = await Promise.all(sideFiles.map((extension) => readFile(`${stem}${extension}`, 'utf8').catch(() => undefined)));
      const result = createHash('sha256').update(this.baseKey).update(JSON.stringify(inputs)).digest('hex');
      const folder = join(this.directory, 'objects', result.slice(0, 2), result);
      const partial = `${folder}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
      await mkdir(partial, { recursive: true });
      await writeFile(join(partial, 'object.o'), object);
      await writeFile(join(partial, 'diagnostics.txt'), this.toCache(diagnostics));
      await Promise.all(sideFiles.map((extension, i) => (texts[i] === undefined ? undefined : writeFile(join(partial, `object${extension}`), this.toCache(texts[i]!)))));
      try {
        await rename(partial, folder);
      } catch {
        // Another build stored the same result first: the same bytes.
        await rm(partial, { recursive: true, force: true });
      }
      const entries = (await this.manifest()).filter((entry) => entry.result !== result);
      entries.push({ inputs, result });
      await mkdir(dirname(this.manifestPath), { recursive: true });
      const manifestPartial = `${this.manifestPath}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
      // Bounded: a source compiled against many header versions keeps its latest 32.
      await writeFile(manifestPartial, JSON.stringify(entries.slice(-32)));
      await rename(manifestPartial, this.manifestPath);
      if (!pruned.has(this.directory)) {
        pruned.add(this.directory);
        await pruneCompileCache(this.directory);
      }
    } catch {
      // The cache is an optimisation: a folder that cannot be written leaves the build as it was.
    } finally {
      await this.discard();
    }
  }

  /** Removes the dependency file (after a failed compile too). */
  async discard(): Promise<void> {
    await rm(this.dependencyFile, { force: true });
  }
}
