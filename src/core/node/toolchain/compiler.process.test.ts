/**
 * The compiler's time limit, with a stand-in compiler: a shell script that starts a child (as the
 * gcc driver starts cc1) and never finishes.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CodegenError } from '../../common/errors.js';
import { COMPILE_TIMEOUT_ENV, compile, compileTimeLimitMs, type Compiler } from './compiler.js';

const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-compiler-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** True while the process exists and is not a zombie waiting to be reaped. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

describe('compile: time limit', () => {
  it('is 60 s plus 50 ms per KiB of source, or the environment variable', () => {
    expect(compileTimeLimitMs(0, {})).toBe(60_000);
    expect(compileTimeLimitMs(2048 * 1024, {})).toBe(60_000 + 2048 * 50);
    expect(compileTimeLimitMs(2048 * 1024, { [COMPILE_TIMEOUT_ENV]: '5000' })).toBe(5000);
    expect(compileTimeLimitMs(0, { [COMPILE_TIMEOUT_ENV]: 'soon' })).toBe(60_000);
  });

  it('kills a compiler that runs past it, and what the compiler started, with a CodegenError naming the limit', async () => {
    const script = join(scratch, 'hanging-cc');
    await writeFile(script, '#!/bin/sh\nsleep 1000 &\necho $! > "$1"\nwait\n');
    await chmod(script, 0o755);
    const compiler: Compiler = { target: 'host', command: script, version: 'hanging-cc 1.0' };
    const pidFile = join(scratch, 'child.pid');
    const error = await compile(compiler, { sources: [pidFile], output: join(scratch, 'never'), timeoutMs: 500 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).message).toBe(`${script} was stopped: it ran past its time limit of 0.5 s`);
    expect((error as CodegenError).data).toMatchObject({ timeoutMs: 500 });
    const child = Number(await readFile(pidFile, 'utf8'));
    // The kill is sent to the whole process group at once; wait for the child's exit to show.
    let checks = 0;
    while ((await alive(child)) && checks++ < 500) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await alive(child)).toBe(false);
  });

  it('passes the compiler\'s exit status and diagnostics on as before', async () => {
    const script = join(scratch, 'failing-cc');
    await writeFile(script, '#!/bin/sh\necho "model.c:1:1: error: expected declaration" >&2\nexit 1\n');
    await chmod(script, 0o755);
    const error = await compile({ target: 'host', command: script, version: '' }, { sources: [], output: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).message).toBe(`${script} failed (exit 1):\nmodel.c:1:1: error: expected declaration`);
  });
});
