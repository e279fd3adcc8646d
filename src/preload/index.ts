import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannelName, type PreloadBridge } from '../shared/services/bridge.js';

/**
 * The whole bridge between the sandboxed renderer and the main process: one message channel for
 * the service proxy. Which services, methods and events exist, and whether a payload is valid,
 * is decided in main, never here. Messages are structured-cloned, so Uint8Array passes as it is.
 */
const bridge: PreloadBridge = {
  send: (message) => ipcRenderer.send(ipcChannelName, message),
  onMessage: (listener) => {
    // Only the message reaches the page, never the IpcRendererEvent (it would expose `sender`).
    const handler = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(ipcChannelName, handler);
    return () => void ipcRenderer.removeListener(ipcChannelName, handler);
  },
};

contextBridge.exposeInMainWorld('tinydeploy', bridge);
