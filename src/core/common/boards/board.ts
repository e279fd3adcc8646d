/**
 * What a board is, as the catalog, custom boards and every back end describe it: core and FPU, memory
 * map, UART, timer, flash method, USB ids of its probe and its firmware files. Types only (and the
 * flash method's display name), so board families (stm32f4.ts) and the catalog can both import them.
 */
export interface MemoryRegion {
  /** Start address. */
  origin: number;
  /** Size in bytes. */
  size: number;
}

export type CortexCore = 'cortex-m0plus' | 'cortex-m3' | 'cortex-m4' | 'cortex-m7' | 'cortex-m33' | 'cortex-m55';
export type FloatingPointUnit = 'none' | 'fpv4-sp-d16' | 'fpv5-sp-d16' | 'fpv5-d16' | 'auto';

/** A named memory beside the main flash and RAM (TCM, another SRAM bank): where placing hot data matters. */
export interface NamedMemoryRegion extends MemoryRegion {
  name: string;
  /** What it is for, e.g. "tightly coupled to the core: no wait states, not cached". */
  note?: string;
}

/**
 * The UART of the profiler's line: on real boards the one wired to the debug probe's virtual COM
 * port. `kind` names the peripheral, which selects the driver: `cmsdk` (Arm MPS2/MPS3),
 * `stm32-usart` (STM32 USART/LPUART), `nrf-uarte` (nRF52 UARTE), `pl011` (Arm PrimeCell, RP2040/RP2350).
 */
export interface BoardUart {
  kind: 'cmsdk' | 'stm32-usart' | 'nrf-uarte' | 'pl011';
  base: number;
  rxIrq: number;
  /** The peripheral's name in the reference manual and the pins it uses, e.g. "USART2 (PA2 TX, PA3 RX)". */
  name?: string;
}

/** How a firmware image gets onto the board. */
export type FlashMethod =
  | {
      kind: 'gdb-remote';
      /** The GDB server: QEMU's gdbstub for virtual boards, OpenOCD / pyOCD / J-Link / st-util for real ones. */
      server: 'qemu' | 'openocd' | 'pyocd' | 'jlink' | 'st-util';
    }
  | {
      kind: 'mass-storage';
      format: 'bin' | 'hex' | 'uf2';
      /** Volume labels of the drive, e.g. NODE_F446RE (ST-LINK), RPI-RP2 (RP2040 BOOTSEL). */
      volumes?: string[];
      /** UF2 family id the drive accepts (uf2families.json), for `format: 'uf2'`. */
      uf2FamilyId?: number;
    };

/** The short name of a flash method, as `tinydeploy boards` prints it: openocd, pyocd, jlink, st-util, qemu, bin-drive, hex-drive, uf2-drive. */
export function flashMethodName(method: FlashMethod): string {
  return method.kind === 'gdb-remote' ? method.server : `${method.format}-drive`;
}

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
  /** A board the user described (`tinydeploy boards add`), kept in the data folder's store, not in this catalog. */
  custom?: boolean;
  /** The chip family whose start-up, clock and UART code it runs (`firmware/boards/<family>/`), e.g. stm32f4, rp2040. */
  family?: string;
  /** The microcontroller, e.g. STM32F446RE. */
  chip?: string;
  core: CortexCore;
  fpu: FloatingPointUnit;
  floatAbi: 'soft' | 'softfp' | 'hard';
  /** Whether the core has the DSP extension (SMLAD, SXTB16): selects the optimized kernels. */
  dsp: boolean;
  /**
   * Whether a Cortex-M55's Helium (M-profile Vector Extension) kernels are used: true unless set
   * to false (a core built without MVE, or to measure the DSP kernels on the same board).
   */
  helium?: boolean;
  /** Core clock in Hz: turns cycles into milliseconds (and SysTick's reload on virtual boards). */
  cpuHz: number;
  /**
   * `flash` and `ram` are where the build puts code and weights, and data, arena and stack
   * (the largest contiguous RAM when there are several); `regions` lists the others.
   */
  memory: { flash: MemoryRegion; ram: MemoryRegion; regions?: NamedMemoryRegion[] };
  /** Instruction and data caches as the start-up leaves them (Cortex-M7), and ART-style flash accelerators. */
  caches?: { instruction: boolean; data: boolean; note?: string };
  /** Flash wait states at `cpuHz` (what the cycle estimate adds to fetches from flash). */
  flashWaitStates?: number;
  /** Serial port of the profiler protocol. */
  uart: BoardUart;
  /** The default way to flash it; `flashMethods` lists every supported way, this one first. */
  flash: FlashMethod;
  flashMethods?: FlashMethod[];
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
  firmware: BoardFirmware;
}

export interface BoardFirmware {
  directory: string;
  sources: string[];
  runtimeSources: string[];
  includeDirs: string[];
  linkerScript: string;
  /**
   * The build writes the board's board.h and linker script from this entry (custom boards, and
   * catalog boards whose family firmware is not written yet) instead of copying a board folder.
   */
  generated?: boolean;
  /**
   * What the family firmware still lacks (e.g. "firmware/boards/rp2040: boot2 stage, clocks, PL011
   * UART"): the build then links with the generic Cortex-M start-up to report flash and RAM, and
   * says that the image does not run on the board. Absent when the board's firmware is complete.
   */
  missing?: string;
  /**
   * RP2040: the second-stage boot source (relative to `firmware/boards/`), compiled for SRAM,
   * padded and given its CRC32 by the build, and linked as the first 256 bytes of flash.
   */
  boot2?: string;
}

