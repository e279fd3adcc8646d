import { DeviceError } from '../errors.js';

/**
 * The board catalog: what the build needs to compile for a board (core, FPU, memory map, the
 * board's firmware files and the drivers the profiler runs on) and what deploy needs to reach it
 * (QEMU machine or serial port, how to flash, USB VID/PID of its probe). Plain data, so the UI,
 * the CLI and the worker read the same entries. Each board's C side is `firmware/boards/<id>/`
 * (board.h with its constants, linker script, board.json describing the same facts for people
 * building without TinyDeploy; a test keeps the two in agreement).
 */

export interface MemoryRegion {
  /** Start address. */
  origin: number;
  /** Size in bytes. */
  size: number;
}

export type CortexCore = 'cortex-m0plus' | 'cortex-m3' | 'cortex-m4' | 'cortex-m7' | 'cortex-m33' | 'cortex-m55';
export type FloatingPointUnit = 'none' | 'fpv4-sp-d16' | 'fpv5-sp-d16' | 'fpv5-d16' | 'auto';

/** How a firmware image gets onto the board. */
export type FlashMethod =
  | {
      kind: 'gdb-remote';
      /** The GDB server: QEMU's gdbstub for virtual boards, OpenOCD / pyOCD / J-Link / st-util for real ones. */
      server: 'qemu' | 'openocd' | 'pyocd' | 'jlink' | 'st-util';
    }
  | { kind: 'mass-storage'; format: 'bin' | 'hex' | 'uf2' };

/** A USB device by vendor and product id (as serialport lists them: four lower-case hex digits). */
export interface UsbId {
  vendorId: string;
  productId: string;
  /** What it is, e.g. "ST-LINK/V2-1". */
  name: string;
}

/**
 * The profiler's timer. Virtual boards count with SysTick under QEMU's `-icount`, which ticks
 * with instructions executed, not cycles; real boards count cycles with the DWT cycle counter.
 */
export interface BoardTimer {
  kind: 'systick' | 'dwt';
  unit: 'instructions' | 'cycles';
}

export interface Board {
  id: string;
  name: string;
  /** A QEMU machine TinyDeploy starts, or hardware on a serial port. */
  kind: 'virtual' | 'real';
  core: CortexCore;
  fpu: FloatingPointUnit;
  floatAbi: 'soft' | 'softfp' | 'hard';
  /** Whether the core has the DSP extension (SMLAD, SXTB16): selects the optimized kernels. */
  dsp: boolean;
  /** Core clock in Hz: turns cycles into milliseconds (and SysTick's reload on virtual boards). */
  cpuHz: number;
  memory: { flash: MemoryRegion; ram: MemoryRegion };
  /** Serial port of the profiler protocol. */
  uart: { kind: 'cmsdk'; base: number; rxIrq: number };
  flash: FlashMethod;
  timer: BoardTimer;
  /** QEMU machine for virtual boards. */
  qemu?: { machine: string };
  /** USB ids that identify the board (its debug probe's serial port) when plugged in. */
  usb?: UsbId[];
  /**
   * The board's C side, every path relative to `firmware/boards/`: start-up and board driver
   * (`sources`), the serial and timer drivers the profiler adds (`runtimeSources`), include
   * folders (the board's own first: it holds board.h) and the linker script.
   */
  firmware: { directory: string; sources: string[]; runtimeSources: string[]; includeDirs: string[]; linkerScript: string };
}

/** `arm-none-eabi-gcc` flags that select the board's core, instruction set and floating-point ABI. */
export function boardCompilerFlags(board: Board): string[] {
  const flags = [`-mcpu=${board.core}`, '-mthumb', `-mfloat-abi=${board.floatAbi}`];
  if (board.fpu !== 'none' && board.floatAbi !== 'soft') flags.push(`-mfpu=${board.fpu}`);
  return flags;
}

/** The firmware files of a board built on firmware/boards/common (CMSDK UART, shared start-up). */
function cmsdkFirmware(directory: string, timer: BoardTimer['kind']): Board['firmware'] {
  return {
    directory,
    sources: ['common/src/td_startup.c', 'common/src/td_cmsdk_board.c'],
    runtimeSources: ['common/src/td_cmsdk_serial.c', timer === 'dwt' ? 'common/src/td_dwt_timer.c' : 'common/src/td_systick_timer.c'],
    includeDirs: [directory, 'common/include'],
    linkerScript: `${directory}/${directory}.ld`,
  };
}

const mps2Memory = {
  flash: { origin: 0x0000_0000, size: 4 * 1024 * 1024 },
  ram: { origin: 0x2000_0000, size: 4 * 1024 * 1024 },
};
const mps2Uart = { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 } as const;
const instructionTimer: BoardTimer = { kind: 'systick', unit: 'instructions' };

export const virtualM4f: Board = {
  id: 'virtual-m4f',
  name: 'Virtual Cortex-M4F (QEMU mps2-an386)',
  kind: 'virtual',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 25_000_000,
  memory: mps2Memory,
  uart: mps2Uart,
  flash: { kind: 'gdb-remote', server: 'qemu' },
  timer: instructionTimer,
  qemu: { machine: 'mps2-an386' },
  firmware: cmsdkFirmware('virtual-m4f', 'systick'),
};

export const virtualM7: Board = {
  id: 'virtual-m7',
  name: 'Virtual Cortex-M7 (QEMU mps2-an500)',
  kind: 'virtual',
  core: 'cortex-m7',
  fpu: 'fpv5-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 25_000_000,
  memory: mps2Memory,
  uart: mps2Uart,
  flash: { kind: 'gdb-remote', server: 'qemu' },
  timer: instructionTimer,
  qemu: { machine: 'mps2-an500' },
  firmware: cmsdkFirmware('virtual-m7', 'systick'),
};

/** Runs in the Secure state with the SAU off, so it uses the Secure aliases (see its board.h). */
export const virtualM55: Board = {
  id: 'virtual-m55',
  name: 'Virtual Cortex-M55 (QEMU mps3-an547)',
  kind: 'virtual',
  core: 'cortex-m55',
  fpu: 'auto',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 32_000_000,
  memory: {
    flash: { origin: 0x1000_0000, size: 512 * 1024 },
    ram: { origin: 0x3000_0000, size: 512 * 1024 },
  },
  uart: { kind: 'cmsdk', base: 0x5930_3000, rxIrq: 33 },
  flash: { kind: 'gdb-remote', server: 'qemu' },
  timer: instructionTimer,
  qemu: { machine: 'mps3-an547' },
  firmware: cmsdkFirmware('virtual-m55', 'systick'),
};

/**
 * The real-board template as shipped: the Arm MPS2+ FPGA board with the AN386 image (the machine
 * virtual-m4f emulates), timed in cycles with DWT CYCCNT, flashed through OpenOCD. Copy
 * firmware/boards/real-template and this entry to port TinyDeploy to another board.
 */
export const realTemplate: Board = {
  id: 'real-template',
  name: 'Real-board template (Arm MPS2+ AN386, Cortex-M4F)',
  kind: 'real',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 25_000_000,
  memory: mps2Memory,
  uart: mps2Uart,
  flash: { kind: 'gdb-remote', server: 'openocd' },
  timer: { kind: 'dwt', unit: 'cycles' },
  usb: [{ vendorId: '0d28', productId: '0204', name: 'Arm DAPLink CMSIS-DAP' }],
  firmware: cmsdkFirmware('real-template', 'dwt'),
};

/** Every board TinyDeploy knows; the first is the default. */
export const boards: readonly Board[] = [virtualM4f, virtualM7, virtualM55, realTemplate];

export const defaultBoardId = boards[0].id;

export function findBoard(id: string): Board | undefined {
  return boards.find((board) => board.id === id);
}

/** The board with this id; an unknown id is a DeviceError listing the known ones. */
export function requireBoard(id: string): Board {
  const board = findBoard(id);
  if (!board) {
    throw new DeviceError(`unknown board "${id}"; known boards: ${boards.map((b) => b.id).join(', ')}`, { board: id });
  }
  return board;
}

/**
 * Debug probes whose USB serial port a board's profiler is usually reached through. A port with
 * one of these ids and no catalog board is listed as "probe recognized" so the user sees it.
 */
export const knownProbes: readonly UsbId[] = [
  { vendorId: '0483', productId: '374b', name: 'ST-LINK/V2-1' },
  { vendorId: '0483', productId: '3752', name: 'ST-LINK/V2-1' },
  { vendorId: '0483', productId: '374e', name: 'STLINK-V3' },
  { vendorId: '0483', productId: '374f', name: 'STLINK-V3' },
  { vendorId: '0483', productId: '3753', name: 'STLINK-V3' },
  { vendorId: '0d28', productId: '0204', name: 'Arm DAPLink CMSIS-DAP' },
  { vendorId: '1366', productId: '0105', name: 'SEGGER J-Link' },
  { vendorId: '1366', productId: '1015', name: 'SEGGER J-Link' },
  { vendorId: '1fc9', productId: '0143', name: 'NXP MCU-Link' },
  { vendorId: '2e8a', productId: '000c', name: 'Raspberry Pi Debug Probe' },
];
