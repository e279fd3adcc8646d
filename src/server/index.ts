/**
 * Browser mode's host, beside Electron main: the same back end (store, job host, services, from
 * core/node's `startBackend`) served to a browser by browser-server.ts instead of to a window over
 * IPC. `tinydeploy serve` parses its options and starts it; whatever opened is closed again when a
 * later step fails, so a failed start leaves the data folder unlocked.
 */

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../core/node/services/index.js';
import type { AppServices } from '../shared/services/types.js';
import { requireBuiltRenderer, startBrowserServer, type BrowserServer, type BrowserServerOptions } from './browser-server.js';

export { browserContentSecurityPolicy, loopbackHosts, requireBuiltRenderer, servicesPath, startBrowserServer } from './browser-server.js';
export type { BrowserServer, BrowserServerOptions, LoopbackHost } from './browser-server.js';

/**
 * The data folder Electron uses for the app (`app.getPath('userData')`, which main sets to
 * `<appData>/TinyDeploy`), so that browser mode opens the same projects as the desktop app.
 */
export function defaultDataDirectory(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const appData =
    platform === 'win32' ? (env.APPDATA ?? join(home, 'AppData', 'Roaming')) : platform === 'darwin' ? join(home, 'Library', 'Application Support') : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(appData, 'TinyDeploy');
}

/** `out/renderer` of this checkout. */
export function defaultRendererDirectory(): string {
  return fileURLToPath(new URL('../../out/renderer', import.meta.url));
}

export interface BrowserModeOptions extends Omit<BrowserServerOptions, 'services' | 'rendererDirectory'> {
  /** Projects, models, jobs (default: the desktop app's, `defaultDataDirectory()`). */
  dataDirectory?: string;
  /** The built renderer (default: `defaultRendererDirectory()`). */
  rendererDirectory?: string;
}

export interface BrowserMode {
  readonly server: BrowserServer;
  /** The data folder in use, resolved. */
  readonly dataDirectory: string;
  /** Stops serving, then the back end (running jobs end `interrupted`, the store closes). */
  close(): Promise<void>;
}

/** Browser mode has no native menu: its command event never fires. */
const noMenu: AppServices['menu'] = { onCommand: () => () => undefined };

/**
 * Starts browser mode: checks that the renderer is built (before touching the data folder),
 * starts the back end in the data folder and serves it; resolves once the server listens.
 */
export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const { dataDirectory: dataOption, rendererDirectory: rendererOption, ...serverOptions } = options;
  const rendererDirectory = resolve(rendererOption ?? defaultRendererDirectory());
  requireBuiltRenderer(rendererDirectory);
  const dataDirectory = resolve(dataOption ?? defaultDataDirectory());
  const backend = startBackend({ dataDirectory });
  let server: BrowserServer;
  try {
    server = await startBrowserServer({ ...serverOptions, services: { ...backend.services, menu: noMenu }, rendererDirectory });
  } catch (error) {
    await backend.close();
    throw error;
  }
  return {
    server,
    dataDirectory,
    async close() {
      await server.close();
      await backend.close();
    },
  };
}
