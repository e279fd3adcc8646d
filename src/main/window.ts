import { fileURLToPath } from 'node:url';
import { BrowserWindow } from 'electron';
import type { RendererLocation } from './app-policy.js';

/**
 * The main window: a sandboxed renderer with context isolation and no Node, whose only way out
 * is the preload's message channel. Navigation away from the app and new windows are refused
 * for every web contents (see `limitNavigation` in index.ts). It loads `location`
 * (`rendererLocation` of app-policy.ts); DevTools exist only when `developmentTools`.
 */
export function createMainWindow(location: RendererLocation, developmentTools: boolean): BrowserWindow {
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
      devTools: developmentTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(location.url);
  return window;
}
