import type { HostMessage } from '../protocol.js';
import type { WorkerExit, WorkerPort } from '../worker-port.js';

/**
 * A worker the test drives, in process: it records what the host sends and says what the test
 * tells it to (synchronously, so a host that throws from its event handler throws into the test).
 */
export class FakeWorker implements WorkerPort {
  static nextPid = 7000;
  readonly pid = FakeWorker.nextPid++;
  readonly sent: HostMessage[] = [];
  killed = false;
  exited = false;
  private readonly messageListeners: ((message: unknown) => void)[] = [];
  private readonly exitListeners: ((exit: WorkerExit) => void)[] = [];
  /** Called with each message the host sends. */
  onHostMessage?: (message: HostMessage) => void;

  send(message: HostMessage): void {
    this.sent.push(message);
    this.onHostMessage?.(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: WorkerExit) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.killed = true;
    setImmediate(() => this.exit({ code: null, signal: 'SIGKILL' }));
  }
  say(message: unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  exit(exit: WorkerExit = { code: 0, signal: null }): void {
    if (this.exited) return;
    this.exited = true;
    for (const listener of this.exitListeners) listener(exit);
  }
  /** The id of the job the host told this worker to run. */
  get jobId(): string {
    const run = this.sent.find((message) => message.type === 'run');
    if (!run) throw new Error('the worker got no run message');
    return run.jobId;
  }
}
