import { DeviceError } from '../errors.js';

/**
 * The board catalog: what the build needs to compile for a board (core, FPU, compiler flags,
 * memory map, board firmware files) and what deploy needs to reach it (how to flash, UART).
 * Plain data, so the UI, the CLI and the worker read the same entries. The firmware files of a
 * board live in `firmware/boards/<id>/` (startup, linker script, board.c implementing board.h).
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

export interface Board {
  id: string;
  name: string;
  core: CortexCore;
  fpu: FloatingPointUnit;
  floatAbi: 'soft' | 'softfp' | 'hard';
  /** Whether the core has the DSP extension (SMLAD, SXTB16): selects the optimized kernels. */
  dsp: boolean;
  memory: { flash: MemoryRegion; ram: MemoryRegion };
  /** Serial port of the profiler protocol. */
  uart: { kind: 'cmsdk'; base: number; rxIrq: number };
  flash: FlashMethod;
  /** The timer the profiler counts with and its unit (a QEMU board counts instructions, not cycles). */
  timer: { kind: 'systick'; hz: number; unit: 'instructions' | 'cycles' };
  /** QEMU machine for virtual boards (absent for real hardware). */
  qemu?: { machine: string };
  /** Firmware directory under `firmware/boards/` and the files of it a build compiles and links. */
  firmware: { directory: string; sources: string[]; linkerScript: string };
}

/** `arm-none-eabi-gcc` flags that select the board's core, instruction set and floating-point ABI. */
export function boardCompilerFlags(board: Board): string[] {
  const flags = [`-mcpu=${board.core}`, '-mthumb', `-mfloat-abi=${board.floatAbi}`];
  if (board.fpu !== 'none' && board.floatAbi !== 'soft') flags.push(`-mfpu=${board.fpu}`);
  return flags;
}

export const virtualM4f: Board = {
  id: 'virtual-m4f',
  name: 'Virtual Cortex-M4F (QEMU mps2-an386)',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  memory: {
    flash: { origin: 0x0000_0000, size: 4 * 1024 * 1024 },
    ram: { origin: 0x2000_0000, size: 4 * 1024 * 1024 },
  },
  uart: { kind: 'cmsdk', base: 0x4000_4000, rxIrq: 0 },
  flash: { kind: 'gdb-remote', server: 'qemu' },
  timer: { kind: 'systick', hz: 25_000_000, unit: 'instructions' },
  qemu: { machine: 'mps2-an386' },
  firmware: { directory: 'virtual-m4f', sources: ['startup.c', 'board.c'], linkerScript: 'virtual-m4f.ld' },
};

/** Every board TinyDeploy knows; the first is the default. */
export const boards: readonly Board[] = [virtualM4f];

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
