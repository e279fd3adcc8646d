// `npm ci && npx tinydeploy serve` in a fresh checkout serves the UI: there is no out/ then, and
// serve builds the app on its first start. The checkout here is the committed tree (`git archive
// HEAD`: no out/, no build products) beside this checkout's node_modules (what `npm ci`
// installs), and `tinydeploy serve` is started in it as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/testing/shared-data.js';
import { buildRendererWhenMissing } from './renderer-build.js';

let checkout: string;
let dataDirectory: string;

beforeAll(() => {
  const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-fresh-'));
  checkout = join(scratch, 'tinydeploy');
  dataDirectory = join(scratch, 'data');
  // What a clone gets: the committed tree (no out/, no build products, nothing uncommitted).
  mkdirSync(checkout, { recursive: true });
  const archive = spawnSync('sh', ['-c', `git -C "${repoRoot}" archive --format=tar HEAD | tar -x -C "${checkout}"`], { encoding: 'utf8' });
  expect(archive.status, archive.stderr).toBe(0);
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
});

afterAll(() => {
  if (checkout) rmSync(dirname(checkout), { recursive: true, force: true });
});

/** Starts `tinydeploy serve` in the checkout; resolves with its address and what it printed. */
function serve(): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['bin/tinydeploy.js', 'serve', '--data-dir', dataDirectory], { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return new Promise((resolveStart, rejectStart) => {
    const check = setInterval(() => {
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output)?.[0];
      if (url) {
        clearInterval(check);
        resolveStart({
          url,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    }, 50);
    void exited.then(() => {
      clearInterval(check);
      rejectStart(new Error(`tinydeploy serve exited before printing its address:\n${output}`));
    });
  });
}

describe('a fresh checkout', () => {
  it('has no built app (the test would prove nothing otherwise)', () => {
    expect(existsSync(join(checkout, 'out'))).toBe(false);
  });

  it('npx tinydeploy serve builds the app on its first start and serves the UI', async () => {
    const served = await serve();
    try {
      expect(served.output()).toMatch(/building the app into .*out \(first start/);
      expect(existsSync(join(checkout, 'out/renderer/index.html'))).toBe(true);
      const page = await fetch(served.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<div id="root"></div>');
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
      const asset = await fetch(new URL(script!, served.url), { headers: { cookie } });
      expect(asset.status).toBe(200);
    } finally {
      await served.stop();
    }
  }, 120_000);

  it('the second start serves the build it made, without building again', async () => {
    const served = await serve();
    try {
      expect(served.output()).not.toMatch(/building the app/);
      expect((await fetch(served.url)).status).toBe(200);
    } finally {
      await served.stop();
    }
  }, 60_000);

  it('is already built: nothing to do', async () => {
    await expect(buildRendererWhenMissing({ root: checkout })).resolves.toBe(false);
  });
});
