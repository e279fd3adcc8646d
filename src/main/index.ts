import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { JobHost } from '../core/node/jobs/index.js';
import { createServices } from '../core/node/services/index.js';
import { openStore, type Store } from '../core/node/store/index.js';
import { Emitter } from '../shared/services/emitter.js';
import { serveServices } from '../shared/services/proxy.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices, MenuCommand } from '../shared/services/types.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { serveOverIpc } from './ipc.js';
import { installMenu } from './menu.js';
import { utilityWorker } from './utility-worker.js';
import { createMainWindow, rendererEntry } from './window.js';

/**
 * TinyDeploy's Electron main process, kept thin: it owns the window, the menu, the store (in
 * the app's data folder) and the job host (jobs run in utility processes), and serves the
 * services to the renderer over IPC through the same proxy and schemas as browser mode. All of
 * the logic behind the services lives in core/node, tested without Electron.
 *
 * Hardening (Electron's security checklist): sandboxed renderer with context isolation and no
 * Node; the page comes from the app's own `app://` origin with a strict Content-Security-Policy;
 * no navigation away from it, no new windows, no <webview>; every permission request denied;
 * IPC messages accepted only from the app page's main frame, each payload checked by schema.
 */

registerAppScheme();
// The same folder `tinydeploy serve` uses by default, so browser mode sees the same projects.
app.setPath('userData', join(app.getPath('appData'), 'TinyDeploy'));

const menuCommands = new Emitter<MenuCommand>();
let backend: { store: Store; jobHost: JobHost; stopServing: () => void } | undefined;
let shuttingDown = false;

const logError = (where: string, error: unknown) => console.error(`tinydeploy: ${where}:`, error);

// Every web contents, now or later: no navigation away, no new windows, no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

function start(): void {
  serveRenderer(fileURLToPath(new URL('../renderer', import.meta.url)));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  // The packaged app carries the C kernels and board code as a resource (electron-builder.yml);
  // the job workers inherit this and compile from there.
  if (app.isPackaged) process.env.TINYDEPLOY_FIRMWARE_DIR ??= join(process.resourcesPath, 'firmware');
  const dataDirectory = app.getPath('userData');
  const store = openStore(dataDirectory);
  const jobHost = new JobHost(store, { launchWorker: utilityWorker(fileURLToPath(new URL('./worker.js', import.meta.url))) });
  const services: AppServices = { ...createServices(store, jobHost), menu: { onCommand: (listener) => menuCommands.on(listener) } };
  const host = serveServices(services, servicesSchema, { onUnexpectedError: (error, where) => logError(where, error) });
  const stopServing = serveOverIpc(host, { trustedOrigin: rendererEntry().origin, onRefused: (reason) => console.warn(`tinydeploy: refused IPC: ${reason}`) });
  backend = { store, jobHost, stopServing };

  installMenu({
    command: (command) => menuCommands.emit(command),
    openDataFolder: () => {
      void shell.openPath(dataDirectory).then((problem) => problem && logError('open data folder', problem));
    },
    showAbout: () => {
      const { electron, chrome, node } = process.versions;
      void dialog.showMessageBox({
        type: 'info',
        title: 'About TinyDeploy',
        message: `TinyDeploy ${app.getVersion()}`,
        detail: `Import, compile, flash and profile neural networks on Cortex-M microcontrollers.\n\nElectron ${electron} · Chromium ${chrome} · Node ${node}\nData folder: ${dataDirectory}`,
      });
    },
  });
  createMainWindow();
}

/** Stops serving, lets the job host mark running jobs interrupted, then closes the store. */
async function shutDown(): Promise<void> {
  const current = backend;
  backend = undefined;
  if (!current) return;
  current.stopServing();
  await current.jobHost.close();
  current.store.close();
}

void app.whenReady().then(() => {
  try {
    start();
  } catch (error) {
    dialog.showErrorBox('TinyDeploy cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quitting waits for the back end to close (Electron does not await async handlers).
app.on('will-quit', (event) => {
  if (shuttingDown || !backend) return;
  shuttingDown = true;
  event.preventDefault();
  shutDown()
    .catch((error: unknown) => logError('shut down', error))
    .finally(() => app.quit());
});
