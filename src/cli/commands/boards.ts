import { boards, customBoardCores, customFlashMethods, flashMethodName, parseFrequency, parseMemoryRegion, type Board, type BoardUart, type CustomBoardSpec } from '../../core/common/boards/index.js';
import { StoreError, UsageError } from '../../core/common/errors.js';
import { discoverSerialPorts, listVirtualBoards, type SerialPortEntry } from '../../core/node/devices/discovery.js';
import { CustomBoards, readCustomBoards } from '../../core/node/store/custom-boards.js';
import { openStore } from '../../core/node/store/store.js';
import { booleanOption, stringOption, type ParsedArgs } from '../args.js';
import { dataDirOption, dataDirOptionSpec } from '../board-option.js';
import type { CliIo, Command } from '../command.js';
import { formatTable } from '../format.js';
import { printableName } from '../../core/common/printable.js';

const kib = (bytes: number) => `${bytes / 1024} KiB`;

/**
 * One board of `tinydeploy boards --json`, a contract for users' scripts: `kind` virtual (QEMU),
 * real (catalog) or custom (the user's, from the data folder); `flash` the default flash method's
 * short name; `connected` the serial port of a plugged-in probe with the board's USB id, or null.
 */
export interface BoardJson {
  id: string;
  name: string;
  kind: 'virtual' | 'real' | 'custom';
  core: string;
  cpuHz: number;
  flashBytes: number;
  ramBytes: number;
  flash: string;
  connected: string | null;
}

export function boardJson(board: Board, ports: readonly SerialPortEntry[]): BoardJson {
  const port = ports.find((entry) => entry.boards.some((match) => match.id === board.id) || (board.usb ?? []).some((id) => id.vendorId === entry.vendorId && id.productId === entry.productId));
  return {
    id: board.id,
    name: board.name,
    kind: board.custom ? 'custom' : board.kind,
    core: board.core,
    cpuHz: board.cpuHz,
    flashBytes: board.memory.flash.size,
    ramBytes: board.memory.ram.size,
    flash: flashMethodName(board.flash),
    connected: port?.path ?? null,
  };
}

const addOptions = ['id', 'name', 'core', 'clock', 'flash', 'ram', 'uart', 'flash-method', 'usb'] as const;

export const boardsCommand: Command = {
  spec: {
    name: 'boards',
    summary: 'List the boards (virtual, catalog, custom) and the serial boards plugged in; add or remove a custom board.',
    positionals: [
      { name: 'action', description: 'list (default), add (a custom board from the options below) or remove <id>', optional: true },
      { name: 'id', description: 'the custom board to remove', optional: true },
    ],
    options: {
      json: { type: 'boolean', description: 'print [{id, name, kind, core, cpuHz, flashBytes, ramBytes, flash, connected}] as JSON' },
      'data-dir': dataDirOptionSpec,
      id: { type: 'string', value: 'id', description: 'add: the new board\'s id (lower-case, e.g. my-l476)' },
      name: { type: 'string', value: 'text', description: 'add: a name to show' },
      core: { type: 'string', value: 'core', description: `add: ${customBoardCores.join(', ')}`, choices: customBoardCores },
      clock: { type: 'string', value: 'Hz', description: 'add: core clock after start-up, e.g. 80e6 or 80MHz' },
      flash: { type: 'string', value: 'addr:size', description: 'add: flash region, e.g. 0x08000000:512K' },
      ram: { type: 'string', value: 'addr:size', description: 'add: RAM region for data, arena and stack, e.g. 0x20000000:128K' },
      uart: { type: 'string', value: 'kind:addr:irq', description: 'add: UART of the probe\'s serial port, e.g. stm32-usart:0x40004400:38 (kinds: cmsdk, stm32-usart, nrf-uarte, pl011)' },
      'flash-method': { type: 'string', value: 'method', description: `add: ${customFlashMethods.join(', ')}`, choices: customFlashMethods },
      usb: { type: 'string', value: 'vid:pid', description: 'add: USB id of its probe, e.g. 0483:374b' },
    },
    notes:
      'Virtual boards need QEMU (apt-get install qemu-system-arm). Real boards are recognised by their probe\'s USB id;\n' +
      '`connected` is the port of a plugged-in probe with that id (boards sharing a probe share the port until HELLO tells them apart).\n' +
      'Custom boards are kept in the data folder and usable wherever a catalog board is (--board <id>).',
  },
  async run(args, io) {
    const action = args.positionals.action ?? 'list';
    if (action === 'add') return addBoard(args, io);
    const given = addOptions.filter((name) => args.options.has(name));
    if (given.length > 0) throw new UsageError(`tinydeploy boards: --${given[0]} is an option of \`tinydeploy boards add\``);
    if (action === 'remove') {
      const id = args.positionals.id;
      if (!id) throw new UsageError('tinydeploy boards remove: missing <id> (the custom board to remove)');
      const store = openStore(dataDirOption(args));
      try {
        new CustomBoards(store).remove(id);
      } finally {
        store.close();
      }
      io.stdout.write(`removed custom board ${id}\n`);
      return 0;
    }
    if (action !== 'list') throw new UsageError(`tinydeploy boards: unknown action "${action}" (list, add, remove)`);
    if (args.positionals.id) throw new UsageError(`tinydeploy boards: unexpected argument "${args.positionals.id}"`);
    return listBoards(args, io);
  },
};

async function listBoards(args: ParsedArgs, io: CliIo): Promise<number> {
  // The serial listing never fails the command: without udevadm (or permission) the virtual and
  // catalog boards are still listed, and the serial part says why it is empty.
  const [virtual, { ports: serial, error: serialError }] = await Promise.all([listVirtualBoards(), discoverSerialPorts()]);
  let custom: Board[] = [];
  let customError: string | undefined;
  try {
    custom = readCustomBoards(dataDirOption(args));
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    customError = `custom boards not listed: ${error.message}`;
  }
  const all = [...boards, ...custom];
  if (booleanOption(args, 'json')) {
    io.stdout.write(JSON.stringify(all.map((board) => boardJson(board, serial))) + '\n');
    if (serialError) io.stderr.write(`tinydeploy boards: ${serialError}: "connected" is null for every board\n`);
    if (customError) io.stderr.write(`tinydeploy boards: ${customError}\n`);
    return 0;
  }
  const available = new Map(virtual.map((entry) => [entry.board.id, entry]));
  const status = (board: Board, json: BoardJson) => {
    if (board.kind === 'virtual') {
      const entry = available.get(board.id);
      return entry?.available ? 'ready' : (entry?.reason ?? 'unavailable');
    }
    const connected = json.connected ? `probe on ${json.connected}` : 'not plugged in';
    return board.firmware.missing ? `${connected}; builds to check the fit (family firmware not written yet)` : connected;
  };
  const rows = (list: readonly Board[]) =>
    list.map((board) => {
      const json = boardJson(board, serial);
      return [board.id, board.core, `${board.cpuHz / 1e6} MHz`, kib(board.memory.flash.size), kib(board.memory.ram.size), board.kind === 'virtual' ? `qemu ${board.qemu?.machine ?? ''}` : (board.flashMethods ?? [board.flash]).map(flashMethodName).join(', '), status(board, json)];
    });
  const table = (list: readonly Board[]) =>
    formatTable(
      [{ header: 'id' }, { header: 'core' }, { header: 'clock', align: 'right' }, { header: 'flash', align: 'right' }, { header: 'RAM', align: 'right' }, { header: 'flashed with' }, { header: 'status' }],
      rows(list),
    ).trimEnd();
  const lines = [
    'virtual boards (QEMU; latency in instructions):',
    table(boards.filter((board) => board.kind === 'virtual')),
    '',
    'real boards (catalog; latency in cycles):',
    table(boards.filter((board) => board.kind === 'real')),
    '',
    ...(custom.length > 0 ? ['custom boards:', table(custom), ''] : customError ? [customError, ''] : []),
    serialError ? `serial boards: unknown, ${serialError}` : serial.length === 0 ? 'serial boards: none plugged in' : 'serial boards:',
    ...(serial.length > 0
      ? [
          formatTable(
            [{ header: 'port' }, { header: 'USB id' }, { header: 'identified as' }, { header: 'manufacturer' }],
            serial.map((port) => [port.path, port.vendorId ? `${port.vendorId}:${port.productId ?? '????'}` : '', identification(port, custom), printableName(port.manufacturer ?? '')]),
          ).trimEnd(),
        ]
      : []),
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return 0;
}

function identification(port: SerialPortEntry, custom: readonly Board[]): string {
  const matches = [...port.boards, ...custom.filter((board) => board.usb?.some((id) => id.vendorId === port.vendorId && id.productId === port.productId))];
  if (matches.length > 0) return matches.map((board) => board.name).join(' or ');
  if (port.probe) return `${port.probe.name} (debug probe; board not in the catalog)`;
  return 'unknown';
}

/** `--uart kind:address:irq` → the UART of a custom board. */
function parseUart(text: string): BoardUart {
  const [kind, base, irq] = text.split(':');
  const address = base !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(base) ? Number(base) : NaN;
  const rxIrq = irq !== undefined && /^\d+$/.test(irq) ? Number(irq) : NaN;
  if (!kind || Number.isNaN(address) || Number.isNaN(rxIrq)) throw new UsageError(`option --uart: "${text}" is not <kind>:<address>:<receive irq> (e.g. stm32-usart:0x40004400:38)`);
  return { kind: kind as BoardUart['kind'], base: address, rxIrq };
}

function addBoard(args: ParsedArgs, io: CliIo): number {
  const required = ['id', 'core', 'clock', 'flash', 'ram', 'uart', 'flash-method'] as const;
  const missing = required.filter((name) => stringOption(args, name) === undefined);
  if (missing.length > 0) throw new UsageError(`tinydeploy boards add: missing ${missing.map((name) => `--${name}`).join(', ')}`);
  if (args.positionals.id) throw new UsageError(`tinydeploy boards add: unexpected argument "${args.positionals.id}" (the id is --id)`);
  const spec: CustomBoardSpec = {
    id: stringOption(args, 'id')!,
    ...(stringOption(args, 'name') ? { name: stringOption(args, 'name') } : {}),
    core: stringOption(args, 'core') as CustomBoardSpec['core'],
    cpuHz: parseFrequency(stringOption(args, 'clock')!, 'clock'),
    flash: parseMemoryRegion(stringOption(args, 'flash')!, 'flash'),
    ram: parseMemoryRegion(stringOption(args, 'ram')!, 'ram'),
    uart: parseUart(stringOption(args, 'uart')!),
    flashMethod: stringOption(args, 'flash-method')!,
    ...(stringOption(args, 'usb') ? { usb: stringOption(args, 'usb') } : {}),
  };
  const dataDirectory = dataDirOption(args);
  const store = openStore(dataDirectory);
  let board: Board;
  try {
    board = new CustomBoards(store).add(spec);
  } finally {
    store.close();
  }
  if (booleanOption(args, 'json')) {
    io.stdout.write(JSON.stringify(boardJson(board, [])) + '\n');
    return 0;
  }
  io.stdout.write(
    `added custom board ${board.id} (${board.core}, ${board.cpuHz / 1e6} MHz, flash ${kib(board.memory.flash.size)} at 0x${board.memory.flash.origin.toString(16)}, RAM ${kib(board.memory.ram.size)} at 0x${board.memory.ram.origin.toString(16)}, flashed with ${flashMethodName(board.flash)}) to ${dataDirectory}\n` +
      (board.firmware.missing ? `note: it builds (tinydeploy build --board ${board.id}) to check the fit; to run on it, it needs ${board.firmware.missing}\n` : ''),
  );
  return 0;
}
