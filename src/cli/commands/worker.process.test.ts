/**
 * Distributed search end to end: a local redis-server started here, two `tinydeploy worker`
 * processes on the M4F virtual board, and `tinydeploy search --queue` enqueuing three trials. The
 * first worker to take a trial is killed (SIGKILL) in the middle of it: the trial is taken over by
 * the other worker once its claim lapses, the search ends with every trial measured, and each
 * trial is completed and stored exactly once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { virtualBoardTestsUnavailable } from '../../core/node/devices/qemu/testing/qemu.js';
import { trialJobCounts } from '../../core/node/search/distributed.js';
import { SearchStore } from '../../core/node/search/search-store.js';
import { openStore } from '../../core/node/store/store.js';
import { sharedPath } from '../../../test/testing/shared-data.js';
import { requireTools } from '../../../test/testing/tools.js';
import { main } from '../main.js';
import type { SearchJson } from './search.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-queue-'));
const started: ChildProcess[] = [];

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A process whose stderr and stdout are collected; `waitFor` resolves at the first line matching. */
function start(command: string, args: string[]) {
  const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return {
    child,
    output: () => output,
    waitFor: (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolveMatch) => {
        const match = output.match(pattern);
        if (match) resolveMatch(match);
        else waiters.push({ pattern, resolve: resolveMatch });
      }),
  };
}

async function tinydeploy(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: { write: (text: string) => stdout.push(String(text)) }, stderr: { write: (text: string) => stderr.push(text) } });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('tinydeploy search --queue with tinydeploy worker', () => {
  it('runs the trials on two workers; a worker killed mid-trial has its trial retried by the other, and nothing is recorded twice', async () => {
    requireTools(virtualBoardTestsUnavailable() ?? (spawnSync('redis-server', ['--version']).status === 0 ? undefined : 'redis-server (apt-get install redis-server)'));
    const port = await freePort();
    const redis = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await redis.waitFor(/Ready to accept connections/);
    const url = `redis://127.0.0.1:${port}`;
    const worker = () => start(process.execPath, ['bin/tinydeploy.js', 'worker', '--queue', url, '--boards', 'virtual-m4f', '--lock-seconds', '8']);
    const workers = [worker(), worker()];
    await Promise.all(workers.map((entry) => entry.waitFor(/waiting for trials on tinydeploy-trials-virtual-m4f/)));

    const dataDir = join(scratch, 'data');
    const search = tinydeploy([
      'search',
      '--queue',
      url,
      '--space',
      'mlp',
      '--dataset',
      sharedPath('datasets/mnist'),
      '--board',
      'virtual-m4f',
      '--trials',
      '3',
      '--workers',
      '2',
      '--epochs',
      '1',
      '--max-steps',
      '4',
      '--limit',
      '300',
      '--seed',
      '3',
      '--data-dir',
      dataDir,
      '--json',
    ]);
    // The first worker to take a trial dies in the middle of it.
    const [victim, taken] = await Promise.race(workers.map((entry, i) => entry.waitFor(/taking trial (\d+) of search/).then((match) => [i, Number(match[1])] as const)));
    workers[victim].child.kill('SIGKILL');
    const survivor = workers[1 - victim];

    const { code, stdout, stderr } = await search;
    expect(code, stderr).toBe(0);
    const json = JSON.parse(stdout) as SearchJson;
    expect(json.trials).toHaveLength(3);
    for (const trial of json.trials) expect(trial.status, JSON.stringify(trial)).not.toBe('failed');
    // The killed worker never reported its trial; the survivor took it over and reported it once.
    expect(workers[victim].output()).not.toMatch(new RegExp(`trial ${taken} of search \\w+: \\w+, reported`));
    expect(survivor.output()).toMatch(new RegExp(`taking trial ${taken} of search \\w+ on virtual-m4f \\(attempt \\d\\)`));
    expect(survivor.output().match(new RegExp(`trial ${taken} of search \\w+: [\\w-]+, reported`, 'g'))).toHaveLength(1);

    // Each trial stored once, and each job completed once, none failed.
    const store = openStore(dataDir);
    try {
      const searches = new SearchStore(store);
      expect(searches.trials(json.searchId!).map((trial) => trial.index)).toEqual([0, 1, 2]);
    } finally {
      store.close();
    }
    expect(await trialJobCounts(url, 'virtual-m4f')).toEqual({ completed: 3, failed: 0, active: 0, wait: 0 });

    // The same search again: its three trials come from the store, none is enqueued again.
    const again = await tinydeploy(['search', '--queue', url, '--space', 'mlp', '--dataset', sharedPath('datasets/mnist'), '--board', 'virtual-m4f', '--trials', '3', '--workers', '2', '--epochs', '1', '--max-steps', '4', '--limit', '300', '--seed', '3', '--data-dir', dataDir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as SearchJson).resumed).toBe(true);

    survivor.child.kill('SIGTERM');
    redis.child.kill('SIGTERM');
  }, 600_000);
});
