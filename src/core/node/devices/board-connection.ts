import { readFile } from 'node:fs/promises';
import type { Board, FlashMethod } from '../../common/boards/index.js';
import { CancelledError, DeviceError } from '../../common/errors.js';
import { DeviceClient } from '../../common/protocol/client.js';
import { DEFAULT_BAUD_RATE, type BoardInfo } from '../../common/protocol/messages.js';
import { helloOrExplain } from './hello.js';
import { Session } from '../../common/protocol/session.js';
import { parseElfImage } from './gdb/elf-image.js';
import { flashImage, type FlashReport } from './gdb/flash.js';
import { GdbClient } from './gdb/gdb-client.js';
import { QemuProbe } from './qemu/qemu-probe.js';
import { connectVirtualBoard, type VirtualBoardConnectionOptions } from './qemu/virtual-board-connection.js';
import { SerialPortTransport } from './transport/serial.js';
import type { BoardProbe } from './board-probe.js';
import { findBoardPort, type BoardPort } from './board-port.js';
import type { SerialPortEntry } from './discovery.js';
import { findOnPath, GdbServerProcess, LaunchedProbe, type GdbServerLaunchOptions } from './gdb-server/launcher.js';
import { startableServers } from './gdb-server/server-configs.js';
import { driveMethod, findBoardDrive, flashByDrive, type DriveFlashOptions } from './mass-storage.js';
import { reopenSerialPort, type ReopenOptions } from './transport/reopen.js';
import { negotiateBaudRate, type BaudOptions } from './transport/baud.js';
import { localDevices, type DeviceLoan } from './device-manager.js';
import { writeFirmwareImages } from '../toolchain/images.js';

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
 *   Without a GDB server address, TinyDeploy starts OpenOCD or pyOCD for the board itself
 *   (gdb-server/launcher.ts) and stops it on close; without a serial port, it finds the port
 *   whose USB id is the board's probe (board-port.ts).
 * - `mass-storage`: the image (.bin/.hex/.uf2 beside the ELF) copied to the board's drive
 *   (mass-storage.ts); the board resets and its serial port is reopened once it is back
 *   (transport/reopen.ts). An ST-LINK board whose GDB servers are not installed falls back to it
 *   when its drive is mounted.
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
  /** Real boards: the serial port of the profiler's line (the probe's virtual COM port); default: the port with the board's USB id. */
  serialPort?: string;
  /** Real boards: how to flash when the board offers several ways (default: its first, falling back to its drive). */
  flashMethod?: 'openocd' | 'pyocd' | 'drive';
  /** Real boards: how TinyDeploy starts a GDB server (program, a stand-in command for tests). */
  gdbServerLaunch?: Omit<GdbServerLaunchOptions, 'signal' | 'probeSerial'>;
  /** Real boards flashed by a drive copy: where drives are mounted and how long to wait for them. */
  drive?: Omit<DriveFlashOptions, 'signal' | 'onProgress'>;
  /** Real boards: reopening the port after a reset. */
  reopen?: Omit<ReopenOptions, 'signal' | 'baudRate'>;
  /** The system's serial ports (default: serialport's list through discovery.ts); tests pass their own. */
  listSerialPorts?: () => Promise<SerialPortEntry[]>;
  /** Baud rate of a real serial port (default 115200, the firmware's). */
  baudRate?: number;
  /**
   * Real boards: after HELLO, agree a faster rate with the board (SET_BAUD, transport/baud.ts);
   * connectBoard turns it on for real boards, never for QEMU. Firmware without the command stays at 115200.
   */
  fasterLine?: boolean | BaudOptions;
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
  /** Real boards: the rate the line runs at after HELLO (above 115200 when the board and the link took a faster one). */
  baudRate?: number;
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
  const plan = await planRealBoard(board, options);
  options = { ...options, fasterLine: options.fasterLine ?? true };
  if (plan.method === 'drive') return connectDriveBoard(board, firmware, plan.port, options);
  if (plan.method === 'given') return connectGdbServerBoard(board, firmware, { ...options, serialPort: plan.port.path });
  options.onProgress?.({ step: 'start', message: `starting ${plan.method === 'openocd' ? 'OpenOCD' : 'pyOCD'} for ${board.id}${plan.port.serialNumber ? ` (probe ${plan.port.serialNumber})` : ''}` });
  const server = await GdbServerProcess.start(board, { ...options.gdbServerLaunch, program: plan.method, probeSerial: plan.port.serialNumber, signal: options.signal });
  const probe = new LaunchedProbe(server, plan.port.path);
  return connectGdbServerBoard(board, firmware, { ...options, probe, gdbServer: probe.gdbServer, serialPort: plan.port.path });
}

/** How a real board will be reached: its serial port, and a GDB server given, one to start, or its drive. */
export interface RealBoardPlan {
  port: BoardPort;
  method: 'given' | 'openocd' | 'pyocd' | 'drive';
}

/**
 * Checks that a real board can be reached, before anything is built, and says how: the serial
 * port (given, or the one with the board's USB id), and the flashing (the GDB server given, an
 * installed OpenOCD or pyOCD TinyDeploy starts, or the board's mounted drive). DeviceError naming
 * the board and what is missing: not plugged in, nothing to flash it with (what to install),
 * its drive not mounted.
 */
export async function planRealBoard(board: Board, options: BoardConnectOptions = {}): Promise<RealBoardPlan> {
  const unreachable = unreachableReason(board, options);
  if (unreachable) throw unreachable;
  const drive = driveMethod(board);
  const wantsDrive = options.flashMethod === 'drive' || (options.flashMethod === undefined && board.flash.kind === 'mass-storage');
  if (wantsDrive && !options.gdbServer) {
    if (!drive) throw new DeviceError(`board ${board.id} has no drive to flash it by`, { board: board.id });
    await findBoardDrive(board, options.drive);
    return { port: await findBoardPort(board, options.serialPort, options.listSerialPorts), method: 'drive' };
  }
  if (options.gdbServer) return { port: await findBoardPort(board, options.serialPort, options.listSerialPorts), method: 'given' };
  const servers = startableServers(board).filter((server) => !options.flashMethod || options.flashMethod === server);
  let method: RealBoardPlan['method'] | undefined;
  if (options.gdbServerLaunch?.command) method = servers[0];
  for (const server of servers) {
    if (method) break;
    const find = options.gdbServerLaunch?.findProgram ?? findOnPath;
    const names = server === 'openocd' ? ['openocd'] : ['pyocd', 'pyocd-gdbserver'];
    const override = server === 'openocd' ? process.env.TINYDEPLOY_OPENOCD : process.env.TINYDEPLOY_PYOCD;
    if (override || (await Promise.all(names.map(find))).some(Boolean)) method = server;
  }
  if (!method && drive && options.flashMethod === undefined) {
    // No GDB server installed: the probe's drive, when it is mounted.
    const mounted = await findBoardDrive(board, options.drive).then(
      () => true,
      () => false,
    );
    if (mounted) method = 'drive';
  }
  if (!method) {
    const install = servers.map((server) => (server === 'openocd' ? 'openocd (apt-get install openocd)' : 'pyocd (pip install pyocd, or apt-get install python3-pyocd)')).join(' or ');
    const ways = [
      ...(install ? [`install ${install}`] : []),
      ...(drive && options.flashMethod === undefined ? [`mount its drive${drive.volumes?.length ? ` ${drive.volumes.join(' or ')}` : ''} to flash by copying a .${drive.format}`] : []),
      'start a GDB server yourself and give --gdb-server host:port',
    ];
    throw new DeviceError(`board ${board.id}: nothing to flash it with: ${ways.join(', or ')}`, { board: board.id });
  }
  return { port: await findBoardPort(board, options.serialPort, options.listSerialPorts), method };
}

/**
 * Why `board` cannot be reached with `options`, known without looking at the machine: its
 * firmware is not written yet, or it is a real board flashed through a GDB server TinyDeploy
 * cannot start (a custom board, the J-Link GDB server) and none was given. Undefined when it can
 * be tried; `planRealBoard` then checks the machine (port plugged in, server installed, drive).
 */
export function unreachableReason(board: Board, options: Pick<BoardConnectOptions, 'gdbServer' | 'serialPort' | 'flashMethod'> = {}): DeviceError | undefined {
  if (board.firmware.missing) {
    return new DeviceError(`board ${board.id}: its firmware is not written yet (missing ${board.firmware.missing}): it builds to measure flash and RAM, but cannot run the profiler`, {
      board: board.id,
    });
  }
  if (board.qemu || options.gdbServer) return undefined;
  const drive = driveMethod(board);
  if (options.flashMethod === 'drive' || (options.flashMethod === undefined && board.flash.kind === 'mass-storage')) {
    return drive ? undefined : new DeviceError(`board ${board.id} has no drive to flash it by`, { board: board.id });
  }
  const servers = startableServers(board).filter((server) => !options.flashMethod || options.flashMethod === server);
  if (servers.length > 0 || (drive && options.flashMethod === undefined)) return undefined;
  const server = board.flash.kind === 'gdb-remote' ? { openocd: 'OpenOCD', pyocd: 'pyOCD', jlink: 'the J-Link GDB server', 'st-util': 'st-util', qemu: 'QEMU' }[board.flash.server] : 'a GDB server';
  return new DeviceError(`board ${board.id} is real hardware that TinyDeploy cannot start a GDB server for: start ${server} for it and give its address (--gdb-server localhost:3333)`, {
    board: board.id,
  });
}

/**
 * The drive back-end: the image of the board's drive format written beside the ELF, copied to
 * the drive, and, once the board is back, its serial port reopened (by USB identity) and HELLO.
 */
async function connectDriveBoard(board: Board, firmware: Uint8Array | string, port: BoardPort, options: BoardConnectOptions): Promise<BoardConnection> {
  const method = driveMethod(board)!;
  if (typeof firmware !== 'string') throw new DeviceError(`board ${board.id}: flashing by its drive needs the ELF file, not bytes`, { board: board.id });
  const progress = (step: BoardConnectStep, message: string) => options.onProgress?.({ step, message });
  const started = performance.now();
  progress('start', `writing the .${method.format} image of ${firmware.replace(/^.*[\/]/, '')} for ${board.id}'s drive`);
  const images = await writeFirmwareImages(firmware, board);
  const image = method.format === 'uf2' ? images.uf2 : method.format === 'hex' ? images.hex : images.bin;
  if (!image) throw new DeviceError(`board ${board.id}: no .${method.format} image was written for its drive`, { board: board.id });
  const startMs = performance.now() - started;
  checkCancelled(options.signal);
  const report = await flashByDrive(board, image, { ...options.drive, signal: options.signal, onProgress: (message) => progress('flash', message) });
  checkCancelled(options.signal);
  progress('line', `reopening the serial line ${port.path} after the reset`);
  const loan = localDevices.claim(`port:${port.path}`, `a connection to ${board.id}`);
  const reopened = await reopenSerialPort(port, { ...options.reopen, baudRate: options.baudRate, signal: options.signal }).catch((error: unknown) => {
    loan.release();
    throw error;
  });
  let transport: SerialPortTransport | undefined = reopened.transport;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await transport?.close();
    loan.release();
  };
  try {
    checkCancelled(options.signal);
    const resumed = performance.now();
    progress('hello', `waiting for ${board.id}'s profiler to answer HELLO on ${reopened.path}`);
    const sessionTransport = options.wrapTransport ? options.wrapTransport(transport) : transport;
    const client = new DeviceClient(new Session(sessionTransport, options.session), options.client);
    const { info, clockNote } = await helloAsBoard(client, board, reopened.path, options, async () => undefined);
    const baudRate = await fasterLine(client, reopened.transport, reopened.path, options);
    const now = performance.now();
    return {
      board: board.id,
      backend: 'mass-storage',
      ...(clockNote ? { clockNote } : {}),
      ...(baudRate ? { baudRate } : {}),
      serialPath: reopened.path,
      client,
      info,
      flash: { bytes: report.bytes, segments: 1, milliseconds: report.milliseconds },
      timings: { startMs, flashMs: report.milliseconds, helloMs: now - resumed, totalMs: now - started },
      close,
    };
  } catch (error) {
    await close();
    transport = undefined;
    throw error;
  }
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
  let loan: DeviceLoan | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    gdb?.close();
    await transport?.close();
    loan?.release();
    await probe?.close();
  };
  try {
    // One owner per port in this process: a second connection to the board is told who has it.
    loan = localDevices.claim(`port:${options.serialPort}`, `a connection to ${board.id}`);
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
    const { info, clockNote } = await helloAsBoard(client, board, options.serialPort, options, async () => {
      const description = await probe?.describeCore?.(bytes);
      return description ? { description, core: description } : undefined;
    });
    const baudRate = await guard(fasterLine(client, transport, options.serialPort, options));
    const now = performance.now();
    return {
      board: board.id,
      backend: 'gdb-server',
      ...(clockNote ? { clockNote } : {}),
      ...(baudRate ? { baudRate } : {}),
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

/** SET_BAUD after HELLO when `options.fasterLine` says so: the rate the line runs at then, reported as a progress step; else undefined. */
async function fasterLine(client: DeviceClient, transport: SerialPortTransport, line: string, options: BoardConnectOptions): Promise<number | undefined> {
  if (!options.fasterLine) return undefined;
  const agreed = await negotiateBaudRate(client, transport, line, typeof options.fasterLine === 'object' ? options.fasterLine : {});
  const message =
    agreed.baudRate > DEFAULT_BAUD_RATE
      ? `the line runs at ${agreed.baudRate} baud from now on`
      : agreed.unsupported
        ? `the line stays at ${DEFAULT_BAUD_RATE} baud (the board's firmware has no SET_BAUD)`
        : `the line stays at ${DEFAULT_BAUD_RATE} baud${agreed.failed.length > 0 ? ` (${agreed.failed.join(', ')} baud did not get through)` : ''}`;
  options.onProgress?.({ step: 'hello', message });
  return agreed.baudRate;
}

/**
 * HELLO on `line`, checked to come from `board` (a DeviceError naming both and the line when
 * another board answers), with the clock-fallback note reported as a progress step.
 */
async function helloAsBoard(
  client: DeviceClient,
  board: Pick<Board, 'id'> & Partial<Pick<Board, 'cpuHz'>>,
  line: string,
  options: BoardConnectOptions,
  describeCore: Parameters<typeof helloOrExplain>[4],
): Promise<{ info: BoardInfo; clockNote?: string }> {
  const info = await helloOrExplain(client, board.id, line, { attempts: options.helloAttempts, timeoutMs: options.helloTimeoutMs }, describeCore);
  if (info.boardId !== board.id) {
    throw new DeviceError(`the board on ${line} answers as ${info.boardId || '(no id)'}, not ${board.id}: is the port the right one?`, { board: board.id, answered: info.boardId });
  }
  const clockNote = clockFallbackNote(board, info);
  if (clockNote) options.onProgress?.({ step: 'hello', message: clockNote });
  return { info, ...(clockNote ? { clockNote } : {}) };
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
