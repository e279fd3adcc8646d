import { SerialPort } from 'serialport';
import { CancelledError, DeviceError } from '../../../common/errors.js';
import { SerialPortTransport, serialOpenFailureReason, type SerialOpenFailureReason } from './serial.js';

/**
 * Reopening a board's serial port after a reset. A board whose probe re-enumerates on reset (a
 * drive copy on an ST-LINK or DAPLink, an RP2040 leaving BOOTSEL, a USB CDC board) makes its port
 * disappear and come back a moment later, possibly under another path (/dev/ttyACM0 becomes
 * /dev/ttyACM1 while the old one is still held). The port is found again by the identity it had
 * — USB vendor and product id and serial number — or, without one, by its path, and opened with
 * back-off until it opens or the time is up. The failure names the port and says what kept it
 * from opening: missing, busy (another program holds it) or no permission.
 */

/** What identifies a port across a re-enumeration. */
export interface SerialPortIdentity {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface ListedPort {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface ReopenOptions {
  /** How long the port may take to come back (default 10 s: a USB re-enumeration takes 1–3 s). */
  timeoutMs?: number;
  /** First wait between attempts, doubled up to `maxDelayMs` (defaults 50 ms and 1 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  baudRate?: number;
  signal?: AbortSignal;
  /** The system's ports (default: serialport's list; tests pass their own). A failing lister leaves the path only. */
  listPorts?: () => Promise<ListedPort[]>;
  /** Opens a path (default: SerialPortTransport.open). */
  open?: (path: string) => Promise<SerialPortTransport>;
}

export interface Reopened {
  transport: SerialPortTransport;
  /** Where it came back (another path when it re-enumerated under a new name). */
  path: string;
  attempts: number;
}

const normalize = (id: string | undefined) => id?.toLowerCase().padStart(4, '0');

/** The listed port that is `identity` (same USB ids and serial number), else the one at its path, else undefined. */
export function matchPort(identity: SerialPortIdentity, ports: readonly ListedPort[]): ListedPort | undefined {
  if (identity.serialNumber && identity.vendorId && identity.productId) {
    const same = ports.find(
      (port) => port.serialNumber === identity.serialNumber && normalize(port.vendorId) === normalize(identity.vendorId) && normalize(port.productId) === normalize(identity.productId),
    );
    if (same) return same;
  }
  return ports.find((port) => port.path === identity.path);
}

/** `vendor:product serial …` of an identity, for messages. */
export function describeIdentity(identity: SerialPortIdentity): string {
  const usb = identity.vendorId && identity.productId ? `USB ${normalize(identity.vendorId)}:${normalize(identity.productId)}` : '';
  const serial = identity.serialNumber ? `serial number ${identity.serialNumber}` : '';
  const parts = [usb, serial].filter(Boolean).join(', ');
  return parts ? `${identity.path} (${parts})` : identity.path;
}

/** Opens the port `identity` names, waiting for it to come back after a reset (see the module comment). */
export async function reopenSerialPort(identity: SerialPortIdentity, options: ReopenOptions = {}): Promise<Reopened> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxDelay = options.maxDelayMs ?? 1000;
  let delay = options.initialDelayMs ?? 50;
  const list = options.listPorts ?? (() => SerialPort.list());
  const open = options.open ?? ((path: string) => SerialPortTransport.open(path, { baudRate: options.baudRate }));
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  let last: { reason: SerialOpenFailureReason; message: string; path: string } = { reason: 'missing', message: 'not listed', path: identity.path };
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError(`cancelled while waiting for serial ${identity.path} to come back`);
    let path = identity.path;
    if (identity.serialNumber) {
      const ports = await list().catch(() => undefined);
      path = (ports && matchPort(identity, ports)?.path) ?? identity.path;
    }
    attempts++;
    try {
      return { transport: await open(path), path, attempts };
    } catch (error) {
      const message = (error as Error).message;
      last = { reason: (error instanceof DeviceError && (error.data?.reason as SerialOpenFailureReason | undefined)) || serialOpenFailureReason(message), message, path };
      if (last.reason === 'permission' || last.reason === 'other') break;
    }
    if (Date.now() + delay > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(maxDelay, delay * 2);
  }
  const what = {
    missing: `did not come back within ${timeoutMs} ms (is the board still plugged in?)`,
    busy: `stayed busy for ${timeoutMs} ms: another program holds it (a serial monitor, another TinyDeploy); close it`,
    permission: 'cannot be opened: permission denied (on Linux, join the dialout group)',
    other: 'cannot be opened',
  }[last.reason];
  throw new DeviceError(`serial ${describeIdentity(identity)} ${what}; last attempt (${attempts}) on ${last.path}: ${last.message}`, {
    path: identity.path,
    reason: last.reason,
    attempts,
  });
}
