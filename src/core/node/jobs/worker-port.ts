import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostMessage } from './protocol.js';

/**
 * How the job host reaches one worker process, whatever starts it: `child_process.fork` here
 * (`forkWorker`), Electron's `utilityProcess` in the packaged app (an adapter of the same shape
 * in main). The host needs only these five members.
 */
export interface WorkerPort {
  /** The worker's process id, once known (for messages and diagnostics). */
  readonly pid: number | undefined;
  send(message: HostMessage): void;
  /** Every message the worker sends, in order. Messages the host cannot parse are its concern. */
  onMessage(listener: (message: unknown) => void): void;
  /**
   * Called once when the process has ended, after every message it sent has been delivered:
   * with its exit code, or the signal that killed it, or why it could not start.
   */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Ends the process at once (SIGKILL where there are signals). */
  kill(): void;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the process could not be started or failed outside the job (spawn error). */
  error?: string;
}

/** Starts a worker process for one job. */
export type WorkerLauncher = () => WorkerPort;

export interface ForkWorkerOptions {
  /** The worker's entry module (default: `src/worker/index.ts` of this checkout, run through tsx). */
  entry?: string;
  /** Node options of the worker (default: tsx's ESM loader, so the TypeScript sources run as they are). */
  execArgv?: string[];
  /** Environment of the worker (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** The worker entry of this checkout and the Node options that run it from TypeScript sources. */
export function defaultWorkerEntry(): { entry: string; execArgv: string[] } {
  const entry = fileURLToPath(new URL('../../../worker/index.ts', import.meta.url));
  // Resolved from here, not from the current directory, so `tinydeploy serve` works from anywhere.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { entry, execArgv: ['--import', tsxLoader] };
}

/**
 * A launcher that forks a Node worker process with an IPC channel (structured-clone
 * serialization, so byte arrays pass as they are). The worker's stdout and stderr are inherited.
 */
export function forkWorker(options: ForkWorkerOptions = {}): WorkerLauncher {
  const defaults = options.entry ? undefined : defaultWorkerEntry();
  const entry = options.entry ?? defaults!.entry;
  const execArgv = options.execArgv ?? defaults?.execArgv ?? [];
  return () => {
    const child = fork(entry, [], { execArgv, env: options.env ?? process.env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let spawnError: string | undefined;
    // Without an 'error' listener a failed spawn or a send to a dead process would throw.
    child.on('error', (error) => {
      spawnError ??= error.message;
    });
    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (child.connected) child.send(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        // 'close' comes after 'exit' once the IPC channel and stdio are drained: no message is lost.
        child.once('close', (code, signal) => listener({ code, signal, ...(spawnError ? { error: spawnError } : {}) }));
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  };
}
