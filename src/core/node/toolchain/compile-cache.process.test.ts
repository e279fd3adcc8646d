/**
 * The compiled-object cache with arm-none-eabi-gcc: a second build of the same sources in another
 * folder takes its objects from the cache (the compiler is not run), byte-identical to an uncached
 * compile there (object, stack-usage and call-graph files, diagnostics); a changed header is a miss.
 */
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { defaultCompileCacheDirectory, parseDependencies, pruneCompileCache } from './compile-cache.js';
import { type Compiler, compile, findCompiler } from './compiler.js';

const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-compile-cache-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const header = '#define TD_SCALE 3\nstatic inline int td_scaled(int x) { return x * TD_SCALE; }\n';
const source = '#include "scale.h"\nint td_table[4];\nint td_run(int x) { int unused; td_table[x & 3] = td_scaled(x); return td_table[(x + 1) & 3]; }\n';

/** A build folder: kernels/include/scale.h and kernels/src/run.c. */
async function project(name: string, headerText = header): Promise<string> {
  const root = join(scratch, name);
  await mkdir(join(root, 'kernels', 'include'), { recursive: true });
  await mkdir(join(root, 'kernels', 'src'), { recursive: true });
  await mkdir(join(root, 'build'), { recursive: true });
  await writeFile(join(root, 'kernels', 'include', 'scale.h'), headerText);
  await writeFile(join(root, 'kernels', 'src', 'run.c'), source);
  return root;
}

async function outputs(root: string) {
  const read = (extension: string) => readFile(join(root, 'build', `run${extension}`));
  return { object: await read('.o'), stack: (await read('.su')).toString(), callGraph: (await read('.ci')).toString() };
}

describe('compiled-object cache', () => {
  it('gives back, byte for byte, what an uncached compile writes; a header change is a miss', async () => {
    const gcc = await findCompiler('arm-none-eabi');
    requireTools(gcc ? undefined : 'arm-none-eabi-gcc is not on PATH (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)');
    // The compiler behind a script that counts its runs: a hit must not run it.
    const counter = join(scratch, 'runs.log');
    const script = join(scratch, 'counting-gcc');
    await writeFile(script, `#!/bin/sh\necho run >> "${counter}"\nexec ${gcc!.command} "$@"\n`);
    await chmod(script, 0o755);
    const compiler: Compiler = { ...gcc!, command: script };
    const runs = async () => (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    const cache = join(scratch, 'cache');
    // -Wall: the unused variable gives a warning, kept with the object.
    const build = (root: string, cached: boolean) =>
      compile(compiler, {
        sources: [join(root, 'kernels', 'src', 'run.c')],
        output: join(root, 'build', 'run.o'),
        includeDirs: [join(root, 'kernels', 'include')],
        flags: ['-mcpu=cortex-m4', '-mthumb', '-O2', '-Wall', '-fstack-usage', '-fcallgraph-info=su', '-c'],
        cache: cached ? cache : false,
      });

    const first = await project('first');
    const firstResult = await build(first, true);
    expect(await runs()).toBe(1);
    expect(firstResult.diagnostics).toContain('unused variable');
    const stored = await readdir(join(cache, 'objects'), { recursive: true });
    expect(stored.filter((file) => String(file).endsWith('object.o'))).toHaveLength(1);

    // Another folder, same sources: from the cache, equal to an uncached compile in that folder.
    const second = await project('second');
    const secondResult = await build(second, true);
    expect(await runs()).toBe(1);
    const fromCache = await outputs(second);
    expect(fromCache.stack).toContain(join(second, 'kernels', 'src', 'run.c'));
    expect(fromCache.stack).not.toContain(first);
    const uncachedResult = await build(second, false);
    expect(await runs()).toBe(2);
    const uncached = await outputs(second);
    expect(fromCache.object.equals(uncached.object)).toBe(true);
    expect(fromCache.stack).toBe(uncached.stack);
    expect(fromCache.callGraph).toBe(uncached.callGraph);
    expect(secondResult.diagnostics).toBe(uncachedResult.diagnostics);

    // The header changes: the compiler runs again and the object is the new one.
    const edited = await project('edited', header.replace('TD_SCALE 3', 'TD_SCALE 5'));
    await build(edited, true);
    expect(await runs()).toBe(3);
    const editedObject = (await outputs(edited)).object;
    expect(editedObject.equals(uncached.object)).toBe(false);
    await build(edited, false);
    expect(await runs()).toBe(4);
    expect(editedObject.equals((await outputs(edited)).object)).toBe(true);
    // And back: the first header's entry is still there.
    const third = await project('third');
    await build(third, true);
    expect(await runs()).toBe(4);
    expect((await outputs(third)).object.equals(uncached.object)).toBe(true);

    // Bounded: past the limit the least recently used entry goes (the edited header's; the first was just used).
    expect(await pruneCompileCache(cache, 1)).toBe(1);
    await build(second, true);
    expect(await runs()).toBe(4);
    await build(edited, true);
    expect(await runs()).toBe(5);
  });

  it('reads gcc dependency files and lives in the user cache folder', () => {
    expect(parseDependencies('/b/run.o: /a/src/run.c /a/include/x\\ y.h \\\n /usr/include/stdint.h\n')).toEqual(['/a/src/run.c', '/a/include/x y.h', '/usr/include/stdint.h']);
    expect(defaultCompileCacheDirectory({ XDG_CACHE_HOME: '/x' })).toBe('/x/tinydeploy/objects');
    expect(defaultCompileCacheDirectory({ TINYDEPLOY_CACHE_DIR: '/y', XDG_CACHE_HOME: '/x' })).toBe('/y/objects');
    expect(defaultCompileCacheDirectory({ HOME: '/home/u' }).endsWith(join('.cache', 'tinydeploy', 'objects'))).toBe(true);
  });
});
