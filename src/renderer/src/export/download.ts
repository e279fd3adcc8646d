/**
 * Saves a file the services made (an ExportFile: name, type, bytes) through the browser's own
 * download: a Blob URL clicked as a link with `download`. The same in Electron (its download
 * prompt) and in browser mode, where the bytes came over the WebSocket as the service's answer,
 * so no file route of the server is involved.
 */

import type { ExportFile } from '../../../shared/services/types.js';

export function saveExportFile(file: ExportFile): void {
  const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference to the blob once started; free ours a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
