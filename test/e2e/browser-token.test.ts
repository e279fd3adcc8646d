/**
 * Browser mode's token in a real browser (Debian's Chromium): the page takes the token out of its
 * address on the first load (the history entry is replaced), keeps working across a reload, and
 * the cookie the browser keeps (which every other server on 127.0.0.1 receives: cookies ignore
 * ports) holds a secret that does not open the services. The renderer is the real one, bundled
 * by Vite into a temporary folder; the services are the shared fake.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserServer, type BrowserServer } from '../../src/server/browser-server.js';
import { createFakeServices } from '../../src/shared/services/testing/fake-services.js';
import { repoRoot } from '../testing/shared-data.js';
import { requireTools } from '../testing/tools.js';
import { launchChromium, missingTools } from './testing/harness.js';

const missing = missingTools({ deploy: false });

/** Resolves to 'open' or the HTTP status of a refused WebSocket upgrade. */
function upgrade(address: string, origin: string): Promise<'open' | number> {
  return new Promise((resolveUpgrade, reject) => {
    const socket = new WebSocket(address, { origin });
    socket.once('open', () => {
      socket.close();
      resolveUpgrade('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      resolveUpgrade(response.statusCode!);
      response.resume();
    });
    socket.once('error', reject);
  });
}

describe('browser mode’s token in Chromium', () => {
  requireTools(missing);
  let rendererDirectory: string;
  let server: BrowserServer;
  let browser: Browser;

  beforeAll(async () => {
    rendererDirectory = mkdtempSync(join(tmpdir(), 'tinydeploy-renderer-'));
    const rendererRoot = resolve(repoRoot, 'src/renderer');
    // As electron-vite builds it (unminified, the real index.html), into a folder of this test's own.
    await build({
      configFile: false,
      root: rendererRoot,
      base: './',
      plugins: [react()],
      logLevel: 'warn',
      build: { outDir: rendererDirectory, emptyOutDir: true, minify: false, chunkSizeWarningLimit: 4096, rollupOptions: { input: resolve(rendererRoot, 'index.html') } },
    });
    [server, browser] = await Promise.all([startBrowserServer({ services: createFakeServices(), rendererDirectory }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(rendererDirectory, { recursive: true, force: true });
  });

  it('leaves the address bar and the history after the first load, and the page still reconnects and reloads', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    try {
      const printed = new URL(server.url);
      await page.goto(`${server.url}#/jobs`);
      await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
      // The address has no token left, the rest of it (the screen in the hash) is kept…
      expect(page.url()).toBe(`${printed.origin}/#/jobs`);
      // …and no history entry holds it: the page's entry was replaced, not added to (Back leads to
      // the blank page the tab opened with, Forward to the address without the token).
      expect(await page.evaluate(() => window.history.length)).toBe(2);
      await page.goBack();
      expect(page.url()).toBe('about:blank');
      await page.goForward();
      expect(page.url()).toBe(`${printed.origin}/#/jobs`);
      await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
      expect(await page.evaluate(() => document.cookie)).toBe('');

      // A reload fetches the page with the asset cookie and connects with the token the tab kept.
      await page.reload();
      await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
      expect(page.url()).toBe(`${printed.origin}/#/jobs`);
      await page.goto(`${printed.origin}/#/`);
      await page.getByTestId('home-screen').waitFor();

      // The cookie is all another local server would receive, and it does not open the services.
      const cookies = await context.cookies(printed.origin);
      expect(cookies).toEqual([expect.objectContaining({ name: `tinydeploy-${server.port}`, httpOnly: true, sameSite: 'Strict' })]);
      expect(cookies[0].value).not.toBe(server.token);
      const socketAddress = `ws://${printed.host}/ws`;
      expect(await upgrade(`${socketAddress}?token=${encodeURIComponent(cookies[0].value)}`, printed.origin)).toBe(403);
      expect(await upgrade(`${socketAddress}?token=${server.token}`, printed.origin)).toBe('open');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a new tab opened without the token says where to find it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // The cookie alone (what a tab without the token could have) lets the page load, not connect.
      await page.goto(server.url);
      await page.getByTestId('home-screen').waitFor();
      const other = await context.newPage();
      await other.goto(new URL(server.url).origin);
      await other.getByTestId('connection-error').waitFor();
      expect(await other.getByTestId('connection-error').textContent()).toContain('this page needs the address that `tinydeploy serve` printed, with its ?token=…');
    } finally {
      await context.close();
    }
  });
});
