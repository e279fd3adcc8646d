import { readFile } from 'node:fs/promises';
import type { Board, FlashMethod } from '../../common/boards/index.js';
import { CancelledError, DeviceError } from '../../common/errors.js';
import { DeviceClient } from '../../common/protocol/client.js';
import type { BoardInfo } from '../../common/protocol/messages.js';
import { helloOrExplain } from './hello.js';
import { Session } from '../../common/protocol/session.js';
import { parseElfImage } from './gdb/elf-image.js';
import { flashImage, type FlashReport } from './gdb/flash.js';
import { GdbClient } from './gdb/gdb-client.js';
import { QemuProbe } from './qemu/qemu-probe.js';
import { connectVirtualBoard, type VirtualBoardConnectionOptions } from './qemu/virtual-board-connection.js';
import { SerialPortTransport } from './transport/serial.js';
import type { BoardProbe } from './board-probe.js';

export type { BoardProbe } from './board-probe.js';

/**
 * The one interface between Deploy & Profile and the boards. Whatever the board, a connection
 * goes through the same steps, reports them as progress, obeys cancel between them, and cleans
 * up everything it started when any step fails:
 *
 *   start  (QEMU launched, or the GDB server reached) → flash (write, verify, reset, halted) →
 *   line   (the profiler's serial line opened before the core runs) → hello (core resumed, HELLO
 *   answered and checked: the board says which board it is) → the caller runs, profiles and
 *   reads through `client` → close.
 *
 * Back-ends, chosen from the catalog entry (`boardBackend`):
 * - `virtual`: a QEMU board of its own (virtual-m4f, -m7, -m55): QEMU started paused and blank,
 *   flashed over its gdbstub, its pty opened; inputs may be written straight into memory over GDB
 *   (`writeMemory`), 100× faster than the emulated UART.
 * - `gdb-server`: a real board — any GDB server (OpenOCD, pyOCD, J-Link, st-util, a probe's own)
 *   for flashing, and the probe's virtual COM port through the serialport transport for the line.
 *   A virtual board of a real family (virtual-stm32f405) takes this path too, with QEMU as the
 *   probe (QemuProbe): its gdbstub is the GDB server and its pty the serial port, so the real
 *   boards' code is what runs.
 * - `mass-storage`: a copy to the probe's drive; not supported yet (a DeviceError says so).
 */
export type BoardBackend = 'virtual' | 'gdb-server' | 'mass-storage';

export type BoardConnectStep = 'start' | 'flash' | 'line' | 'hello';

export interface BoardConnectProgress {
  step: BoardConnectStep;
  message: string;
}

export interface BoardConnectOptions extends VirtualBoardConnectionOptions {
  /** Real boards: the GDB server to flash through, `host:port` (e.g. OpenOCD's `localhost:3333`). */
  gdbServer?: string | { host: string; port: number };
  /** Real boards: the serial port of the profiler's line (the probe's virtual COM port). */
  serialPort?: string;
  /** Baud rate of a real serial port (default 115200, the firmware's). */
  baudRate?: number;
  /** Cancels between steps; what was started is stopped. */
  signal?: AbortSignal;
  onProgress?: (progress: BoardConnectProgress) => void;
}

export interface BoardConnection {
  /** The board's id. */
  board: string;
  backend: BoardBackend;
  /** The serial line the profiler answers on (a pty for QEMU). */
  serialPath: string;
  client: DeviceClient;
  info: BoardInfo;
  flash: FlashReport;
  timings: { startMs: number; flashMs: number; helloMs: number; totalMs: number };
  /**
   * Set when a board counting cycles reports a clock other than its catalog entry's: its clock
   * set-up fell back (e.g. an STM32 whose PLL did not lock runs on HSI). Milliseconds are then at
   * the reported clock, and the figures are not the board's.
   */
  clockNote?: string;
  /** Writes target memory while the profiler idles, where the back-end can (virtual boards); else undefined. */
  writeMemory?: (address: number, bytes: Uint8Array) => Promise<void>;
  /** Closes the line and stops what the connection started. Idempotent. */
  close(): Promise<void>;
}

/** Which back-end reaches `board` (see the module comment). */
export function boardBackend(board: Pick<Board, 'qemu' | 'family' | 'flash'>): BoardBackend {
  if (board.qemu) return board.family ? 'gdb-server' : 'virtual';
  return board.flash.kind === 'gdb-remote' ? 'gdb-server' : 'mass-storage';
}

/**
 * Brings `board` up with `firmware` (ELF bytes or path) to a profiler that answered HELLO as
 * this board. DeviceError naming the board when it cannot be reached the way its entry says;
 * CancelledError when `signal` aborts.
 */
export async function connectBoard(board: Board, firmware: Uint8Array | string, options: BoardConnectOptions = {}): Promise<BoardConnection> {
  const unreachable = unreachableReason(board, options);
  if (unreachable) throw unreachable;
  const backend = boardBackend(board);
  checkCancelled(options.signal);
  if (backend === 'virtual') {
    options.onProgress?.({ step: 'start', message: `starting QEMU ${board.qemu!.machine} for ${board.id}, flashing over GDB, opening its serial pty` });
    const started = await connectVirtualBoard(board, firmware, options);
    if (options.signal?.aborted) {
      await started.close();
      checkCancelled(options.signal);
    }
    return {
      board: board.id,
      backend,
      serialPath: started.board.serialPath,
      client: started.client,
      info: started.info,
      flash: started.flash,
      timings: started.timings,
      writeMemory: (address, bytes) => started.board.writeMemory(address, bytes),
      close: started.close,
    };
  }
  if (board.qemu) {
    options.onProgress?.({ step: 'start', message: `starting QEMU ${board.qemu.machine} as ${board.id}'s probe (GDB server and serial port)` });
    const probe = await QemuProbe.start(board, options);
    return connectGdbServerBoard(board, firmware, { ...options, probe, gdbServer: probe.gdbServer, serialPort: probe.serialPath });
  }
  return connectGdbServerBoard(board, firmware, options);
}

/**
 * Why `board` cannot be reached with `options`, before anything is built or started: its
 * firmware is not written yet, it flashes only by a drive copy (not supported yet), or it is a
 * real board and no GDB server or serial port was given. Undefined when it can be tried.
 */
export function unreachableReason(board: Board, options: Pick<BoardConnectOptions, 'gdbServer' | 'serialPort'> = {}): DeviceError | undefined {
  if (board.firmware.missing) {
    return new DeviceError(`board ${board.id}: its firmware is not written yet (missing ${board.firmware.missing}): it builds to measure flash and RAM, but cannot run the profiler`, {
      board: board.id,
    });
  }
  const backend = boardBackend(board);
  if (backend === 'mass-storage') {
    const method = board.flash as Extract<FlashMethod, { kind: 'mass-storage' }>;
    return new DeviceError(
      `board ${board.id}: flashing by copying a .${method.format} to its drive is not supported yet; flash it through a GDB server instead (OpenOCD, pyOCD) and give its address (--gdb-server localhost:3333)`,
      { board: board.id },
    );
  }
  if (backend === 'gdb-server' && !board.qemu && (!options.gdbServer || !options.serialPort)) {
    const server = board.flash.kind === 'gdb-remote' ? { openocd: 'OpenOCD', pyocd: 'pyOCD', jlink: 'the J-Link GDB server', 'st-util': 'st-util', qemu: 'QEMU' }[board.flash.server] : 'a GDB server';
    const missing = [
      ...(!options.gdbServer ? [`start ${server} for it and give its address (--gdb-server localhost:3333)`] : []),
      ...(!options.serialPort ? ["give its probe's serial port (--port /dev/ttyACM0)"] : []),
    ];
    return new DeviceError(`board ${board.id} is real hardware, reached through a GDB server and a serial port: ${missing.join(', and ')}`, { board: board.id });
  }
  return undefined;
}

/** `monitor` command that resets the target into the new image and leaves it halted, per GDB server. */
export const resetCommands: Record<Extract<FlashMethod, { kind: 'gdb-remote' }>['server'], string> = {
  qemu: 'system_reset',
  openocd: 'reset halt',
  pyocd: 'reset halt',
  jlink: 'reset',
  'st-util': 'reset',
};

/**
 * The real-board back-end: flash through a GDB server, then the line through the serialport
 * transport. With `probe` (QEMU standing in for a probe) every step is guarded by it and
 * stopping the connection stops it.
 */
export async function connectGdbServerBoard(
  board: Pick<Board, 'id' | 'flash'> & Partial<Pick<Board, 'cpuHz'>>,
  firmware: Uint8Array | string,
  options: BoardConnectOptions & { probe?: BoardProbe },
): Promise<BoardConnection> {
  const { probe, signal } = options;
  const server = options.gdbServer === undefined ? undefined : typeof options.gdbServer === 'string' ? parseAddress(options.gdbServer, board.id) : options.gdbServer;
  if (!server || !options.serialPort) {
    await probe?.close();
    throw new DeviceError(`board ${board.id}: no ${!server ? 'GDB server address' : 'serial port'} to reach it through`, { board: board.id });
  }
  const guard = <T>(operation: Promise<T>): Promise<T> => (probe ? probe.guard(operation) : operation);
  const progress = (step: BoardConnectStep, message: string) => options.onProgress?.({ step, message });
  const address = `${server.host}:${server.port}`;
  const started = performance.now();
  let gdb: GdbClient | undefined;
  let transport: SerialPortTransport | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    gdb?.close();
    await transport?.close();
    await probe?.close();
  };
  try {
    progress('start', `connecting to the GDB server at ${address}${probe ? ` (${probe.description})` : ''}`);
    gdb = await guard(connectWithRetries(server.host, server.port, options.gdbTimeoutMs ?? 5000, () => probe?.running ?? false));
    const halted = await guard(gdb.haltReason());
    if (halted.kind !== 'signal') throw new DeviceError(`board ${board.id}: the GDB server at ${address} reports the target ${halted.kind} (${halted.raw})`, { board: board.id });
    const startMs = performance.now() - started;
    checkCancelled(signal);

    const bytes = typeof firmware === 'string' ? new Uint8Array(await readFile(firmware)) : firmware;
    const image = parseElfImage(bytes, typeof firmware === 'string' ? firmware : undefined);
    progress('flash', `flashing ${image.segments.reduce((sum, segment) => sum + segment.data.length, 0)} bytes through ${address}`);
    const resetCommand = board.flash.kind === 'gdb-remote' ? resetCommands[board.flash.server] : 'reset halt';
    const flash = await guard(flashImage(gdb, image, { resetCommand }));
    checkCancelled(signal);

    // The line is opened before the core runs, so its first bytes are not lost (and QEMU, which
    // drops output while nobody holds its pty, notices the reader while HELLO is retried).
    progress('line', `opening the serial line ${options.serialPort}`);
    transport = await guard(SerialPortTransport.open(options.serialPort, { baudRate: options.baudRate }));
    await guard(gdb.detach());
    gdb = undefined;
    const resumed = performance.now();

    progress('hello', `waiting for ${board.id}'s profiler to answer HELLO on ${options.serialPort}`);
    const sessionTransport = options.wrapTransport ? options.wrapTransport(transport) : transport;
    const client = guardedClient(new DeviceClient(new Session(sessionTransport, options.session), options.client), guard);
    const info = await helloOrExplain(client, board.id, options.serialPort, { attempts: options.helloAttempts, timeoutMs: options.helloTimeoutMs }, async () => {
      const description = await probe?.describeCore?.(bytes);
      return description ? { description, core: description } : undefined;
    });
    if (info.boardId !== board.id) {
      throw new DeviceError(`the board on ${options.serialPort} answers as ${info.boardId || '(no id)'}, not ${board.id}: is the port the right one?`, { board: board.id, answered: info.boardId });
    }
    const clockNote = clockFallbackNote(board, info);
    if (clockNote) progress('hello', clockNote);
    const now = performance.now();
    return {
      board: board.id,
      backend: 'gdb-server',
      ...(clockNote ? { clockNote } : {}),
      serialPath: options.serialPort,
      client,
      info,
      flash,
      timings: { startMs, flashMs: flash.milliseconds, helloMs: now - resumed, totalMs: now - started },
      close,
    };
  } catch (error) {
    const crash = probe?.crashError();
    await close();
    throw crash ?? error;
  }
}

/** The clock-fallback note of `clockNote`, or undefined when the board runs at its stated clock (or counts instructions). */
export function clockFallbackNote(board: Partial<Pick<Board, 'id' | 'cpuHz'>>, info: Pick<BoardInfo, 'timerUnit' | 'timerHz'>): string | undefined {
  if (info.timerUnit !== 'cycles' || !board.cpuHz || !info.timerHz || info.timerHz === board.cpuHz) return undefined;
  const mhz = (hz: number) => `${Number((hz / 1e6).toFixed(3))} MHz`;
  return `board ${board.id} runs at ${mhz(info.timerHz)}, not the ${mhz(board.cpuHz)} of its catalog entry: its clock set-up fell back (a ready flag never came); cycles and ms are at ${mhz(info.timerHz)}`;
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('deploy cancelled');
}

function parseAddress(text: string, board: string): { host: string; port: number } {
  const match = /^(?:(.*):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new DeviceError(`board ${board}: GDB server address "${text}" is not host:port (e.g. localhost:3333)`, { board, address: text });
  return { host: match[1] || '127.0.0.1', port };
}

/** A GDB server just started (QEMU, OpenOCD) opens its port a little later: retry refused connections briefly. */
async function connectWithRetries(host: string, port: number, timeoutMs: number, starting: () => boolean): Promise<GdbClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await GdbClient.connect(host, port, { timeoutMs });
    } catch (error) {
      if (!starting() || Date.now() > deadline || !(error instanceof DeviceError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The same client, every method's promise passed through `guard`. */
function guardedClient(client: DeviceClient, guard: <T>(operation: Promise<T>) => Promise<T>): DeviceClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...args: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? guard(result) : result;
      };
    },
  });
}
