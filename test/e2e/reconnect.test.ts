/**
 * A page left open across a `tinydeploy serve` restart, in Chromium: it no longer says
 * "reconnecting" forever but that its server is gone from this address (a restarted serve has a
 * new port and token) and, when a restarted server answers on the same port, that the token is
 * new and the printed address must be opened. The renderer is the real one, bundled by Vite; the
 * services are the shared fake.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../src/server/browser-server.js';
import { createFakeServices } from '../../src/shared/services/testing/fake-services.js';
import { repoRoot } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { launchChromium, missingTools } from './testing/harness.js';

const missing = missingTools({ deploy: false });
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000 });

describe('a page left open across a server restart', () => {
  requireTools(missing);
  let rendererDirectory: string;
  let browser: Browser;
  const servers: BrowserServer[] = [];

  beforeAll(async () => {
    rendererDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-renderer-'));
    const rendererRoot = resolve(repoRoot, 'src/renderer');
    await build({
      configFile: false,
      root: rendererRoot,
      base: './',
      plugins: [react()],
      logLevel: 'warn',
      build: { outDir: rendererDirectory, emptyOutDir: true, minify: false, chunkSizeWarningLimit: 4096, rollupOptions: { input: resolve(rendererRoot, 'index.html') } },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.close().catch(() => undefined);
    rmSync(rendererDirectory, { recursive: true, force: true });
  });

  it('says the server is gone and how to open the new address, then that a restarted one has a new token', async () => {
    const first = await startBrowserServer({ services: createFakeServices(), rendererDirectory });
    servers.push(first);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${first.url}#/jobs`);
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();

    await first.close();
    const banner = page.getByTestId('connection-banner');
    await poll(() => banner.textContent().catch(() => '')).toMatch(/does not answer: it was stopped, or restarted at a new address\. A restarted `tinydeploy serve` prints a new address/);

    // Restarted on the same port (--port): it answers, but not to this page's old token.
    const second = await startBrowserServer({ services: createFakeServices(), rendererDirectory, port: first.port });
    servers.push(second);
    await poll(() => banner.textContent().catch(() => '')).toMatch(/refuses this page's token: it was restarted with a new one\. Open the new address/);

    // The new address works.
    await page.goto(second.url);
    await page.getByTestId('home-screen').waitFor();
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
    await page.close();
  }, 90_000);
});
