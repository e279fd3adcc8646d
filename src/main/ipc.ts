import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import { ipcChannelName } from '../shared/services/bridge.js';
import type { MessageChannel, ServedConnection, ServiceHost } from '../shared/services/proxy.js';

export interface IpcServingOptions {
  /** The origin of the app's own page (`app://tinydeploy`, or the development server's). */
  trustedOrigin: string;
  /** A message from a frame that is not the app's page (for the log). */
  onRefused?(reason: string): void;
}

/**
 * Serves `host` to the app's windows over the preload's message channel. Each page load of a
 * window is one proxy connection: a reload or a crash of the renderer drops its subscriptions.
 *
 * Messages are accepted only from the main frame of a page of the app's own origin; a message
 * from a subframe or from a page that got elsewhere is dropped (STYLE.md §3: main rejects frames
 * it did not create). What a message may ask for is then the proxy's and the schemas' business.
 * Returns the function that stops serving.
 */
export function serveOverIpc(host: ServiceHost, options: IpcServingOptions): () => void {
  const connections = new Map<WebContents, { connection: ServedConnection; deliver(message: unknown): void; end(): void }>();
  const watched = new WeakSet<WebContents>();

  /** Ends the current connection of `contents` (its next message starts a new one). */
  const end = (contents: WebContents) => connections.get(contents)?.end();

  const connectionOf = (contents: WebContents) => {
    const existing = connections.get(contents);
    if (existing) return existing;
    const listeners = new Set<(message: unknown) => void>();
    const closeListeners = new Set<() => void>();
    const channel: MessageChannel = {
      send(message) {
        if (!contents.isDestroyed()) contents.send(ipcChannelName, message);
      },
      onMessage(listener) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
      onClose(listener) {
        closeListeners.add(listener);
        return () => void closeListeners.delete(listener);
      },
    };
    const entry = {
      connection: host.connect(channel),
      deliver(message: unknown) {
        for (const listener of [...listeners]) listener(message);
      },
      end() {
        if (connections.get(contents) !== entry) return;
        connections.delete(contents);
        for (const listener of [...closeListeners]) listener();
      },
    };
    connections.set(contents, entry);
    if (!watched.has(contents)) {
      watched.add(contents);
      contents.once('destroyed', () => end(contents));
      contents.on('render-process-gone', () => end(contents));
      // A new document in the main frame (reload, navigation) is a new client: the connection
      // ends when it starts loading and again when it commits, so that a late message of the
      // old page cannot leave state in the new page's connection.
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) end(contents);
      });
      contents.on('did-navigate', () => end(contents));
    }
    return entry;
  };

  const isTrusted = (event: IpcMainEvent): boolean => {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame) {
      options.onRefused?.('a message from a subframe');
      return false;
    }
    if (!frame.url.startsWith(`${options.trustedOrigin}/`)) {
      options.onRefused?.(`a message from ${JSON.stringify(frame.url)}, not the app's page`);
      return false;
    }
    return true;
  };

  const listener = (event: IpcMainEvent, message: unknown) => {
    if (isTrusted(event)) connectionOf(event.sender).deliver(message);
  };
  ipcMain.on(ipcChannelName, listener);
  return () => {
    ipcMain.removeListener(ipcChannelName, listener);
    for (const { connection } of connections.values()) connection.close();
    connections.clear();
  };
}
