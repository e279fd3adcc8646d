import { fileURLToPath } from 'node:url';
import { BrowserWindow } from 'electron';
import { appOrigin } from './app-protocol.js';

/**
 * Where the window's page comes from: the built renderer at `app://tinydeploy/`, or electron-vite's
 * development server (`ELECTRON_RENDERER_URL`) under `npm run dev`.
 */
export function rendererEntry(): { url: string; origin: string } {
  const development = process.env.ELECTRON_RENDERER_URL;
  if (development) return { url: development, origin: new URL(development).origin };
  return { url: `${appOrigin}/index.html`, origin: appOrigin };
}

/**
 * The main window: a sandboxed renderer with context isolation and no Node, whose only way out
 * is the preload's message channel. Navigation away from the app and new windows are refused
 * for every web contents (see `limitNavigation` in index.ts).
 */
export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    title: 'TinyDeploy',
    show: false,
    webPreferences: {
      // Reviewed: the preload exposes one message channel and nothing else (src/preload/index.ts).
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererEntry().url);
  return window;
}
