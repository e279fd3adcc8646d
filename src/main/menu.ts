import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/services/types.js';

export interface MenuActions {
  /** A command the UI carries out (it knows the current project): sent through `menu.onCommand`. */
  command(command: MenuCommand): void;
  openDataFolder(): void;
  showAbout(): void;
}

/**
 * The native menu: File (New project, Import model…, Open data folder), the standard Edit and
 * View menus (copy and paste in text fields need Edit on macOS), Window, and Help › About.
 */
export function installMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About TinyDeploy', click: () => actions.showAbout() };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ label: app.name, submenu: [about, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'hideOthers' as const }, { role: 'unhide' as const }, { type: 'separator' as const }, { role: 'quit' as const }] }] : []),
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
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: isMac ? [] : [about] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
