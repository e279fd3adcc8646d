/*
 * TinyDeploy board rpi-pico2: Raspberry Pi Pico 2, an RP2350A (Cortex-M33 with FPU and DSP, run
 * in the Secure state) at 150 MHz, running the RP2350 family code of ../rp2350/. XIP flash 4 MiB
 * at 0x10000000 (vector table, then the IMAGE_DEF block, at its start); SRAM 520 KiB at
 * 0x20000000. UART0 (PL011) at 0x40070000 (interrupt 33) on GP0 TX / GP1 RX: the Debug Probe's
 * UART. Cycles from DWT CYCCNT.
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "rpi-pico2"
#define TD_CPU_HZ 150000000u
#define TD_UART0_BASE 0x40070000u
#define TD_UART0_RX_IRQ 33
/* External interrupts of the RP2350 (datasheet §3.2: 0 … 51). */
#define TD_IRQ_COUNT 52

/* 12 MHz / 1 × 125 = 1500 MHz VCO, / 5 / 2 = 150 MHz. */
#define TD_RP2350_PLL_REFDIV 1u
#define TD_RP2350_PLL_FBDIV 125u
#define TD_RP2350_PLL_POSTDIV1 5u
#define TD_RP2350_PLL_POSTDIV2 2u
#define TD_RP2350_UART_TX_PIN 0u
#define TD_RP2350_UART_RX_PIN 1u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
