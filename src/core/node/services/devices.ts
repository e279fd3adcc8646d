import { boards as catalogBoards, type Board } from '../../common/boards/index.js';
import type { BoardDescription, DeviceListing, DeviceService, SerialDevice, Unsubscribe } from '../../../shared/services/types.js';
import { discoverSerialPorts, listSerialPorts, listVirtualBoards, type SerialPortEntry, type VirtualBoardEntry } from '../devices/discovery.js';
import { realBoardAvailability } from '../jobs/kinds/deploy.js';
import { CustomBoards } from '../store/custom-boards.js';
import type { Store } from '../store/index.js';

export interface DeviceServiceOptions {
  /** How often the serial ports are listed while someone listens to onDevicesChanged (default 2 s). */
  pollIntervalMs?: number;
  /** The serial port lister (default: serialport's, through discovery.ts). Tests pass their own. May throw: the listing then carries the reason. */
  listSerialPorts?: () => Promise<SerialPortEntry[]>;
  /** The virtual board lister (default: discovery.ts, which checks that QEMU runs). */
  listVirtualBoards?: () => Promise<VirtualBoardEntry[]>;
}

function describeBoard(board: Board, virtual: VirtualBoardEntry[], serial: readonly SerialDevice[]): BoardDescription {
  const common = {
    id: board.id,
    name: board.name,
    kind: board.kind,
    core: board.core,
    flashBytes: board.memory.flash.size,
    ramBytes: board.memory.ram.size,
    timerUnit: board.timer.unit,
    cpuHz: board.cpuHz,
  };
  if (board.kind !== 'virtual') {
    // A real board: deployable when it is plugged in and TinyDeploy can flash it (jobs/kinds/deploy.ts).
    const availability = realBoardAvailability(board, serial);
    return availability.deployable ? { ...common, deployable: true } : { ...common, deployable: false, reason: availability.reason };
  }
  const entry = virtual.find((candidate) => candidate.board.id === board.id);
  if (entry?.available) return { ...common, deployable: true };
  return { ...common, deployable: false, reason: entry?.reason ?? `${board.id}: no virtual board of this id` };
}

function describeSerialPort(port: SerialPortEntry): SerialDevice {
  return {
    path: port.path,
    ...(port.vendorId ? { vendorId: port.vendorId } : {}),
    ...(port.productId ? { productId: port.productId } : {}),
    ...(port.manufacturer ? { manufacturer: port.manufacturer } : {}),
    ...(port.serialNumber ? { serialNumber: port.serialNumber } : {}),
    boardIds: port.boards.map((board) => board.id),
    ...(port.probe ? { probe: port.probe.name } : {}),
  };
}

/** The id under which a serial device is remembered among the boards seen. */
function serialBoardId(device: SerialDevice): string {
  return device.vendorId && device.productId ? `usb:${device.vendorId}:${device.productId}:${device.serialNumber ?? device.path}` : `serial:${device.path}`;
}

/**
 * The devices panel's service: the catalog's boards and the custom ones (virtual ones deployable when QEMU runs
 * here, real ones when plugged in and flashable, else with the reason) and the serial devices plugged
 * in, identified by USB id.
 *
 * Plug and unplug are noticed by polling the serial port list (every `pollIntervalMs`, 2 s by
 * default) while at least one onDevicesChanged listener is registered: the first listener
 * starts the poller, the last one to unsubscribe stops it, so an idle service holds no timer.
 * A change of the serial list (or of why it cannot be listed: `serialError`) emits the whole
 * listing and records the devices among the boards seen. Whether QEMU runs is checked once (it
 * does not change while the app runs).
 */
export function createDeviceService(store: Store, options: DeviceServiceOptions = {}): DeviceService {
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const listSerial = options.listSerialPorts ?? listSerialPorts;
  let virtualBoards: Promise<VirtualBoardEntry[]> | undefined;
  const listVirtual = () => (virtualBoards ??= (options.listVirtualBoards ?? listVirtualBoards)());
  const listeners = new Set<(listing: DeviceListing) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSignature: string | undefined;
  let polling = false;

  async function listing(): Promise<DeviceListing> {
    const [virtual, serial] = await Promise.all([listVirtual(), discoverSerialPorts(listSerial)]);
    const devices = serial.ports.map(describeSerialPort);
    return {
      // The catalog, then the user's custom boards ("My board") from the store.
      boards: [...catalogBoards, ...new CustomBoards(store).list()].map((board) => describeBoard(board, virtual, devices)),
      serial: devices,
      ...(serial.error ? { serialError: serial.error } : {}),
    };
  }

  const signatureOf = (current: DeviceListing) => JSON.stringify([current.serial, current.serialError ?? null]);

  function remember(current: DeviceListing): void {
    if (!store.isOpen) return;
    for (const device of current.serial) {
      const name = device.boardIds[0] ?? device.probe ?? device.manufacturer ?? device.path;
      store.recordBoardSeen({ id: serialBoardId(device), kind: 'serial', name, details: { ...device } });
    }
  }

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      const current = await listing();
      const signature = signatureOf(current);
      if (lastSignature !== undefined && signature !== lastSignature && listeners.size > 0) {
        remember(current);
        for (const listener of [...listeners]) {
          try {
            listener(current);
          } catch {
            // A failing listener (a closed connection) must not stop the others or the poller.
          }
        }
      } else if (lastSignature === undefined) {
        remember(current);
      }
      lastSignature = signature;
    } catch {
      // The listing failed this time (the serial part cannot: it carries its reason): the next poll tries again.
    } finally {
      polling = false;
      if (listeners.size > 0) schedule();
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void poll(), pollIntervalMs);
    // The poller alone never keeps the process alive.
    timer.unref?.();
  }

  return {
    async list() {
      return listing();
    },
    onDevicesChanged(listener): Unsubscribe {
      listeners.add(listener);
      if (listeners.size === 1) {
        lastSignature = undefined;
        void poll();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
  };
}
