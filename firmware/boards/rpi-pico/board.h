/*
 * TinyDeploy board rpi-pico: Raspberry Pi Pico, an RP2040 (Cortex-M0+: no FPU, no DSP, no DWT
 * cycle counter) at 125 MHz, running the RP2040 family code of ../rp2040/ after its boot2 stage
 * for the W25Q16JV flash. XIP flash 2 MiB at 0x10000000 (boot2 in its first 256 bytes, the
 * vector table at 0x10000100); SRAM 264 KiB at 0x20000000. UART0 (PL011) at 0x40034000
 * (interrupt 20) on GP0 TX / GP1 RX: the Debug Probe's UART. Cycles from SysTick on the core clock.
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "rpi-pico"
#define TD_CPU_HZ 125000000u
#define TD_UART0_BASE 0x40034000u
#define TD_UART0_RX_IRQ 20
/* External interrupts of the RP2040 (datasheet §2.3.2: 0 … 25). */
#define TD_IRQ_COUNT 26
/* No DWT CYCCNT on the Cortex-M0+: ../common/src/td_systick_timer.c counts core cycles. */
#define TD_SYSTICK_COUNTS_CYCLES 1

/* 12 MHz / 1 × 125 = 1500 MHz VCO, / 6 / 2 = 125 MHz. */
#define TD_RP2040_PLL_REFDIV 1u
#define TD_RP2040_PLL_FBDIV 125u
#define TD_RP2040_PLL_POSTDIV1 6u
#define TD_RP2040_PLL_POSTDIV2 2u
#define TD_RP2040_UART_TX_PIN 0u
#define TD_RP2040_UART_RX_PIN 1u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
