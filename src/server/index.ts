/**
 * Browser mode's host, beside Electron main: the same back end (store, job host, services, from
 * core/node's `startBackend`) served to a browser by browser-server.ts instead of to a window over
 * IPC. `tinydeploy serve` parses its options and starts it; whatever opened is closed again when a
 * later step fails, so a failed start leaves the data folder unlocked.
 */

import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError, type TinyDeployError } from '../core/common/errors.js';
import { startBackend } from '../core/node/services/index.js';
import type { StoreOptions } from '../core/node/store/index.js';
import type { AppServices } from '../shared/services/types.js';
import { AllowedFolders, ownDatasetsFolder, withAllowedFolders } from './allowed-folders.js';
import { requireBuiltRenderer, startBrowserServer, type BrowserServer, type BrowserServerOptions } from './browser-server.js';
import { buildRendererWhenMissing } from './renderer-build.js';

export { browserContentSecurityPolicy, loopbackHosts, requireBuiltRenderer, servicesPath, startBrowserServer } from './browser-server.js';
export type { BrowserServer, BrowserServerOptions, LoopbackHost } from './browser-server.js';
export { AllowedFolders, dataDatasetsFolder } from './allowed-folders.js';

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
  /**
   * The built renderer (default: `defaultRendererDirectory()`, which is built on first start when
   * it is missing, as right after `npm ci` in a fresh checkout).
   */
  rendererDirectory?: string;
  /** Told when the default renderer is being built (first start). */
  onRendererBuild?: (message: string) => void;
  /** Store options (test hooks: a database that cannot grow, as on a full disk). */
  store?: StoreOptions;
  /**
   * Folders the client may add datasets from (`--allow-folder`), besides the data folder's
   * `datasets/`, which is always allowed (made when missing; left out when it cannot be, as on a
   * full disk). Each must exist.
   */
  allowedFolders?: readonly string[];
}

export interface BrowserMode {
  readonly server: BrowserServer;
  /** The data folder in use, resolved. */
  readonly dataDirectory: string;
  /** Real paths of the folders datasets may be added from, the data folder's `datasets/` first. */
  readonly allowedFolders: readonly string[];
  /** What the user should know although serving started: a full disk at start-up (the data folder is then read-only). */
  readonly warnings: readonly TinyDeployError[];
  /** Stops serving, then the back end (running jobs end `interrupted`, the store closes). */
  close(): Promise<void>;
}

/** Browser mode has no native menu: its command event never fires. */
const noMenu: AppServices['menu'] = { onCommand: () => () => undefined };

/** Words for the system's error codes about a folder. */
function folderProblem(error: unknown, creating = false): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (creating && code === 'ENOENT') return 'the folder it would go in does not accept new folders';
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    ENOENT: 'it does not accept new files',
    ENOTDIR: 'part of its path is a file',
    ELOOP: 'its path has a loop of symbolic links',
    ENAMETOOLONG: 'its path is too long',
  };
  return (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Creates the data folder when it is missing and checks that it is a folder this process can
 * create files in, so that a wrong `--data-dir` (a file, /proc/self, a read-only place) is one
 * clear StoreError instead of a system error from deep inside the store.
 */
export function prepareDataDirectory(dataDirectory: string): void {
  const data = { path: dataDirectory };
  // Each missing level is made on its own: Node's recursive mkdir never returns on a path under
  // /proc whose parent refuses new entries (it retries on ENOENT).
  const missing: string[] = [];
  for (let folder = resolve(dataDirectory); !existsSync(folder) && dirname(folder) !== folder; folder = dirname(folder)) missing.unshift(folder);
  try {
    for (const folder of missing) mkdirSync(folder);
  } catch (error) {
    throw new StoreError(`data folder ${dataDirectory} cannot be created: ${folderProblem(error, true)}`, data);
  }
  let isFolder: boolean;
  try {
    isFolder = statSync(dataDirectory).isDirectory();
  } catch (error) {
    throw new StoreError(`data folder ${dataDirectory} cannot be opened: ${folderProblem(error)}`, data);
  }
  if (!isFolder) throw new StoreError(`data folder ${dataDirectory} is not a folder`, data);
  const probe = join(dataDirectory, `.tinydeploy-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    throw new StoreError(`data folder ${dataDirectory} cannot be written: ${folderProblem(error)}`, data);
  }
  rmSync(probe, { force: true });
}

/**
 * Starts browser mode: builds the default renderer when it is missing (first start), checks that
 * the renderer is built and that the data folder is a writable
 * folder (before touching it further), starts the back end in the data folder and serves it;
 * resolves once the server listens.
 */
export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const { dataDirectory: dataOption, rendererDirectory: rendererOption, allowedFolders: folderOption = [], store: storeOptions, onRendererBuild, ...serverOptions } = options;
  if (rendererOption === undefined) await buildRendererWhenMissing({ ...(onRendererBuild ? { onStart: onRendererBuild } : {}) });
  const rendererDirectory = resolve(rendererOption ?? defaultRendererDirectory());
  requireBuiltRenderer(rendererDirectory);
  // The user's folders are checked before the data folder is touched: a typo changes nothing.
  AllowedFolders.resolve(folderOption);
  const dataDirectory = resolve(dataOption ?? defaultDataDirectory());
  prepareDataDirectory(dataDirectory);
  const ownDatasets = ownDatasetsFolder(dataDirectory);
  const allowed = AllowedFolders.resolve([...(ownDatasets ? [ownDatasets] : []), ...folderOption]);
  const backend = startBackend({ dataDirectory, ...(storeOptions ? { store: storeOptions } : {}) });
  let server: BrowserServer;
  try {
    const services = withAllowedFolders({ ...backend.services, menu: noMenu }, allowed);
    server = await startBrowserServer({ ...serverOptions, services, rendererDirectory });
  } catch (error) {
    await backend.close();
    throw error;
  }
  return {
    server,
    dataDirectory,
    allowedFolders: allowed.folders,
    warnings: backend.warnings,
    async close() {
      await server.close();
      await backend.close();
    },
  };
}
