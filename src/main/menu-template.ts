import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/services/types.js';

export interface MenuActions {
  /** A command the UI carries out (it knows the current project): sent through `menu.onCommand`. */
  command(command: MenuCommand): void;
  openDataFolder(): void;
  showAbout(): void;
}

export interface MenuOptions {
  isMac: boolean;
  /** The app's name (the first menu on macOS). */
  appName: string;
  /** Reload, Force Reload and Toggle DevTools in the View menu: development only (app-policy.ts). */
  developmentTools: boolean;
}

/**
 * The native menu, as data (installed by menu.ts): File (New project, Import model…, Open data
 * folder), the standard Edit menu (copy and paste in text fields need it on macOS), View (zoom and
 * full screen; the development items only when `developmentTools`), Window, and Help › About.
 */
export function menuTemplate(actions: MenuActions, options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac } = options;
  const about: MenuItemConstructorOptions = { label: 'About TinyDeploy', click: () => actions.showAbout() };
  const developmentItems: MenuItemConstructorOptions[] = options.developmentTools ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] : [];
  return [
    ...(isMac ? [{ label: options.appName, submenu: [about, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'hideOthers' as const }, { role: 'unhide' as const }, { type: 'separator' as const }, { role: 'quit' as const }] }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project', accelerator: 'CmdOrCtrl+N', click: () => actions.command('new-project') },
        { label: 'Import Model…', accelerator: 'CmdOrCtrl+O', click: () => actions.command('import-model') },
        { type: 'separator' },
        { label: 'Open Data Folder', click: () => actions.openDataFolder() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...developmentItems, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: isMac ? [] : [about] },
  ];
}
