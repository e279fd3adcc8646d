/**
 * The contract between the preload script and the renderer in Electron: the one object the
 * preload exposes as `window.tinydeploy`, a message channel to the main process and nothing
 * else. What the messages may ask for is decided in main (the proxy and its schemas).
 */

/** The IPC channel that carries the proxy's messages in both directions. */
export const ipcChannelName = 'tinydeploy:message';

/** `window.tinydeploy` in the Electron renderer. */
export interface PreloadBridge {
  /** Sends one proxy message to main. */
  send(message: unknown): void;
  /** Every proxy message from main; returns the function that stops listening. */
  onMessage(listener: (message: unknown) => void): () => void;
}
