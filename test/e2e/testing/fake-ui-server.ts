import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { build, createServer, preview } from 'vite';
import { repoRoot } from '../../testing/shared-data.js';

const rendererRoot = resolve(repoRoot, 'src/renderer');

export interface FakeUiServer {
  /** Address of the fake page (add `?step=<ms>` to change how long a simulated deploy step takes). */
  url: string;
  close: () => Promise<void>;
}

function addressOf(server: { httpServer: { address(): unknown } | null } | undefined): number {
  const address = server?.httpServer?.address() as { port?: number } | string | null | undefined;
  if (!address || typeof address === 'string' || !address.port) throw new Error('the fake UI server has no TCP address');
  return address.port;
}

/**
 * Serves the renderer against its in-memory fake services (`src/renderer/fake.html`) on
 * 127.0.0.1. `built` (the UI test's choice) bundles the page once with Vite into a temporary
 * folder and serves that: about a second to build, then pages load at once, as the real app's
 * bundle does. `dev` runs Vite's dev server with hot reload, for working on the UI by hand:
 * `npx tsx test/e2e/testing/fake-ui-server.ts [port]`.
 */
export async function startFakeUiServer(options: { mode?: 'built' | 'dev'; port?: number } = {}): Promise<FakeUiServer> {
  const port = options.port ?? 0;
  const server = { host: '127.0.0.1', port, strictPort: port !== 0 };
  if (options.mode === 'dev') {
    const dev = await createServer({ configFile: false, root: rendererRoot, plugins: [react()], logLevel: 'warn', server });
    await dev.listen();
    return { url: `http://127.0.0.1:${addressOf(dev)}/fake.html`, close: () => dev.close() };
  }
  const outDir = mkdtempSync(join(tmpdir(), 'tinydeploy-fake-ui-'));
  await build({
    configFile: false,
    root: rendererRoot,
    plugins: [react()],
    logLevel: 'warn',
    // Unminified like electron-vite's renderer build: class names (ImportError, …) stay as they are.
    build: { outDir, emptyOutDir: true, minify: false, chunkSizeWarningLimit: 4096, rollupOptions: { input: resolve(rendererRoot, 'fake.html') } },
  });
  const served = await preview({ configFile: false, root: rendererRoot, logLevel: 'warn', preview: server, build: { outDir } });
  return {
    url: `http://127.0.0.1:${addressOf(served)}/fake.html`,
    close: async () => {
      await served.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startFakeUiServer({ mode: 'dev', port: Number(process.argv[2] ?? 5199) });
  console.log(`TinyDeploy against fake services (Vite dev server, hot reload): ${url}`);
}
