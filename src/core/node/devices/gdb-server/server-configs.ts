import type { Board, FlashMethod } from '../../../common/boards/index.js';
import { DeviceError } from '../../../common/errors.js';

/**
 * The command lines TinyDeploy starts a GDB server with, per board: OpenOCD (Debian `openocd`,
 * 0.12) with its interface and target scripts, or pyOCD (`pyocd gdbserver`, or Debian's
 * `pyocd-gdbserver` of python3-pyocd) with its target name. Pure: the launcher (launcher.ts)
 * finds the program and runs the line; tests check every catalog board's line.
 *
 * Every line binds the GDB port TinyDeploy chose (a free loopback port), turns off the telnet and
 * Tcl ports (two deploys, or a deploy beside the user's own OpenOCD, must not collide on 4444/6666)
 * and selects the probe by its serial number when known (several boards plugged in).
 */

export type GdbServerProgram = 'openocd' | 'pyocd';

/** How OpenOCD reaches a board: the interface (probe) and target scripts of its script library. */
export interface OpenOcdConfig {
  interface: string;
  /** `transport select …` after the interface, when the interface offers more than one. */
  transport?: string;
  target: string;
  adapterKhz: number;
  /** Why this config may not work with Debian's OpenOCD 0.12 (e.g. a target script it lacks). */
  note?: string;
}

/** How pyOCD reaches a board: its target name (built in, or from a CMSIS pack) and the SWD clock. */
export interface PyOcdConfig {
  target: string;
  frequencyHz: number;
  /** Debian's pyOCD 0.13 knows only its built-in targets; the others need pyOCD ≥ 0.29 and the pack. */
  pack?: string;
}

export interface GdbServerConfig {
  openocd?: OpenOcdConfig;
  pyocd?: PyOcdConfig;
}

const stlink = { interface: 'interface/stlink.cfg', transport: 'hla_swd', adapterKhz: 4000 } as const;
const cmsisDap = { interface: 'interface/cmsis-dap.cfg', transport: 'swd', adapterKhz: 5000 } as const;

/**
 * Per catalog board. ST-LINK boards: OpenOCD's `stlink.cfg` (HLA, every ST-LINK/V2-1 and V3 id)
 * with the family's target script; pyOCD through the STM32 pack's part name. nRF52840-DK's J-Link
 * OB: pyOCD's built-in nrf52840. Pico and Pico 2 through a Debug Probe (CMSIS-DAP).
 */
const configs: Record<string, GdbServerConfig> = {
  'nucleo-l4r5zi': { openocd: { ...stlink, target: 'target/stm32l4x.cfg' }, pyocd: { target: 'stm32l4r5zitx', frequencyHz: 4_000_000, pack: 'stm32l4r5zitx' } },
  'nucleo-f446re': { openocd: { ...stlink, target: 'target/stm32f4x.cfg' }, pyocd: { target: 'stm32f446retx', frequencyHz: 4_000_000, pack: 'stm32f446retx' } },
  'nucleo-h743zi2': { openocd: { ...stlink, target: 'target/stm32h7x.cfg' }, pyocd: { target: 'stm32h743zitx', frequencyHz: 4_000_000, pack: 'stm32h743zitx' } },
  'stm32f746g-disco': { openocd: { ...stlink, target: 'target/stm32f7x.cfg' }, pyocd: { target: 'stm32f746nghx', frequencyHz: 4_000_000, pack: 'stm32f746nghx' } },
  'nrf52840-dk': {
    openocd: { interface: 'interface/jlink.cfg', transport: 'swd', target: 'target/nrf52.cfg', adapterKhz: 4000 },
    pyocd: { target: 'nrf52840', frequencyHz: 4_000_000 },
  },
  'rpi-pico': { openocd: { ...cmsisDap, target: 'target/rp2040.cfg' }, pyocd: { target: 'rp2040', frequencyHz: 5_000_000, pack: 'rp2040' } },
  'rpi-pico2': {
    openocd: { ...cmsisDap, target: 'target/rp2350.cfg', note: "OpenOCD 0.12 (Debian's) has no rp2350.cfg: Raspberry Pi's OpenOCD build has it" },
  },
};

/** The board's GDB server configs (undefined for boards TinyDeploy cannot start a server for: QEMU, custom boards). */
export function gdbServerConfig(board: Pick<Board, 'id' | 'custom'>): GdbServerConfig | undefined {
  return board.custom ? undefined : configs[board.id];
}

/** The GDB servers TinyDeploy can start for `board`, in the order of its flash methods (OpenOCD first for ST-LINK boards). */
export function startableServers(board: Pick<Board, 'id' | 'custom' | 'flash' | 'flashMethods'>): GdbServerProgram[] {
  const config = gdbServerConfig(board);
  if (!config) return [];
  const methods: FlashMethod[] = board.flashMethods ?? [board.flash];
  const servers = methods.flatMap((method) => (method.kind === 'gdb-remote' && (method.server === 'openocd' || method.server === 'pyocd') ? [method.server] : []));
  // A board whose own server is another one (the nRF52840-DK's J-Link GDB server) gets OpenOCD
  // first: it drives J-Links itself, which Debian's pyOCD 0.13 does not.
  const ownServer = board.flash.kind === 'gdb-remote' && (board.flash.server === 'openocd' || board.flash.server === 'pyocd');
  const ordered = [...(ownServer ? servers : []), ...(['openocd', 'pyocd'] as const)].filter((program) => config[program]);
  return [...new Set(ordered)];
}

export interface GdbServerCommandOptions {
  /** The GDB port to bind (loopback). */
  port: number;
  /** The probe's serial number (ST-LINK, J-Link, CMSIS-DAP), to pick it among several. */
  probeSerial?: string;
  /** pyOCD's form: `pyocd gdbserver …` (pip's pyOCD) or `pyocd-gdbserver …` (Debian's 0.13). */
  pyocdForm?: 'pyocd' | 'pyocd-gdbserver';
}

export interface GdbServerCommand {
  program: GdbServerProgram;
  /** The executable, as found on PATH (or overridden by the launcher). */
  command: string;
  args: string[];
  port: number;
  /** e.g. "OpenOCD (interface/stlink.cfg, target/stm32f4x.cfg)". */
  description: string;
  note?: string;
}

/** The command line starting `program` for `board`; a DeviceError naming the board when there is no config for it. */
export function gdbServerCommand(board: Pick<Board, 'id' | 'custom'>, program: GdbServerProgram, options: GdbServerCommandOptions): GdbServerCommand {
  const config = gdbServerConfig(board);
  const port = String(options.port);
  if (program === 'openocd') {
    const openocd = config?.openocd;
    if (!openocd) throw noConfig(board, 'OpenOCD');
    const args = [
      '-c', `gdb_port ${port}`,
      '-c', 'telnet_port disabled',
      '-c', 'tcl_port disabled',
      '-f', openocd.interface,
      ...(openocd.transport ? ['-c', `transport select ${openocd.transport}`] : []),
      ...(options.probeSerial ? ['-c', `adapter serial ${options.probeSerial}`] : []),
      '-f', openocd.target,
      // After the target script: the family scripts set their own (slow) default speed.
      '-c', `adapter speed ${openocd.adapterKhz}`,
    ];
    return { program, command: 'openocd', args, port: options.port, description: `OpenOCD (${openocd.interface}, ${openocd.target})`, ...(openocd.note ? { note: openocd.note } : {}) };
  }
  const pyocd = config?.pyocd;
  if (!pyocd) throw noConfig(board, 'pyOCD');
  const form = options.pyocdForm ?? 'pyocd';
  const args = [
    ...(form === 'pyocd' ? ['gdbserver'] : []),
    '-t', pyocd.target,
    '-p', port,
    // Semihosting's telnet port: keep it off the default 4444 (0 lets the OS choose).
    '-T', '0',
    '-f', String(pyocd.frequencyHz),
    // pyOCD exits when GDB detaches unless told to stay: the connection keeps it until it closes.
    '--persist',
    ...(options.probeSerial ? [form === 'pyocd' ? '-u' : '-b', options.probeSerial] : []),
  ];
  return {
    program,
    command: form,
    args,
    port: options.port,
    description: `pyOCD (target ${pyocd.target})`,
    ...(pyocd.pack ? { note: `pyOCD needs the ${pyocd.pack} pack (pyocd pack install ${pyocd.pack}); Debian's pyOCD 0.13 has no pack support` } : {}),
  };
}

function noConfig(board: Pick<Board, 'id' | 'custom'>, server: string): DeviceError {
  const why = board.custom ? `board ${board.id} is a custom board, and TinyDeploy does not know its chip's ${server} configuration` : `TinyDeploy has no ${server} configuration for board ${board.id}`;
  return new DeviceError(`${why}: start a GDB server for it yourself and give its address (--gdb-server localhost:3333)`, { board: board.id, server });
}

/** What to install for a board TinyDeploy would start a GDB server for, in words. */
export function gdbServerInstallHint(board: Pick<Board, 'id' | 'custom' | 'flash' | 'flashMethods'>): string {
  const servers = startableServers(board);
  const parts = servers.map((server) => (server === 'openocd' ? 'openocd (apt-get install openocd)' : 'pyocd (pip install pyocd, or apt-get install python3-pyocd)'));
  return parts.length > 0 ? `install ${parts.join(' or ')}` : 'start its GDB server yourself and give --gdb-server';
}
