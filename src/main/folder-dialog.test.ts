import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatasetService } from '../shared/services/types.js';

/** The desktop app's folder picker behind datasets.chooseFolder: Electron's dialog, stood in for here. */

const focused = { id: 1 };
const dialog = { showOpenDialog: vi.fn() };
const BrowserWindow = { getFocusedWindow: vi.fn(() => focused as unknown) };
vi.mock('electron', () => ({ dialog, BrowserWindow }));

const { withFolderDialog } = await import('./folder-dialog.js');

const datasets: DatasetService = {
  list: vi.fn(),
  add: vi.fn(),
  remove: vi.fn(),
  preview: vi.fn(),
  upload: vi.fn(),
  chooseFolder: () => Promise.reject(new Error('no dialog')),
};

beforeEach(() => {
  dialog.showOpenDialog.mockReset();
  BrowserWindow.getFocusedWindow.mockReturnValue(focused);
});

describe('withFolderDialog', () => {
  it('opens a folder dialog over the focused window and answers with the folder chosen', async () => {
    dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/home/me/kws01'] });
    const service = withFolderDialog(datasets);
    await expect(service.chooseFolder()).resolves.toBe('/home/me/kws01');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(focused, expect.objectContaining({ properties: ['openDirectory'] }));
    // Everything else is the service's own.
    expect(service.add).toBe(datasets.add);
    expect(service.upload).toBe(datasets.upload);
  });

  it('answers null when cancelled, and opens the dialog on its own without a focused window', async () => {
    BrowserWindow.getFocusedWindow.mockReturnValue(null);
    dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    await expect(withFolderDialog(datasets).chooseFolder()).resolves.toBeNull();
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(expect.objectContaining({ properties: ['openDirectory'] }));
  });
});
