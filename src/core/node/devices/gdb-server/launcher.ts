import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Board } from '../../../common/boards/index.js';
import { CancelledError, DeviceError, TimeoutError } from '../../../common/errors.js';
import type { BoardProbe } from '../board-probe.js';
import { findFreePort } from '../qemu/free-port.js';
import { startWatchdog } from '../watchdog.js';
import { gdbServerCommand, gdbServerInstallHint, startableServers, type GdbServerCommand, type GdbServerProgram } from './server-configs.js';

/**
 * Starts OpenOCD or pyOCD for a real board and owns the process: the server is started with the
 * board's config on a free loopback GDB port, TinyDeploy waits until it says it listens on that
 * port (or until it fails, which is reported with the board, the server and the end of its
 * output), and `close()` (or the signal) stops it: SIGTERM, then SIGKILL. A watchdog kills it if
 * this process dies first, as for QEMU.
 */

export interface GdbServerLaunchOptions {
  /** Which server (default: the first of the board's flash methods that is installed). */
  program?: GdbServerProgram;
  /**
   * The command to run in place of the program found on PATH: an executable and leading arguments
   * (tests run a stand-in server this way). Also `$TINYDEPLOY_OPENOCD` / `$TINYDEPLOY_PYOCD`.
   */
  command?: readonly string[];
  /** The probe's serial number (from the USB serial port matched to the board). */
  probeSerial?: string;
  /** How long the server may take to open its port (default 20 s: OpenOCD examines the target first). */
  startTimeoutMs?: number;
  signal?: AbortSignal;
  /** Finds an executable on PATH (tests pass their own). */
  findProgram?: (name: string) => Promise<string | undefined>;
}

const listening = [
  // OpenOCD: "Info : Listening on port 3333 for gdb connections"
  /Listening on port (\d+) for gdb connections/,
  // pyOCD: "GDB server listening on port 3333 (core 0)" / "GDB server started on port 3333"
  /GDB server (?:listening|started) on port (\d+)/,
];

/** Output lines that mean the server will never come up (no probe, probe busy, target not found). */
const fatal = [
  /^(?:Error: )?open failed$/m,
  /Error: unable to find a matching CMSIS-DAP device/m,
  /Error: No J-Link device found/m,
  /Error: couldn't bind [^\n]*/m,
  /Error: [^\n]*(?:LIBUSB_ERROR_ACCESS|LIBUSB_ERROR_BUSY)[^\n]*/m,
  /Can't find [^\n]*\.cfg/m,
  /Waiting for a debug probe to be connected/m,
  /No connected debug probes/m,
  /Target type [^\n]* not recognized/m,
];

const keptOutput = 4000;

/** `name` on PATH (an executable file), else undefined. */
export async function findOnPath(name: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Which GDB server programs are installed here (`pyocd` is pip's, `pyocd-gdbserver` Debian's). */
async function installedForm(program: GdbServerProgram, find: (name: string) => Promise<string | undefined>): Promise<{ command: string; form?: 'pyocd' | 'pyocd-gdbserver' } | undefined> {
  if (program === 'openocd') {
    const found = await find('openocd');
    return found ? { command: found } : undefined;
  }
  const pip = await find('pyocd');
  if (pip) return { command: pip, form: 'pyocd' };
  const debian = await find('pyocd-gdbserver');
  return debian ? { command: debian, form: 'pyocd-gdbserver' } : undefined;
}

export class GdbServerProcess {
  private output = '';
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };
  private stopping = false;
  readonly exited: Promise<void>;
  private readonly watchdog?: ChildProcess;

  private constructor(
    private readonly child: ChildProcess,
    readonly board: string,
    readonly command: GdbServerCommand,
    /** The full command line run (executable first). */
    readonly commandLine: readonly string[],
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.watchdog?.kill('SIGKILL');
        resolve();
      });
      child.once('error', () => {
        if (child.pid === undefined) {
          this.exitInfo = { code: null, signal: null };
          resolve();
        }
      });
    });
    const keep = (text: string) => (this.output = (this.output + text).slice(-keptOutput));
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.watchdog = startWatchdog(child, 'tinydeploy-gdb-server-watchdog');
  }

  /** The GDB server's address. */
  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.command.port };
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the server printed (last 4000 characters). */
  get log(): string {
    return this.output;
  }

  /** `description (pid …)`, for progress and errors. */
  get description(): string {
    return `${this.command.description}, pid ${this.pid}`;
  }

  /**
   * Starts a GDB server for `board` and waits until it listens. DeviceError naming the board and
   * what to install when neither OpenOCD nor pyOCD is; naming the server and its last output when
   * it fails to start (no probe plugged in, probe busy); TimeoutError when it never listens;
   * CancelledError when `signal` aborts (the server is stopped first).
   */
  static async start(board: Pick<Board, 'id' | 'custom' | 'flash' | 'flashMethods'>, options: GdbServerLaunchOptions = {}): Promise<GdbServerProcess> {
    const find = options.findProgram ?? findOnPath;
    const candidates = options.program ? [options.program] : startableServers(board);
    if (candidates.length === 0) {
      // gdbServerCommand throws the "no configuration" error naming the board.
      gdbServerCommand(board, 'openocd', { port: 0 });
    }
    let chosen: { program: GdbServerProgram; command: readonly string[]; form?: 'pyocd' | 'pyocd-gdbserver' } | undefined;
    for (const program of candidates) {
      const override = options.command ?? environmentOverride(program);
      if (override) {
        chosen = { program, command: override };
        break;
      }
      const installed = await installedForm(program, find);
      if (installed) {
        chosen = { program, command: [installed.command], form: installed.form };
        break;
      }
    }
    if (!chosen) {
      throw new DeviceError(`board ${board.id}: no GDB server to flash it with: ${gdbServerInstallHint(board)} (or start one yourself and give --gdb-server host:port)`, {
        board: board.id,
        servers: candidates,
      });
    }
    const timeoutMs = options.startTimeoutMs ?? 20_000;
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      const built = gdbServerCommand(board, chosen.program, { port, probeSerial: options.probeSerial, pyocdForm: chosen.form });
      const commandLine = [...chosen.command, ...built.args];
      const child = spawn(commandLine[0], commandLine.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      const server = new GdbServerProcess(child, board.id, { ...built, command: commandLine[0] }, commandLine);
      try {
        await server.waitUntilListening(timeoutMs, options.signal);
        return server;
      } catch (error) {
        await server.close();
        // Another process took the port between choosing and binding it: choose again.
        if (attempt < 3 && error instanceof DeviceError && /couldn't bind|Address already in use/i.test(server.output)) continue;
        throw error;
      }
    }
  }

  private async waitUntilListening(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const spawnFailure = new Promise<never>((_, reject) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new DeviceError(
            error.code === 'ENOENT' ? `board ${this.board}: ${this.commandLine[0]} not found (${this.command.program === 'openocd' ? 'apt-get install openocd' : 'pip install pyocd'})` : `board ${this.board}: cannot start ${this.commandLine[0]}: ${error.message}`,
            { board: this.board, command: this.commandLine[0] },
          ),
        );
      });
    });
    spawnFailure.catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    const name = this.command.program === 'openocd' ? 'OpenOCD' : 'pyOCD';
    for (;;) {
      if (signal?.aborted) throw new CancelledError('deploy cancelled while the GDB server was starting');
      const port = listening.map((pattern) => pattern.exec(this.output)).find((match) => match)?.[1];
      if (port !== undefined && Number(port) === this.command.port) return;
      const failure = fatal.map((pattern) => pattern.exec(this.output)).find((match) => match)?.[0];
      if (failure || !this.running) {
        // Let its last lines arrive before quoting them.
        await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 100))]);
        throw new DeviceError(`board ${this.board}: ${name} ${this.running ? 'failed' : `exited (${this.exitDescription()})`} before opening its GDB port${failure ? `: ${failure.trim()}` : ''}; ${probeAdvice(this.command.program)}${this.command.note ? ` (${this.command.note})` : ''}. ${name} said: ${summary(this.output)}`, {
          board: this.board,
          server: this.command.program,
          commandLine: this.commandLine,
          output: this.output,
        });
      }
      if (Date.now() > deadline) {
        throw new TimeoutError(`board ${this.board}: ${name} did not open its GDB port ${this.command.port} within ${timeoutMs} ms; it said: ${summary(this.output)}`, {
          board: this.board,
          timeoutMs,
        });
      }
      await Promise.race([spawnFailure, new Promise((resolve) => setTimeout(resolve, 25))]);
    }
  }

  private exitDescription(): string {
    if (!this.exitInfo) return 'running';
    return this.exitInfo.signal ? `killed by ${this.exitInfo.signal}` : `code ${this.exitInfo.code}`;
  }

  /** Why the server ended while in use, or undefined (running, or stopped by `close`). */
  crashError(): DeviceError | undefined {
    if (this.running || this.stopping) return undefined;
    return new DeviceError(`board ${this.board}: the GDB server (${this.command.description}) exited (${this.exitDescription()}): ${summary(this.output)}`, { board: this.board });
  }

  /** Stops the server: SIGTERM, then SIGKILL after 2 s. Idempotent. */
  async close(): Promise<void> {
    this.stopping = this.stopping || this.running;
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const exited = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref())]);
    if (!exited) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

function environmentOverride(program: GdbServerProgram): string[] | undefined {
  const value = program === 'openocd' ? process.env.TINYDEPLOY_OPENOCD : process.env.TINYDEPLOY_PYOCD;
  return value ? [value] : undefined;
}

function probeAdvice(program: GdbServerProgram): string {
  return program === 'openocd'
    ? 'is the board plugged in, its probe not held by another program, and may this user open it (udev rules of the openocd package)?'
    : 'is the board plugged in and its probe not held by another program?';
}

function summary(text: string): string {
  const trimmed = text.trim().replace(/\s*\n\s*/g, ' | ');
  if (!trimmed) return '(nothing)';
  return trimmed.length > 600 ? `…${trimmed.slice(-600)}` : trimmed;
}

/**
 * A started GDB server and the board's serial port, as the real-board back-end takes them: every
 * step is guarded by the server (its exit fails the step with its own error) and closing the
 * connection stops it.
 */
export class LaunchedProbe implements BoardProbe {
  constructor(
    readonly server: GdbServerProcess,
    readonly serialPath: string,
  ) {}

  get description(): string {
    return this.server.description;
  }

  get gdbServer(): { host: string; port: number } {
    return this.server.address;
  }

  get running(): boolean {
    return this.server.running;
  }

  async guard<T>(operation: Promise<T>): Promise<T> {
    const crashed = this.server.exited.then(() => {
      throw this.server.crashError() ?? new DeviceError(`board ${this.server.board}: the GDB server stopped`);
    });
    crashed.catch(() => undefined);
    return Promise.race([operation, crashed]);
  }

  crashError(): Error | undefined {
    return this.server.crashError();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
