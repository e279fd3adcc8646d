import { UsageError } from '../core/common/errors.js';

/**
 * The decisions of the Electron shell that depend on whether the app is packaged, as pure
 * functions (no Electron here: tested in Node). index.ts and window.ts only apply them.
 */

/**
 * The renderer's own origin, `app://tinydeploy`: the built renderer is served from it instead of
 * `file://` (app-protocol.ts), and IPC trusts only this origin.
 */
export const appScheme = 'app';
export const appOrigin = `${appScheme}://tinydeploy`;

export interface RendererLocation {
  /** What the main window loads. */
  url: string;
  /** The only origin whose main frame may talk to the services over IPC. */
  origin: string;
  /** True for electron-vite's development server (`npm run dev`), false for the app's own page. */
  developmentServer: boolean;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Where the window's page comes from, and so which origin IPC trusts. A packaged app always loads
 * its own page at `app://tinydeploy/` and ignores `ELECTRON_RENDERER_URL`: whoever could set the
 * variable would otherwise have any page loaded and given the services. Unpackaged (`npm run dev`),
 * electron-vite's development server is used when the variable names one on this computer.
 */
export function rendererLocation(isPackaged: boolean, env: Readonly<Record<string, string | undefined>>): RendererLocation {
  const development = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !development) return { url: `${appOrigin}/index.html`, origin: appOrigin, developmentServer: false };
  let url: URL | undefined;
  try {
    url = new URL(development);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !loopbackHosts.has(url.hostname)) {
    throw new UsageError(`ELECTRON_RENDERER_URL ${JSON.stringify(development.slice(0, 200))} is not a development server on this computer (expected http://localhost:<port>/)`, {
      variable: 'ELECTRON_RENDERER_URL',
    });
  }
  return { url: url.href, origin: url.origin, developmentServer: true };
}

/**
 * Whether DevTools and the reload items are offered (View menu, `webPreferences.devTools`): only
 * in development. In the installed app they would hand the services to whoever sits at the window.
 */
export function developmentToolsAllowed(isPackaged: boolean): boolean {
  return !isPackaged;
}

/** The part of a BrowserWindow a second launch of the app needs. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * A second launch of the app (it exits: one instance owns the data folder) brings the first
 * instance's window forward. Returns false when there is no window (macOS keeps running without
 * one): the caller opens one.
 */
export function focusFirstWindow(windows: readonly FocusableWindow[]): boolean {
  const window = windows.find((candidate) => !candidate.isDestroyed());
  if (!window) return false;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return true;
}
