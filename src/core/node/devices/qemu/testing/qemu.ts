import { spawnSync } from 'node:child_process';
import { SerialPort } from 'serialport';
import { DeviceError, TimeoutError } from '../../../../common/errors.js';
import { compilerCommand } from '../../../toolchain/index.js';
import { qemuCommand } from '../qemu-process.js';

/**
 * Helpers for the tests that run real QEMU: what is missing (so a suite can skip with a clear
 * message), and a line on the board's pty for the byte-level test firmware of
 * firmware/boards/common/tests/ (the model firmware is reached through the protocol session).
 */

/** Why QEMU-backed tests cannot run here, or undefined when they can. */
export function virtualBoardTestsUnavailable(): string | undefined {
  if (spawnSync(qemuCommand(), ['--version']).status !== 0) return `${qemuCommand()} not found (apt-get install qemu-system-arm)`;
  if (spawnSync(compilerCommand('arm-none-eabi'), ['--version']).status !== 0) {
    return `${compilerCommand('arm-none-eabi')} not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)`;
  }
  return undefined;
}

/** The pty of a virtual board, opened with serialport, collecting everything received. */
export class SerialLine {
  private received = Buffer.alloc(0);
  private waiters = new Set<() => void>();
  closedError?: Error;

  private constructor(
    private readonly port: SerialPort,
    readonly path: string,
  ) {
    port.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const waiter of [...this.waiters]) waiter();
    });
    port.on('close', () => {
      // As the serial transport reports a line that goes away: a DeviceError (a dying board may explain it).
      this.closedError ??= new DeviceError(`${path} closed`);
      for (const waiter of [...this.waiters]) waiter();
    });
    port.on('error', (error) => {
      this.closedError ??= error;
    });
  }

  static async open(path: string): Promise<SerialLine> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new SerialLine(port, path);
  }

  write(bytes: Uint8Array | string): void {
    this.port.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
  }

  /** Drops what was received so far. */
  clear(): void {
    this.received = Buffer.alloc(0);
  }

  text(): string {
    return this.received.toString('latin1');
  }

  get length(): number {
    return this.received.length;
  }

  /** Resolves once `predicate(received text)` holds; TimeoutError after `timeoutMs`. */
  async waitFor(predicate: (text: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.text())) {
      if (this.closedError) throw this.closedError;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TimeoutError(`${this.path}: no ${what} within ${timeoutMs} ms (received ${JSON.stringify(this.text().slice(-80))})`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remaining);
        this.waiters.add(done);
      });
    }
    return this.text();
  }

  /**
   * Sends `probe` every `intervalMs` until the reply contains `expected`: QEMU notices a newly
   * opened pty only after a while and drops what the board sends before that. Returns the
   * number of probes, with the line cleared and quiet. TimeoutError naming the attempts when
   * the board never answers.
   */
  async handshake(probe: string, expected: string, options: { attempts?: number; intervalMs?: number } = {}): Promise<number> {
    const attempts = options.attempts ?? 15;
    const intervalMs = options.intervalMs ?? 200;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      this.write(probe);
      try {
        await this.waitFor((text) => text.includes(expected), intervalMs, 'answer');
        // Probes sent before QEMU noticed the pty were queued, and are answered now too: let
        // those answers arrive and drop them, so the caller starts from a quiet line.
        await this.quiet(150);
        this.clear();
        return attempt;
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
      }
    }
    throw new TimeoutError(`board on ${this.path} did not answer: ${attempts} probes over ${attempts * intervalMs} ms got no "${expected}"`, {
      path: this.path,
      attempts,
    });
  }

  /** Resolves once nothing has arrived for `quietMs`. */
  async quiet(quietMs: number): Promise<void> {
    for (let length = -1; length !== this.length; ) {
      length = this.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}
