import type { QemuLaunchOptions } from './qemu-process.js';
import { QemuProcess } from './qemu-process.js';
import { readCoreState, type VirtualBoardTarget } from './virtual-board.js';
import type { BoardProbe } from '../board-probe.js';

/**
 * QEMU standing in for a real board's debug probe: started paused and blank, it offers what an
 * ST-LINK with OpenOCD offers — a GDB server (its gdbstub on a loopback port) and a serial port
 * (the pty of the board's first UART) — and nothing else. The real-board back-end
 * (`connectGdbServerBoard`) then flashes through the GDB server and opens the pty through the
 * serialport transport, exactly as it would a probe's virtual COM port; no virtual-board shortcut
 * (memory writes for inputs) is taken. Used for virtual boards of a real family (virtual-stm32f405).
 */
export class QemuProbe implements BoardProbe {
  private constructor(private readonly qemu: QemuProcess) {}

  static async start(target: VirtualBoardTarget, options: Omit<QemuLaunchOptions, 'machine' | 'label'> = {}): Promise<QemuProbe> {
    if (!target.qemu) throw new Error(`board ${target.id} has no QEMU machine`);
    return new QemuProbe(await QemuProcess.launch({ ...options, machine: target.qemu.machine, label: target.id }));
  }

  get description(): string {
    return `QEMU ${this.qemu.machine} (pid ${this.qemu.pid})`;
  }

  get gdbServer(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.qemu.gdbPort };
  }

  get serialPath(): string {
    return this.qemu.ptyPath;
  }

  /** The emulator process, for diagnostics. */
  get process(): QemuProcess {
    return this.qemu;
  }

  get running(): boolean {
    return this.qemu.running;
  }

  guard<T>(operation: Promise<T>): Promise<T> {
    return this.qemu.guard(operation);
  }

  crashError(): Error | undefined {
    return this.qemu.crashError();
  }

  async describeCore(firmware?: Uint8Array): Promise<string | undefined> {
    return (await readCoreState(this.qemu, firmware))?.description;
  }

  close(): Promise<void> {
    return this.qemu.stop();
  }
}
