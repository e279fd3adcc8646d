import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../shared/services/types.js';
import { menuTemplate } from './menu-template.js';

/** Every role and label of a template, submenus included. */
function entries(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...(item.label ? [item.label] : []), ...(Array.isArray(item.submenu) ? entries(item.submenu) : [])]);
}

describe('the native menu', () => {
  const commands: MenuCommand[] = [];
  const actions = { command: (command: MenuCommand) => void commands.push(command), openDataFolder: () => undefined, showAbout: () => undefined };
  const developmentItems = ['reload', 'forceReload', 'toggleDevTools'];

  it('has no DevTools and no reload items in the installed app, on any platform', () => {
    for (const isMac of [false, true]) {
      const items = entries(menuTemplate(actions, { isMac, appName: 'TinyDeploy', developmentTools: false }));
      for (const item of developmentItems) expect(items).not.toContain(item);
      expect(items).toEqual(expect.arrayContaining(['View', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen', 'File', 'New Project', 'Import Model…']));
    }
  });

  it('has them in development', () => {
    const template = menuTemplate(actions, { isMac: false, appName: 'TinyDeploy', developmentTools: true });
    const view = template.find((item) => item.label === 'View');
    expect(entries(view?.submenu as MenuItemConstructorOptions[])).toEqual([...developmentItems, 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
  });

  it('sends File › New Project and Import Model… to the UI', () => {
    const template = menuTemplate(actions, { isMac: false, appName: 'TinyDeploy', developmentTools: false });
    const file = (template.find((item) => item.label === 'File')?.submenu ?? []) as MenuItemConstructorOptions[];
    for (const item of file) (item.click as (() => void) | undefined)?.();
    expect(commands).toEqual(['new-project', 'import-model']);
  });
});
