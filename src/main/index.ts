import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { startBackend, type Backend } from '../core/node/services/index.js';
import { Emitter } from '../shared/services/emitter.js';
import { serveServices } from '../shared/services/proxy.js';
import { withFolderDialog } from './folder-dialog.js';
import { servicesSchema } from '../shared/services/schemas.js';
import type { AppServices, MenuCommand } from '../shared/services/types.js';
import { developmentToolsAllowed, focusFirstWindow, rendererLocation, type RendererLocation } from './app-policy.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { serveOverIpc } from './ipc.js';
import { installMenu } from './menu.js';
import { utilityWorker } from './utility-worker.js';
import { createMainWindow } from './window.js';
import { printableText } from '../core/common/printable.js';

/**
 * TinyDeploy's Electron main process, kept thin: it owns the window and the menu, starts the
 * back end (store in the app's data folder, job host with jobs in utility processes, services)
 * with the same `startBackend` as browser mode (src/server), and serves the services to the
 * renderer over IPC through the same proxy and schemas. All of the logic behind the services
 * lives in core/node, tested without Electron.
 *
 * Hardening (Electron's security checklist): sandboxed renderer with context isolation and no
 * Node; the page comes from the app's own `app://` origin with a strict Content-Security-Policy;
 * no navigation away from it, no new windows, no <webview>; every permission request denied;
 * IPC messages accepted only from the app page's main frame, each payload checked by schema.
 * Packaged (app-policy.ts): the page is always the app's own (`ELECTRON_RENDERER_URL` ignored),
 * no DevTools, one instance; the executable's fuses are set by electron-builder.yml.
 */

registerAppScheme();
// The same folder `tinydeploy serve` uses by default, so browser mode sees the same projects.
app.setPath('userData', join(app.getPath('appData'), 'TinyDeploy'));
// One instance (the lock lives in userData, so after setPath): a second launch exits, and the
// first one brings its window forward ('second-instance' below).
const primaryInstance = app.requestSingleInstanceLock();
if (!primaryInstance) app.quit();
const developmentTools = developmentToolsAllowed(app.isPackaged);

const menuCommands = new Emitter<MenuCommand>();
let running: { backend: Backend; stopServing: () => void } | undefined;
let rendererPage: RendererLocation | undefined;
let shuttingDown = false;

// Errors may quote names from a model or a request: escaped before they reach the terminal.
const logError = (where: string, error: unknown) =>
  console.error(`tinydeploy: ${where}: ${printableText(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);

// Every web contents, now or later: no navigation away, no new windows, no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

function openWindow(): void {
  if (rendererPage) createMainWindow(rendererPage, developmentTools);
}

function start(): void {
  if (app.isPackaged && process.env.ELECTRON_RENDERER_URL) console.warn('tinydeploy: ELECTRON_RENDERER_URL is ignored: the installed app loads only its own page');
  rendererPage = rendererLocation(app.isPackaged, process.env);
  serveRenderer(fileURLToPath(new URL('../renderer', import.meta.url)));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  // The packaged app carries the C kernels and board code as a resource (electron-builder.yml);
  // the job workers inherit this and compile from there.
  if (app.isPackaged) process.env.TINYDEPLOY_FIRMWARE_DIR ??= join(process.resourcesPath, 'firmware');
  const dataDirectory = app.getPath('userData');
  const backend = startBackend({ dataDirectory, jobs: { launchWorker: utilityWorker(fileURLToPath(new URL('./worker.js', import.meta.url))) } });
  // Known before the next steps, so that a failure in them closes the back end (shutDown).
  running = { backend, stopServing: () => undefined };
  // A data folder opened read-only (its disk is full) still shows the projects: say why nothing can be saved.
  for (const warning of backend.warnings) {
    console.warn(`tinydeploy: ${printableText(warning.message)}`);
    void dialog.showMessageBox({ type: 'warning', title: 'TinyDeploy', message: warning.message });
  }
  const services: AppServices = { ...backend.services, datasets: withFolderDialog(backend.services.datasets), menu: { onCommand: (listener) => menuCommands.on(listener) } };
  const host = serveServices(services, servicesSchema, { onUnexpectedError: (error, where) => logError(where, error) });
  running.stopServing = serveOverIpc(host, { trustedOrigin: rendererPage.origin, onRefused: (reason) => console.warn(`tinydeploy: refused IPC: ${reason}`) });

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
  }, developmentTools);
  openWindow();
}

/** Stops serving, lets the job host mark running jobs interrupted, then closes the store. */
async function shutDown(): Promise<void> {
  const current = running;
  running = undefined;
  if (!current) return;
  current.stopServing();
  await current.backend.close();
}

app.on('second-instance', () => {
  if (!running) return;
  if (!focusFirstWindow(BrowserWindow.getAllWindows())) openWindow();
});

void app.whenReady().then(async () => {
  if (!primaryInstance) return;
  try {
    start();
  } catch (error) {
    // Whatever opened closes again: the data folder's lock must not outlive a failed start.
    await shutDown().catch((closeError: unknown) => logError('shut down after a failed start', closeError));
    dialog.showErrorBox('TinyDeploy cannot start', error instanceof Error ? error.message : String(error));
    app.exit(1);
    return;
  }
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quitting waits for the back end to close (Electron does not await async handlers).
app.on('will-quit', (event) => {
  if (shuttingDown || !running) return;
  shuttingDown = true;
  event.preventDefault();
  shutDown()
    .catch((error: unknown) => logError('shut down', error))
    .finally(() => app.quit());
});
