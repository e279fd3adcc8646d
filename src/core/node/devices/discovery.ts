import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';
import { boards, knownProbes, type Board, type UsbId } from '../../common/boards/index.js';
import { qemuCommand, qemuInstallHint } from './qemu/qemu-process.js';

/**
 * What `tinydeploy boards` and the devices panel show: the virtual boards (available when QEMU
 * runs here) and the serial ports plugged in, each identified by its USB vendor and product id
 * as a catalog board or a known debug probe.
 */

export interface VirtualBoardEntry {
  board: Board;
  available: boolean;
  /** Why it is not available (QEMU missing), with the install command. */
  reason?: string;
}

export interface SerialPortEntry {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  /** Catalog boards with this port's USB id. */
  boards: Board[];
  /** The debug probe this USB id belongs to, when known. */
  probe?: UsbId;
}

const run = promisify(execFile);

/** The virtual boards of the catalog and whether this machine can start them. */
export async function listVirtualBoards(): Promise<VirtualBoardEntry[]> {
  let reason: string | undefined;
  try {
    await run(qemuCommand(), ['--version'], { timeout: 10_000 });
  } catch {
    reason = `${qemuCommand()} not found (${qemuInstallHint})`;
  }
  return boards.filter((board) => board.kind === 'virtual').map((board) => ({ board, available: reason === undefined, ...(reason ? { reason } : {}) }));
}

/** The USB id as serialport reports it (case varies by platform), lower-case 4-digit hex. */
function normalizeUsbId(id: string | undefined): string | undefined {
  return id ? id.toLowerCase().padStart(4, '0') : undefined;
}

/** Matches a port's USB id against the catalog's boards and the known probes. */
export function identifySerialPort(port: { path: string; manufacturer?: string; serialNumber?: string; vendorId?: string; productId?: string }): SerialPortEntry {
  const vendorId = normalizeUsbId(port.vendorId);
  const productId = normalizeUsbId(port.productId);
  const matches = (id: UsbId) => id.vendorId === vendorId && id.productId === productId;
  return {
    path: port.path,
    ...(port.manufacturer ? { manufacturer: port.manufacturer } : {}),
    ...(port.serialNumber ? { serialNumber: port.serialNumber } : {}),
    ...(vendorId ? { vendorId } : {}),
    ...(productId ? { productId } : {}),
    boards: boards.filter((board) => board.usb?.some(matches)),
    ...(knownProbes.find(matches) ? { probe: knownProbes.find(matches) } : {}),
  };
}

/** The operating system's port list as serialport gives it (a parameter so tests can make it fail). */
export type PortLister = () => Promise<Parameters<typeof identifySerialPort>[0][]>;

/**
 * Serial ports plugged in now (USB CDC, UART adapters), identified where their USB id is known.
 * Throws when the system cannot list them; `discoverSerialPorts` turns that into a reason.
 */
export async function listSerialPorts(list: PortLister = () => SerialPort.list()): Promise<SerialPortEntry[]> {
  const ports = await list();
  return ports.map(identifySerialPort).sort((a, b) => a.path.localeCompare(b.path));
}

/** The serial ports plugged in, or, when they could not be listed, none and why. */
export interface SerialPortListing {
  ports: SerialPortEntry[];
  /** Why `ports` is empty because listing failed (udevadm missing, no permission), with what to do. */
  error?: string;
}

/**
 * The serial ports without ever failing: on Linux serialport lists ports by running `udevadm`,
 * which a container or a minimal system may lack or forbid. A listing that fails must not hide
 * the virtual boards, so `tinydeploy boards` and the devices panel show the boards with this
 * reason in place of the serial list.
 */
export async function discoverSerialPorts(list: () => Promise<SerialPortEntry[]> = listSerialPorts): Promise<SerialPortListing> {
  try {
    return { ports: await list() };
  } catch (error) {
    return { ports: [], error: serialListingFailure(error) };
  }
}

/** One line on why the serial ports could not be listed, e.g. `udevadm not found (apt-get install udev)`. */
export function serialListingFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT' && /\budevadm\b/.test(message)) return 'cannot list serial ports: udevadm not found (apt-get install udev)';
  return `cannot list serial ports: ${message}`;
}
