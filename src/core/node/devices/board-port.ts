import type { Board } from '../../common/boards/index.js';
import { DeviceError } from '../../common/errors.js';
import { listSerialPorts, serialListingFailure, type SerialPortEntry } from './discovery.js';
import type { SerialPortIdentity } from './transport/reopen.js';

/**
 * Which serial port a plugged-in real board answers on: the port whose USB vendor and product id
 * are one of the board's (its probe's virtual COM port), found in the system's port list. The
 * result keeps the USB ids and serial number, so the port can be found again after a reset
 * re-enumerates it (reopen.ts), and so the probe can be picked among several (`adapter serial`).
 */

export interface BoardPort extends SerialPortIdentity {
  /** The probe's name, from the catalog (e.g. "ST-LINK/V2-1"). */
  probe?: string;
}

/**
 * The port given (`path`, the user's --port or $TINYDEPLOY_BOARD_PORT), completed with its USB
 * identity when the system lists it; else the one port whose USB id is the board's. DeviceError
 * naming the board when none is plugged in (listing the ports seen), several are, or the ports
 * cannot be listed and none was given.
 */
export async function findBoardPort(board: Pick<Board, 'id' | 'usb'>, path?: string, list: () => Promise<SerialPortEntry[]> = listSerialPorts): Promise<BoardPort> {
  let ports: SerialPortEntry[];
  try {
    ports = await list();
  } catch (error) {
    if (path) return { path };
    throw new DeviceError(`board ${board.id}: ${serialListingFailure(error)}; give its probe's serial port (--port /dev/ttyACM0)`, { board: board.id });
  }
  const identity = (port: SerialPortEntry): BoardPort => ({
    path: port.path,
    ...(port.vendorId ? { vendorId: port.vendorId } : {}),
    ...(port.productId ? { productId: port.productId } : {}),
    ...(port.serialNumber ? { serialNumber: port.serialNumber } : {}),
    ...(port.probe ? { probe: port.probe.name } : {}),
  });
  if (path) {
    const listed = ports.find((port) => port.path === path);
    return listed ? identity(listed) : { path };
  }
  const ids = board.usb ?? [];
  const mine = ports.filter((port) => ids.some((id) => id.vendorId === port.vendorId && id.productId === port.productId));
  if (mine.length === 1) return identity(mine[0]);
  const wanted = ids.length > 0 ? ids.map((id) => `${id.name} ${id.vendorId}:${id.productId}`).join(' or ') : 'a USB id (the board has none in its entry)';
  if (mine.length > 1) {
    throw new DeviceError(`board ${board.id}: ${mine.length} ports have its probe's USB id (${mine.map((port) => port.path).join(', ')}): choose one with --port`, { board: board.id, ports: mine.map((port) => port.path) });
  }
  const seen = ports.length > 0 ? `; ports plugged in: ${ports.map((port) => `${port.path}${port.vendorId ? ` (${port.vendorId}:${port.productId})` : ''}`).join(', ')}` : '; no serial port is plugged in';
  throw new DeviceError(`board ${board.id} is not plugged in: no serial port with its probe's USB id (${wanted})${seen}; plug it in, or give its port with --port`, { board: board.id });
}
