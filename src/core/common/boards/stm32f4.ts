import type { Board, BoardFirmware, BoardTimer } from './board.js';

/**
 * The STM32F4 family's firmware (`firmware/boards/stm32f4/`): the shared Cortex-M start-up and
 * vector table, the family's clock set-up (PLL, regulator and over-drive, flash wait states and
 * ART accelerator, bounded waits), its USART driver and receive interrupt, plus the timer. Each
 * board adds only its folder: board.h (clock tree, USART, pins) and linker script.
 */
export function stm32f4Firmware(directory: string, timer: BoardTimer['kind']): BoardFirmware {
  return {
    directory,
    sources: ['common/src/td_startup.c', 'stm32f4/src/td_stm32f4_clock.c', 'stm32f4/src/td_stm32f4_board.c'],
    runtimeSources: ['stm32f4/src/td_stm32f4_serial.c', timer === 'dwt' ? 'common/src/td_dwt_timer.c' : 'common/src/td_systick_timer.c'],
    includeDirs: [directory, 'stm32f4/include', 'common/include'],
    linkerScript: `${directory}/${directory}.ld`,
  };
}

/**
 * QEMU's netduinoplus2: an STM32F405RG (RM0090, DS8626): 1 MiB flash at 0x08000000 (aliased at 0,
 * where the core boots), 128 KiB SRAM at 0x20000000 (SRAM1 112 KiB + SRAM2 16 KiB), 64 KiB CCM
 * data RAM at 0x10000000; USART1 at 0x40011000 (IRQ 37), which QEMU connects to its first -serial.
 *
 * It runs the STM32F4 family code of the NUCLEO boards, and deploy drives it through the
 * real-board back-end (flash through a GDB server, the line through the serialport transport):
 * QEMU plays the probe, its gdbstub the GDB server and its pty the virtual COM port. QEMU does not
 * model the RCC, so the clock set-up falls back to HSI (td_stm32f4_clock says so); SysTick runs
 * at QEMU's fixed 168 MHz, so under -icount the profiler counts instructions, as on every virtual
 * board. QEMU 7.2 reads its CCM as an error over GDB: the build leaves it unused.
 */
export const virtualStm32f405: Board = {
  id: 'virtual-stm32f405',
  name: 'Virtual STM32F405 (QEMU netduinoplus2, Cortex-M4F)',
  kind: 'virtual',
  family: 'stm32f4',
  chip: 'STM32F405RG',
  core: 'cortex-m4',
  fpu: 'fpv4-sp-d16',
  floatAbi: 'hard',
  dsp: true,
  cpuHz: 168_000_000,
  memory: {
    flash: { origin: 0x0800_0000, size: 1024 * 1024 },
    ram: { origin: 0x2000_0000, size: 128 * 1024 },
    regions: [{ name: 'CCM', origin: 0x1000_0000, size: 64 * 1024, note: 'core-coupled data RAM: no DMA, unused by the build' }],
  },
  flashWaitStates: 5,
  uart: { kind: 'stm32-usart', base: 0x4001_1000, rxIrq: 37, name: 'USART1 (PA9 TX, PA10 RX)' },
  flash: { kind: 'gdb-remote', server: 'qemu' },
  timer: { kind: 'systick', unit: 'instructions' },
  qemu: { machine: 'netduinoplus2' },
  firmware: stm32f4Firmware('virtual-stm32f405', 'systick'),
};
