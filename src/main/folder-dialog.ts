import { BrowserWindow, dialog } from 'electron';
import type { DatasetService } from '../shared/services/types.js';

/**
 * The dataset service with the desktop app's folder picker: `chooseFolder` opens the system's
 * "choose a folder" dialog over the focused window and answers with the folder chosen (null when
 * cancelled). The path comes from the user's own dialog, so it needs no confinement (browser mode
 * has no dialog: it uploads the folder instead).
 */
export function withFolderDialog(datasets: DatasetService): DatasetService {
  return {
    ...datasets,
    async chooseFolder() {
      const options: Electron.OpenDialogOptions = { title: 'Add a dataset folder', buttonLabel: 'Add dataset', properties: ['openDirectory'] };
      const window = BrowserWindow.getFocusedWindow();
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
  };
}
