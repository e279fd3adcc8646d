/*
 * TinyDeploy board interface for virtual-m55: Cortex-M55 on QEMU `mps3-an547`, CMSDK UART0 at its secure alias 0x59303000, receive interrupt 33. The core starts in the Secure state with the SAU off, so everything runs Secure and uses the
 * Secure aliases of memory and peripherals; the reset vector table is at 0x10000000 (INITSVTOR).
 * The functions are those of every board (see firmware/boards/virtual-m4f/board.h), implemented
 * for the CMSDK UART in firmware/boards/common/src/td_cmsdk_board.c; the constants below are
 * what the shared drivers and startup need (firmware/boards/common/include/td_board_config.h).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "virtual-m55"
#define TD_UART0_BASE 0x59303000u
#define TD_UART0_RX_IRQ 33
/* External interrupts in the vector table (QEMU's NVIC for this machine has this many). */
#define TD_IRQ_COUNT 96
/* Core clock, also SysTick's: under `-icount shift=0` one tick is 1e9 / TD_CPU_HZ instructions. */
#define TD_CPU_HZ 32000000u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
