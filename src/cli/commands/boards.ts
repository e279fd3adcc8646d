import { discoverSerialPorts, listVirtualBoards, type SerialPortEntry } from '../../core/node/devices/discovery.js';
import { booleanOption } from '../args.js';
import type { Command } from '../command.js';
import { formatTable } from '../format.js';

const kib = (bytes: number) => `${bytes / 1024} KiB`;

export const boardsCommand: Command = {
  spec: {
    name: 'boards',
    summary: 'List the virtual boards and the serial boards plugged in (identified by USB VID/PID).',
    positionals: [],
    options: {
      json: { type: 'boolean', description: 'print {virtual: [...], serial: [...]} as JSON (plus serialError when the ports cannot be listed)' },
    },
    notes: 'Virtual boards need QEMU (apt-get install qemu-system-arm). Deploying to real boards arrives in a later release.',
  },
  async run(args, io) {
    // The serial listing never fails the command: without udevadm (or permission) the virtual
    // boards are still listed, and the serial part says why it is empty.
    const [virtual, { ports: serial, error: serialError }] = await Promise.all([listVirtualBoards(), discoverSerialPorts()]);
    if (booleanOption(args, 'json')) {
      io.stdout.write(
        JSON.stringify({
          virtual: virtual.map(({ board, available, reason }) => ({
            id: board.id,
            name: board.name,
            core: board.core,
            machine: board.qemu?.machine,
            flashBytes: board.memory.flash.size,
            ramBytes: board.memory.ram.size,
            timerUnit: board.timer.unit,
            available,
            ...(reason ? { reason } : {}),
          })),
          serial: serial.map((port) => ({ ...port, boards: port.boards.map((board) => board.id), probe: port.probe?.name })),
          ...(serialError ? { serialError } : {}),
        }) + '\n',
      );
      return 0;
    }
    const lines = [
      'virtual boards (QEMU; latency in instructions):',
      formatTable(
        [{ header: 'id' }, { header: 'core' }, { header: 'machine' }, { header: 'flash', align: 'right' }, { header: 'RAM', align: 'right' }, { header: 'status' }],
        virtual.map(({ board, available, reason }) => [
          board.id,
          board.core,
          board.qemu?.machine ?? '',
          kib(board.memory.flash.size),
          kib(board.memory.ram.size),
          available ? 'ready' : (reason ?? 'unavailable'),
        ]),
      ).trimEnd(),
      '',
      serialError ? `serial boards: unknown, ${serialError}` : serial.length === 0 ? 'serial boards: none plugged in' : 'serial boards:',
      ...(serial.length > 0
        ? [
            formatTable(
              [{ header: 'port' }, { header: 'USB id' }, { header: 'identified as' }, { header: 'manufacturer' }],
              serial.map((port) => [port.path, port.vendorId ? `${port.vendorId}:${port.productId ?? '????'}` : '', identification(port), port.manufacturer ?? '']),
            ).trimEnd(),
            'deploying to real boards is not supported yet: profile on a virtual board for now',
          ]
        : []),
      '',
    ];
    io.stdout.write(lines.join('\n'));
    return 0;
  },
};

function identification(port: SerialPortEntry): string {
  if (port.boards.length > 0) return port.boards.map((board) => board.name).join(' or ');
  if (port.probe) return `${port.probe.name} (debug probe; board not in the catalog)`;
  return 'unknown';
}
