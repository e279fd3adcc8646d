import { helloOrExplain } from '../hello.js';
import { DeviceClient, type DeviceClientOptions } from '../../../common/protocol/client.js';
import type { BoardInfo } from '../../../common/protocol/messages.js';
import { Session, type SessionOptions } from '../../../common/protocol/session.js';
import type { Transport } from '../../../common/protocol/transport.js';
import type { ElfImage } from '../gdb/elf-image.js';
import type { FlashReport } from '../gdb/flash.js';
import { SerialPortTransport } from '../transport/serial.js';
import { VirtualBoard, type VirtualBoardOptions, type VirtualBoardTarget } from './virtual-board.js';

/**
 * A virtual board brought all the way up to a profiler that answers: the sequence of
 * DESIGN.md's "Virtual boards" in one call, so no caller gets the order wrong —
 *
 *   start QEMU paused and blank → open the pty (before the core runs, or its first bytes are
 *   lost; and before flashing, so QEMU's once-a-second check for a reader overlaps the flash) →
 *   flash the ELF over GDB → resume → HELLO with short timeouts and many attempts (QEMU may
 *   still take up to about a second to notice the reader).
 *
 * Every method of the returned `client` is guarded: if QEMU dies while a command is pending the
 * command fails with the "board crashed" DeviceError (exit code or signal, QEMU's stderr), not
 * with a timeout or a closed port. A board whose firmware never answers HELLO is a TimeoutError
 * that also says where the core is (e.g. "HardFault handler, pc 0x000001c8 in HardFault_Handler").
 */
export interface VirtualBoardConnectionOptions extends VirtualBoardOptions {
  session?: SessionOptions;
  client?: DeviceClientOptions;
  /** HELLO attempts and per-attempt timeout while the board comes up (default 20 × 250 ms). */
  helloAttempts?: number;
  helloTimeoutMs?: number;
  /** Wraps the pty's transport before the session uses it (fault injection in tests, tracing). */
  wrapTransport?: (transport: Transport) => Transport;
}

export interface VirtualBoardConnection {
  board: VirtualBoard;
  transport: SerialPortTransport;
  client: DeviceClient;
  info: BoardInfo;
  flash: FlashReport;
  timings: {
    /** QEMU started and GDB connected, ms. */
    startMs: number;
    flashMs: number;
    /** Resume until HELLO answered, ms. */
    helloMs: number;
    totalMs: number;
  };
  /** Closes the port and stops QEMU. Idempotent. */
  close(): Promise<void>;
}

/**
 * The shortest wait for a reply from a virtual board (a real board's is 1000 ms). QEMU is a process
 * on the host: on a loaded machine it can go unscheduled for seconds while the emulated core has
 * nothing wrong with it, and a command that timed out three times is a failed deploy. Longer
 * work still scales above this floor (`ReplyDeadlines`); a board that crashed fails at once
 * through `board.guard`, not by waiting.
 */
const VIRTUAL_REPLY_FLOOR_MS = 5000;

export async function connectVirtualBoard(
  target: VirtualBoardTarget,
  firmware: Uint8Array | ElfImage | string,
  options: VirtualBoardConnectionOptions = {},
): Promise<VirtualBoardConnection> {
  const started = performance.now();
  const board = await VirtualBoard.start(target, options);
  let transport: SerialPortTransport | undefined;
  const close = async () => {
    await transport?.close();
    await board.stop();
  };
  try {
    const startMs = performance.now() - started;
    // Open the pty first: QEMU polls a disconnected pty about once a second, so it notices the
    // open while the flash is being written rather than after the core has started.
    transport = await SerialPortTransport.open(board.serialPath);
    const flash = await board.flash(firmware);
    await board.resume();
    const resumed = performance.now();
    const sessionTransport = options.wrapTransport ? options.wrapTransport(transport) : transport;
    const client = guardedClient(new DeviceClient(new Session(sessionTransport, { timeoutMs: VIRTUAL_REPLY_FLOOR_MS, ...options.session }), options.client), board);
    const info = await helloOrExplain(client, target.id, board.serialPath, { attempts: options.helloAttempts, timeoutMs: options.helloTimeoutMs }, async () => {
      const core = await board.coreState();
      return core ? { description: core.description, core } : undefined;
    });
    const now = performance.now();
    return {
      board,
      transport,
      client,
      info,
      flash,
      timings: { startMs, flashMs: flash.milliseconds, helloMs: now - resumed, totalMs: now - started },
      close,
    };
  } catch (error) {
    const crash = board.crashError();
    await close();
    throw crash ?? error;
  }
}

/** The same client, every method wrapped in `board.guard`. */
function guardedClient(client: DeviceClient, board: VirtualBoard): DeviceClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...args: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise ? board.guard(result) : result;
      };
    },
  });
}
