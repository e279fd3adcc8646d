import type { WorkerMessage } from '../core/node/jobs/protocol.js';

/**
 * The worker's side of its link to the job host: Node's IPC channel when the worker was started
 * with `child_process.fork`, Electron's `process.parentPort` when it runs as a `utilityProcess`.
 * Everything else in the worker talks to this interface only.
 */
export interface ParentChannel {
  /** Sends a message; resolves once it has been handed to the channel (safe to exit after). */
  send(message: WorkerMessage): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /** The host went away (it quit or crashed): the worker should stop. */
  onDisconnect(listener: () => void): void;
}

/** Electron's parent port of a utility process, as far as the worker uses it (no Electron import here). */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export function connectToParent(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: async (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
      // Electron ends a utility process with its parent.
      onDisconnect: () => undefined,
    };
  }
  if (!process.send) throw new Error('the TinyDeploy worker must be started by the job host (child_process.fork or utilityProcess)');
  return {
    send: (message) =>
      new Promise((resolve) => {
        if (!process.connected) return resolve();
        process.send!(message, undefined, {}, () => resolve());
      }),
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}
