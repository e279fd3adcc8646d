import { app, Menu } from 'electron';
import { menuTemplate, type MenuActions } from './menu-template.js';

export type { MenuActions } from './menu-template.js';

/** Installs the native menu (menu-template.ts); `developmentTools` adds reload and DevTools to View. */
export function installMenu(actions: MenuActions, developmentTools: boolean): void {
  const template = menuTemplate(actions, { isMac: process.platform === 'darwin', appName: app.name, developmentTools });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
