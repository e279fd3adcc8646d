import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Test support: two linked pseudo-terminals made by socat, reached through symlinks at the paths
 * given, so a test can make a "USB serial port" disappear (stop) and come back (start again at
 * the same or another path), as a board's probe does when it re-enumerates on reset.
 */
export class PtyLink {
  private constructor(
    private readonly child: ChildProcess,
    readonly hostPath: string,
    readonly boardPath: string,
    private readonly exited: Promise<void>,
  ) {}

  static async start(hostPath: string, boardPath: string): Promise<PtyLink> {
    const child = spawn('socat', [`pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${boardPath}`], { stdio: 'ignore' });
    let done = false;
    const exited = new Promise<void>((resolve) => child.once('exit', () => ((done = true), resolve())));
    child.once('error', () => undefined);
    // socat says nothing once the links exist: look until they do, or fail when it exits.
    while (!(existsSync(hostPath) && existsSync(boardPath))) {
      if (done) throw new Error(`socat exited (code ${child.exitCode}) without making ${hostPath}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return new PtyLink(child, hostPath, boardPath, exited);
  }

  /** Ends socat: both ptys and their links go away. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    await this.exited;
  }
}
