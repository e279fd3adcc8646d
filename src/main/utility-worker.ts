import { utilityProcess } from 'electron';
import type { WorkerLauncher, WorkerPort } from '../core/node/jobs/worker-port.js';

/**
 * The job host's workers in the desktop app: Electron `utilityProcess`es (a Node process the
 * app owns, with Chromium's process model; `child_process.fork` would need a separate Node).
 * `entry` is the built worker module (`out/main/worker.js`). Messages are structured-cloned.
 */
export function utilityWorker(entry: string): WorkerLauncher {
  return (): WorkerPort => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'TinyDeploy worker', stdio: 'inherit' });
    let exited = false;
    let error: string | undefined;
    // A fatal error (V8 out of memory, a crash in native code) precedes the 'exit' event.
    child.on('error', (type, location) => {
      error = `${type}${location ? ` at ${location}` : ''}`;
    });
    child.once('exit', () => {
      exited = true;
    });
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (!exited) child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        // utilityProcess reports an exit code only; a kill shows as a non-zero code.
        child.once('exit', (code) => listener({ code, signal: null, ...(error ? { error } : {}) }));
      },
      kill() {
        if (!exited) child.kill();
      },
    };
  };
}
