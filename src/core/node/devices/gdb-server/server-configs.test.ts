import { describe, expect, it } from 'vitest';
import { boards, customBoard, requireBoard } from '../../../common/boards/index.js';
import { DeviceError } from '../../../common/errors.js';
import { gdbServerCommand, gdbServerInstallHint, startableServers } from './server-configs.js';

/** The exact command lines TinyDeploy starts OpenOCD and pyOCD with, for every catalog board. */
describe('GDB server command lines', () => {
  const openocd = (target: string, iface = 'interface/stlink.cfg', transport = 'hla_swd', khz = 4000) => [
    '-c', 'gdb_port 50001', '-c', 'telnet_port disabled', '-c', 'tcl_port disabled',
    '-f', iface, '-c', `transport select ${transport}`, '-f', target, '-c', `adapter speed ${khz}`,
  ];
  const pyocd = (target: string, hz: number) => ['gdbserver', '-t', target, '-p', '50001', '-T', '0', '-f', String(hz), '--persist'];

  const expected: Record<string, { openocd?: string[]; pyocd?: string[]; servers: string[] }> = {
    'nucleo-l4r5zi': { openocd: openocd('target/stm32l4x.cfg'), pyocd: pyocd('stm32l4r5zitx', 4_000_000), servers: ['openocd', 'pyocd'] },
    'nucleo-f446re': { openocd: openocd('target/stm32f4x.cfg'), pyocd: pyocd('stm32f446retx', 4_000_000), servers: ['openocd', 'pyocd'] },
    'nucleo-h743zi2': { openocd: openocd('target/stm32h7x.cfg'), pyocd: pyocd('stm32h743zitx', 4_000_000), servers: ['openocd', 'pyocd'] },
    'stm32f746g-disco': { openocd: openocd('target/stm32f7x.cfg'), pyocd: pyocd('stm32f746nghx', 4_000_000), servers: ['openocd', 'pyocd'] },
    // Its default is the J-Link GDB server (not started by TinyDeploy): OpenOCD's jlink interface first, then pyOCD.
    'nrf52840-dk': { openocd: openocd('target/nrf52.cfg', 'interface/jlink.cfg', 'swd'), pyocd: pyocd('nrf52840', 4_000_000), servers: ['openocd', 'pyocd'] },
    'rpi-pico': { openocd: openocd('target/rp2040.cfg', 'interface/cmsis-dap.cfg', 'swd', 5000), pyocd: pyocd('rp2040', 5_000_000), servers: ['openocd', 'pyocd'] },
    'rpi-pico2': { openocd: openocd('target/rp2350.cfg', 'interface/cmsis-dap.cfg', 'swd', 5000), servers: ['openocd'] },
  };

  it('covers every real catalog board but the template (a chip of the user’s choosing)', () => {
    expect(Object.keys(expected).sort()).toEqual(boards.filter((board) => board.kind === 'real' && board.id !== 'real-template').map((board) => board.id).sort());
    expect(startableServers(requireBoard('real-template'))).toEqual([]);
  });

  for (const [id, lines] of Object.entries(expected)) {
    it(`${id}: ${lines.servers.join(', ')}`, () => {
      const board = requireBoard(id);
      expect(startableServers(board)).toEqual(lines.servers);
      if (lines.openocd) expect(gdbServerCommand(board, 'openocd', { port: 50001 }).args).toEqual(lines.openocd);
      if (lines.pyocd) expect(gdbServerCommand(board, 'pyocd', { port: 50001 }).args).toEqual(lines.pyocd);
      else expect(() => gdbServerCommand(board, 'pyocd', { port: 50001 })).toThrow(`TinyDeploy has no pyOCD configuration for board ${id}`);
    });
  }

  it('selects the probe by serial number, in each program’s own syntax', () => {
    const board = requireBoard('nucleo-f446re');
    expect(gdbServerCommand(board, 'openocd', { port: 3333, probeSerial: '066CFF' }).args).toEqual([
      '-c', 'gdb_port 3333', '-c', 'telnet_port disabled', '-c', 'tcl_port disabled',
      '-f', 'interface/stlink.cfg', '-c', 'transport select hla_swd', '-c', 'adapter serial 066CFF',
      '-f', 'target/stm32f4x.cfg', '-c', 'adapter speed 4000',
    ]);
    expect(gdbServerCommand(board, 'pyocd', { port: 3333, probeSerial: '066CFF' }).args.slice(-2)).toEqual(['-u', '066CFF']);
    // Debian's pyOCD 0.13: `pyocd-gdbserver`, no subcommand, -b for the probe.
    const debian = gdbServerCommand(requireBoard('nrf52840-dk'), 'pyocd', { port: 3333, probeSerial: '683000000', pyocdForm: 'pyocd-gdbserver' });
    expect([debian.command, ...debian.args]).toEqual(['pyocd-gdbserver', '-t', 'nrf52840', '-p', '3333', '-T', '0', '-f', '4000000', '--persist', '-b', '683000000']);
  });

  it('virtual and custom boards get no server: the error says to give --gdb-server', () => {
    expect(startableServers(requireBoard('virtual-stm32f405'))).toEqual([]);
    const mine = customBoard({ id: 'my-board', core: 'cortex-m4f', cpuHz: 80e6, flash: { origin: 0x0800_0000, size: 256 * 1024 }, ram: { origin: 0x2000_0000, size: 64 * 1024 }, uart: { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 }, flashMethod: 'openocd' });
    expect(startableServers(mine)).toEqual([]);
    const error = (() => {
      try {
        gdbServerCommand(mine, 'openocd', { port: 1 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe(
      "board my-board is a custom board, and TinyDeploy does not know its chip's OpenOCD configuration: start a GDB server for it yourself and give its address (--gdb-server localhost:3333)",
    );
    expect(gdbServerInstallHint(requireBoard('nucleo-l4r5zi'))).toBe('install openocd (apt-get install openocd) or pyocd (pip install pyocd, or apt-get install python3-pyocd)');
  });
});
