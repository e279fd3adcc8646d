import type { BoardFirmware } from './board.js';

/**
 * The firmware of the chip families in `firmware/boards/<family>/` beside STM32F4 (stm32f4.ts):
 * start-up (the shared Cortex-M one), the family's clock set-up and board init, the UART driver
 * and the timer. Drivers two families share live in `firmware/boards/common/`: the STM32 USART
 * with ISR/RDR/TDR (F7, H7, L4), the PL011 (RP2040, RP2350), the receive ring every driver uses,
 * and the timers. Each board adds only its folder: board.h (clock tree, UART, pins) and linker
 * script (its flash and RAM, then `common/ld/td_cortex_m_sections.ld`).
 */
export type BoardFamily = 'stm32l4' | 'stm32f7' | 'stm32h7' | 'nrf52' | 'rp2040' | 'rp2350';

const startup = 'common/src/td_startup.c';
const dwtTimer = 'common/src/td_dwt_timer.c';
const stm32Usart = { board: 'common/src/td_stm32_usart_board.c', serial: 'common/src/td_stm32_usart_serial.c' };
const pl011 = { board: 'common/src/td_pl011_board.c', serial: 'common/src/td_pl011_serial.c' };

const families: Record<BoardFamily, { sources: string[]; runtimeSources: string[]; boot2?: string }> = {
  stm32l4: {
    sources: [startup, 'stm32l4/src/td_stm32l4_clock.c', 'stm32l4/src/td_stm32l4_board.c', stm32Usart.board],
    runtimeSources: [stm32Usart.serial, dwtTimer],
  },
  stm32f7: {
    sources: [startup, 'stm32f7/src/td_stm32f7_clock.c', 'stm32f7/src/td_stm32f7_board.c', stm32Usart.board],
    runtimeSources: [stm32Usart.serial, dwtTimer],
  },
  stm32h7: {
    sources: [startup, 'stm32h7/src/td_stm32h7_clock.c', 'stm32h7/src/td_stm32h7_board.c', stm32Usart.board],
    runtimeSources: [stm32Usart.serial, dwtTimer],
  },
  nrf52: {
    sources: [startup, 'nrf52/src/td_nrf52_clock.c', 'nrf52/src/td_nrf52_board.c'],
    runtimeSources: ['nrf52/src/td_nrf52_serial.c', dwtTimer],
  },
  // Cortex-M0+: no DWT cycle counter; SysTick counts cycles (board.h: TD_SYSTICK_COUNTS_CYCLES).
  rp2040: {
    sources: [startup, 'rp2040/src/td_rp2040_clock.c', 'rp2040/src/td_rp2040_board.c', pl011.board],
    runtimeSources: [pl011.serial, 'common/src/td_systick_timer.c'],
    boot2: 'rp2040/boot2/td_rp2040_boot2.c',
  },
  rp2350: {
    sources: [startup, 'rp2350/src/td_rp2350_image_def.c', 'rp2350/src/td_rp2350_clock.c', 'rp2350/src/td_rp2350_board.c', pl011.board],
    runtimeSources: [pl011.serial, dwtTimer],
  },
};

/** The firmware of board folder `directory` (firmware/boards/<directory>/) running `family`'s code. */
export function familyFirmware(family: BoardFamily, directory: string): BoardFirmware {
  const { sources, runtimeSources, boot2 } = families[family];
  return {
    directory,
    sources: [...sources],
    runtimeSources: [...runtimeSources],
    includeDirs: [directory, `${family}/include`, 'common/include'],
    linkerScript: `${directory}/${directory}.ld`,
    ...(boot2 ? { boot2 } : {}),
  };
}
