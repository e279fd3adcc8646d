// The README's first commands, run by bash as a user would paste them, with apt-get, npm and npx
// replaced by recorders (nothing is installed): the set-up line works on a root shell without
// sudo (a container) and through sudo for a user, and the README says how to open the app.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/shared-data.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** The README's ```sh blocks, in order. */
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-readme-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder of recorders for `names`, each appending `<name> <args>` to `log`. */
function recorders(folder: string, names: string[], log: string): string {
  spawnSync('mkdir', ['-p', folder]);
  for (const name of names) {
    const path = join(folder, name);
    const body = name === 'sudo' ? `echo "sudo $*" >> ${log}\nexec "$@"\n` : `echo "${name} $*" >> ${log}\n`;
    writeFileSync(path, `#!/bin/sh\n${body}`);
    chmodSync(path, 0o755);
  }
  return folder;
}

/** Runs `command` with bash, PATH holding only the recorders; returns the exit code and what was run. */
function run(command: string, withSudo: boolean): { status: number | null; ran: string[]; stderr: string } {
  const log = join(scratch, `log-${withSudo ? 'sudo' : 'root'}`);
  writeFileSync(log, '');
  const bin = recorders(join(scratch, withSudo ? 'bin-sudo' : 'bin-root'), ['apt-get', 'npm', 'npx', ...(withSudo ? ['sudo'] : [])], log);
  const result = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', command], { env: { PATH: bin }, encoding: 'utf8' });
  return { status: result.status, ran: readFileSync(log, 'utf8').trim().split('\n'), stderr: result.stderr };
}

describe("the README's commands", () => {
  it('the set-up line runs on a root shell without sudo', () => {
    const { status, ran, stderr } = run(shellBlocks[0]!, false);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(ran.map((line) => line.split(' ')[0])).toEqual(['apt-get', 'apt-get', 'npm', 'npx']);
    expect(ran[1]).toMatch(/^apt-get install -y .*qemu-system-arm .*gcc-arm-none-eabi/);
    expect(ran[2]).toBe('npm ci');
  });

  it('and through sudo where there is one', () => {
    const { status, ran } = run(shellBlocks[0]!, true);
    expect(status).toBe(0);
    expect(ran.filter((line) => line.startsWith('sudo '))).toEqual([expect.stringMatching(/^sudo apt-get update$/), expect.stringMatching(/^sudo apt-get install -y /)]);
    expect(ran).toContain('npm ci');
  });

  it('the line before failed on a root shell without sudo (so this test can fail)', () => {
    const before = 'sudo apt-get update && sudo apt-get install -y build-essential && npm ci';
    expect(run(before, false).status).toBe(127);
  });

  it('the browser app: serve right after the set-up line, with the bundled datasets allowed', () => {
    const serveBlock = shellBlocks.find((block) => block.includes('tinydeploy serve'));
    expect(serveBlock).toBeDefined();
    const { status, ran } = run(serveBlock!, false);
    expect(status).toBe(0);
    expect(ran).toEqual(['npx tinydeploy serve --allow-folder resources/datasets']);
  });
});
