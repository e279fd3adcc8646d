/*
 * TinyDeploy board interface for virtual-m4f: Cortex-M4F on QEMU `mps2-an386`, CMSDK UART0 at 0x40004000, receive interrupt 0.
 * The functions are those of every board (the same on every board), implemented
 * for the CMSDK UART in firmware/boards/common/src/td_cmsdk_board.c; the constants below are
 * what the shared drivers and startup need (firmware/boards/common/include/td_board_config.h).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "virtual-m4f"
#define TD_UART0_BASE 0x40004000u
#define TD_UART0_RX_IRQ 0
/* External interrupts in the vector table (QEMU's NVIC for this machine has this many). */
#define TD_IRQ_COUNT 32
/* Core clock, also SysTick's: under `-icount shift=0` one tick is 1e9 / TD_CPU_HZ instructions. */
#define TD_CPU_HZ 25000000u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
