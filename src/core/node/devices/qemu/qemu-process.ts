import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError, TimeoutError } from '../../../common/errors.js';
import { findFreePort } from './free-port.js';
import { startWatchdog } from '../watchdog.js';
import { QmpClient } from './qmp-client.js';

/** How to start QEMU for one board (see QemuProcess). */
export interface QemuLaunchOptions {
  /** QEMU machine, e.g. `mps2-an386`. */
  machine: string;
  /** Name used in messages ("board virtual-m4f crashed …"); defaults to the machine. */
  label?: string;
  /** The emulator; default `$TINYDEPLOY_QEMU` or `qemu-system-arm`. */
  binary?: string;
  /** Appended to the command line (e.g. `-semihosting`). */
  extraArguments?: readonly string[];
  /**
   * The `-icount` option (default `shift=0`: one instruction per virtual nanosecond, which is what
   * makes SysTick count instructions). `null` runs without instruction counting.
   */
  icount?: string | null;
  /** Time allowed for QEMU to come up (pty announced, QMP ready), ms. Default 15000. */
  startTimeoutMs?: number;
}

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Install hint of the "QEMU not found" error. */
export const qemuInstallHint = 'apt-get install qemu-system-arm';

/** The emulator command: `$TINYDEPLOY_QEMU` when set, else `qemu-system-arm`. */
export function qemuCommand(): string {
  return process.env.TINYDEPLOY_QEMU || 'qemu-system-arm';
}

const ptyPattern = /char device redirected to (\/dev\/[^\s]+) \(label s0\)/;
const stderrKeptCharacters = 4000;

/** How long `guard` waits for QEMU's exit after a failure that may be its symptom, ms. */
export const dyingBoardGraceMs = 300;

/**
 * Whether a failed operation may be the symptom of QEMU dying, so `guard` checks whether it is
 * still alive: a closed line or a failed write (a dying QEMU closes its pty and sockets first).
 * Not a timeout or a corrupted reply: QEMU's exit closes the pty, which fails a pending command
 * at once, so those are the line's or the firmware's and are reported as they are, when the
 * session gives up. Not an answer from the board (an error status) either.
 */
export function mayBeDyingBoard(error: unknown): boolean {
  return error instanceof DeviceError && error.data?.status === undefined;
}

/**
 * One QEMU process emulating a board, started **paused and blank**: no image is loaded (`-S`,
 * no `-kernel`), the gdbstub listens on a free loopback port for the flasher, UART0 is a pty, QMP
 * listens on a unix socket for a clean shutdown, and `-icount shift=0` makes virtual time advance
 * one nanosecond per instruction (so the board's SysTick counts instructions).
 *
 * A watchdog (`sh` blocked reading a pipe from this process) kills QEMU if this Node process
 * dies without stopping it, so a crashed worker or an interrupted test run leaves no emulator
 * behind.
 *
 * The process is watched from the start: if it exits or is killed while TinyDeploy still uses
 * it, `crashError` describes that (exit code or signal and the end of its stderr) and
 * `exited` resolves. `stop()` ends it cleanly (QMP `quit`, then SIGTERM, then SIGKILL) and removes
 * its temporary files; an exit caused by `stop()` is not a crash.
 */
export class QemuProcess {
  private output = '';
  private stderrTail = '';
  private stopping = false;
  private exitInfo?: QemuExit;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<QemuExit>;
  private readonly exitListeners = new Set<(exit: QemuExit) => void>();
  private qmp?: QmpClient;
  private readonly watchdog?: ChildProcess;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
    /** QEMU machine name. */
    readonly machine: string,
    readonly commandLine: readonly string[],
    /** Loopback TCP port of the gdbstub. */
    readonly gdbPort: number,
    private readonly workDirectory: string,
  ) {
    this.exited = new Promise((resolve) => {
      const settle = (exit: QemuExit) => {
        if (this.exitInfo) return;
        this.exitInfo = exit;
        this.watchdog?.kill('SIGKILL');
        for (const listener of [...this.exitListeners]) listener(exit);
        resolve(exit);
      };
      child.once('exit', (code, signal) => settle({ code, signal }));
      // A process that could not be spawned at all (ENOENT) emits 'error' and no 'exit'.
      child.once('error', () => {
        if (child.pid === undefined) settle({ code: null, signal: null });
      });
    });
    this.watchdog = startWatchdog(child, 'tinydeploy-qemu-watchdog');
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    // `output` is only searched for the pty announcement, so it stops growing once that is found.
    child.stdout?.on('data', (text: string) => {
      if (!this.ptyPath) this.output += text;
    });
    child.stderr?.on('data', (text: string) => {
      if (!this.ptyPath) this.output += text;
      this.stderrTail = (this.stderrTail + text).slice(-stderrKeptCharacters);
    });
  }

  /** The pty QEMU connected UART0 to (set once `launch` has resolved). */
  ptyPath = '';

  /** Path of the QMP unix socket. */
  get qmpPath(): string {
    return join(this.workDirectory, 'qmp.sock');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** What QEMU wrote on stderr, last 4000 characters. */
  get stderr(): string {
    return this.stderrTail;
  }

  /**
   * Starts QEMU and waits until it has announced the pty and its QMP socket answers. Fails with
   * a DeviceError when QEMU is not installed, rejects the machine or exits while starting, and
   * with a TimeoutError when it does not come up in time. A gdb port taken between choosing and
   * binding it is retried with another port.
   */
  static async launch(options: QemuLaunchOptions): Promise<QemuProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await QemuProcess.launchOnce(options);
      } catch (error) {
        const portTaken = error instanceof DeviceError && /Address already in use|Failed to bind/i.test(String(error.data?.stderr ?? ''));
        if (!portTaken || attempt >= 3) throw error;
      }
    }
  }

  private static async launchOnce(options: QemuLaunchOptions): Promise<QemuProcess> {
    const binary = options.binary ?? qemuCommand();
    const label = options.label ?? options.machine;
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    const gdbPort = await findFreePort();
    const workDirectory = await mkdtemp(join(tmpdir(), 'tinydeploy-qemu-'));
    const qmpPath = join(workDirectory, 'qmp.sock');
    const args = [
      '-M', options.machine,
      '-display', 'none',
      '-monitor', 'none',
      '-nodefaults',
      '-S',
      '-gdb', `tcp:127.0.0.1:${gdbPort}`,
      '-chardev', 'pty,id=s0',
      '-serial', 'chardev:s0',
      '-qmp', `unix:${qmpPath},server=on,wait=off`,
      ...(options.icount === null ? [] : ['-icount', options.icount ?? 'shift=0']),
      ...(options.extraArguments ?? []),
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const qemu = new QemuProcess(child, label, options.machine, [binary, ...args], gdbPort, workDirectory);
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT'
            ? new DeviceError(`${binary} not found: virtual boards need QEMU; install it with \`${qemuInstallHint}\``, { binary })
            : new DeviceError(`cannot start ${binary}: ${error.message}`, { binary }),
        );
      });
    });
    spawnError.catch(() => undefined);
    try {
      await Promise.race([qemu.waitForPty(timeoutMs), spawnError]);
      qemu.qmp = await Promise.race([qemu.connectQmp(timeoutMs), spawnError]);
      return qemu;
    } catch (error) {
      await qemu.stop();
      throw error;
    }
  }

  private async waitForPty(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = ptyPattern.exec(this.output);
      if (match) {
        this.ptyPath = match[1];
        return;
      }
      if (!this.running) {
        // Let the last stderr bytes arrive before describing the failure.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new DeviceError(`QEMU for ${this.label} (machine ${this.machine}) exited while starting (${describeExit(this.exitInfo!)}): ${this.stderrSummary()}`, {
          board: this.label,
          stderr: this.stderrTail,
          commandLine: this.commandLine,
        });
      }
      if (Date.now() > deadline) {
        throw new TimeoutError(`QEMU for ${this.label} did not announce its serial pty within ${timeoutMs} ms (output: ${summary(this.output)})`, {
          board: this.label,
          timeoutMs,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async connectQmp(timeoutMs: number): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await QmpClient.connect(this.qmpPath, Math.max(100, deadline - Date.now()));
      } catch (error) {
        if (!this.running || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Calls `listener` when the process exits (at once if it already has). Returns the unregistration. */
  onExit(listener: (exit: QemuExit) => void): () => void {
    if (this.exitInfo) {
      listener(this.exitInfo);
      return () => undefined;
    }
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /**
   * The "board crashed" error if QEMU ended while not being stopped by TinyDeploy, else
   * undefined. It names the board, the exit code or signal and the end of QEMU's stderr.
   */
  crashError(): DeviceError | undefined {
    if (!this.exitInfo || this.stopping) return undefined;
    return new DeviceError(`board ${this.label} crashed: QEMU (pid ${this.pid}) ${describeExit(this.exitInfo)}${this.stderrTail.trim() ? `; stderr: ${this.stderrSummary()}` : ''}`, {
      board: this.label,
      exitCode: this.exitInfo.code,
      signal: this.exitInfo.signal,
      stderr: this.stderrTail,
    });
  }

  /**
   * Waits for `operation`, but if QEMU exits first — or the operation fails and QEMU turns out
   * to have exited (a closed pty usually shows up a moment before the exit) — fails with the
   * board-crashed DeviceError instead.
   */
  async guard<T>(operation: Promise<T>): Promise<T> {
    const existing = this.crashError();
    if (existing) {
      operation.catch(() => undefined);
      throw existing;
    }
    let unregister = (): void => undefined;
    const crashed = new Promise<never>((_, reject) => {
      unregister = this.onExit(() => {
        const crash = this.crashError();
        if (crash) reject(crash);
      });
    });
    crashed.catch(() => undefined);
    try {
      return await Promise.race([operation, crashed]);
    } catch (error) {
      if (this.running && mayBeDyingBoard(error)) {
        // A closed line may be a dying QEMU: give it a moment to be reaped, so its exit is
        // reported rather than the symptom — unless QEMU answers its monitor, i.e. is alive, in
        // which case the failure is reported at once (within the session's stated deadline).
        const alive = this.qmpExecute('query-status').then(
          () => undefined,
          () => new Promise<void>(() => undefined),
        );
        await Promise.race([this.exited, alive, new Promise((resolve) => setTimeout(resolve, dyingBoardGraceMs))]);
      }
      throw this.crashError() ?? error;
    } finally {
      unregister();
    }
  }

  /** Runs a QMP command (e.g. `query-status`). */
  async qmpExecute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (!this.qmp) throw new DeviceError(`QEMU for ${this.label} has no QMP connection`);
    return this.qmp.execute(command, args);
  }

  /**
   * Ends QEMU: QMP `quit`, then SIGTERM after 2 s, then SIGKILL after 2 more; removes the
   * temporary directory. Safe to call more than once and after a crash.
   */
  async stop(): Promise<void> {
    this.stopping = this.stopping || this.running;
    if (this.running) {
      await this.qmp?.execute('quit', undefined, 2000).catch(() => undefined);
      if (!(await this.waitForExit(2000))) {
        this.child.kill('SIGTERM');
        if (!(await this.waitForExit(2000))) {
          this.child.kill('SIGKILL');
          await this.exited;
        }
      }
    }
    this.qmp?.close();
    this.qmp = undefined;
    await rm(this.workDirectory, { recursive: true, force: true });
  }

  private async waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return exited;
  }

  /**
   * The useful part of QEMU's stderr: for a fatal CPU error (`qemu: fatal: Lockup: …`) that
   * line and the program counter of its register dump; otherwise the last lines.
   */
  private stderrSummary(): string {
    const fatal = /qemu: fatal: [^\n]*/.exec(this.stderrTail);
    if (fatal) {
      const pc = /R15=([0-9a-fA-F]{8})/.exec(this.stderrTail);
      return `${fatal[0].trim()}${pc ? ` (pc 0x${pc[1].toLowerCase()})` : ''}`;
    }
    return summary(this.stderrTail) || '(nothing on stderr)';
  }
}

function describeExit(exit: QemuExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function summary(text: string): string {
  const trimmed = text.trim().replace(/\s*\n\s*/g, ' | ');
  return trimmed.length > 600 ? `…${trimmed.slice(-600)}` : trimmed;
}
