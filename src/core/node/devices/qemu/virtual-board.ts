import { readFile } from 'node:fs/promises';
import { DeviceError } from '../../../common/errors.js';
import { parseElf } from '../../toolchain/elf.js';
import { parseElfImage, type ElfImage } from '../gdb/elf-image.js';
import { flashImage, type FlashOptions, type FlashReport } from '../gdb/flash.js';
import { GdbClient } from '../gdb/gdb-client.js';
import { QemuProcess, type QemuLaunchOptions } from './qemu-process.js';

/**
 * The back end of a QEMU virtual board (STYLE.md §14, the layer under the session): it starts
 * the emulator paused and blank, flashes an ELF over the GDB remote protocol, resumes the core
 * and stops the emulator at the end. It moves no protocol bytes itself: the caller opens
 * `serialPath` with a transport.
 *
 * The order matters (DESIGN.md, "Virtual boards"):
 *   1. `start`   QEMU paused, no image; GDB connected. (A blank board that runs locks up.)
 *   2. `flash`   write the segments, read them back, `system_reset` (SP/PC from the new vectors).
 *   3. the caller opens `serialPath`: QEMU drops UART output while nobody holds the pty open,
 *      and notices a newly opened pty within about a second, so the first command is retried.
 *   4. `resume`  detach GDB: the core runs.
 *   5. `stop`    QMP quit.
 * Any operation wrapped in `guard` fails with the "board crashed" DeviceError (exit code or
 * signal, QEMU's stderr) if QEMU dies while it is pending, rather than with a timeout.
 */
export interface VirtualBoardTarget {
  /** Board id, e.g. `virtual-m4f` (for messages). */
  id: string;
  /** The QEMU machine that emulates it. */
  qemu?: { machine: string };
}

export interface VirtualBoardOptions extends Omit<QemuLaunchOptions, 'machine' | 'label'> {
  /** Timeout of each GDB reply, ms (default 5000). */
  gdbTimeoutMs?: number;
}

/** Where the core is, read through QEMU's monitor (`info registers`): for "board does not answer" messages. */
export interface CoreState {
  pc: number;
  sp: number;
  /** IPSR: 0 in thread mode, else the active exception (3 HardFault, 15 SysTick, 16 + n IRQ n, …). */
  exception: number;
  /** `thread mode`, `HardFault handler`, `IRQ 0 handler`, … */
  mode: string;
  /** The function containing the pc, from the flashed ELF's symbols (when known). */
  function?: string;
  /** One line: `HardFault handler, pc 0x000001c8 in HardFault_Handler`. */
  description: string;
}

const exceptionNames: Record<number, string> = {
  2: 'NMI',
  3: 'HardFault',
  4: 'MemManage',
  5: 'BusFault',
  6: 'UsageFault',
  7: 'SecureFault',
  11: 'SVCall',
  12: 'DebugMonitor',
  14: 'PendSV',
  15: 'SysTick',
};

export interface VirtualBoardTimings {
  /** QEMU launched until its pty and QMP were ready, ms. */
  launchMs: number;
  /** GDB connection and first stop reply, ms. */
  gdbConnectMs: number;
}

export class VirtualBoard {
  private gdb?: GdbClient;
  private resumed = false;
  private firmwareBytes?: Uint8Array;

  private constructor(
    readonly id: string,
    private readonly qemu: QemuProcess,
    gdb: GdbClient,
    readonly timings: VirtualBoardTimings,
  ) {
    this.gdb = gdb;
  }

  /** Starts QEMU for `target`, paused and blank, and connects the GDB client. */
  static async start(target: VirtualBoardTarget, options: VirtualBoardOptions = {}): Promise<VirtualBoard> {
    if (!target.qemu) throw new DeviceError(`board ${target.id} is not a virtual board (no QEMU machine)`, { board: target.id });
    const launched = performance.now();
    const qemu = await QemuProcess.launch({ ...options, machine: target.qemu.machine, label: target.id });
    const connecting = performance.now();
    try {
      const gdb = await connectWithRetries(qemu, options.gdbTimeoutMs ?? 5000);
      const reason = await gdb.haltReason();
      if (reason.kind !== 'signal') throw new DeviceError(`board ${target.id}: QEMU's gdbstub reports the target ${reason.kind} (${reason.raw})`, { board: target.id });
      return new VirtualBoard(target.id, qemu, gdb, { launchMs: connecting - launched, gdbConnectMs: performance.now() - connecting });
    } catch (error) {
      const crash = qemu.crashError();
      await qemu.stop();
      throw crash ?? error;
    }
  }

  /** The pty UART0 is connected to; open it before `resume`. */
  get serialPath(): string {
    return this.qemu.ptyPath;
  }

  /** The emulator process (pid, stderr, exit), for diagnostics. */
  get process(): QemuProcess {
    return this.qemu;
  }

  /**
   * Writes an ELF image (bytes, a parsed image, or a path) into the board's memory, verifies it
   * and resets the core into it. The core stays halted until `resume`.
   */
  async flash(firmware: Uint8Array | ElfImage | string, options: FlashOptions = {}): Promise<FlashReport> {
    const gdb = this.requireGdb('flash');
    const bytes = typeof firmware === 'string' ? new Uint8Array(await readFile(firmware)) : firmware instanceof Uint8Array ? firmware : undefined;
    const image = bytes ? parseElfImage(bytes, typeof firmware === 'string' ? firmware : undefined) : (firmware as ElfImage);
    const report = await this.guard(flashImage(gdb, image, options));
    this.firmwareBytes = bytes;
    return report;
  }

  /** Lets the core run: detaches GDB (QEMU resumes the VM when its last debugger leaves). */
  async resume(): Promise<void> {
    const gdb = this.requireGdb('resume');
    await this.guard(gdb.detach());
    this.gdb = undefined;
    this.resumed = true;
  }

  /**
   * Reads the core's registers through QEMU's monitor (works while the core runs, without GDB)
   * and names where it is: the mode (thread, or which exception handler) and the function around
   * the pc when the flashed ELF has symbols. Undefined when QEMU cannot tell (it has exited).
   */
  async coreState(): Promise<CoreState | undefined> {
    return readCoreState(this.qemu, this.firmwareBytes);
  }

  /** The board-crashed error if QEMU has died, else undefined. */
  crashError(): DeviceError | undefined {
    return this.qemu.crashError();
  }

  /** QemuProcess.guard: the board-crashed error instead of the symptom when QEMU dies. */
  guard<T>(operation: Promise<T>): Promise<T> {
    return this.qemu.guard(operation);
  }

  /**
   * Writes bytes into the board's memory over GDB — while halted after `flash`, or while running:
   * then a new GDB connection halts the VM (QEMU stops it when a debugger attaches), writes and
   * detaches, and the core goes on where it was. Far faster than the emulated UART (which moves
   * about 10 KB/s) for large inputs; call it only between protocol commands.
   */
  async writeMemory(address: number, bytes: Uint8Array): Promise<void> {
    if (this.gdb) {
      await this.guard(this.gdb.writeMemory(address, bytes));
      return;
    }
    if (!this.resumed) throw new DeviceError(`board ${this.id}: cannot write memory: the board was stopped`, { board: this.id });
    const gdb = await this.guard(GdbClient.connect('127.0.0.1', this.qemu.gdbPort));
    try {
      await this.guard(gdb.haltReason());
      await this.guard(gdb.writeMemory(address, bytes));
      await this.guard(gdb.detach());
    } finally {
      gdb.close();
    }
  }

  /** Closes GDB and ends QEMU (QMP quit, then signals). Idempotent. */
  async stop(): Promise<void> {
    this.gdb?.close();
    this.gdb = undefined;
    await this.qemu.stop();
  }

  private requireGdb(action: string): GdbClient {
    const crash = this.qemu.crashError();
    if (crash) throw crash;
    if (!this.gdb) {
      throw new DeviceError(`board ${this.id}: cannot ${action}: ${this.resumed ? 'the core is already running (GDB detached)' : 'the board was stopped'}`, { board: this.id });
    }
    return this.gdb;
  }
}

/** QEMU opens its gdbstub socket a little after announcing the pty: retry refused connections briefly. */
async function connectWithRetries(qemu: QemuProcess, timeoutMs: number): Promise<GdbClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await GdbClient.connect('127.0.0.1', qemu.gdbPort, { timeoutMs });
    } catch (error) {
      if (!qemu.running || Date.now() > deadline || !(error instanceof DeviceError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * Reads the core's registers through QEMU's monitor (works while the core runs, without GDB) and
 * names where it is: the mode (thread, or which exception handler) and the function around the
 * pc when `firmware` (the flashed ELF) has symbols. Undefined when QEMU cannot tell (it has exited).
 */
export async function readCoreState(qemu: QemuProcess, firmware?: Uint8Array): Promise<CoreState | undefined> {
  if (!qemu.running) return undefined;
  let text: string;
  try {
    text = String(await qemu.qmpExecute('human-monitor-command', { 'command-line': 'info registers' }));
  } catch {
    return undefined;
  }
  const register = (name: string) => {
    const match = new RegExp(`${name}=([0-9a-fA-F]{8})`).exec(text);
    return match ? parseInt(match[1], 16) : undefined;
  };
  const pc = register('R15');
  const sp = register('R13');
  const xpsr = register('XPSR');
  if (pc === undefined || sp === undefined || xpsr === undefined) return undefined;
  const exception = xpsr & 0x1ff;
  const mode = exception === 0 ? 'thread mode' : exception >= 16 ? `IRQ ${exception - 16} handler` : `${exceptionNames[exception] ?? `exception ${exception}`} handler`;
  const name = firmware ? functionAt(firmware, pc) : undefined;
  const hex = `0x${pc.toString(16).padStart(8, '0')}`;
  return { pc, sp, exception, mode, function: name, description: `${mode}, pc ${hex}${name ? ` in ${name}` : ''}` };
}

function functionAt(firmware: Uint8Array, pc: number): string | undefined {
  try {
    const address = pc & ~1;
    const symbol = parseElf(firmware).symbols.find(
      (candidate) => candidate.type === 2 && (candidate.value & ~1) <= address && address < (candidate.value & ~1) + Math.max(candidate.size, 1),
    );
    return symbol?.name;
  } catch {
    return undefined;
  }
}
