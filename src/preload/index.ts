import { contextBridge, ipcRenderer } from 'electron';

/**
 * The whole bridge between the sandboxed renderer and the main process: one generic call and
 * one event subscription. Which services and methods exist is decided (and each payload
 * validated) on the main side, never here.
 */
contextBridge.exposeInMainWorld('tinydeploy', {
  call: (service: string, method: string, args: unknown[]) => ipcRenderer.invoke('tinydeploy:call', service, method, args),
  on: (event: string, listener: (payload: unknown) => void) => {
    const handler = (_event: unknown, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('tinydeploy:event', handler);
    return () => ipcRenderer.removeListener('tinydeploy:event', handler);
  },
});
