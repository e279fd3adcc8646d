import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { analyzeModel } from '../../core/common/analysis/model-analysis.js';
import { ImportError } from '../../core/common/errors.js';
import { importModel } from '../../core/common/importers/index.js';
import { RequestError } from '../../shared/services/errors.js';
import { connectServiceClient } from '../../shared/services/proxy.js';
import { servicesSchema } from '../../shared/services/schemas.js';
import type { AppServices, Job } from '../../shared/services/types.js';
import { webSocketChannel, type WebSocketLike } from '../../shared/services/websocket-channel.js';
import { sharedModels } from '../../../test/testing/shared-data.js';
import { main } from '../main.js';

// The server itself (token, Host and Origin checks, CSP, assets, the WebSocket) is tested in
// src/server/browser-server.test.ts; here, the command that starts it.

describe('tinydeploy serve', () => {
  it('is a command of the CLI that refuses a non-loopback host', async () => {
    const stderr: string[] = [];
    const code = await main(['serve', '--host', '0.0.0.0'], { stdout: { write: () => true }, stderr: { write: (chunk: string) => stderr.push(chunk) } });
    expect(code).toBe(2);
    expect(stderr.join('')).toContain('option --host must be one of 127.0.0.1, ::1, got "0.0.0.0"');
  });
});

describe('tinydeploy serve, the command, over the real back end', () => {
  const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
  let workDirectory: string;

  beforeAll(() => {
    workDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-serve-'));
    mkdirSync(join(workDirectory, 'renderer'));
    writeFileSync(join(workDirectory, 'renderer', 'index.html'), '<!doctype html><title>TinyDeploy</title>');
  });
  afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

  /** Starts `tinydeploy serve` in its own process; resolves once it has printed its address. */
  async function startServe() {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), 'serve', '--data-dir', join(workDirectory, 'data'), '--renderer', join(workDirectory, 'renderer')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output);
        if (match) resolve(new URL(match[0]));
      });
      void exited.then((code) => reject(new Error(`tinydeploy serve exited with ${code} before printing its address: ${output}${errors}`)));
    });
    const channel = webSocketChannel(() => new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin }) as unknown as WebSocketLike);
    const client = connectServiceClient<AppServices>(channel, servicesSchema);
    const stop = async () => {
      channel.close();
      child.kill('SIGTERM');
      return { code: await exited, output: () => output, errors: () => errors };
    };
    return { url, client, stop };
  }

  it('serves projects, model import, a Deploy & Profile job and measurements, which survive a restart', async () => {
    const first = await startServe();
    const bytes = new Uint8Array(readFileSync(sharedModels.kws_ref_model));
    const expected = analyzeModel(importModel(bytes, 'kws_ref_model'));
    let projectId: string;
    let variantId: string;
    try {
      const { client } = first;
      const project = await client.projects.create({ name: 'Keyword spotting' });
      projectId = project.id;
      const variant = await client.models.importModel({ projectId, fileName: 'kws_ref_model.tflite', bytes });
      variantId = variant.id;
      expect(variant.summary.macs).toBe(expected.totals.macs);
      expect(variant.summary.ops).toBe(13);
      const detail = await client.models.get({ variantId });
      expect(detail.layers).toHaveLength(13);
      expect(detail.layers.reduce((sum, layer) => sum + layer.macs, 0)).toBe(expected.totals.macs);

      const bad = await client.models.importModel({ projectId, fileName: 'notes.txt', bytes: new TextEncoder().encode('not a model') }).catch((error: unknown) => error);
      expect(bad).toBeInstanceOf(ImportError);
      expect((bad as Error).message).toContain('notes.txt');
      await expect(client.projects.rename({ id: projectId, name: '' })).rejects.toBeInstanceOf(RequestError);

      const { boards } = await client.devices.list();
      expect(boards).toContainEqual(expect.objectContaining({ id: 'virtual-m4f', kind: 'virtual', deployable: true }));

      const finished = new Promise<Job>((resolve) => {
        client.jobs.onJobChanged((job) => {
          if (['succeeded', 'failed', 'cancelled', 'interrupted'].includes(job.status)) resolve(job);
        });
      });
      // Messages on one socket are served in order: once this call is answered, the subscription
      // sent before it is in place (a trigger, not a guessed delay).
      await client.projects.list();
      const job = await client.jobs.startDeploy({ variantId, boardId: 'virtual-m4f' });
      const done = await finished;
      expect(done, JSON.stringify(done.error)).toMatchObject({ id: job.id, status: 'succeeded' });
      const [measurement] = await client.measurements.list({ projectId, variantId });
      expect(measurement).toMatchObject({ kind: 'deploy', boardId: 'virtual-m4f', bitExact: true, latency: { unit: 'instructions' } });
    } finally {
      const stopped = await first.stop();
      expect(stopped.code, stopped.errors()).toBe(0);
      expect(stopped.output()).toContain('stopping');
    }

    const second = await startServe();
    try {
      expect(second.url.searchParams.get('token')).not.toBe(first.url.searchParams.get('token'));
      expect(await second.client.projects.list()).toEqual([expect.objectContaining({ id: projectId!, name: 'Keyword spotting', variantCount: 1 })]);
      expect(await second.client.measurements.list({ projectId: projectId! })).toEqual([expect.objectContaining({ variantId: variantId!, bitExact: true })]);
    } finally {
      expect((await second.stop()).code).toBe(0);
    }
  });
});

describe('tinydeploy serve refuses what it cannot serve with one line, never a stack trace', () => {
  const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
  let workDirectory: string;

  beforeAll(() => {
    workDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-serve-refuses-'));
    mkdirSync(join(workDirectory, 'renderer'));
    writeFileSync(join(workDirectory, 'renderer', 'index.html'), '<!doctype html><title>TinyDeploy</title>');
    writeFileSync(join(workDirectory, 'a-file'), 'not a folder');
  });
  afterAll(() => rmSync(workDirectory, { recursive: true, force: true }));

  /** Runs the real CLI to its end; resolves to its exit code and what it printed. */
  function serve(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/tinydeploy.js'), 'serve', '--renderer', join(workDirectory, 'renderer'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A server that started after all is stopped, so the test fails on its output instead of hanging.
    child.stdout.on('data', () => {
      if (stdout.includes('?token=')) child.kill('SIGTERM');
    });
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  it.each([
    ['/etc/passwd', 'error: data folder /etc/passwd is not a folder\n'],
    ['a-file', `error: data folder ${'<work>'}/a-file is not a folder\n`],
    ['a-file/projects', `error: data folder ${'<work>'}/a-file/projects cannot be created: part of its path is a file\n`],
    ['/proc/self', 'error: data folder /proc/self cannot be written: it does not accept new files\n'],
    ['/proc/self/tinydeploy', 'error: data folder /proc/self/tinydeploy cannot be created: the folder it would go in does not accept new folders\n'],
  ])('--data-dir %s', async (dataDirectory, expected) => {
    const resolved = dataDirectory.startsWith('/') ? dataDirectory : join(workDirectory, dataDirectory);
    const { code, stdout, stderr } = await serve('--data-dir', resolved);
    expect(stderr).toBe(expected.replace('<work>', workDirectory));
    expect(stdout).toBe('');
    expect(code).toBe(1);
  });

  it('a port already in use', async () => {
    const occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    const { port } = occupier.address() as AddressInfo;
    try {
      const { code, stdout, stderr } = await serve('--port', String(port), '--data-dir', join(workDirectory, 'data'));
      expect(stderr).toBe(`error: port ${port} is in use (127.0.0.1:${port}): choose another with --port, or --port 0 for a free one\n`);
      expect(stdout).toBe('');
      expect(code).toBe(1);
    } finally {
      await new Promise((resolve) => occupier.close(resolve));
    }
    // The failed start left the data folder unlocked: the next start on it works.
    const started = await serve('--data-dir', join(workDirectory, 'data'));
    expect(started.stdout).toContain('?token=');
  });
});
