import { DeviceError } from '../errors.js';
import { familyFirmware } from './families.js';
import { stm32f4Firmware, virtualStm32f405 } from './stm32f4.js';

/**
 * The board catalog: what the build needs to compile for a board (core, FPU, memory map, the
 * board's firmware files and the drivers the profiler runs on) and what deploy needs to reach it
 * (QEMU machine or serial port, how to flash, USB VID/PID of its probe). Plain data, so the UI,
 * the CLI and the worker read the same entries. Each board's C side is `firmware/boards/<id>/`
 * (board.h with its constants, linker script, board.json describing the same facts for people
 * building without TinyDeploy; a test keeps the two in agreement).
 */

export * from './board.js';
import type { Board, BoardTimer, FlashMethod, UsbId } from './board.js';

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

const stlinkV21: UsbId = { vendorId: '0483', productId: '374b', name: 'ST-LINK/V2-1' };
const stlinkV3: UsbId[] = [
  { vendorId: '0483', productId: '374e', name: 'STLINK-V3' },
  { vendorId: '0483', productId: '374f', name: 'STLINK-V3' },
];
const jlinkOb: UsbId[] = [
  { vendorId: '1366', productId: '1015', name: 'SEGGER J-Link OB' },
  { vendorId: '1366', productId: '1051', name: 'SEGGER J-Link OB' },
];
const picoDebugProbe: UsbId = { vendorId: '2e8a', productId: '000c', name: 'Raspberry Pi Debug Probe (CMSIS-DAP)' };
const cyclesDwt: BoardTimer = { kind: 'dwt', unit: 'cycles' };
const kib = 1024;
const mib = 1024 * 1024;

/** UF2 family ids (github.com/microsoft/uf2, utils/uf2families.json). */
export const uf2Families = {
  rp2040: 0xe48bff56,
  rp2350ArmSecure: 0xe48bff59,
  rp2350ArmNonSecure: 0xe48bff5b,
  stm32f4: 0x57755a57,
  stm32f7: 0x53b80f00,
  stm32h7: 0x6db66082,
  stm32l4: 0x00ff6919,
  nrf52840: 0xada52840,
} as const;

/** ST-LINK boards: OpenOCD first (Debian `openocd`), then pyOCD, st-util, and the ST-LINK's drive. */
function stlinkFlashMethods(volume: string): FlashMethod[] {
  return [
    { kind: 'gdb-remote', server: 'openocd' },
    { kind: 'gdb-remote', server: 'pyocd' },
    { kind: 'gdb-remote', server: 'st-util' },
    { kind: 'mass-storage', format: 'bin', volumes: [volume] },
  ];
}

/**
 * NUCLEO-L4R5ZI, MLPerf Tiny's reference board. STM32L4R5ZI (DS12023 §3.4, RM0432 §2.2): 2 MiB flash
 * at 0x08000000; SRAM1 192 KiB at 0x20000000, SRAM2 64 KiB at 0x20030000 (also at 0x10000000) and
 * SRAM3 384 KiB at 0x20040000, contiguous: 640 KiB. 120 MHz in range 1 boost mode, 5 flash wait
 * states (RM0432 table 12), ART accelerator on. UM2179: the ST-LINK/V2-1 VCP is LPUART1 on PG7/PG8.
 */
export const nucleoL4r5zi: Board = {
  id: 'nucleo-l4r5zi',
  name: 'ST NUCLEO-L4R5ZI (STM32L4R5ZI, Cortex-M4F 120 MHz)',
  kind: 'real',
  family: 'stm32l4',
  chip: 'STM32L4R5ZI',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 120_000_000,
  memory: {
    flash: { origin: 0x0800_0000, size: 2 * mib },
    ram: { origin: 0x2000_0000, size: 640 * kib },
    regions: [
      { name: 'SRAM1', origin: 0x2000_0000, size: 192 * kib },
      { name: 'SRAM2', origin: 0x2003_0000, size: 64 * kib, note: 'also at 0x10000000, parity-checked, kept in Standby' },
      { name: 'SRAM3', origin: 0x2004_0000, size: 384 * kib },
    ],
  },
  caches: { instruction: true, data: true, note: 'ART accelerator: flash instruction cache and prefetch' },
  flashWaitStates: 5,
  uart: { kind: 'stm32-usart', base: 0x4000_8000, rxIrq: 70, name: 'LPUART1 (PG7 TX, PG8 RX)' },
  flash: stlinkFlashMethods('NODE_L4R5ZI')[0],
  flashMethods: stlinkFlashMethods('NODE_L4R5ZI'),
  timer: cyclesDwt,
  usb: [stlinkV21, ...stlinkV3],
  firmware: familyFirmware('stm32l4', 'nucleo-l4r5zi'),
};

/**
 * NUCLEO-F446RE. STM32F446RE (DS10693 §3.3, RM0390 §2.3): 512 KiB flash at 0x08000000, 128 KiB SRAM
 * at 0x20000000 (SRAM1 112 KiB + SRAM2 16 KiB). 180 MHz with over-drive, 5 wait states (RM0390
 * table 5), ART on. UM1724: the ST-LINK/V2-1 VCP is USART2 on PA2/PA3.
 */
export const nucleoF446re: Board = {
  id: 'nucleo-f446re',
  name: 'ST NUCLEO-F446RE (STM32F446RE, Cortex-M4F 180 MHz)',
  kind: 'real',
  family: 'stm32f4',
  chip: 'STM32F446RE',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 180_000_000,
  memory: {
    flash: { origin: 0x0800_0000, size: 512 * kib },
    ram: { origin: 0x2000_0000, size: 128 * kib },
    regions: [
      { name: 'SRAM1', origin: 0x2000_0000, size: 112 * kib },
      { name: 'SRAM2', origin: 0x2001_c000, size: 16 * kib },
    ],
  },
  caches: { instruction: true, data: true, note: 'ART accelerator: flash instruction and data caches, prefetch' },
  flashWaitStates: 5,
  uart: { kind: 'stm32-usart', base: 0x4000_4400, rxIrq: 38, name: 'USART2 (PA2 TX, PA3 RX)' },
  flash: stlinkFlashMethods('NODE_F446RE')[0],
  flashMethods: stlinkFlashMethods('NODE_F446RE'),
  timer: cyclesDwt,
  usb: [stlinkV21],
  firmware: stm32f4Firmware('nucleo-f446re', 'dwt'),
};

/**
 * NUCLEO-H743ZI2. STM32H743ZI (DS12110 §3.3, RM0433 §2.3): 2 MiB flash at 0x08000000 (two banks);
 * ITCM 64 KiB at 0x00000000, DTCM 128 KiB at 0x20000000, AXI SRAM 512 KiB at 0x24000000, SRAM1-3
 * 288 KiB at 0x30000000, SRAM4 64 KiB at 0x38000000. 480 MHz in VOS0, 4 flash wait states (RM0433
 * table 17), I- and D-caches on. UM2407: the STLINK-V3E VCP is USART3 on PD8/PD9. The build puts
 * data and arena in AXI SRAM (the largest block; DTCM is faster but 128 KiB).
 */
export const nucleoH743zi2: Board = {
  id: 'nucleo-h743zi2',
  name: 'ST NUCLEO-H743ZI2 (STM32H743ZI, Cortex-M7 480 MHz)',
  kind: 'real',
  family: 'stm32h7',
  chip: 'STM32H743ZI',
  core: 'cortex-m7',
  fpu: 'fpv5-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 480_000_000,
  memory: {
    flash: { origin: 0x0800_0000, size: 2 * mib },
    ram: { origin: 0x2400_0000, size: 512 * kib },
    regions: [
      { name: 'ITCM', origin: 0x0000_0000, size: 64 * kib, note: 'instruction TCM: zero wait states' },
      { name: 'DTCM', origin: 0x2000_0000, size: 128 * kib, note: 'data TCM: zero wait states, not cached' },
      { name: 'AXI SRAM', origin: 0x2400_0000, size: 512 * kib, note: 'D1 domain, cached' },
      { name: 'SRAM1-3', origin: 0x3000_0000, size: 288 * kib, note: 'D2 domain' },
      { name: 'SRAM4', origin: 0x3800_0000, size: 64 * kib, note: 'D3 domain' },
    ],
  },
  caches: { instruction: true, data: true, note: 'Cortex-M7 L1: 16 KiB I-cache, 16 KiB D-cache' },
  flashWaitStates: 4,
  uart: { kind: 'stm32-usart', base: 0x4000_4800, rxIrq: 39, name: 'USART3 (PD8 TX, PD9 RX)' },
  flash: stlinkFlashMethods('NOD_H743ZI2')[0],
  flashMethods: stlinkFlashMethods('NOD_H743ZI2'),
  timer: cyclesDwt,
  usb: stlinkV3,
  firmware: familyFirmware('stm32h7', 'nucleo-h743zi2'),
};

/**
 * STM32F746G-DISCO. STM32F746NG (DS10916 §3.3, RM0385 §2.2): 1 MiB flash at 0x08000000 (AXIM; ITCM
 * alias 0x00200000); 320 KiB SRAM at 0x20000000 (DTCM 64 KiB, SRAM1 240 KiB, SRAM2 16 KiB), ITCM RAM
 * 16 KiB at 0x00000000. 216 MHz with over-drive, 7 wait states (RM0385 table 5), I- and D-caches
 * on. UM1907: the ST-LINK/V2-1 VCP is USART1 on PA9/PB7.
 */
export const stm32f746gDisco: Board = {
  id: 'stm32f746g-disco',
  name: 'ST STM32F746G-DISCO (STM32F746NG, Cortex-M7 216 MHz)',
  kind: 'real',
  family: 'stm32f7',
  chip: 'STM32F746NG',
  core: 'cortex-m7',
  fpu: 'fpv5-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 216_000_000,
  memory: {
    flash: { origin: 0x0800_0000, size: 1 * mib },
    ram: { origin: 0x2000_0000, size: 320 * kib },
    regions: [
      { name: 'ITCM RAM', origin: 0x0000_0000, size: 16 * kib, note: 'instruction TCM' },
      { name: 'DTCM', origin: 0x2000_0000, size: 64 * kib, note: 'data TCM: zero wait states, not cached' },
      { name: 'SRAM1', origin: 0x2001_0000, size: 240 * kib },
      { name: 'SRAM2', origin: 0x2004_c000, size: 16 * kib },
    ],
  },
  caches: { instruction: true, data: true, note: 'Cortex-M7 L1: 4 KiB I-cache, 4 KiB D-cache; ART on the ITCM flash path' },
  flashWaitStates: 7,
  uart: { kind: 'stm32-usart', base: 0x4001_1000, rxIrq: 37, name: 'USART1 (PA9 TX, PB7 RX)' },
  flash: stlinkFlashMethods('DIS_F746NG')[0],
  flashMethods: stlinkFlashMethods('DIS_F746NG'),
  timer: cyclesDwt,
  usb: [stlinkV21],
  firmware: familyFirmware('stm32f7', 'stm32f746g-disco'),
};

/**
 * nRF52840-DK. nRF52840 (Product Specification v1.7 §4.2): 1 MiB flash at 0x00000000, 256 KiB RAM
 * at 0x20000000; 64 MHz, no flash wait states with the cache on (NVMC ICACHECNF). The J-Link OB's
 * VCP is UART0 on P0.06 (TX) / P0.08 (RX) (nRF52840 DK user guide §7.2): UARTE0 at 0x40002000, IRQ 2.
 */
export const nrf52840Dk: Board = {
  id: 'nrf52840-dk',
  name: 'Nordic nRF52840-DK (nRF52840, Cortex-M4F 64 MHz)',
  kind: 'real',
  family: 'nrf52',
  chip: 'nRF52840',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 64_000_000,
  memory: {
    flash: { origin: 0x0000_0000, size: 1 * mib },
    ram: { origin: 0x2000_0000, size: 256 * kib },
  },
  caches: { instruction: true, data: false, note: 'NVMC instruction cache' },
  flashWaitStates: 0,
  uart: { kind: 'nrf-uarte', base: 0x4000_2000, rxIrq: 2, name: 'UARTE0 (P0.06 TX, P0.08 RX)' },
  flash: { kind: 'gdb-remote', server: 'jlink' },
  flashMethods: [
    { kind: 'gdb-remote', server: 'jlink' },
    { kind: 'gdb-remote', server: 'pyocd' },
    { kind: 'mass-storage', format: 'hex', volumes: ['JLINK'] },
  ],
  timer: cyclesDwt,
  usb: jlinkOb,
  firmware: familyFirmware('nrf52', 'nrf52840-dk'),
};

/**
 * Raspberry Pi Pico. RP2040 (datasheet §2.2, §2.6): XIP flash at 0x10000000 (the Pico's W25Q16JV,
 * 2 MiB; the first 256 bytes are the boot2 stage), SRAM 264 KiB at 0x20000000 (four striped 64 KiB
 * banks + two 4 KiB). 125 MHz from the PLL. Cortex-M0+: no FPU, no DSP, no DWT cycle counter, so
 * the profiler counts cycles with SysTick on the core clock. UART0 (PL011, 0x40034000, IRQ 20) on
 * GP0/GP1 goes to the Debug Probe's UART.
 */
export const raspberryPiPico: Board = {
  id: 'rpi-pico',
  name: 'Raspberry Pi Pico (RP2040, Cortex-M0+ 125 MHz)',
  kind: 'real',
  family: 'rp2040',
  chip: 'RP2040',
  core: 'cortex-m0plus',
  fpu: 'none',
  floatAbi: 'soft',
  dsp: false,
  cpuHz: 125_000_000,
  memory: {
    flash: { origin: 0x1000_0000, size: 2 * mib },
    ram: { origin: 0x2000_0000, size: 264 * kib },
    regions: [
      { name: 'SRAM0-3', origin: 0x2000_0000, size: 256 * kib, note: 'striped over four banks' },
      { name: 'SRAM4', origin: 0x2004_0000, size: 4 * kib },
      { name: 'SRAM5', origin: 0x2004_1000, size: 4 * kib },
    ],
  },
  caches: { instruction: true, data: false, note: 'XIP cache, 16 KiB' },
  uart: { kind: 'pl011', base: 0x4003_4000, rxIrq: 20, name: 'UART0 (GP0 TX, GP1 RX)' },
  flash: { kind: 'mass-storage', format: 'uf2', volumes: ['RPI-RP2'], uf2FamilyId: uf2Families.rp2040 },
  flashMethods: [
    { kind: 'mass-storage', format: 'uf2', volumes: ['RPI-RP2'], uf2FamilyId: uf2Families.rp2040 },
    { kind: 'gdb-remote', server: 'openocd' },
    { kind: 'gdb-remote', server: 'pyocd' },
  ],
  timer: { kind: 'systick', unit: 'cycles' },
  usb: [picoDebugProbe, { vendorId: '2e8a', productId: '0003', name: 'RP2040 BOOTSEL' }],
  firmware: familyFirmware('rp2040', 'rpi-pico'),
};

/**
 * Raspberry Pi Pico 2. RP2350 (datasheet §2.2, §4.2): XIP flash at 0x10000000 (the Pico 2's 4 MiB),
 * SRAM 520 KiB at 0x20000000 (eight striped 64 KiB banks + two 4 KiB). 150 MHz. Cortex-M33 with
 * FPU and DSP, run in the Secure state. UART0 (PL011, 0x40070000, IRQ 33) on GP0/GP1.
 */
export const raspberryPiPico2: Board = {
  id: 'rpi-pico2',
  name: 'Raspberry Pi Pico 2 (RP2350, Cortex-M33 150 MHz)',
  kind: 'real',
  family: 'rp2350',
  chip: 'RP2350A',
  core: 'cortex-m33',
  fpu: 'fpv5-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 150_000_000,
  memory: {
    flash: { origin: 0x1000_0000, size: 4 * mib },
    ram: { origin: 0x2000_0000, size: 520 * kib },
    regions: [
      { name: 'SRAM0-7', origin: 0x2000_0000, size: 512 * kib, note: 'striped over eight banks' },
      { name: 'SRAM8', origin: 0x2008_0000, size: 4 * kib },
      { name: 'SRAM9', origin: 0x2008_1000, size: 4 * kib },
    ],
  },
  caches: { instruction: true, data: true, note: 'XIP cache, 16 KiB' },
  uart: { kind: 'pl011', base: 0x4007_0000, rxIrq: 33, name: 'UART0 (GP0 TX, GP1 RX)' },
  flash: { kind: 'mass-storage', format: 'uf2', volumes: ['RP2350'], uf2FamilyId: uf2Families.rp2350ArmSecure },
  flashMethods: [
    { kind: 'mass-storage', format: 'uf2', volumes: ['RP2350'], uf2FamilyId: uf2Families.rp2350ArmSecure },
    { kind: 'gdb-remote', server: 'openocd' },
    { kind: 'gdb-remote', server: 'pyocd' },
  ],
  timer: cyclesDwt,
  usb: [picoDebugProbe, { vendorId: '2e8a', productId: '000f', name: 'RP2350 BOOTSEL' }],
  firmware: familyFirmware('rp2350', 'rpi-pico2'),
};

/** Every board TinyDeploy knows; the first is the default. */
export const boards: readonly Board[] = [
  virtualM4f,
  virtualM7,
  virtualM55,
  realTemplate,
  virtualStm32f405,
  nucleoL4r5zi,
  nucleoF446re,
  nucleoH743zi2,
  stm32f746gDisco,
  nrf52840Dk,
  raspberryPiPico,
  raspberryPiPico2,
];

export const defaultBoardId = boards[0].id;

/**
 * The board with this id: a catalog board, else one of the user's `custom` boards (read from the
 * store by the caller: this module is pure). The one lookup every command and service uses.
 */
export function findBoard(id: string, custom: readonly Board[] = []): Board | undefined {
  return boards.find((board) => board.id === id) ?? custom.find((board) => board.id === id);
}

/** The board with this id; an unknown id is a DeviceError listing the known ones (catalog, then custom). */
export function requireBoard(id: string, custom: readonly Board[] = []): Board {
  const board = findBoard(id, custom);
  if (!board) {
    throw new DeviceError(`unknown board "${id}"; known boards: ${[...boards, ...custom].map((b) => b.id).join(', ')}`, { board: id });
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
  { vendorId: '1366', productId: '1051', name: 'SEGGER J-Link' },
  { vendorId: '1fc9', productId: '0143', name: 'NXP MCU-Link' },
  { vendorId: '2e8a', productId: '000c', name: 'Raspberry Pi Debug Probe' },
  { vendorId: '2e8a', productId: '0003', name: 'RP2040 BOOTSEL' },
  { vendorId: '2e8a', productId: '000f', name: 'RP2350 BOOTSEL' },
];
