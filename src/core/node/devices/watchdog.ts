import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Kills `child` if this process dies without stopping it (QEMU, a GDB server TinyDeploy started):
 * `sh` waits for end-of-file on a pipe whose other end only this process holds; when this process
 * dies the read returns and the shell kills the child. The caller kills the watchdog when the
 * child exits.
 */
export function startWatchdog(child: ChildProcess, name = 'tinydeploy-watchdog'): ChildProcess | undefined {
  if (process.platform === 'win32' || child.pid === undefined) return undefined;
  const watchdog = spawn('/bin/sh', ['-c', 'read -r _ ; kill -KILL "$1" 2>/dev/null', name, String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  return watchdog;
}
